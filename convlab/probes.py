"""Measure what a layer does: which input pixels an output depends on, shifts, feature maps.

* :func:`dependence_map`, :func:`bounding_box`, :func:`measured_receptive_field` — the
  receptive field measured with autograd (chapter 6 compares it with
  :func:`convlab.arith.receptive_field`).
* :func:`roll`, :func:`equivariance_error`, :func:`best_output_shift` — translation
  equivariance of a layer (chapter 6).
* :func:`channel_partials` — a multi-channel convolution taken apart: one partial map per
  input channel, and their sum (chapter 5).
* :func:`feature_maps` — a layer's output on one image, ready to draw (chapter 7).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from convlab._validate import integer
from convlab.data import to_chw, to_nchw

__all__ = [
    "best_output_shift",
    "bounding_box",
    "channel_partials",
    "dependence_map",
    "equivariance_error",
    "feature_maps",
    "measured_receptive_field",
    "roll",
]


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


def roll(x: torch.Tensor, shift: tuple[int, int]) -> torch.Tensor:
    """``x`` moved ``shift = (down, right)`` pixels along its last two axes, wrapping around."""
    if not isinstance(shift, (tuple, list)) or len(shift) != 2:
        raise ValueError(f"shift must be a (down, right) pair of ints, got {shift!r}")
    down, right = integer("shift[0]", shift[0]), integer("shift[1]", shift[1])
    return torch.roll(x, shifts=(down, right), dims=(-2, -1))


def equivariance_error(
    layer: nn.Module, x: torch.Tensor, shift: tuple[int, int], out_shift: tuple[int, int] | None = None
) -> torch.Tensor:
    """Where shifting then filtering differs from filtering then shifting: an H × W map.

    ``|layer(roll(x, shift)) - roll(layer(x), out_shift)|``, largest over batch and
    channels. ``out_shift`` (default: ``shift``) is how far the feature map should move; for a
    layer with stride 2, a shift of 2 input pixels should move it by 1. Zero everywhere means
    the layer is translation-equivariant for this shift.
    """
    if not isinstance(x, torch.Tensor) or x.ndim != 4:
        raise ValueError(f"x must be an (N, C, H, W) tensor, got {getattr(x, 'shape', type(x).__name__)}")
    with torch.no_grad():
        moved_then_filtered = layer(roll(x, shift))
        filtered_then_moved = roll(layer(x), shift if out_shift is None else out_shift)
    return (moved_then_filtered - filtered_then_moved).abs().amax(dim=(0, 1))


def best_output_shift(layer: nn.Module, x: torch.Tensor, shift: tuple[int, int], search: int = 2):
    """The output shift (each axis in ``-search … search``) that best matches an input ``shift``.

    Returns ``((down, right), largest_difference)``: how far the feature map of ``layer`` moved
    when ``x`` moved by ``shift``, as nearly as a whole-pixel shift can say. A difference of 0
    means the layer is equivariant for that shift; for a stride-2 layer and an odd shift no
    whole-pixel output shift fits.
    """
    search = integer("search", search, minimum=0)
    with torch.no_grad():
        moved_then_filtered = layer(roll(x, shift))
        filtered = layer(x)
    best, best_error = None, float("inf")
    for down in range(-search, search + 1):
        for right in range(-search, search + 1):
            error = (moved_then_filtered - roll(filtered, (down, right))).abs().max().item()
            if error < best_error:
                best, best_error = (down, right), error
    return best, best_error


def feature_maps(layer: nn.Module, image) -> torch.Tensor:
    """Run ``layer`` on ``image`` (H×W×C array or N×C×H×W tensor, N = 1); return C_out×H×W.

    The result is detached, so it can go straight to matplotlib.
    """
    if not isinstance(layer, nn.Module):
        raise TypeError(f"layer must be a torch.nn.Module, got {type(layer).__name__}")
    if isinstance(image, np.ndarray):
        if image.ndim != 3:
            raise ValueError(f"image must be an H×W×C array, got shape {image.shape}")
        image = to_nchw(image)
    if not isinstance(image, torch.Tensor) or image.ndim != 4 or image.shape[0] != 1:
        raise ValueError("image must be an H×W×C array or a 1×C×H×W tensor")
    with torch.no_grad():
        return layer(image)[0].detach()


def channel_partials(image, weight: torch.Tensor, bias: torch.Tensor | None = None, *, padding: int = 0):
    """The per-channel terms of a multi-channel convolution, and their sum.

    ``image`` is C×H×W (or 1×C×H×W, or an H×W×C array), ``weight`` is (O, C, kH, kW).
    Returns ``(partials, output)``: ``partials[o, c]`` is input channel ``c`` correlated
    with its own slice ``weight[o, c]``; ``output[o] = partials[o].sum(0) + bias[o]``, which
    equals ``F.conv2d`` of the whole image.
    """
    x = to_chw(image)
    if not isinstance(weight, torch.Tensor) or weight.ndim != 4:
        raise ValueError("weight must be a tensor of shape (out_channels, in_channels, kH, kW)")
    if weight.shape[1] != x.shape[0]:
        raise ValueError(
            f"weight has {weight.shape[1]} slices per kernel but image has {x.shape[0]} channels: "
            "a kernel needs exactly one slice per input channel"
        )
    padding = integer("padding", padding, minimum=0)
    weight = weight.detach().to(torch.float32)
    out_channels, in_channels = weight.shape[:2]
    if bias is None:
        bias = torch.zeros(out_channels)
    elif not isinstance(bias, torch.Tensor) or tuple(bias.shape) != (out_channels,):
        raise ValueError(f"bias must be a tensor of shape ({out_channels},)")
    rows = []
    for o in range(out_channels):
        # one single-channel correlation per input channel: a 1×1×H×W input, a 1×1×kH×kW kernel
        terms = [F.conv2d(x[c][None, None], weight[o, c][None, None], padding=padding) for c in range(in_channels)]
        terms = [term[0, 0] for term in terms]
        rows.append(torch.stack(terms))
    partials = torch.stack(rows)
    output = partials.sum(dim=1) + bias.detach().to(torch.float32)[:, None, None]
    return partials, output
