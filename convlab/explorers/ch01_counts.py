"""Chapter 1's parameter counts as an explorer: image side, hidden units and channels.

Every count comes from :func:`convlab.arith.count_layers`; the bars are their logarithms (the
counts span fourteen orders of magnitude), and the sentence states the counts themselves and
their float32 memory.
"""

from __future__ import annotations

import math

from convlab.arith import BYTES_PER_FLOAT32, CONV_KERNEL, CONV_OUT, count_layers
from convlab.explorers.grid import Control, Frame, GridExplorer, Panel, enumerate_frames
from convlab.tables import format_bytes

__all__ = ["HIDDEN", "SIDES", "build"]

SIDES = (8, 16, 28, 64, 128, 224, 512, 1000)  # the chapter's player's sides
HIDDEN = (10, 100, 1000, 10_000, 100_000)
TOP = 16  # the bars' scale: up to 10^16 parameters


def build() -> GridExplorer:
    """The explorer: ``side`` and ``hidden`` sliders, a ``channels`` menu (gray or RGB)."""
    controls = (
        Control("side", "image side", SIDES, 28),
        Control("hidden", "hidden units", HIDDEN, 1000, names=tuple(f"{h:,}" for h in HIDDEN)),
        Control("channels", "channels", (1, 3), 1, names=("gray (1)", "RGB (3)"), menu=True),
    )
    labels = ("FC", "FC same", "conv")

    def frame(side: int, hidden: int, channels: int) -> Frame:
        counts = count_layers(side, hidden, channels)
        numbers = (counts.fc, counts.fc_same, counts.conv)
        bars = Panel("log₁₀ of the parameter count", (tuple(math.log10(n) for n in numbers),),
                     kind="bars", colour="blues", vmin=0.0, vmax=float(TOP), numbers=False, digits=2,
                     outlines=((0, 2, 1, 1),), labels=labels)
        memory = [format_bytes(BYTES_PER_FLOAT32 * n) for n in numbers]
        text = (f"{side}×{side}×{channels} image: a fully-connected layer to {hidden:,} hidden units has "
                f"{counts.fc:,} parameters ({memory[0]} as float32), one as wide as its input {counts.fc_same:,} "
                f"({memory[1]}), a convolution with {CONV_OUT} {CONV_KERNEL}×{CONV_KERNEL} kernels "
                f"{counts.conv:,} ({memory[2]}).")
        return Frame((bars,), text)

    return GridExplorer("Parameter counts", controls, enumerate_frames(controls, frame))
