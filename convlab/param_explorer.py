"""Fully-connected vs convolution: parameter counts and float32 memory as the image grows.

``explorer()`` is the live ipywidgets version (sliders for the image side and the hidden
width); ``side_player()`` is its kernel-free counterpart for the HTML book.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from IPython.display import HTML
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator

from convlab import anim
from convlab._validate import integer
from convlab.arith import conv_params, linear_params

__all__ = [
    "BYTES_PER_FLOAT32",
    "Counts",
    "count_layers",
    "draw_counts",
    "explorer",
    "format_bytes",
    "side_player",
]

BYTES_PER_FLOAT32 = 4  # 32 bits
CONV_KERNEL = 3  # the convolution we compare with: 3×3 kernels …
CONV_OUT = 64  # … 64 of them, a typical first layer
_TICKS = (4, 8, 28, 64, 224, 1000)
_SIDES = np.unique(np.geomspace(4, 1024, 60).astype(int))


def format_bytes(n: int) -> str:
    """``n`` bytes in decimal (SI) units: ``format_bytes(4 * 10**12) == '4 TB'``."""
    n = integer("n", n, minimum=0)
    value, unit = float(n), "B"
    for bigger in ("kB", "MB", "GB", "TB", "PB", "EB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{value:.3g} {unit}"


@dataclass(frozen=True)
class Counts:
    """Parameter counts of three layers on a ``side × side × channels`` image."""

    side: int
    channels: int
    hidden: int
    fc: int  # Linear(side²·channels → hidden)
    fc_same: int  # Linear(side²·channels → side²·channels): the notes' "hidden layer as large as the input"
    conv: int  # Conv2d(channels → 64, 3×3): the same for every image size

    def rows(self) -> list[tuple[str, int]]:
        inputs = self.side * self.side * self.channels
        return [
            (f"FC {inputs:,} → {self.hidden:,}", self.fc),
            (f"FC {inputs:,} → {inputs:,}", self.fc_same),
            (f"conv {CONV_KERNEL}×{CONV_KERNEL}, {self.channels} → {CONV_OUT}", self.conv),
        ]

    def __repr__(self) -> str:
        lines = [f"{self.side}×{self.side}×{self.channels} image"]
        for name, count in self.rows():
            lines.append(f"  {name:<32}{count:>22,} parameters  {format_bytes(BYTES_PER_FLOAT32 * count):>9}")
        return "\n".join(lines)


def count_layers(side: int, hidden: int, channels: int = 1) -> Counts:
    """Count the parameters (weights and biases) of the three layers compared in the explorer."""
    side = integer("side", side, minimum=1)
    hidden = integer("hidden", hidden, minimum=1)
    channels = integer("channels", channels, minimum=1)
    inputs = side * side * channels
    return Counts(
        side=side,
        channels=channels,
        hidden=hidden,
        fc=linear_params(inputs, hidden),
        fc_same=linear_params(inputs, inputs),
        conv=conv_params(channels, CONV_OUT, CONV_KERNEL),
    )


@dataclass
class _Plot:
    """The artists of one counts plot that move with the image side."""

    ax: Axes
    hidden: int
    channels: int
    dots: dict[str, Line2D]
    marker: Line2D

    def mark(self, side: int) -> Counts:
        here = count_layers(side, self.hidden, self.channels)
        for field, dot in self.dots.items():
            dot.set_data([side], [getattr(here, field)])
        self.marker.set_xdata([side, side])
        fc_mem, conv_mem = (format_bytes(BYTES_PER_FLOAT32 * n) for n in (here.fc, here.conv))
        self.ax.set_title(
            f"{side}×{side}×{self.channels}: FC {here.fc:,} ({fc_mem}) vs conv {here.conv:,} ({conv_mem})", fontsize=9
        )
        return here


def _plot(fig: Figure, hidden: int, channels: int) -> _Plot:
    """Clear ``fig`` and draw the three curves over all image sides (everything but the marks)."""
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
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title("title", fontsize=9)  # reserve its room before the layout is fixed
    fig.tight_layout()
    return _Plot(ax, hidden, channels, dots, marker)


def draw_counts(fig: Figure, side: int, hidden: int, channels: int = 1) -> Counts:
    """Draw parameter counts against the image side (log–log) on a cleared ``fig``; return the counts.

    Dots mark ``side``; the right-hand axis reads the same curves as float32 memory
    (4 bytes per parameter).
    """
    side = integer("side", side, minimum=1)
    return _plot(fig, integer("hidden", hidden, minimum=1), integer("channels", channels, minimum=1)).mark(side)


def explorer(side: int = 28, hidden: int = 1000, channels: int = 1) -> widgets.interactive:
    """Live explorer: sliders for the image side and the hidden width, a toggle for the channels.

    Returns the ``ipywidgets.interactive``; its ``.result`` is the :class:`Counts` shown.
    """
    side = integer("side", side, minimum=4)
    hidden = integer("hidden", hidden, minimum=1)
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 (grayscale) or 3 (RGB), got {channels!r}")

    def show(side: int, hidden: float, channels: int) -> Counts:
        fig = plt.figure(figsize=(7, 3.6))
        counts = draw_counts(fig, side, round(hidden), channels)
        plt.show()
        return counts

    return widgets.interactive(
        show,
        side=widgets.IntSlider(value=side, min=4, max=1024, step=4, description="image side", continuous_update=False),
        hidden=widgets.FloatLogSlider(
            value=hidden, base=10, min=0, max=6, step=0.1, description="hidden units",
            readout_format=",.0f", continuous_update=False,
        ),
        channels=widgets.ToggleButtons(options=[("gray", 1), ("RGB", 3)], value=channels, description="channels"),
    )


def side_player(sides: tuple[int, ...] = (8, 16, 28, 64, 128, 224, 512, 1000), hidden: int = 1000,
                channels: int = 1) -> HTML:
    """Kernel-free counterpart of :func:`explorer`: a player scrubbing over the image side."""
    if not sides or len(sides) > 16:
        raise ValueError(f"sides must hold 1 to 16 image sides, got {len(sides)}")
    sides = tuple(integer("sides[i]", s, minimum=4) for s in sides)
    fig = plt.figure(figsize=(6.4, 3.2), dpi=64)
    plot = _plot(fig, integer("hidden", hidden, minimum=1), integer("channels", channels, minimum=1))

    def frame(i: int) -> None:
        plot.mark(sides[i])

    return anim.scrubber(fig, frame, len(sides))
