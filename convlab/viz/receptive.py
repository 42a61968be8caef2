"""Pictures of a receptive field: which input pixels one output pixel depends on.

The maps are :func:`convlab.probes.dependence_map` of a :func:`convlab.models.conv_stack`; the
red square is :func:`convlab.arith.receptive_field`, the dashed one the next output pixel's field.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from convlab._validate import integer
from convlab.arith import conv_output_size, field_layout, receptive_field
from convlab.models import conv_stack, layer_triples
from convlab.probes import bounding_box, dependence_map
from convlab.viz.player import html_player, live_widget

__all__ = ["describe_stack", "draw_receptive_field", "receptive_field_player", "receptive_field_widget"]

MARGIN = 3  # input pixels around the two fields
# The sliders of the explorer, as in the HTML book's (convlab.explorers.receptive.RANGES).
DEPTHS, KERNEL_SIZES, STRIDES, DILATIONS = (1, 2, 3), (1, 3, 5, 7), (1, 2, 3), (1, 2, 3)
MAX_DEPTH = DEPTHS[-1]


def _layout(triples, canvas: int | None) -> tuple[int, int, int, int]:
    """``(canvas, pixel, start, jump)``: :func:`convlab.arith.field_layout`'s, or on a given canvas
    the output pixel whose field is most central."""
    layout = field_layout(triples, MARGIN)
    if canvas is None:
        return layout.canvas, layout.pixel, layout.start, layout.jump
    canvas = integer("canvas", canvas, minimum=layout.field)
    out_size = canvas
    for kernel_size, stride, dilation in triples:
        out_size = conv_output_size(out_size, kernel_size, stride=stride, dilation=dilation)
    pixel = min(out_size - 1, round((canvas - layout.field) / 2 / layout.jump))
    return canvas, pixel, pixel * layout.jump, layout.jump


def draw_receptive_field(ax: Axes, layers: Sequence, canvas: int | None = None) -> dict[str, int]:
    """Draw on ``ax`` which pixels of a ``canvas`` × ``canvas`` input one output pixel sees.

    The shading is the autograd dependence map of an all-ones stack (darker = more paths);
    the red square is the field the formula :func:`convlab.arith.receptive_field` predicts, and
    the dashed square the field of the next output pixel along the diagonal, ``jump`` pixels
    further. By default the layout is :func:`convlab.arith.field_layout`'s (both fields and a
    margin of 3); on a given ``canvas``, the output pixel is the one whose field lies nearest the
    middle, and the next field is drawn where it fits.
    Returns the formula's field, the measured one, the canvas size, the jump and the field's start.
    """
    triples = layer_triples(layers)
    field = receptive_field(triples)
    canvas, pixel, start, jump = _layout(triples, canvas)
    dependence = dependence_map(conv_stack(triples), torch.zeros(1, 1, canvas, canvas), (pixel, pixel))
    top, left, height, width = bounding_box(dependence)
    for artist in [*ax.images, *ax.patches, *ax.collections]:
        artist.remove()  # cheaper than ax.clear(), which rebuilds the ticks: players redraw often
    ax.imshow((dependence / dependence.max()).numpy(), cmap="Blues", vmin=0, vmax=1, interpolation="nearest")
    if canvas <= 40:
        lines = [i - 0.5 for i in range(canvas + 1)]
        ax.hlines(lines, -0.5, canvas - 0.5, color="0.85", linewidth=0.5)
        ax.vlines(lines, -0.5, canvas - 0.5, color="0.85", linewidth=0.5)
    ax.add_patch(Rectangle((start - 0.5, start - 0.5), field, field, fill=False, edgecolor="red", linewidth=2))
    if start + jump + field <= canvas:
        ax.add_patch(Rectangle((start + jump - 0.5, start + jump - 0.5), field, field, fill=False,
                               edgecolor="red", linewidth=1.2, linestyle="--", gid="next-field"))
    ax.set_xlim(-0.5, canvas - 0.5)
    ax.set_ylim(canvas - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"field {field}×{field} (measured {height}×{width})", fontsize=9)
    return {"field": field, "measured": height, "canvas": canvas, "top": top, "left": left, "jump": jump,
            "start": start}


def describe_stack(layers) -> str:
    """The stack in words, e.g. ``3×3 s2, then 3×3 s1 d2``."""
    return ", then ".join(
        f"{k}×{k} s{s}" + (f" d{d}" if d > 1 else "") for k, s, d in layer_triples(layers)
    )


def receptive_field_widget(depth: int = 2, kernel_size: int = 3, strides=(1, 1, 1), dilations=(1, 1, 1)):
    """Live sliders (ipywidgets): depth, kernel size, and a stride and a dilation for each layer.

    The sliders are those of the HTML book's explorer (:mod:`convlab.explorers.receptive`):
    up to 3 layers; a layer's sliders are greyed out while the stack is shallower. Returns the
    ``ipywidgets.interactive`` widget; its ``result`` is what :func:`draw_receptive_field`
    returned for the current slider values, and setting a slider's ``value`` redraws.
    """
    import ipywidgets as widgets

    layers = MAX_DEPTH
    for name, value, values in (("depth", depth, DEPTHS), ("kernel_size", kernel_size, KERNEL_SIZES)):
        if integer(name, value) not in values:
            raise ValueError(f"{name} must be one of {values}, got {value}")
    for name, given, values in (("strides", strides, STRIDES), ("dilations", dilations, DILATIONS)):
        if not isinstance(given, (tuple, list)) or len(given) != layers or any(v not in values for v in given):
            raise ValueError(f"{name} must hold {layers} values from {values}, got {given!r}")

    def slider(value, values, description):
        return widgets.IntSlider(value=value, min=values[0], max=values[-1], step=values[1] - values[0],
                                 description=description, continuous_update=False)

    controls = {
        "depth": slider(depth, DEPTHS, "depth"),
        "kernel_size": slider(kernel_size, KERNEL_SIZES, "kernel"),
    }
    for i in range(layers):
        controls[f"stride_{i + 1}"] = slider(strides[i], STRIDES, f"stride {i + 1}")
        controls[f"dilation_{i + 1}"] = slider(dilations[i], DILATIONS, f"dilation {i + 1}")

    def show(depth: int, kernel_size: int, **per_layer: int) -> dict[str, int]:
        stack = [(kernel_size, per_layer[f"stride_{i + 1}"], per_layer[f"dilation_{i + 1}"]) for i in range(depth)]
        for i in range(layers):
            for name in ("stride", "dilation"):
                controls[f"{name}_{i + 1}"].disabled = i >= depth
        fig, ax = plt.subplots(figsize=(4, 4), dpi=72)
        info = draw_receptive_field(ax, stack)
        fig.suptitle(describe_stack(stack), fontsize=10)
        ax.set_xlabel(f"dashed: the next output pixel's field (jump {info['jump']})", fontsize=9)
        return info

    return live_widget(show, **controls)


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
        fig.suptitle(" | ".join(describe_stack([(kernel_size, s)] * depth) for s in strides), fontsize=9)

    frame(0)
    return html_player(fig, frame, max_depth)
