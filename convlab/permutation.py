"""The pixel-shuffling experiment: an MLP and a small CNN, trained on original and permuted pixels.

A fixed permutation of the pixels (the same for every image, train and test) keeps all the
information in an image but destroys which pixels are neighbours. A fully-connected layer
never used that, so an MLP learns just as well; a convolution relies on it, so a CNN suffers.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from torch import nn

from convlab._validate import integer
from convlab.shapes_data import CLASSES, ShapesData

__all__ = [
    "ExperimentResult",
    "draw_examples",
    "inverse_permutation",
    "make_cnn",
    "make_mlp",
    "permute_pixels",
    "pixel_permutation",
    "run_experiment",
    "train_and_evaluate",
]


def pixel_permutation(height: int, width: int, *, seed: int = 0) -> torch.Tensor:
    """A seeded random permutation of the ``height * width`` pixel positions (int64)."""
    height = integer("height", height, minimum=1)
    width = integer("width", width, minimum=1)
    seed = integer("seed", seed, minimum=0)
    return torch.randperm(height * width, generator=torch.Generator().manual_seed(seed))


def inverse_permutation(perm: torch.Tensor) -> torch.Tensor:
    """The permutation that undoes ``perm``: ``inverse[perm[i]] = i``."""
    perm = _check_perm(perm)
    return torch.argsort(perm)


def permute_pixels(images: torch.Tensor, perm: torch.Tensor) -> torch.Tensor:
    """Shuffle the pixels of every image in a batch ``(N, C, H, W)`` the same way.

    Output pixel ``i`` (in row-major order) is input pixel ``perm[i]``; every channel is
    shuffled alike. Undo it with ``permute_pixels(out, inverse_permutation(perm))``.
    """
    if not isinstance(images, torch.Tensor) or images.ndim != 4:
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"images must be a tensor of shape (N, C, H, W), got {shape}")
    perm = _check_perm(perm)
    n, c, h, w = images.shape
    if perm.numel() != h * w:
        raise ValueError(f"perm must have H*W = {h * w} entries, got {perm.numel()}")
    return images.reshape(n, c, h * w)[:, :, perm].reshape(n, c, h, w)


def _check_perm(perm) -> torch.Tensor:
    if not isinstance(perm, torch.Tensor) or perm.ndim != 1 or perm.dtype != torch.int64:
        raise TypeError(f"perm must be a 1-D int64 tensor, got {perm!r:.60}")
    if not torch.equal(torch.sort(perm).values, torch.arange(perm.numel())):
        raise ValueError("perm must contain each of 0 … len(perm) - 1 exactly once")
    return perm


def draw_examples(data: ShapesData, perm: torch.Tensor, *, per_class: int = 2) -> Figure:
    """A figure of ``per_class`` images of each class: original on top, pixel-shuffled below."""
    if not isinstance(data, ShapesData):
        raise TypeError(f"data must be a ShapesData, got {type(data).__name__}")
    per_class = integer("per_class", per_class, minimum=1)
    picks = [int(i) for k in range(len(CLASSES)) for i in (data.labels == k).nonzero().flatten()[:per_class]]
    images = data.images[picks]
    shuffled = permute_pixels(images, perm)
    fig, axes = plt.subplots(2, len(picks), figsize=(1.0 * len(picks), 2.4), squeeze=False)
    for col, index in enumerate(picks):
        for row, batch in enumerate((images, shuffled)):
            ax = axes[row, col]
            ax.imshow(batch[col, 0].numpy(), cmap="gray", vmin=-0.3, vmax=1.2)
            ax.set(xticks=[], yticks=[])
        axes[0, col].set_title(CLASSES[int(data.labels[index])], fontsize=8)
    axes[0, 0].set_ylabel("original", fontsize=8)
    axes[1, 0].set_ylabel("permuted", fontsize=8)
    fig.tight_layout()
    return fig


def make_mlp(size: int, n_classes: int, hidden: int = 64) -> nn.Sequential:
    """Flatten → Linear(size², hidden) → ReLU → Linear(hidden, n_classes)."""
    size = integer("size", size, minimum=1)
    n_classes = integer("n_classes", n_classes, minimum=2)
    hidden = integer("hidden", hidden, minimum=1)
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(size * size, hidden),
        nn.ReLU(),
        nn.Linear(hidden, n_classes),
    )


def make_cnn(n_classes: int, channels: int = 8) -> nn.Sequential:
    """Two 3×3 convolutions with ReLU, a global max over positions, then Linear to the classes.

    The global max makes the CNN indifferent to *where* a pattern is, and the 3×3 kernels
    make it look only at *neighbouring* pixels.
    """
    n_classes = integer("n_classes", n_classes, minimum=2)
    channels = integer("channels", channels, minimum=1)
    return nn.Sequential(
        nn.Conv2d(1, channels, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(channels, 2 * channels, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveMaxPool2d(1),
        nn.Flatten(),
        nn.Linear(2 * channels, n_classes),
    )


def train_and_evaluate(
    model: nn.Module,
    train: ShapesData,
    test: ShapesData,
    *,
    epochs: int = 6,
    batch_size: int = 128,
    lr: float = 0.02,
    seed: int = 0,
) -> float:
    """Train ``model`` in place with Adam and cross-entropy; return its test accuracy in [0, 1].

    Seeded (the mini-batch order uses ``seed``) and run on one thread, so the same call
    always gives the same accuracy. It trains in float64 (the model keeps its dtype): float32
    sums round differently on another CPU (PyTorch picks its kernels by instruction
    set), and over hundreds of steps that moved test images across the decision boundary;
    float64 keeps such differences far below what a printed accuracy shows.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    for name, data in (("train", train), ("test", test)):
        if not isinstance(data, ShapesData):
            raise TypeError(f"{name} must be a ShapesData, got {type(data).__name__}")
    epochs = integer("epochs", epochs, minimum=1)
    batch_size = integer("batch_size", batch_size, minimum=1)
    threads, dtype = torch.get_num_threads(), next(model.parameters()).dtype
    torch.set_num_threads(1)  # one thread: the sums happen in one fixed order
    try:
        gen = torch.Generator().manual_seed(seed)
        model.to(torch.float64)
        train, test = (ShapesData(d.images.to(torch.float64), d.labels) for d in (train, test))
        step = _adam(list(model.parameters()), lr)
        loss_fn = nn.CrossEntropyLoss()
        model.train()
        for _ in range(epochs):
            order = torch.randperm(len(train), generator=gen)
            for start in range(0, len(train), batch_size):
                batch = order[start : start + batch_size]
                loss_fn(model(train.images[batch]), train.labels[batch]).backward()
                step()
        model.eval()
        with torch.no_grad():
            predicted = model(test.images).argmax(dim=1)
        return (predicted == test.labels).float().mean().item()
    finally:
        model.to(dtype)
        torch.set_num_threads(threads)


def _adam(params: list[torch.Tensor], lr: float, betas=(0.9, 0.999), eps: float = 1e-8):
    """A plain Adam update, written out: the same maths as ``torch.optim.Adam``.

    ``torch.optim`` imports PyTorch's compiler on first use, which costs seconds of
    start-up; this small loop keeps the experiment quick. Returns ``step()``, which
    updates the parameters from their ``.grad`` and clears the gradients.
    """
    b1, b2 = betas
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    t = 0

    @torch.no_grad()
    def step() -> None:
        nonlocal t
        t += 1
        for p, m_p, v_p in zip(params, m, v, strict=True):
            g = p.grad
            m_p.mul_(b1).add_(g, alpha=1 - b1)
            v_p.mul_(b2).addcmul_(g, g, value=1 - b2)
            denom = (v_p / (1 - b2**t)).sqrt_().add_(eps)
            p.addcdiv_(m_p, denom, value=-lr / (1 - b1**t))
            p.grad = None

    return step


@dataclass(frozen=True)
class ExperimentResult:
    """Test accuracies (in [0, 1]) of each model on original and on permuted pixels."""

    accuracy: dict[tuple[str, str], float]  # (model, "original" | "permuted") -> accuracy

    def table(self) -> str:
        """The accuracies as a small text table, in percent."""
        models = list(dict.fromkeys(model for model, _ in self.accuracy))
        lines = [f"{'model':<6}{'original':>10}{'permuted':>10}{'change':>9}"]
        for model in models:
            orig, perm = self.accuracy[model, "original"], self.accuracy[model, "permuted"]
            lines.append(f"{model:<6}{orig:>10.1%}{perm:>10.1%}{(perm - orig) * 100:>+8.1f}%")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def run_experiment(
    train: ShapesData, test: ShapesData, perm: torch.Tensor, *, epochs: int = 6, seed: int = 0
) -> ExperimentResult:
    """Train a fresh MLP and a fresh CNN on original pixels, and again on pixels shuffled by ``perm``.

    Each model starts from the same seeded initial weights in both runs, and sees the
    mini-batches in the same order; only the pixel order differs.
    """
    size = train.images.shape[-1]
    n_classes = int(torch.cat([train.labels, test.labels]).max()) + 1
    builders = {"MLP": lambda: make_mlp(size, n_classes), "CNN": lambda: make_cnn(n_classes)}
    shuffled = {
        "original": (train, test),
        "permuted": tuple(ShapesData(permute_pixels(d.images, perm), d.labels) for d in (train, test)),
    }
    accuracy = {}
    for name, build in builders.items():
        for pixels, (tr, te) in shuffled.items():
            torch.manual_seed(seed)
            accuracy[name, pixels] = train_and_evaluate(build(), tr, te, epochs=epochs, seed=seed)
    return ExperimentResult(accuracy)
