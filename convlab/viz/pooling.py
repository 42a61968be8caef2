"""Pictures of a pooling window at work.

The sizes are :func:`convlab.arith.pool_output_size` and the pooled grids
:func:`convlab.ops.pool2d`.

* :func:`draw_pooling` — input grid with the current window, and the max- and average-pooled grids.
* :func:`pooling_player` — the same picture for every window position, as a kernel-free player.
* :func:`pooling_widget` — live ipywidgets sliders for kernel size, stride and ``ceil_mode``.
"""

from __future__ import annotations

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from convlab._validate import integer
from convlab.arith import pool_output_size
from convlab.ops import pool2d
from convlab.viz.player import MAX_FRAMES, html_player, live_widget

__all__ = ["draw_pooling", "pooling_player", "pooling_widget"]


def _grid(ax: Axes, values: np.ndarray, title: str, shown: np.ndarray | None = None, fmt: str = "{:g}") -> None:
    """Draw ``values`` as numbered cells; cells where ``shown`` is False stay blank."""
    rows, cols = values.shape
    shown = np.ones_like(values, dtype=bool) if shown is None else shown
    ax.imshow(np.where(shown, values, np.nan), cmap="Blues", vmin=-2, vmax=10)
    for r in range(rows):
        for c in range(cols):
            if shown[r, c]:
                ax.text(c, r, fmt.format(values[r, c]), ha="center", va="center", fontsize=9)
    ax.hlines(np.arange(rows + 1) - 0.5, -0.5, cols - 0.5, color="grey", linewidth=0.5)
    ax.vlines(np.arange(cols + 1) - 0.5, -0.5, rows - 0.5, color="grey", linewidth=0.5)
    ax.set_axis_off()  # no ticks: cheaper to draw, and a grid of numbers needs none
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    # a plain text, not ax.set_title: placing a title re-measures the axes at every frame
    ax.text(0.5, 1.02, title, transform=ax.transAxes, ha="center", va="bottom", fontsize=10)


def draw_pooling(axes, x, kernel_size: int, stride: int, step: int) -> None:
    """Draw on three ``axes``: ``x`` with window number ``step``, the max- and average-pooled grids.

    Output cells up to ``step`` (row by row) are filled in; the current one is outlined in red.
    """
    array = np.asarray(x, dtype=np.float32)
    maxed, averaged = pool2d(array, kernel_size, stride, "max"), pool2d(array, kernel_size, stride, "avg")
    rows, cols = maxed.shape
    step = integer("step", step, minimum=0)
    if step >= rows * cols:
        raise ValueError(f"step must be below {rows * cols} (the number of windows), got {step}")
    r, c = divmod(step, cols)
    shown = (np.arange(rows * cols) <= step).reshape(rows, cols)
    for ax in axes:
        ax.clear()
    _grid(axes[0], array, f"input {array.shape[0]}×{array.shape[1]}")
    axes[0].add_patch(
        Rectangle((c * stride - 0.5, r * stride - 0.5), kernel_size, kernel_size, fill=False, ec="red", lw=2.5)
    )
    _grid(axes[1], maxed, "max pool", shown)
    _grid(axes[2], averaged, "average pool", shown, fmt="{:.2f}")
    for ax in axes[1:]:
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, ec="red", lw=2.5))


def pooling_player(x, kernel_size: int = 2, stride: int = 2, *, dpi: int = 72):
    """A kernel-free player stepping the pooling window over ``x``, one frame per output cell.

    Same picture as :func:`draw_pooling`; the grids are drawn once and each frame only moves
    the outlines and reveals the next output cells, which keeps rendering fast.
    """

    array = np.asarray(x, dtype=np.float32)
    maxed, averaged = pool2d(array, kernel_size, stride, "max"), pool2d(array, kernel_size, stride, "avg")
    rows, cols = maxed.shape
    if rows * cols > MAX_FRAMES:
        raise ValueError(
            f"x, kernel_size and stride give {rows * cols} windows; a player shows at most {MAX_FRAMES} frames"
        )
    fig, axes = plt.subplots(1, 3, figsize=(6.6, 2.4), dpi=dpi, gridspec_kw={"width_ratios": [2, 1, 1]})
    draw_pooling(axes, array, kernel_size, stride, rows * cols - 1)  # everything, then hide per frame
    window, *outlines = (ax.patches[-1] for ax in axes)
    hidden = [ax.texts[:-1] for ax in axes[1:]]  # row-major, one text per output cell; the last is the title
    masks = [ax.images[0] for ax in axes[1:]]
    values = (maxed, averaged)
    fig.tight_layout()

    def frame(step: int) -> None:
        r, c = divmod(step, cols)
        window.set_xy((c * stride - 0.5, r * stride - 0.5))
        for outline in outlines:
            outline.set_xy((c - 0.5, r - 0.5))
        shown = (np.arange(rows * cols) <= step).reshape(rows, cols)
        for texts, image, data in zip(hidden, masks, values, strict=True):
            for index, text in enumerate(texts):
                text.set_visible(bool(shown.flat[index]))
            image.set_data(np.where(shown, data, np.nan))

    return html_player(fig, frame, rows * cols)


def pooling_widget(x):
    """Live sliders (ipywidgets) for kernel size, stride and ``ceil_mode`` of max pooling on ``x``.

    Returns the ``ipywidgets.interactive`` widget; its ``result`` is the pooled array.
    """
    import ipywidgets as widgets

    array = np.asarray(x, dtype=np.float32)
    if array.ndim != 2:
        raise ValueError(f"x must be a 2-D array, got shape {array.shape}")

    def show(kernel_size=2, stride=2, ceil_mode=False):
        fig, axes = plt.subplots(1, 2, figsize=(6, 3), dpi=72, gridspec_kw={"width_ratios": [2, 1]})
        out = pool2d(array, kernel_size, stride, "max", ceil_mode)
        size = pool_output_size(array.shape[0], kernel_size, stride, ceil_mode=ceil_mode)
        _grid(axes[0], array, f"input {array.shape[0]}×{array.shape[1]}")
        for r in range(out.shape[0]):
            for c in range(out.shape[1]):
                axes[0].add_patch(
                    Rectangle((c * stride - 0.45, r * stride - 0.45), kernel_size - 0.1, kernel_size - 0.1,
                              fill=False, ec=f"C{(r * out.shape[1] + c) % 10}", lw=2)
                )
        _grid(axes[1], out, f"max pool: {size}×{size}")
        return out

    side = min(array.shape)
    return live_widget(
        show,
        kernel_size=widgets.IntSlider(value=2, min=1, max=min(side, 4), description="kernel"),
        stride=widgets.IntSlider(value=2, min=1, max=4, description="stride"),
        ceil_mode=widgets.Checkbox(value=False, description="ceil_mode"),
    )
