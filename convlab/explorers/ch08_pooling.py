"""Chapter 8's pooling explorer: window size, stride and ``ceil_mode`` of max and average pooling.

The windows come from :func:`convlab.coverage.pool_windows`, the output size from
:func:`convlab.arith.pool_output_size` and the pooled values from :func:`convlab.ops.pool2d`
(PyTorch's pooling).
"""

from __future__ import annotations

import numpy as np
import torch

from convlab.arith import pool_output_size
from convlab.coverage import pool_windows
from convlab.explorers.grid import Control, Frame, GridExplorer, Panel, enumerate_frames
from convlab.ops import pool2d

__all__ = ["build", "chapter_grid"]

KERNEL_SIZES, STRIDES = (1, 2, 3, 4), (1, 2, 3, 4)


def chapter_grid() -> np.ndarray:
    """The chapter's 7×7 grid of digits 0–9 (``torch.randint`` with seed 3)."""
    return torch.randint(0, 10, (7, 7), generator=torch.Generator().manual_seed(3)).float().numpy()


def build(grid=None) -> GridExplorer:
    """The explorer: ``kernel_size`` and ``stride`` sliders and a ``ceil_mode`` menu, on a square ``grid``."""
    x = chapter_grid() if grid is None else np.asarray(grid, dtype=np.float32)
    if x.ndim != 2 or x.shape[0] != x.shape[1]:
        raise ValueError(f"grid must be a square 2-D array, got shape {x.shape}")
    size = x.shape[0]
    controls = (
        Control("kernel_size", "window (kernel_size)", tuple(k for k in KERNEL_SIZES if k <= size), 2),
        Control("stride", "stride", STRIDES, 2),
        Control("ceil_mode", "ceil_mode", (False, True), False, names=("False", "True"), menu=True),
    )
    values = tuple(map(tuple, x.tolist()))
    low, high = float(x.min()), float(x.max())

    def frame(kernel_size: int, stride: int, ceil_mode: bool) -> Frame:
        windows = pool_windows(size, kernel_size, stride, ceil_mode=ceil_mode)
        n = pool_output_size(size, kernel_size, stride, ceil_mode=ceil_mode)
        reads = np.zeros(size, dtype=int)
        for start, stop in windows:
            reads[start:min(stop, size)] += 1
        coverage = np.outer(reads, reads)
        unread = tuple((int(r), int(c)) for r, c in zip(*np.nonzero(coverage == 0), strict=True))
        last, end = windows[-1][0], min(windows[-1][1], size)
        outlines = ((last, last, end - last, end - last),)
        panels = (
            Panel(f"input {size}×{size}", values, colour="blues", vmin=low, vmax=high, outlines=outlines,
                  marks=unread),
            Panel(f"max pool: {n}×{n}", tuple(map(tuple, pool2d(x, kernel_size, stride, "max", ceil_mode).tolist())),
                  colour="blues", vmin=low, vmax=high, outlines=((n - 1, n - 1, 1, 1),)),
            Panel(f"average pool: {n}×{n}",
                  tuple(map(tuple, pool2d(x, kernel_size, stride, "avg", ceil_mode).tolist())), colour="blues",
                  vmin=low, vmax=high, digits=1, outlines=((n - 1, n - 1, 1, 1),)),
            Panel("windows reading each pixel", tuple(map(tuple, coverage.tolist())), colour="oranges", vmin=0,
                  vmax=max(2, int(coverage.max())), marks=unread),
        )
        partial = windows[-1][1] > size
        text = (f"Window {kernel_size}, stride {stride}, ceil_mode {ceil_mode}: output {n} by {n}"
                f"{', its last window hanging over the edge' if partial else ''}; "
                f"{len(unread)} pixel{'s' * (len(unread) != 1)} never read, "
                f"{int((coverage > 1).sum())} read more than once.")
        return Frame(panels, text)

    return GridExplorer("Pooling", controls, enumerate_frames(controls, frame))
