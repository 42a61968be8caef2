"""Pooling: output sizes (with ``ceil_mode``), and pictures of a pooling window at work.

* :func:`pool_output_size` — one axis of ``nn.MaxPool2d`` / ``nn.AvgPool2d``, ``ceil_mode`` included.
* :func:`pool2d` — max or average pooling of a 2-D array (NumPy in, NumPy out).
* :func:`draw_pooling` — input grid with the current window, and the max- and average-pooled grids.
* :func:`pooling_scrubber` — the same picture for every window position, as a kernel-free player.
* :func:`pooling_explorer` — live ipywidgets sliders for kernel size, stride and ``ceil_mode``.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from convlab._validate import integer

__all__ = ["draw_pooling", "pool2d", "pool_output_size", "pooling_explorer", "pooling_scrubber"]


def pool_output_size(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False) -> int:
    """Length of one output axis of ``nn.MaxPool2d`` (or ``nn.AvgPool2d``), as PyTorch computes it.

    ``stride`` defaults to ``kernel_size`` (PyTorch's default for pooling, unlike convolution).
    With ``ceil_mode=True`` the division rounds up, so a last, partial window is kept — unless
    it would start in the right-hand padding, which PyTorch never allows. ``padding`` may be
    at most ``kernel_size // 2``.

    >>> pool_output_size(5, 2), pool_output_size(5, 2, ceil_mode=True)
    (2, 3)
    """
    size = integer("size", size, minimum=1)
    kernel_size = integer("kernel_size", kernel_size, minimum=1)
    stride = kernel_size if stride is None else integer("stride", stride, minimum=1)
    padding = integer("padding", padding, minimum=0)
    dilation = integer("dilation", dilation, minimum=1)
    if not isinstance(ceil_mode, bool):
        raise TypeError(f"ceil_mode must be True or False, got {ceil_mode!r}")
    if padding > kernel_size // 2:
        raise ValueError(f"padding={padding} must be at most half of kernel_size={kernel_size}")
    span = dilation * (kernel_size - 1) + 1  # input pixels one window covers
    extra = stride - 1 if ceil_mode else 0  # rounds the division up
    out = (size + 2 * padding - span + extra) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1  # the last window would start in the padding
    if out < 1:
        raise ValueError(f"the output would be empty: the window spans {span} pixels, size={size}, padding={padding}")
    return out


def pool2d(x, kernel_size: int, stride: int | None = None, mode: str = "max", ceil_mode: bool = False) -> np.ndarray:
    """Max (``mode="max"``) or average (``mode="avg"``) pooling of a 2-D array, via PyTorch."""
    array = np.asarray(x, dtype=np.float32)
    if array.ndim != 2:
        raise ValueError(f"x must be a 2-D array, got shape {array.shape}")
    tensor = torch.from_numpy(array)[None, None]
    if mode == "max":
        out = F.max_pool2d(tensor, kernel_size, stride, ceil_mode=ceil_mode)
    elif mode == "avg":
        out = F.avg_pool2d(tensor, kernel_size, stride, ceil_mode=ceil_mode)
    else:
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    return out[0, 0].numpy()


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


def pooling_scrubber(x, kernel_size: int = 2, stride: int = 2, *, dpi: int = 72):
    """A kernel-free player stepping the pooling window over ``x``, one frame per output cell.

    Same picture as :func:`draw_pooling`; the grids are drawn once and each frame only moves
    the outlines and reveals the next output cells, which keeps rendering fast.
    """
    from convlab.anim import scrubber

    array = np.asarray(x, dtype=np.float32)
    maxed, averaged = pool2d(array, kernel_size, stride, "max"), pool2d(array, kernel_size, stride, "avg")
    rows, cols = maxed.shape
    if rows * cols > 16:
        raise ValueError(f"x, kernel_size and stride give {rows * cols} windows; keep it to 16 frames or fewer")
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

    return scrubber(fig, frame, rows * cols)


def pooling_explorer(x):
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
        plt.show()
        return out

    side = min(array.shape)
    return widgets.interactive(
        show,
        kernel_size=widgets.IntSlider(value=2, min=1, max=min(side, 4), description="kernel"),
        stride=widgets.IntSlider(value=2, min=1, max=4, description="stride"),
        ceil_mode=widgets.Checkbox(value=False, description="ceil_mode"),
    )
