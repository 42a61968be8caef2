"""The sliding-window walk-through of one convolution, in two forms.

* :func:`walkthrough_widget` — live ipywidgets: a slider moves the window; the figure and the
  products with their sum update (Jupyter only, it needs a kernel).
* :func:`walkthrough_player` — the same walk as an HTML player, which a reader of the HTML
  book scrubs without a kernel.

Both draw with :func:`convlab.viz.grids.draw_conv_step` and describe each step with
:func:`step_products`, so the two forms always show the same numbers.
"""

from __future__ import annotations

import numpy as np
from matplotlib import pyplot as plt

from convlab._validate import integer, pair
from convlab.arith import conv_output_size
from convlab.viz.grids import _as_2d, draw_conv_step
from convlab.viz.player import FRAME_DPI, MAX_FRAMES, MIN_TEXT_PT, PLAYER_WIDTH, html_player, legible, live_widget

__all__ = ["step_products", "walkthrough_player", "walkthrough_widget"]


def _num(value: float) -> str:
    text = f"{0.0 if value == 0 else value:g}"
    return f"({text})" if value < 0 else text


def step_products(x, kernel, step: int, *, stride=1, padding=0, dilation=1) -> tuple[str, float]:
    """The products of output cell ``step`` (row-major) and their sum, e.g. ``("1·0 + 2·1 = 2", 2.0)``.

    ``x`` and ``kernel`` are 2-D; ``stride``, ``padding`` and ``dilation`` have
    ``F.conv2d``'s meaning (zero padding). Raises ``ValueError`` for a step past the output.
    """
    image, weights = _as_2d(x, "x"), _as_2d(kernel, "kernel")
    (sh, sw), (ph, pw) = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0)
    dh, dw = pair("dilation", dilation, minimum=1)
    padded = np.pad(image, ((ph, ph), (pw, pw)))
    kh, kw = weights.shape
    out_h = conv_output_size(padded.shape[0], kh, sh, 0, dh)
    out_w = conv_output_size(padded.shape[1], kw, sw, 0, dw)
    step = integer("step", step, minimum=0)
    if step >= out_h * out_w:
        raise ValueError(f"step must be below {out_h * out_w} (the output has {out_h}×{out_w} cells), got {step}")
    i, j = divmod(step, out_w)
    window = padded[i * sh : i * sh + dh * (kh - 1) + 1 : dh, j * sw : j * sw + dw * (kw - 1) + 1 : dw]
    terms = [f"{_num(a)}·{_num(b)}" for a, b in zip(window.ravel(), weights.ravel(), strict=True)]
    total = float((window * weights).sum())
    return f"{' + '.join(terms)} = {0.0 if total == 0 else total:g}", total


def _steps(x, kernel, stride, padding, dilation) -> int:
    image, weights = _as_2d(x, "x"), _as_2d(kernel, "kernel")
    (sh, sw), (ph, pw) = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0)
    dh, dw = pair("dilation", dilation, minimum=1)
    out_h = conv_output_size(image.shape[0], weights.shape[0], sh, ph, dh)
    out_w = conv_output_size(image.shape[1], weights.shape[1], sw, pw, dw)
    return out_h * out_w


def _figure(figsize, dpi, *, caption_lines: int = 1, fontsize: float = 8):
    """Three grids in a row and, under them, the products in ``caption_lines`` lines."""
    fig, axes = plt.subplots(1, 3, figsize=figsize, dpi=dpi, gridspec_kw={"width_ratios": [1.3, 1, 1]})
    room = (0.16 if caption_lines == 1 else (0.23 * caption_lines + 0.1) / figsize[1])  # inches to a fraction
    fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=room, wspace=0.15)
    caption = fig.text(0.5, room / 2, "", ha="center", va="center", fontsize=fontsize, family="monospace")
    return fig, axes, caption


def _by_kernel_row(text: str, kernel_width: int) -> str:
    """``step_products``' line cut after each kernel row: ``a·b + c·d +`` / ``e·f = 5``."""
    terms, total = text.rsplit(" = ", 1)
    parts = terms.split(" + ")
    rows = [" + ".join(parts[i : i + kernel_width]) for i in range(0, len(parts), kernel_width)]
    return " +\n".join(rows) + f" = {total}"


def walkthrough_widget(x, kernel, *, stride=1, padding=0, dilation=1, figsize=(6.4, 2.6), dpi=72):
    """An ``ipywidgets.interactive`` whose ``step`` slider moves the window over ``x``.

    Each move redraws input (window highlighted), kernel and output-so-far, and prints the
    products and their sum. The widget's ``result`` is ``(text, total)`` from
    :func:`step_products`, so code (and tests) can set ``widget.children[0].value`` and read it.
    """
    import ipywidgets  # imported here so the rest of convlab works without it

    steps = _steps(x, kernel, stride, padding, dilation)

    def show(step: int):
        fig, axes, caption = _figure(figsize, dpi)
        draw_conv_step(axes, x, kernel, step, stride=stride, padding=padding, dilation=dilation)
        text, total = step_products(x, kernel, step, stride=stride, padding=padding, dilation=dilation)
        caption.set_text(text)
        print(text)
        return text, total

    slider = ipywidgets.IntSlider(value=0, min=0, max=steps - 1, step=1, description="step", continuous_update=False)
    return live_widget(show, step=slider)


def walkthrough_player(
    x, kernel, *, stride=1, padding=0, dilation=1, figsize=(PLAYER_WIDTH, 2.7), dpi=FRAME_DPI, interval=900
):
    """The walk-through as a scrubbable HTML player: one frame per output cell, its products
    written one kernel row per line, legible on a phone.

    Raises ``ValueError`` when the output has more cells than a player has frames
    (:data:`convlab.viz.player.MAX_FRAMES`; every frame is a PNG in the page, so keep examples small).
    """
    steps = _steps(x, kernel, stride, padding, dilation)
    if steps > MAX_FRAMES:
        raise ValueError(f"the output has {steps} cells but a player shows at most {MAX_FRAMES}: use a smaller example")
    kernel_rows, kernel_width = _as_2d(kernel, "kernel").shape
    fig, axes, caption = _figure(figsize, dpi, caption_lines=kernel_rows, fontsize=MIN_TEXT_PT)
    # Draw the last step once (every output cell filled in), then each frame only moves the
    # highlights and hides the output cells not computed yet: redrawing the grids is slow.
    out = draw_conv_step(axes, x, kernel, steps - 1, stride=stride, padding=padding, dilation=dilation)
    sh, sw = pair("stride", stride, minimum=1)
    windows = [p for p in axes[0].patches if p.get_gid() == "highlight"]
    window_xy = [p.get_xy() for p in windows]
    last_i, last_j = divmod(steps - 1, out.shape[1])
    cells = [p for p in axes[2].patches if p.get_gid() == "cell"]  # row-major, as draw_grid adds them
    faces = [p.get_facecolor() for p in cells]
    texts = list(axes[2].texts)
    (current,) = (p for p in axes[2].patches if p.get_gid() == "highlight")

    def draw(step: int):
        i, j = divmod(step, out.shape[1])
        for patch, (x0, y0) in zip(windows, window_xy, strict=True):
            patch.set_xy((x0 + (j - last_j) * sw, y0 + (i - last_i) * sh))
        for index, (patch, face, text) in enumerate(zip(cells, faces, texts, strict=True)):
            patch.set_facecolor(face if index <= step else "white")
            text.set_visible(index <= step)
        current.set_xy((j - 0.5, i - 0.5))
        products = step_products(x, kernel, step, stride=stride, padding=padding, dilation=dilation)[0]
        caption.set_text(_by_kernel_row(products, kernel_width))
        return []

    legible(fig)
    return html_player(fig, draw, steps, interval=interval)
