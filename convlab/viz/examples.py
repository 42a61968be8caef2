"""Pictures of the course's data sets: chapter 1's strokes, original and pixel-shuffled."""

from __future__ import annotations

import torch
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from convlab._validate import integer
from convlab.data import CLASSES, ShapesData, permute_pixels

__all__ = ["plot_shuffled_examples"]


def plot_shuffled_examples(data: ShapesData, perm: torch.Tensor, *, per_class: int = 2) -> Figure:
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
