"""Chapter 10's cost explorer: a standard, a grouped and a depthwise-separable convolution.

Controls: the kernel size and the input and output channels, on a 32×32 input. Every count
comes from :func:`convlab.models.cost_rows` (parameters of the layers themselves, built on the
``meta`` device, and multiply-adds from :func:`convlab.arith.conv_macs`). The bars are the
counts' logarithms (they span seven orders of magnitude); the sentence states the counts.
"""

from __future__ import annotations

import math

import torch

from convlab.explorers.grid import Control, Frame, GridExplorer, Panel, enumerate_frames
from convlab.models import cost_rows

__all__ = ["GROUPS", "IN_CHANNELS", "KERNEL_SIZES", "OUT_CHANNELS", "SIZE", "build"]

KERNEL_SIZES, IN_CHANNELS, OUT_CHANNELS = (1, 3, 5, 7), (32, 64, 128), (64, 128, 256)
SIZE, GROUPS = 32, 4  # the chapter's table: a 32×32 input, groups=4
TOP = 10  # the bars' scale: up to 10^10


def build() -> GridExplorer:
    """The explorer: ``kernel_size``, ``in_channels`` and ``out_channels`` sliders."""
    controls = (
        Control("kernel_size", "kernel size", KERNEL_SIZES, 3),
        Control("in_channels", "input channels", IN_CHANNELS, 64),
        Control("out_channels", "output channels", OUT_CHANNELS, 128),
    )
    labels = ("standard", f"grouped ({GROUPS})", "separable")

    def frame(kernel_size: int, in_channels: int, out_channels: int) -> Frame:
        with torch.device("meta"):  # shapes only: no weights drawn
            rows = cost_rows(in_channels, out_channels, kernel_size, SIZE, groups=GROUPS)
        panels = tuple(
            Panel(f"log₁₀ of the {what}", (tuple(math.log10(row[key]) for row in rows),), kind="bars",
                  colour=colour, vmin=0.0, vmax=float(TOP), numbers=False, digits=2, labels=labels)
            for what, key, colour in (("parameters", "params", "blues"), ("multiply-adds", "macs", "oranges"))
        )
        standard, grouped, separable = rows
        ratio = standard["params"] / separable["params"]
        saving = f"{ratio:.1f}× fewer parameters than standard" if ratio > 1 else "more parameters than standard"
        text = (f"{kernel_size}×{kernel_size} kernels, {in_channels} → {out_channels} channels on a {SIZE}×{SIZE} "
                f"input: standard {standard['params']:,} parameters and {standard['macs']:,} multiply-adds, "
                f"grouped {grouped['params']:,} and {grouped['macs']:,}, depthwise-separable "
                f"{separable['params']:,} and {separable['macs']:,} ({saving}).")
        return Frame(panels, text)

    return GridExplorer("Cheaper convolutions", controls, enumerate_frames(controls, frame))
