"""Pictures of a receptive field: which input pixels one output pixel depends on.

The maps are :func:`convlab.probes.dependence_map` of a :func:`convlab.models.conv_stack`; the
red square is :func:`convlab.arith.receptive_field`.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from convlab._validate import integer
from convlab.arith import conv_output_size, receptive_field
from convlab.models import conv_stack, layer_triples
from convlab.probes import bounding_box, dependence_map
from convlab.viz.player import html_player, live_widget

__all__ = ["draw_receptive_field", "receptive_field_player", "receptive_field_widget"]


def _stack_geometry(triples, size: int) -> tuple[int, int, int]:
    """Output size of the stack on a ``size`` input, and the product of its strides (the jump)."""
    jump = 1
    for kernel_size, stride, dilation in triples:
        size = conv_output_size(size, kernel_size, stride=stride, dilation=dilation)
        jump *= stride
    return size, jump, receptive_field(triples)


def draw_receptive_field(ax: Axes, layers: Sequence, canvas: int | None = None) -> dict[str, int]:
    """Draw on ``ax`` which pixels of a ``canvas`` × ``canvas`` input one output pixel sees.

    The shading is the autograd dependence map of an all-ones stack (darker = more paths);
    the red square is the field the formula :func:`convlab.arith.receptive_field` predicts. The
    output pixel is the one whose field lies nearest the middle of the canvas (default: the field
    plus 3 pixels on each side).
    Returns the formula's field, the measured one and the canvas size.
    """
    triples = layer_triples(layers)
    field = receptive_field(triples)
    canvas = field + 6 if canvas is None else integer("canvas", canvas, minimum=field)
    out_size, jump, _ = _stack_geometry(triples, canvas)
    pixel = min(out_size - 1, round((canvas - field) / 2 / jump))  # the output pixel whose field is most central
    dependence = dependence_map(conv_stack(triples), torch.zeros(1, 1, canvas, canvas), (pixel, pixel))
    top, left, height, width = bounding_box(dependence)
    for artist in [*ax.images, *ax.patches, *ax.collections]:
        artist.remove()  # cheaper than ax.clear(), which rebuilds the ticks: players redraw often
    ax.imshow((dependence / dependence.max()).numpy(), cmap="Blues", vmin=0, vmax=1, interpolation="nearest")
    if canvas <= 40:
        lines = [i - 0.5 for i in range(canvas + 1)]
        ax.hlines(lines, -0.5, canvas - 0.5, color="0.85", linewidth=0.5)
        ax.vlines(lines, -0.5, canvas - 0.5, color="0.85", linewidth=0.5)
    start = pixel * jump  # where the formula puts the field: no padding, so output pixel p starts at p·jump
    ax.add_patch(Rectangle((start - 0.5, start - 0.5), field, field, fill=False, edgecolor="red", linewidth=2))
    ax.set_xlim(-0.5, canvas - 0.5)
    ax.set_ylim(canvas - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"field {field}×{field} (measured {height}×{width})", fontsize=9)
    return {"field": field, "measured": height, "canvas": canvas, "top": top, "left": left}


def _describe(depth: int, kernel_size: int, stride: int) -> str:
    return f"{depth} layer{'s' if depth > 1 else ''} of {kernel_size}×{kernel_size}, stride {stride}"


def receptive_field_widget(max_depth: int = 5):
    """Live sliders (ipywidgets) for depth, kernel size and stride; each move redraws the field.

    Returns the ``ipywidgets.interactive`` widget; its ``result`` is what
    :func:`draw_receptive_field` returned for the current slider values.
    """
    import ipywidgets as widgets

    max_depth = integer("max_depth", max_depth, minimum=1)

    def show(depth: int, kernel_size: int, stride: int) -> dict[str, int]:
        fig, ax = plt.subplots(figsize=(4, 4), dpi=72)
        info = draw_receptive_field(ax, [(kernel_size, stride)] * depth)
        fig.suptitle(_describe(depth, kernel_size, stride), fontsize=10)
        return info

    return live_widget(
        show,
        depth=widgets.IntSlider(value=2, min=1, max=max_depth, description="depth"),
        kernel_size=widgets.IntSlider(value=3, min=1, max=7, step=2, description="kernel"),
        stride=widgets.IntSlider(value=1, min=1, max=3, description="stride"),
    )


def receptive_field_player(kernel_size: int = 3, strides: tuple[int, int] = (1, 2), max_depth: int = 5):
    """A kernel-free player over depth 1 … ``max_depth``: one panel per stride, canvas fixed per panel."""
    kernel_size = integer("kernel_size", kernel_size, minimum=1)
    max_depth = integer("max_depth", max_depth, minimum=1)
    if not isinstance(strides, (tuple, list)) or not strides:
        raise ValueError(f"strides must be a non-empty tuple of ints, got {strides!r}")
    strides = [integer(f"strides[{i}]", s, minimum=1) for i, s in enumerate(strides)]
    canvases = [receptive_field([(kernel_size, s)] * max_depth) + 4 for s in strides]
    fig, axes = plt.subplots(1, len(strides), figsize=(3 * len(strides), 3.3), dpi=64, squeeze=False)

    def frame(index: int) -> None:
        depth = index + 1
        for ax, stride, canvas in zip(axes[0], strides, canvases, strict=True):
            draw_receptive_field(ax, [(kernel_size, stride)] * depth, canvas)
            ax.set_xlabel(f"{canvas}×{canvas} input", fontsize=8)
        fig.suptitle(
            " | ".join(_describe(depth, kernel_size, s) for s in strides), fontsize=9
        )

    frame(0)
    return html_player(fig, frame, max_depth)
