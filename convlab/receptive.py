"""Which input pixels one output pixel depends on: autograd maps, receptive fields and their pictures."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from torch import nn

from convlab import anim
from convlab._validate import integer
from convlab.arith import conv_output_size, receptive_field

__all__ = [
    "bounding_box",
    "conv_stack",
    "dependence_map",
    "draw_receptive_field",
    "measured_receptive_field",
    "receptive_field_explorer",
    "receptive_field_player",
]


def _layer_triples(layers) -> list[tuple[int, int, int]]:
    """``layers`` as checked ``(kernel_size, stride, dilation)`` triples (``receptive_field`` validates)."""
    receptive_field(layers)
    return [(int(layer[0]), int(layer[1]), int(layer[2]) if len(layer) == 3 else 1) for layer in layers]


def conv_stack(layers: Sequence, channels: int = 1, *, seed: int | None = None) -> nn.Sequential:
    """``nn.Sequential`` of ``nn.Conv2d`` layers, one per ``(kernel_size, stride[, dilation])`` tuple.

    No padding and no non-linearity, so every path from input to output counts. With
    ``seed=None`` all weights are 1 and biases 0: the gradient of an output pixel then counts
    the paths from each input pixel to it. With an int seed the weights are random (seeded).
    """
    triples = _layer_triples(layers)
    channels = integer("channels", channels, minimum=1)
    if seed is not None:
        seed = integer("seed", seed)
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    modules = []
    for kernel_size, stride, dilation in triples:
        conv = nn.Conv2d(channels, channels, kernel_size, stride=stride, dilation=dilation)
        with torch.no_grad():
            if generator is None:
                conv.weight.fill_(1.0)
                conv.bias.zero_()
            else:
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=generator))
                conv.bias.copy_(torch.randn(conv.bias.shape, generator=generator))
        modules.append(conv)
    return nn.Sequential(*modules)


def dependence_map(model: nn.Module, x: torch.Tensor, pixel: tuple[int, int] | None = None) -> torch.Tensor:
    """``|d output[pixel] / d input|``, summed over channels: an H × W map of the input.

    ``x`` is one input of shape (1, C, H, W). The output pixel ``(row, col)`` (all output
    channels summed) defaults to the centre of the output. A pixel is non-zero exactly when
    changing it changes that output pixel (barring exact cancellations).
    """
    if not isinstance(x, torch.Tensor) or x.ndim != 4 or x.shape[0] != 1:
        raise ValueError(f"x must be a tensor of shape (1, C, H, W), got {getattr(x, 'shape', type(x).__name__)}")
    x = x.detach().clone().requires_grad_(True)
    y = model(x)
    if y.ndim != 4:
        raise ValueError(f"the model must return an (N, C, H, W) feature map, got shape {tuple(y.shape)}")
    rows, cols = y.shape[-2:]
    if pixel is None:
        pixel = (rows // 2, cols // 2)
    if not isinstance(pixel, (tuple, list)) or len(pixel) != 2:
        raise ValueError(f"pixel must be a (row, col) pair, got {pixel!r}")
    row = integer("pixel[0]", pixel[0], minimum=0)
    col = integer("pixel[1]", pixel[1], minimum=0)
    if row >= rows or col >= cols:
        raise ValueError(f"pixel={pixel!r} is outside the {rows} × {cols} output")
    (grad,) = torch.autograd.grad(y[0, :, row, col].sum(), x)
    return grad[0].abs().sum(dim=0)


def bounding_box(dependence: torch.Tensor) -> tuple[int, int, int, int]:
    """``(top, left, height, width)`` of the non-zero entries of a 2-D map."""
    if not isinstance(dependence, torch.Tensor) or dependence.ndim != 2:
        raise ValueError("dependence must be a 2-D tensor")
    rows = torch.nonzero(dependence.abs().sum(dim=1)).flatten()
    cols = torch.nonzero(dependence.abs().sum(dim=0)).flatten()
    if rows.numel() == 0:
        raise ValueError("dependence is zero everywhere: the output does not depend on any input pixel")
    top, left = int(rows[0]), int(cols[0])
    return top, left, int(rows[-1]) - top + 1, int(cols[-1]) - left + 1


def measured_receptive_field(model: nn.Module, size: int, in_channels: int = 1, *, seed: int = 0) -> tuple[int, int]:
    """``(height, width)`` of the input region the centre output pixel of ``model`` depends on.

    Measured with autograd on a seeded random ``size`` × ``size`` input. Use a model without
    ReLUs (or other functions with flat parts), which could hide real connections.
    """
    size = integer("size", size, minimum=1)
    in_channels = integer("in_channels", in_channels, minimum=1)
    x = torch.randn(1, in_channels, size, size, generator=torch.Generator().manual_seed(integer("seed", seed)))
    _, _, height, width = bounding_box(dependence_map(model, x))
    return height, width


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
    triples = _layer_triples(layers)
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


def receptive_field_explorer(max_depth: int = 5):
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
        plt.show()
        plt.close(fig)
        return info

    return widgets.interactive(
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
    return anim.scrubber(fig, frame, max_depth)
