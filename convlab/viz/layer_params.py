"""Fully-connected vs convolution: parameter counts and float32 memory as the image grows.

:func:`param_counts_widget` is the live ipywidgets version (sliders for the image side and the
hidden width); :func:`param_counts_player` is its kernel-free counterpart for the HTML book.
The counts come from :func:`convlab.arith.count_layers`; :func:`counts_table` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from IPython.display import HTML
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator

from convlab._validate import integer
from convlab.arith import BYTES_PER_FLOAT32, CONV_KERNEL, CONV_OUT, Counts, count_layers
from convlab.tables import format_bytes, text_table
from convlab.viz.player import FRAME_DPI, MAX_FRAMES, MIN_TEXT_PT, PLAYER_WIDTH, html_player, legible, live_widget

__all__ = ["counts_table", "draw_param_counts", "param_counts_player", "param_counts_widget"]

_TICKS = (4, 8, 28, 64, 224, 1000)
_SIDES = np.unique(np.geomspace(4, 1024, 60).astype(int))


def counts_table(counts: Counts) -> str:
    """The three layers of ``counts`` as a text table: each one's parameters and float32 memory."""
    if not isinstance(counts, Counts):
        raise TypeError(f"counts must be the Counts of convlab.arith.count_layers, got {type(counts).__name__}")
    inputs = counts.side * counts.side * counts.channels
    layers = [
        (f"FC {inputs:,} → {counts.hidden:,}", counts.fc),
        (f"FC {inputs:,} → {inputs:,}", counts.fc_same),
        (f"conv {CONV_KERNEL}×{CONV_KERNEL}, {counts.channels} → {CONV_OUT}", counts.conv),
    ]
    rows = [(name, count, format_bytes(BYTES_PER_FLOAT32 * count)) for name, count in layers]
    return text_table([f"{counts.side}×{counts.side}×{counts.channels} image", "parameters", "float32"], rows)


@dataclass
class _Plot:
    """The artists of one counts plot that move with the image side."""

    ax: Axes
    hidden: int
    channels: int
    dots: dict[str, Line2D]
    marker: Line2D
    narrow: bool = False

    def mark(self, side: int) -> Counts:
        here = count_layers(side, self.hidden, self.channels)
        for field, dot in self.dots.items():
            dot.set_data([side], [getattr(here, field)])
        self.marker.set_xdata([side, side])
        fc_mem, conv_mem = (format_bytes(BYTES_PER_FLOAT32 * n) for n in (here.fc, here.conv))
        fc, conv = f"FC {here.fc:,} ({fc_mem})", f"conv {here.conv:,} ({conv_mem})"
        if self.narrow:
            self.ax.set_title(f"{side}×{side}×{self.channels}: {fc}\nvs {conv}", fontsize=MIN_TEXT_PT)
        else:
            self.ax.set_title(f"{side}×{side}×{self.channels}: {fc} vs {conv}", fontsize=9)
        return here


def _plot(fig: Figure, hidden: int, channels: int, *, narrow: bool = False) -> _Plot:
    """Clear ``fig`` and draw the three curves over all image sides (everything but the marks).

    ``narrow``: the legend under the plot and every text at least ``MIN_TEXT_PT`` (a player).
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    curves = [count_layers(int(s), hidden, channels) for s in _SIDES]
    lines = [
        ("fc", f"FC, hidden = {hidden:,}", "C0", "-"),
        ("fc_same", "FC, hidden = input size", "C3", "--"),
        ("conv", f"conv {CONV_KERNEL}×{CONV_KERNEL}, {CONV_OUT} kernels", "C2", "-"),
    ]
    fig.clear()
    ax = fig.add_subplot()
    dots = {}
    for field, label, color, style in lines:
        ax.plot(_SIDES, [getattr(c, field) for c in curves], style, color=color, label=label)
        (dots[field],) = ax.plot([], [], "o", color=color)
    marker = ax.axvline(_SIDES[0], color="0.6", lw=0.8)
    ax.set_xscale("log")
    ax.set_xticks(_TICKS, [str(t) for t in _TICKS])
    ax.minorticks_off()
    ax.set(yscale="log", xlabel="image side (pixels)", ylabel="parameters", ylim=(1e2, 1e16))
    ax.yaxis.set_major_locator(LogLocator(base=100, numticks=8))
    memory = ax.secondary_yaxis("right", functions=(lambda p: p * BYTES_PER_FLOAT32, lambda b: b / BYTES_PER_FLOAT32))
    memory.set_ylabel("float32 memory")
    memory.yaxis.set_major_locator(LogLocator(base=1000, numticks=6))
    memory.yaxis.set_major_formatter(FuncFormatter(lambda b, _: format_bytes(round(b)) if b >= 1 else ""))
    if narrow:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
        ax.set_title("title\ntitle")  # reserve its room before the layout is fixed
        legible(fig)
    else:
        ax.legend(fontsize=7, loc="upper left")
        ax.set_title("title", fontsize=9)  # reserve its room before the layout is fixed
    fig.tight_layout()
    return _Plot(ax, hidden, channels, dots, marker, narrow)


def draw_param_counts(fig: Figure, side: int, hidden: int, channels: int = 1) -> Counts:
    """Draw parameter counts against the image side (log–log) on a cleared ``fig``; return the counts.

    Dots mark ``side``; the right-hand axis reads the same curves as float32 memory
    (4 bytes per parameter).
    """
    side = integer("side", side, minimum=1)
    return _plot(fig, integer("hidden", hidden, minimum=1), integer("channels", channels, minimum=1)).mark(side)


def param_counts_widget(side: int = 28, hidden: int = 1000, channels: int = 1):
    """Live explorer: sliders for the image side and the hidden width, a toggle for the channels.

    Returns the ``ipywidgets.interactive``; its ``.result`` is the :class:`Counts` shown.
    """
    side = integer("side", side, minimum=4)
    hidden = integer("hidden", hidden, minimum=1)
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 (grayscale) or 3 (RGB), got {channels!r}")

    import ipywidgets as widgets

    def show(side: int, hidden: float, channels: int) -> Counts:
        return draw_param_counts(plt.figure(figsize=(7, 3.6)), side, round(hidden), channels)

    return live_widget(
        show,
        side=widgets.IntSlider(value=side, min=4, max=1024, step=4, description="image side", continuous_update=False),
        hidden=widgets.FloatLogSlider(
            value=hidden, base=10, min=0, max=6, step=0.1, description="hidden units",
            readout_format=",.0f", continuous_update=False,
        ),
        channels=widgets.ToggleButtons(options=[("gray", 1), ("RGB", 3)], value=channels, description="channels"),
    )


def param_counts_player(sides: tuple[int, ...] = (8, 16, 28, 64, 128, 224, 512, 1000), hidden: int = 1000,
                channels: int = 1) -> HTML:
    """Kernel-free counterpart of :func:`param_counts_widget`: a player scrubbing over the image side."""
    if not sides or len(sides) > MAX_FRAMES:
        raise ValueError(f"sides must hold 1 to {MAX_FRAMES} image sides, got {len(sides)}")
    sides = tuple(integer("sides[i]", s, minimum=4) for s in sides)
    fig = plt.figure(figsize=(PLAYER_WIDTH, 4.1), dpi=FRAME_DPI)
    plot = _plot(fig, integer("hidden", hidden, minimum=1), integer("channels", channels, minimum=1), narrow=True)

    def frame(i: int) -> None:
        plot.mark(sides[i])

    return html_player(fig, frame, len(sides))
