"""Where a pooling layer's windows fall along one axis: plain integer arithmetic, no pictures.

* :func:`pool_windows` — the ``(start, stop)`` of every window of ``nn.MaxPool2d`` /
  ``nn.AvgPool2d`` along one axis, in input coordinates (negative = the left padding),
  ``ceil_mode`` included.
* :func:`window_diagram` — the same windows as a few lines of text, padding and any
  overhang past the right padding marked.

PyTorch's rule for ``ceil_mode=True``: round the window count up, then drop the last window
if it would *start* in the right-hand padding (or beyond). The first window always starts at
``-padding``, so with any padding it starts in the left padding, and only the right-hand end
can be cut off or run over.
"""

from __future__ import annotations

from convlab._validate import integer

__all__ = ["pool_windows", "window_diagram"]


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
