"""Weight sharing: a convolution's parameter count next to a fully-connected layer's, and shift checks."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from torch import nn

from convlab import anim
from convlab._validate import integer
from convlab.arith import conv_output_size, conv_params, linear_params

__all__ = [
    "best_output_shift",
    "equivariance_error",
    "plot_counts",
    "sharing_counts",
    "sharing_explorer",
    "sharing_player",
    "shifted",
]


def sharing_counts(size: int, kernels: int, kernel_size: int = 5, in_channels: int = 3) -> dict[str, float]:
    """Parameters of a conv layer and of the FC layer with the same output, for one input.

    The input is ``size`` × ``size`` × ``in_channels``; the conv layer has ``kernels`` kernels
    of ``kernel_size`` × ``kernel_size`` (stride 1, no padding, with biases). The FC layer
    maps the flattened input to the same ``kernels`` × out × out outputs, with biases.
    """
    size = integer("size", size, minimum=1)
    kernels = integer("kernels", kernels, minimum=1)
    out = conv_output_size(size, kernel_size)
    conv = conv_params(in_channels, kernels, kernel_size)
    fc = linear_params(in_channels * size * size, kernels * out * out)
    return {"size": size, "out": out, "conv": conv, "fc": fc, "ratio": fc / conv}


def _counts_figure(fig: Figure, kernels: int, kernel_size: int, in_channels: int):
    """Draw the curves once into ``fig``; return ``mark(size)``, which moves the markers and title."""
    sizes = list(range(kernel_size, 65))
    rows = [sharing_counts(s, kernels, kernel_size, in_channels) for s in sizes]
    left, right = fig.subplots(1, 2)
    left.semilogy(sizes, [r["fc"] for r in rows], color="tab:red", label="fully connected")
    left.semilogy(sizes, [r["conv"] for r in rows], color="tab:blue", label="convolution")
    (pair,) = left.semilogy([], [], "o", color="black")
    left.set_ylim(1, 1e11)
    left.set_xlabel("input side (pixels)")
    left.set_title("parameters", fontsize=10)
    left.legend(fontsize=7, loc="center right")
    right.semilogy(sizes, [r["ratio"] for r in rows], color="tab:purple")
    (single,) = right.semilogy([], [], "o", color="black")
    right.set_ylim(1, 1e8)
    right.set_xlabel("input side (pixels)")
    right.set_title("FC ÷ conv", fontsize=10)
    for ax, powers in ((left, range(0, 12, 3)), (right, range(0, 9, 2))):
        # few plain-text ticks and no minor ones: players redraw every frame, and tick text is slow
        ax.minorticks_off()
        ax.set_yticks([10.0**p for p in powers], [f"1e{p}" if p else "1" for p in powers])
        ax.set_xticks([8, 16, 32, 48, 64])
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.17, top=0.8, wspace=0.3)  # tight_layout is slow

    def mark(size: int) -> dict[str, float]:
        counts = sharing_counts(size, kernels, kernel_size, in_channels)
        pair.set_data([size, size], [counts["conv"], counts["fc"]])
        single.set_data([size], [counts["ratio"]])
        fig.suptitle(
            f"{size}×{size}×{in_channels} input, {kernels} kernels of {kernel_size}×{kernel_size}: "
            f"conv {counts['conv']:,}, FC {counts['fc']:,} (×{counts['ratio']:,.0f})",
            fontsize=8,
        )
        return counts

    return mark


def plot_counts(size: int, kernels: int, *, kernel_size: int = 5, in_channels: int = 3):
    """Two panels: both parameter counts against the input side (log scale), and their ratio.

    The conv layer and the FC layer are those of :func:`sharing_counts`; the current ``size``
    is marked. Returns ``(fig, counts)`` (a new 6 × 3 figure; ``counts`` from
    :func:`sharing_counts`).
    """
    sharing_counts(size, kernels, kernel_size, in_channels)  # check the arguments before drawing
    fig = plt.figure(figsize=(6, 3), dpi=64)
    mark = _counts_figure(fig, kernels, kernel_size, in_channels)
    return fig, mark(size)


def sharing_explorer():
    """Live sliders (ipywidgets) for the input side and the number of kernels.

    Returns the ``ipywidgets.interactive`` widget; its ``result`` is the current
    :func:`sharing_counts`.
    """
    import ipywidgets as widgets

    def show(size: int, kernels: int) -> dict[str, float]:
        fig, counts = plot_counts(size, kernels)
        plt.show()
        plt.close(fig)
        return counts

    return widgets.interactive(
        show,
        size=widgets.IntSlider(value=32, min=8, max=64, step=4, description="input side"),
        kernels=widgets.IntSlider(value=10, min=1, max=64, description="kernels"),
    )


def sharing_player(kernels: int = 10, sizes: Sequence[int] = (8, 16, 24, 32, 40, 48, 56, 64)):
    """A kernel-free player over the input side, with ``kernels`` kernels of 5 × 5."""
    sizes = [integer(f"sizes[{i}]", s, minimum=5) for i, s in enumerate(sizes)]
    if not sizes:
        raise ValueError("sizes must not be empty")
    kernels = integer("kernels", kernels, minimum=1)
    fig = plt.figure(figsize=(6, 3), dpi=64)
    mark = _counts_figure(fig, kernels, 5, 3)

    def frame(index: int) -> None:
        mark(sizes[index])

    frame(0)
    return anim.scrubber(fig, frame, len(sizes))


def shifted(x: torch.Tensor, shift: tuple[int, int]) -> torch.Tensor:
    """``x`` moved ``shift = (down, right)`` pixels along its last two axes, wrapping around."""
    if not isinstance(shift, (tuple, list)) or len(shift) != 2:
        raise ValueError(f"shift must be a (down, right) pair of ints, got {shift!r}")
    down, right = integer("shift[0]", shift[0]), integer("shift[1]", shift[1])
    return torch.roll(x, shifts=(down, right), dims=(-2, -1))


def equivariance_error(
    layer: nn.Module, x: torch.Tensor, shift: tuple[int, int], out_shift: tuple[int, int] | None = None
) -> torch.Tensor:
    """Where shifting then filtering differs from filtering then shifting: an H × W map.

    ``|layer(shifted(x, shift)) - shifted(layer(x), out_shift)|``, largest over batch and
    channels. ``out_shift`` (default: ``shift``) is how far the feature map should move; for a
    layer with stride 2, a shift of 2 input pixels should move it by 1. Zero everywhere means
    the layer is translation-equivariant for this shift.
    """
    if not isinstance(x, torch.Tensor) or x.ndim != 4:
        raise ValueError(f"x must be an (N, C, H, W) tensor, got {getattr(x, 'shape', type(x).__name__)}")
    with torch.no_grad():
        moved_then_filtered = layer(shifted(x, shift))
        filtered_then_moved = shifted(layer(x), shift if out_shift is None else out_shift)
    return (moved_then_filtered - filtered_then_moved).abs().amax(dim=(0, 1))


def best_output_shift(layer: nn.Module, x: torch.Tensor, shift: tuple[int, int], search: int = 2):
    """The output shift (each axis in ``-search … search``) that best matches an input ``shift``.

    Returns ``((down, right), largest_difference)``: how far the feature map of ``layer`` moved
    when ``x`` moved by ``shift``, as nearly as a whole-pixel shift can say. A difference of 0
    means the layer is equivariant for that shift; for a stride-2 layer and an odd shift no
    whole-pixel output shift fits.
    """
    search = integer("search", search, minimum=0)
    with torch.no_grad():
        moved_then_filtered = layer(shifted(x, shift))
        filtered = layer(x)
    best, best_error = None, float("inf")
    for down in range(-search, search + 1):
        for right in range(-search, search + 1):
            error = (moved_then_filtered - shifted(filtered, (down, right))).abs().max().item()
            if error < best_error:
                best, best_error = (down, right), error
    return best, best_error
