"""Numeric grids with a highlighted window, in the style of the conv-arithmetic figures.

One function draws one grid of numbers on a matplotlib ``Axes``; the others build on it.

* :func:`draw_grid` — a 2-D array as coloured cells with their values, an optional padded
  border (shown in light grey with dashed edges) and a highlighted window or set of cells.
* :func:`window_cells` — the cells one (possibly dilated) kernel window covers, ready to pass
  as ``highlight=``.
* :func:`draw_conv_step` — three panels for one step of a convolution: the input with the
  current window, the kernel, and the output with the cells computed so far.
* :func:`draw_coverage` — a coverage map (:mod:`convlab.coverage`) as a heat map, unvisited
  pixels outlined.

Coordinates are ``(row, col)`` with ``(0, 0)`` the top-left cell **of the padded grid**, the
grid the window really slides over. With ``padding=1`` the first real pixel is at ``(1, 1)``.

Example::

    fig, ax = plt.subplots(figsize=(3, 3))
    draw_grid(ax, x, padding=1, highlight=(0, 0, 3, 3), title="input")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from numbers import Integral

import numpy as np
import torch
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from convlab._validate import integer, pair
from convlab.ops import conv2d_loops

__all__ = ["PAD_COLOR", "HIGHLIGHT_COLOR", "draw_conv_step", "draw_coverage", "draw_grid", "window_cells"]

PAD_COLOR = "#e6e6e6"  # padded border cells
HIGHLIGHT_COLOR = "#d62728"  # the outline of the highlighted window

Highlight = tuple[int, int, int, int] | Iterable[tuple[int, int] | tuple[int, int, int, int]] | None


def _as_2d(values, name: str = "values") -> np.ndarray:
    """A 2-D float array from a list, numpy array or torch tensor (squeezing size-1 axes)."""
    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 2-D array of numbers, got {type(values).__name__}") from None
    if array.ndim > 2:
        array = array.reshape([n for n in array.shape if n != 1] or [1, 1])
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {np.shape(values)}")
    return array


def _format(fmt: str | Callable[[float], str] | None, value: float) -> str:
    if fmt is None:
        return ""
    if callable(fmt):
        return fmt(value)
    if value == 0:
        value = 0.0  # no "-0"
    return fmt.format(value)


def _is_window(item) -> bool:
    return isinstance(item, tuple) and len(item) == 4 and all(isinstance(v, Integral) for v in item)


def _highlight_cells(highlight: Highlight, shape: tuple[int, int]) -> tuple[list[tuple[int, int]], list[tuple]]:
    """Return (cells, windows) for ``highlight``: single cells and (row, col, h, w) rectangles."""
    if highlight is None:
        return [], []
    rows, cols = shape
    if _is_window(highlight):
        highlight = [highlight]
    if isinstance(highlight, (str, bytes)) or not isinstance(highlight, Iterable):
        raise TypeError(
            f"highlight must be None, a (row, col, h, w) window, or a collection of (row, col) cells "
            f"and/or windows, got {highlight!r}"
        )
    cells, windows = [], []
    for item in highlight:
        if _is_window(item):
            row, col, height, width = (int(v) for v in item)
            if height < 1 or width < 1:
                raise ValueError(f"highlight (row, col, h, w) needs h, w ≥ 1, got {item}")
            if row < 0 or col < 0 or row + height > rows or col + width > cols:
                raise ValueError(f"highlight {item} (row, col, h, w) falls outside the {rows}×{cols} grid")
            windows.append((row, col, height, width))
            continue
        if not (isinstance(item, tuple) and len(item) == 2 and all(isinstance(v, Integral) for v in item)):
            raise TypeError(f"highlight cells must be (row, col) pairs of ints, got {item!r}")
        r, c = int(item[0]), int(item[1])
        if not (0 <= r < rows and 0 <= c < cols):
            raise ValueError(f"highlight cell {item} falls outside the {rows}×{cols} grid")
        cells.append((r, c))
    return sorted(set(cells)), windows


def draw_grid(
    ax: Axes,
    values,
    *,
    highlight: Highlight = None,
    padding: int | tuple[int, int] = 0,
    pad_value: float = 0.0,
    title: str | None = None,
    cmap: str = "Blues",
    vmin: float | None = None,
    vmax: float | None = None,
    fmt: str | Callable[[float], str] | None = "{:g}",
    highlight_color: str = HIGHLIGHT_COLOR,
    fontsize: float | None = None,
) -> Axes:
    """Draw ``values`` as a grid of numbered cells on ``ax`` and return ``ax``.

    Parameters
    ----------
    ax:
        The matplotlib axes to draw on (cleared first; ticks are hidden).
    values:
        A 2-D list, numpy array or torch tensor (size-1 axes are squeezed, so a (1, 1, H, W)
        tensor works). ``NaN`` cells are drawn blank: use them for outputs not computed yet.
    highlight:
        ``None``; a window ``(row, col, h, w)`` outlined as one rectangle; or a collection
        (list, set) of such windows and/or ``(row, col)`` cells, each outlined — e.g. two
        overlapping windows, or a dilated window from :func:`window_cells`. Coordinates are
        in the *padded* grid.
    padding:
        Border width (int, or ``(ph, pw)`` pair) added around ``values``, filled with
        ``pad_value`` and shown in light grey with dashed edges — as ``F.pad`` with zeros would.
    title:
        Optional axes title.
    cmap, vmin, vmax:
        Colour map and its range for the real cells (default: the range of ``values``).
    fmt:
        A ``str.format`` pattern (default ``"{:g}"``, so 3.0 shows as ``3``), a callable
        ``value -> str``, or ``None`` for no numbers.
    highlight_color:
        Edge colour of the highlight.
    fontsize:
        Size of the numbers (default: scaled to the grid size).

    Raises ``TypeError`` for a non-numeric ``values`` or a malformed ``highlight`` and
    ``ValueError`` for an empty grid, a negative padding or a highlight outside the grid.
    """
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    array = _as_2d(values)
    ph, pw = pair("padding", padding, minimum=0)
    height, width = array.shape
    rows, cols = height + 2 * ph, width + 2 * pw
    cells, windows = _highlight_cells(highlight, (rows, cols))

    finite = array[np.isfinite(array)]
    low = vmin if vmin is not None else (finite.min() if finite.size else 0.0)
    high = vmax if vmax is not None else (finite.max() if finite.size else 1.0)
    if high <= low:
        high = low + 1.0
    norm, colours = Normalize(low, high), colormaps[cmap]
    size = fontsize if fontsize is not None else max(6.0, 13.0 - 0.6 * max(rows, cols))

    ax.clear()
    # add_artist, not add_patch: the limits are set below, and add_patch's update of the data
    # limits cost a fifth of a player's drawing time
    for r in range(rows):
        for c in range(cols):
            is_pad = not (ph <= r < ph + height and pw <= c < pw + width)
            value = pad_value if is_pad else array[r - ph, c - pw]
            if is_pad:
                face, text_colour = PAD_COLOR, "#777777"
            elif not np.isfinite(value):
                face, text_colour = "white", "black"
            else:
                shade = norm(value)
                face = colours(0.15 + 0.7 * float(np.clip(shade, 0, 1)))
                text_colour = "white" if shade > 0.6 else "black"
            ax.add_artist(
                Rectangle(
                    (c - 0.5, r - 0.5), 1, 1, facecolor=face, edgecolor="#aaaaaa" if is_pad else "#888888",
                    linewidth=0.8, linestyle="--" if is_pad else "-", gid="pad" if is_pad else "cell",
                )
            )
            if np.isfinite(value):
                ax.text(c, r, _format(fmt, float(value)), ha="center", va="center", fontsize=size, color=text_colour)
    for r, c, h, w in windows:
        ax.add_artist(
            Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor=highlight_color, linewidth=3, gid="highlight")
        )
    for r, c in cells:
        ax.add_artist(
            Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor=highlight_color, linewidth=2.5, gid="highlight")
        )
    ax.set_xlim(-0.55, cols - 0.45)
    ax.set_ylim(rows - 0.45, -0.55)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title is not None:
        ax.set_title(title, fontsize=10)
    return ax


def window_cells(row: int, col: int, kernel_size, dilation=1) -> set[tuple[int, int]]:
    """The ``(row, col)`` cells a window with top-left corner ``(row, col)`` touches.

    ``kernel_size`` and ``dilation`` are ints or ``(h, w)`` pairs. With ``dilation=1`` the
    cells form a solid block; with ``dilation=2`` every other cell.

    >>> sorted(window_cells(0, 0, 2, dilation=2))
    [(0, 0), (0, 2), (2, 0), (2, 2)]
    """
    row = integer("row", row, minimum=0)
    col = integer("col", col, minimum=0)
    kh, kw = pair("kernel_size", kernel_size, minimum=1)
    dh, dw = pair("dilation", dilation, minimum=1)
    return {(row + i * dh, col + j * dw) for i in range(kh) for j in range(kw)}


def _cross_correlate(padded: np.ndarray, kernel: np.ndarray, stride, dilation) -> np.ndarray:
    """The whole output, computed by the course's readable loop version (``convlab.ops``)."""
    x = torch.as_tensor(padded, dtype=torch.float64)[None, None]
    weight = torch.as_tensor(kernel, dtype=torch.float64)[None, None]
    return conv2d_loops(x, weight, stride=stride, dilation=dilation)[0, 0].numpy()


def draw_conv_step(
    axes,
    x,
    kernel,
    step: int,
    *,
    stride=1,
    padding=0,
    dilation=1,
    cmap: str = "Blues",
    fmt: str | Callable[[float], str] | None = "{:g}",
) -> np.ndarray:
    """Draw step ``step`` of a single-channel cross-correlation on three axes.

    ``axes`` is a sequence of three Axes: the (padded) input with the current window
    highlighted, the kernel, and the output with cells ``0 … step`` (row-major order) filled
    in and the current one highlighted. ``x`` and ``kernel`` are 2-D; ``stride``, ``padding``
    and ``dilation`` are ints or ``(h, w)`` pairs with ``torch.nn.functional.conv2d``'s
    meaning (zero padding). Returns the full output array, so a caller can print the numbers.

    ``step`` runs from 0 to ``out_h * out_w - 1``; anything else raises ``ValueError``.
    """
    axes = list(axes)
    if len(axes) != 3:
        raise ValueError(f"axes must hold three Axes (input, kernel, output), got {len(axes)}")
    image, weights = _as_2d(x, "x"), _as_2d(kernel, "kernel")
    strides, pads, dilations = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0), pair(
        "dilation", dilation, minimum=1
    )
    padded = np.pad(image, ((pads[0], pads[0]), (pads[1], pads[1])))
    out = _cross_correlate(padded, weights, strides, dilations)
    total = out.size
    step = integer("step", step, minimum=0)
    if step >= total:
        raise ValueError(f"step must be below {total} (the output has {out.shape[0]}×{out.shape[1]} cells), got {step}")
    i, j = divmod(step, out.shape[1])
    top, left = i * strides[0], j * strides[1]
    if dilations == (1, 1):
        window: Highlight = (top, left, *weights.shape)
    else:
        window = window_cells(top, left, weights.shape, dilations)
    shown = np.full(out.shape, np.nan)
    shown.flat[: step + 1] = out.flat[: step + 1]
    draw_grid(axes[0], image, padding=pads, highlight=window, title="input", cmap=cmap, fmt=fmt)
    draw_grid(axes[1], weights, title="kernel", cmap="Oranges", fmt=fmt)
    draw_grid(
        axes[2], shown, highlight=(i, j, 1, 1), title="output", cmap=cmap, fmt=fmt,
        vmin=float(out.min()), vmax=float(out.max()),
    )
    return out


def draw_coverage(
    ax: Axes,
    counts,
    *,
    title: str | None = None,
    vmax: float | None = None,
    numbers: bool = True,
) -> Axes:
    """Draw a coverage map (from :func:`convlab.coverage.coverage_map`) as a heat map on ``ax``.

    Cells are shaded by count (``vmax`` fixes the top of the colour scale, so several maps
    can share it) and pixels no window visits (count 0) are outlined in red.
    """
    array = np.asarray(counts)
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"counts must be a non-empty 2-D array, got shape {array.shape}")
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"counts must hold integers (window counts), got dtype {array.dtype}")
    unvisited = {(int(r), int(c)) for r, c in zip(*np.nonzero(array == 0), strict=True)}
    return draw_grid(
        ax,
        array,
        highlight=unvisited or None,
        title=title,
        cmap="Oranges",
        vmin=0,
        vmax=vmax if vmax is not None else max(1, int(array.max())),
        fmt="{:g}" if numbers else None,
    )
