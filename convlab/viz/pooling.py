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
from matplotlib.patches import Rectangle

from convlab._validate import integer
from convlab.arith import pool_output_size
from convlab.ops import pool2d
from convlab.viz.grids import draw_grid
from convlab.viz.player import FRAME_DPI, MAX_FRAMES, PLAYER_WIDTH, html_player, legible, live_widget

__all__ = ["draw_pooling", "pooling_player", "pooling_widget"]


_SCALE = {"cmap": "Blues", "vmin": -2, "vmax": 10}  # one colour scale for input and pooled grids


def draw_pooling(axes, x, kernel_size: int, stride: int, step: int) -> None:
    """Draw on three ``axes``: ``x`` with window number ``step``, the max- and average-pooled grids.

    Output cells up to ``step`` (row by row) are filled in; the current one is outlined in red.
    The grids are :func:`convlab.viz.grids.draw_grid`'s.
    """
    array = np.asarray(x, dtype=np.float32)
    maxed, averaged = pool2d(array, kernel_size, stride, "max"), pool2d(array, kernel_size, stride, "avg")
    rows, cols = maxed.shape
    step = integer("step", step, minimum=0)
    if step >= rows * cols:
        raise ValueError(f"step must be below {rows * cols} (the number of windows), got {step}")
    r, c = divmod(step, cols)
    hidden = np.arange(rows * cols).reshape(rows, cols) > step
    window = (r * stride, c * stride, kernel_size, kernel_size)
    draw_grid(axes[0], array, highlight=window, title=f"input {array.shape[0]}×{array.shape[1]}", **_SCALE)
    for ax, pooled, title, fmt in ((axes[1], maxed, "max pool", "{:g}"), (axes[2], averaged, "avg pool", "{:g}")):
        draw_grid(ax, np.where(hidden, np.nan, pooled), highlight=(r, c, 1, 1), title=title, fmt=fmt, **_SCALE)


def pooling_player(x, kernel_size: int = 2, stride: int = 2, *, dpi: float = FRAME_DPI):
    """A kernel-free player stepping the pooling window over ``x``, one frame per output cell.

    Same picture as :func:`draw_pooling`; the grids are drawn once and each frame only moves
    the outlines and blanks the output cells not computed yet, which keeps rendering fast.
    """
    array = np.asarray(x, dtype=np.float32)
    rows, cols = pool2d(array, kernel_size, stride, "max").shape
    if rows * cols > MAX_FRAMES:
        raise ValueError(
            f"x, kernel_size and stride give {rows * cols} windows; a player shows at most {MAX_FRAMES} frames"
        )
    fig, axes = plt.subplots(1, 3, figsize=(PLAYER_WIDTH, 2.2), dpi=dpi, gridspec_kw={"width_ratios": [1.7, 1, 1]})
    draw_pooling(axes, array, kernel_size, stride, rows * cols - 1)  # everything, then hide per frame
    legible(fig)
    window, *outlines = (ax.patches[-1] for ax in axes)
    cells = [[p for p in ax.patches if p.get_gid() == "cell"] for ax in axes[1:]]  # row-major, like the texts
    faces = [[p.get_facecolor() for p in row] for row in cells]
    texts = [list(ax.texts) for ax in axes[1:]]
    fig.tight_layout()

    def frame(step: int) -> None:
        r, c = divmod(step, cols)
        window.set_xy((c * stride - 0.5, r * stride - 0.5))
        for outline in outlines:
            outline.set_xy((c - 0.5, r - 0.5))
        for patches, colours, labels in zip(cells, faces, texts, strict=True):
            for index, (patch, face, label) in enumerate(zip(patches, colours, labels, strict=True)):
                patch.set_facecolor(face if index <= step else "white")
                label.set_visible(index <= step)

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
        draw_grid(axes[0], array, title=f"input {array.shape[0]}×{array.shape[1]}", **_SCALE)
        for r in range(out.shape[0]):
            for c in range(out.shape[1]):
                axes[0].add_patch(
                    Rectangle((c * stride - 0.45, r * stride - 0.45), kernel_size - 0.1, kernel_size - 0.1,
                              fill=False, ec=f"C{(r * out.shape[1] + c) % 10}", lw=2)
                )
        draw_grid(axes[1], out, title=f"max pool: {size}×{size}", **_SCALE)
        return out

    side = min(array.shape)
    return live_widget(
        show,
        kernel_size=widgets.IntSlider(value=2, min=1, max=min(side, 4), description="kernel"),
        stride=widgets.IntSlider(value=2, min=1, max=4, description="stride"),
        ceil_mode=widgets.Checkbox(value=False, description="ceil_mode"),
    )
