"""Chapter 10's transposed convolution as an explorer: stride, padding and ``output_padding``.

A transposed convolution is a stride-1 correlation in disguise: insert ``S − 1`` zeros between
the input's values, pad with a border of ``F − 1 − P`` zeros (and ``output_padding`` more rows
and columns at the bottom and right), and slide the kernel turned by 180°. The explorer shows
that grid, the kernel and the output; the output's size comes from
:func:`convlab.arith.transposed_output_size` and its values from ``F.conv_transpose2d``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convlab.arith import transposed_output_size
from convlab.explorers.grid import Control, Frame, GridExplorer, Panel, enumerate_frames

__all__ = ["IMAGE", "KERNEL", "build", "zero_inserted"]

IMAGE = ((1, 2), (3, 4))
KERNEL = ((1, 2, 1), (2, 4, 2), (1, 2, 1))
STRIDES, PADDINGS, OUTPUT_PADDINGS = (1, 2, 3), (0, 1, 2), (0, 1, 2)


def zero_inserted(x: torch.Tensor, kernel_size: int, stride: int, padding: int, output_padding: int) -> torch.Tensor:
    """The grid a transposed convolution really slides over: ``x`` (2-D) with ``stride − 1`` zeros
    between its values and a border of ``kernel_size − 1 − padding`` zeros, ``output_padding``
    more at the bottom and right. ``padding > kernel_size − 1`` is not drawn: raises ValueError."""
    border = kernel_size - 1 - padding
    if border < 0:
        raise ValueError(f"padding must be at most kernel_size − 1 = {kernel_size - 1} here, got {padding}")
    h, w = x.shape
    spread = x.new_zeros((h - 1) * stride + 1, (w - 1) * stride + 1)
    spread[::stride, ::stride] = x
    return F.pad(spread, (border, border + output_padding, border, border + output_padding))


def build(image=IMAGE, kernel=KERNEL) -> GridExplorer:
    """The explorer: sliders for ``stride``, ``padding`` and ``output_padding`` on a small ``image``."""
    x = torch.as_tensor(image, dtype=torch.float64)
    k = torch.as_tensor(kernel, dtype=torch.float64)
    if x.ndim != 2 or k.ndim != 2 or k.shape[0] != k.shape[1]:
        raise ValueError(f"image must be 2-D and kernel square, got shapes {tuple(x.shape)} and {tuple(k.shape)}")
    size, f = x.shape[0], k.shape[0]
    controls = (
        Control("stride", "stride S", STRIDES, 2),
        Control("padding", "padding P", PADDINGS, 1),
        Control("output_padding", "output_padding", OUTPUT_PADDINGS, 1),
    )
    top = float(F.conv_transpose2d(x[None, None], k[None, None])[0, 0].max())
    source = (Panel(f"input {size}×{x.shape[1]}", _grid(x), colour="blues", vmin=0.0, vmax=float(x.max())),
              Panel(f"kernel {f}×{f}", _grid(k), colour="oranges", vmin=0.0, vmax=float(k.max())))

    def frame(stride: int, padding: int, output_padding: int) -> Frame:
        setting = f"Stride {stride}, padding {padding}, output_padding {output_padding}"
        try:
            n = transposed_output_size(size, f, stride, padding, output_padding)
        except ValueError as error:
            return Frame(source, f"{setting}: impossible. {str(error).capitalize()}.")
        grid = zero_inserted(x, f, stride, padding, output_padding)
        out = F.conv_transpose2d(x[None, None], k[None, None], stride=stride, padding=padding,
                                 output_padding=output_padding)[0, 0]
        border = f - 1 - padding
        originals = {(border + i * stride, border + j * stride) for i in range(size) for j in range(x.shape[1])}
        rows, cols = grid.shape
        inner = range(border, border + (size - 1) * stride + 1)
        muted = tuple((r, c) for r in range(rows) for c in range(cols) if r not in inner or c not in inner)
        panels = (
            source[0],
            Panel(f"zeros inserted and padded: {rows}×{cols}", _grid(grid), colour="blues", vmin=0.0,
                  vmax=float(x.max()), marks=tuple(sorted(originals)), muted=muted,
                  outlines=((0, 0, f, f),)),
            Panel("kernel turned by 180°", _grid(k.flip(0, 1)), colour="oranges", vmin=0.0, vmax=float(k.max())),
            Panel(f"output {n}×{n}", _grid(out), colour="greens", vmin=0.0, vmax=top),
        )
        zeros = f"{stride - 1} zero{'s' * (stride != 2)} between input values"
        extra = f", plus {output_padding} at the bottom and right" if output_padding else ""
        text = (f"{setting}: {zeros}, a border of {border} zero{'s' * (border != 1)}{extra}; the {f}×{f} kernel "
                f"slides over {rows}×{cols}: output {n} by {n}.")
        return Frame(panels, text)

    return GridExplorer("Transposed convolution", controls, enumerate_frames(controls, frame))


def _grid(values: torch.Tensor) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in values.tolist())
