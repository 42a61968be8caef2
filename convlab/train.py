"""One seeded training loop, its evaluation, one timer — and chapter 1's pixel-shuffling experiment.

:func:`fit` trains any classifier with Adam and cross-entropy, seeded and on one CPU thread, so
the same call always gives the same weights. :func:`train_and_evaluate` (mini-batches) and
:func:`fit_and_score` (full batch, optional weight decay) are the two ways the chapters call it.
:func:`run_experiment` trains an MLP and a CNN on original and on pixel-shuffled images.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import nn

from convlab._validate import integer
from convlab.data import ShapesData, permute_pixels
from convlab.models import make_cnn, make_mlp
from convlab.tables import text_table
from convlab.threads import one_cpu_thread

__all__ = [
    "ExperimentResult",
    "accuracy",
    "fit",
    "fit_and_score",
    "run_experiment",
    "time_module",
    "train_and_evaluate",
]


def _tensors(data, name: str) -> tuple[torch.Tensor, torch.Tensor]:
    """``(images, labels)`` from a :class:`~convlab.data.ShapesData` or an ``(images, labels)`` pair."""
    if isinstance(data, ShapesData):
        return data.images, data.labels
    if isinstance(data, (tuple, list)) and len(data) == 2 and all(isinstance(t, torch.Tensor) for t in data):
        return data[0], data[1]
    raise TypeError(f"{name} must be a ShapesData or an (images, labels) pair of tensors, got {type(data).__name__}")


@contextmanager
def _reproducible(model: nn.Module) -> Iterator[None]:
    """One CPU thread and float64, both restored afterwards.

    One thread: the sums happen in one fixed order, so every run gives the same result.
    float64: float32 sums round differently from one instruction set to the next (PyTorch picks
    its kernels by CPU), and training amplifies that until a printed accuracy moves; in float64
    such differences stay far below what an accuracy shows. The model keeps its dtype.
    """
    dtype = next(model.parameters()).dtype
    model.to(torch.float64)
    try:
        with one_cpu_thread():
            yield
    finally:
        model.to(dtype)


class _Adam:
    """Adam (with AdamW's decoupled weight decay), written out: the same update as ``torch.optim.AdamW``.

    ``torch.optim``'s first step imports PyTorch's compiler, which alone costs seconds of
    start-up; these few lines keep every experiment quick.
    """

    def __init__(self, params: list[torch.Tensor], lr: float, weight_decay: float = 0.0, betas=(0.9, 0.999),
                 eps: float = 1e-8):
        self.params, self.lr, self.weight_decay, self.betas, self.eps = params, lr, weight_decay, betas, eps
        self.first = [torch.zeros_like(p) for p in params]
        self.second = [torch.zeros_like(p) for p in params]
        self.steps = 0

    @torch.no_grad()
    def step(self) -> None:
        """Update every parameter from its ``.grad``, then clear the gradients."""
        self.steps += 1
        (b1, b2), lr, t = self.betas, self.lr, self.steps
        for p, m, v in zip(self.params, self.first, self.second, strict=True):
            if self.weight_decay:
                p.mul_(1 - lr * self.weight_decay)
            m.mul_(b1).add_(p.grad, alpha=1 - b1)
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
            denom = (v / (1 - b2**t)).sqrt_().add_(self.eps)
            p.addcdiv_(m, denom, value=-lr / (1 - b1**t))
            p.grad = None


def fit(model: nn.Module, data, *, epochs: int, batch_size: int | None = None, lr: float = 0.01,
        weight_decay: float = 0.0, seed: int = 0) -> nn.Module:
    """Train ``model`` in place with Adam and cross-entropy on ``data``; return it.

    ``batch_size=None`` takes the whole data set as one batch, in order, for each of the
    ``epochs`` steps; otherwise every epoch visits the data in a fresh order drawn from
    ``seed``. ``weight_decay`` shrinks every weight by ``lr · weight_decay`` per step (as
    AdamW does). Runs on one CPU thread and in float64 (both restored afterwards), so the
    result is the same on every run and on every CPU.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    images, labels = _tensors(data, "data")
    epochs = integer("epochs", epochs, minimum=1)
    if batch_size is not None:
        batch_size = integer("batch_size", batch_size, minimum=1)
    images = images.to(torch.float64)
    with _reproducible(model):
        generator = torch.Generator().manual_seed(integer("seed", seed))
        optimizer = _Adam([p for p in model.parameters() if p.requires_grad], lr, weight_decay)
        model.train()
        for _ in range(epochs):
            if batch_size is None:
                batches = [slice(None)]
            else:
                order = torch.randperm(len(labels), generator=generator)
                batches = [order[start : start + batch_size] for start in range(0, len(labels), batch_size)]
            for batch in batches:
                nn.functional.cross_entropy(model(images[batch]), labels[batch]).backward()
                optimizer.step()
        model.eval()
    return model


@torch.no_grad()
def accuracy(model: nn.Module, data) -> float:
    """Fraction of ``data`` that ``model`` classifies right, in [0, 1]."""
    images, labels = _tensors(data, "data")
    with _reproducible(model):
        return (model(images.to(torch.float64)).argmax(dim=1) == labels).float().mean().item()


def train_and_evaluate(
    model: nn.Module, train, test, *, epochs: int = 6, batch_size: int = 128, lr: float = 0.02, seed: int = 0
) -> float:
    """Train ``model`` in place on mini-batches of ``train`` (:func:`fit`); return its accuracy on ``test``."""
    _tensors(test, "test")
    return accuracy(fit(model, train, epochs=epochs, batch_size=batch_size, lr=lr, seed=seed), test)


def fit_and_score(
    model: nn.Module, train, test, steps: int = 200, lr: float = 0.01, weight_decay: float = 0.0
) -> tuple[float, float]:
    """Train ``model`` full-batch for ``steps`` steps (:func:`fit`); return (train, test) accuracy."""
    _tensors(test, "test")
    fit(model, train, epochs=integer("steps", steps, minimum=1), lr=lr, weight_decay=weight_decay)
    return accuracy(model, train), accuracy(model, test)


@torch.no_grad()
def time_module(module: nn.Module, x: torch.Tensor, repeats: int = 5) -> float:
    """Best-of-``repeats`` wall-clock seconds of ``module(x)`` on the CPU (after one warm-up)."""
    repeats = integer("repeats", repeats, minimum=1)
    module(x)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        module(x)
        best = min(best, time.perf_counter() - start)
    return best


@dataclass(frozen=True)
class ExperimentResult:
    """Test accuracies (in [0, 1]) of each model on original and on permuted pixels."""

    accuracy: dict[tuple[str, str], float]  # (model, "original" | "permuted") -> accuracy

    def table(self) -> str:
        """The accuracies as a small text table, in percent."""
        models = list(dict.fromkeys(model for model, _ in self.accuracy))
        rows = []
        for model in models:
            orig, perm = self.accuracy[model, "original"], self.accuracy[model, "permuted"]
            rows.append([model, f"{orig:.1%}", f"{perm:.1%}", f"{(perm - orig) * 100:+.1f}%"])
        return text_table(["model", "original", "permuted", "change"], rows)

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
    results = {}
    for name, build in builders.items():
        for pixels, (tr, te) in shuffled.items():
            torch.manual_seed(seed)
            results[name, pixels] = train_and_evaluate(build(), tr, te, epochs=epochs, seed=seed)
    return ExperimentResult(results)
