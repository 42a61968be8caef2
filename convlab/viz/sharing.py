"""Weight sharing: a convolution's parameter count next to a fully-connected layer's, as the input grows.

The counts are :func:`convlab.arith.sharing_counts`; the shift checks live in :mod:`convlab.probes`.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from convlab._validate import integer
from convlab.arith import sharing_counts
from convlab.viz.player import FRAME_DPI, MIN_TEXT_PT, PLAYER_WIDTH, html_player, legible, live_widget

__all__ = ["plot_sharing_counts", "sharing_player", "sharing_widget"]


def _counts_figure(fig: Figure, kernels: int, kernel_size: int, in_channels: int, *, narrow: bool = False):
    """Draw the curves once into ``fig``; return ``mark(size)``, which moves the markers and title.

    ``narrow``: the panels one above the other and every text at least ``MIN_TEXT_PT`` (a player).
    """
    sizes = list(range(kernel_size, 65))
    rows = [sharing_counts(s, kernels, kernel_size, in_channels) for s in sizes]
    left, right = fig.subplots(2, 1, sharex=True) if narrow else fig.subplots(1, 2)
    left.semilogy(sizes, [r["fc"] for r in rows], color="tab:red", label="fully connected")
    left.semilogy(sizes, [r["conv"] for r in rows], color="tab:blue", label="convolution")
    (pair,) = left.semilogy([], [], "o", color="black")
    left.set_ylim(1, 1e11)
    if not narrow:
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
    if narrow:
        legible(fig)
        fig.subplots_adjust(left=0.17, right=0.97, bottom=0.12, top=0.8, hspace=0.3)
    else:
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.17, top=0.8, wspace=0.3)  # tight_layout is slow

    def mark(size: int) -> dict[str, float]:
        counts = sharing_counts(size, kernels, kernel_size, in_channels)
        pair.set_data([size, size], [counts["conv"], counts["fc"]])
        single.set_data([size], [counts["ratio"]])
        setting = f"{size}×{size}×{in_channels} input, {kernels} kernels of {kernel_size}×{kernel_size}"
        numbers = f"conv {counts['conv']:,}, FC {counts['fc']:,}", f"(×{counts['ratio']:,.0f})"
        if narrow:
            fig.suptitle(f"{setting}\n{numbers[0]} {numbers[1]}", fontsize=MIN_TEXT_PT)
        else:
            fig.suptitle(f"{setting}: {numbers[0]} {numbers[1]}", fontsize=8)
        return counts

    return mark


def plot_sharing_counts(size: int, kernels: int, *, kernel_size: int = 5, in_channels: int = 3):
    """Two panels: both parameter counts against the input side (log scale), and their ratio.

    The conv layer and the FC layer are those of :func:`sharing_counts`; the current ``size``
    is marked. Returns ``(fig, counts)`` (a new 6 × 3 figure; ``counts`` from
    :func:`sharing_counts`).
    """
    sharing_counts(size, kernels, kernel_size, in_channels)  # check the arguments before drawing
    fig = plt.figure(figsize=(6, 3), dpi=64)
    mark = _counts_figure(fig, kernels, kernel_size, in_channels)
    return fig, mark(size)


def sharing_widget():
    """Live sliders (ipywidgets) for the input side and the number of kernels.

    Returns the ``ipywidgets.interactive`` widget; its ``result`` is the current
    :func:`sharing_counts`.
    """
    import ipywidgets as widgets

    def show(size: int, kernels: int) -> dict[str, float]:
        return plot_sharing_counts(size, kernels)[1]

    return live_widget(
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
    fig = plt.figure(figsize=(PLAYER_WIDTH, 4.3), dpi=FRAME_DPI)
    mark = _counts_figure(fig, kernels, 5, 3, narrow=True)

    def frame(index: int) -> None:
        mark(sizes[index])

    frame(0)
    return html_player(fig, frame, len(sizes))
