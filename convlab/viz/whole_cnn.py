"""Pictures for chapter 9, "A whole CNN": digits, learned kernels with their feature maps, loss curves.

Drawing only: every number drawn here is computed by the caller (the notebook), so the
figures hold no logic a learner needs to read.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

__all__ = ["draw_digits", "draw_kernels_and_maps", "draw_loss"]


def _tensor(name: str, value, ndim: int) -> torch.Tensor:
    if not isinstance(value, torch.Tensor) or value.ndim != ndim:
        shape = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
        raise ValueError(f"{name} must be a {ndim}-D tensor, got {shape}")
    return value.detach().cpu().to(torch.float64)


def draw_digits(images: torch.Tensor, labels: torch.Tensor, *, per_class: int = 1) -> Figure:
    """The first ``per_class`` images of each label, one column per label, titled with it.

    ``images`` is ``(N, 1, H, W)`` and ``labels`` ``(N,)``.
    """
    images = _tensor("images", images, 4)
    if not isinstance(labels, torch.Tensor) or labels.shape != images.shape[:1]:
        raise ValueError(f"labels must be a tensor of shape ({len(images)},)")
    if isinstance(per_class, bool) or not isinstance(per_class, int) or per_class < 1:
        raise ValueError(f"per_class must be a positive integer, got {per_class!r}")
    classes = [int(c) for c in torch.unique(labels)]
    fig, axes = plt.subplots(per_class, len(classes), figsize=(0.8 * len(classes), 0.9 * per_class), squeeze=False)
    for col, label in enumerate(classes):
        picks = (labels == label).nonzero().flatten()[:per_class]
        for row in range(per_class):
            ax = axes[row, col]
            if row < len(picks):
                ax.imshow(images[picks[row], 0].numpy(), cmap="gray_r", vmin=0, vmax=1)
            ax.set(xticks=[], yticks=[])
        axes[0, col].set_title(str(label), fontsize=9)
    fig.tight_layout()
    return fig


def draw_kernels_and_maps(image: torch.Tensor, kernels: torch.Tensor, maps: torch.Tensor) -> Figure:
    """One input image, then each first-layer kernel above the feature map it makes.

    ``image`` is ``(H, W)``, ``kernels`` ``(K, 1, kH, kW)`` and ``maps`` ``(K, H', W')``.
    Kernels share one symmetric colour scale (red positive, blue negative); each map has its own.
    """
    image = _tensor("image", image, 2)
    kernels = _tensor("kernels", kernels, 4)
    maps = _tensor("maps", maps, 3)
    if len(kernels) != len(maps):
        raise ValueError(f"kernels and maps must come in equal numbers, got {len(kernels)} and {len(maps)}")
    k = len(kernels)
    fig, axes = plt.subplots(2, k + 1, figsize=(1.1 * (k + 1), 2.4), squeeze=False)
    axes[0, 0].imshow(image.numpy(), cmap="gray_r", vmin=0, vmax=1)
    axes[0, 0].set_title("input", fontsize=8)
    axes[1, 0].axis("off")
    limit = float(kernels.abs().max()) or 1.0
    for i in range(k):
        axes[0, i + 1].imshow(kernels[i, 0].numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[0, i + 1].set_title(f"kernel {i}", fontsize=8)
        axes[1, i + 1].imshow(maps[i].numpy(), cmap="gray")
        axes[1, i + 1].set_title(f"map {i}", fontsize=8)
    for ax in axes.flat:
        ax.set(xticks=[], yticks=[])
    fig.tight_layout()
    return fig


def draw_loss(curves: dict[str, Sequence[float]], *, xlabel: str = "step", log: bool = False) -> Figure:
    """Loss curves, one line per entry of ``curves`` (name → losses), on a log scale if ``log``."""
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict of name → sequence of losses")
    fig, ax = plt.subplots(figsize=(4.5, 2.6))
    for name, losses in curves.items():
        values = [float(v) for v in losses]
        if not values:
            raise ValueError(f"curves[{name!r}] is empty")
        ax.plot(range(len(values)), values, label=name)
    if log:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel="loss")
    if len(curves) > 1:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
