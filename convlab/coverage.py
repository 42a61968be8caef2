"""Which input pixels a convolution's windows visit, and how often.

All sizes come from :func:`convlab.arith.conv_output_size`, so the maps agree with
``nn.Conv2d`` (the tests check them against ``F.unfold``/``F.fold`` and autograd).

* :func:`window_starts` — where each window starts along one axis (padded coordinates).
* :func:`coverage_map` — for every real input pixel, how many windows contain it.
* :func:`real_pixels_per_window` — for every output cell, how many real (not padding) pixels
  its window touches.
* :func:`never_visited` — how many input pixels no window ever touches.

Maths only (numpy): :func:`convlab.viz.grids.draw_coverage` draws a coverage map.

``size`` is an int or an ``(h, w)`` pair; ``kernel_size``, ``stride``, ``padding`` and
``dilation`` are ints or pairs, with ``nn.Conv2d``'s meaning (``padding`` per side).
"""

from __future__ import annotations

import numpy as np

from convlab._validate import integer, pair
from convlab.arith import conv_output_size

__all__ = [
    "coverage_map",
    "never_visited",
    "pool_windows",
    "real_pixels_per_window",
    "window_diagram",
    "window_starts",
]


def window_starts(size, kernel_size, stride=1, padding=0, dilation=1) -> list[int]:
    """Start (first padded index) of every window along one axis.

    There are ``conv_output_size(...)`` of them, ``stride`` apart, starting at 0 in the
    padded input (so the first real pixel is at index ``padding``).

    >>> window_starts(7, 3, stride=2)
    [0, 2, 4]
    """
    stride = integer("stride", stride, minimum=1)
    count = conv_output_size(size, kernel_size, stride=stride, padding=padding, dilation=dilation)
    return [i * stride for i in range(count)]


def _axis_hits(size: int, kernel: int, stride: int, padding: int, dilation: int) -> np.ndarray:
    """(windows × padded size) 0/1 matrix: which padded positions each window touches."""
    starts = window_starts(size, kernel, stride, padding, dilation)
    hits = np.zeros((len(starts), size + 2 * padding), dtype=np.int64)
    for row, start in enumerate(starts):
        hits[row, start : start + dilation * (kernel - 1) + 1 : dilation] = 1
    return hits


def _axes(size, kernel_size, stride, padding, dilation) -> list[tuple[int, int, int, int, int]]:
    sizes = pair("size", size, minimum=1)
    kernels = pair("kernel_size", kernel_size, minimum=1)
    strides = pair("stride", stride, minimum=1)
    paddings = pair("padding", padding, minimum=0)
    dilations = pair("dilation", dilation, minimum=1)
    return list(zip(sizes, kernels, strides, paddings, dilations, strict=True))


def coverage_map(size, kernel_size, stride=1, padding=0, dilation=1) -> np.ndarray:
    """How many windows contain each real input pixel: an int array of shape ``(h, w)``.

    The windows form a grid (row starts × column starts), so the count at ``(i, j)`` is the
    count of row windows holding row ``i`` times that of column windows holding column ``j``.
    A 0 is a pixel that never reaches the output.

    >>> coverage_map(5, 3)[0].tolist()
    [1, 2, 3, 2, 1]
    """
    counts = []
    for n, k, s, p, d in _axes(size, kernel_size, stride, padding, dilation):
        counts.append(_axis_hits(n, k, s, p, d).sum(axis=0)[p : p + n])
    return np.outer(counts[0], counts[1])


def real_pixels_per_window(size, kernel_size, stride=1, padding=0, dilation=1) -> np.ndarray:
    """How many real (not padding) input pixels each output cell's window touches.

    An int array with the output's shape; ``kh * kw`` where the window lies inside the image,
    less where it hangs over the padded border.

    >>> real_pixels_per_window(3, 3, padding=1).tolist()
    [[4, 6, 4], [6, 9, 6], [4, 6, 4]]
    """
    counts = []
    for n, k, s, p, d in _axes(size, kernel_size, stride, padding, dilation):
        counts.append(_axis_hits(n, k, s, p, d)[:, p : p + n].sum(axis=1))
    return np.outer(counts[0], counts[1])


def never_visited(size, kernel_size, stride=1, padding=0, dilation=1) -> int:
    """Number of input pixels that no window touches (they cannot affect the output).

    >>> never_visited(7, 3, stride=3)  # windows 0-2 and 3-5: column 6 is never read
    13
    """
    return int((coverage_map(size, kernel_size, stride, padding, dilation) == 0).sum())

# ----------------------------------------------------------------------------- pooling windows
def pool_windows(size, kernel_size, stride=None, padding=0, ceil_mode=False) -> list[tuple[int, int]]:
    """The windows of a pooling layer along one axis, as ``(start, stop)`` input positions.

    Position 0 is the first real pixel; ``-padding … -1`` is the left padding and
    ``size … size + padding - 1`` the right padding. ``stop`` is exclusive. ``stride``
    defaults to ``kernel_size``, as in PyTorch. PyTorch also requires
    ``padding <= kernel_size // 2``.

    >>> pool_windows(5, 2, ceil_mode=True)
    [(0, 2), (2, 4), (4, 6)]
    >>> pool_windows(5, 2, padding=1)
    [(-1, 1), (1, 3), (3, 5)]
    """
    size = integer("size", size, minimum=1)
    kernel_size = integer("kernel_size", kernel_size, minimum=1)
    stride = kernel_size if stride is None else integer("stride", stride, minimum=1)
    padding = integer("padding", padding, minimum=0)
    if not isinstance(ceil_mode, bool):
        raise TypeError(f"ceil_mode must be True or False, got {ceil_mode!r}")
    if padding > kernel_size // 2:
        raise ValueError(f"padding={padding} must be at most kernel_size // 2 = {kernel_size // 2}")
    room = size + 2 * padding - kernel_size  # how far the first window can move (< 0: it does not fit)
    count = (room + (stride - 1 if ceil_mode else 0)) // stride + 1
    starts = [i * stride - padding for i in range(count)]
    if starts and starts[-1] >= size:  # ceil_mode only: a window may not start in the right-hand padding
        starts.pop()
    if not starts:
        raise ValueError(f"kernel_size={kernel_size} does not fit in size={size} with padding={padding}")
    return [(start, start + kernel_size) for start in starts]


def window_diagram(size, kernel_size, stride=None, padding=0, ceil_mode=False) -> str:
    """The windows of :func:`pool_windows` as text: one line per window, ``■`` on what it covers.

    The header numbers the real pixels (modulo 10), writes ``p`` for padding and ``·`` for
    positions past the right padding that a ``ceil_mode`` window hangs over.

    >>> print(window_diagram(3, 2, padding=1))
              p 0 1 2 p
    window 0  ■ ■
    window 1      ■ ■
    """
    windows = pool_windows(size, kernel_size, stride, padding, ceil_mode)
    first = -padding
    last = max(size + padding, windows[-1][1])  # exclusive
    labels = []
    for position in range(first, last):
        if 0 <= position < size:
            labels.append(str(position % 10))
        elif position < size + padding:
            labels.append("p")
        else:
            labels.append("·")
    lines = ["          " + " ".join(labels)]
    for index, (start, stop) in enumerate(windows):
        cells = ["■" if start <= position < stop else " " for position in range(first, last)]
        lines.append(f"window {index:<2} " + " ".join(cells).rstrip())
    return "\n".join(lines)
