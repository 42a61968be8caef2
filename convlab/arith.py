"""Sizes and parameter counts of convolution and linear layers, with PyTorch's semantics."""

from __future__ import annotations

from math import prod

from convlab._validate import integer, pair

__all__ = ["conv_output_size", "conv_params", "linear_params", "receptive_field"]


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1) -> int:
    """Length of one output axis of a convolution (or pooling) layer.

    ``floor((size + 2*padding - dilation*(kernel_size - 1) - 1) / stride) + 1``, which is
    what ``nn.Conv2d`` computes for each axis. ``padding`` is per side. The floor means that
    rows or columns the last window cannot reach are silently dropped.

    >>> conv_output_size(5, 3, stride=1, padding=1)
    5
    >>> conv_output_size(7, 3, stride=2)
    3
    """
    size = integer("size", size, minimum=1)
    kernel_size = integer("kernel_size", kernel_size, minimum=1)
    stride = integer("stride", stride, minimum=1)
    padding = integer("padding", padding, minimum=0)
    dilation = integer("dilation", dilation, minimum=1)
    span = dilation * (kernel_size - 1) + 1  # input pixels one window covers
    padded = size + 2 * padding
    if span > padded:
        raise ValueError(
            f"the output would be empty: kernel_size={kernel_size} with dilation={dilation} "
            f"spans {span} pixels, but size={size} with padding={padding} gives only {padded}"
        )
    return (padded - span) // stride + 1


def conv_params(in_channels, out_channels, kernel_size, bias=True, groups=1) -> int:
    """Number of learnable parameters of ``nn.Conv2d(in_channels, out_channels, kernel_size)``.

    Each of the ``out_channels`` kernels has ``in_channels // groups`` slices of
    ``kH * kW`` weights, plus one bias when ``bias`` is true. ``kernel_size`` is an int or
    an ``(h, w)`` pair.

    >>> conv_params(3, 10, 5)
    760
    """
    in_channels = integer("in_channels", in_channels, minimum=1)
    out_channels = integer("out_channels", out_channels, minimum=1)
    kernel = pair("kernel_size", kernel_size, minimum=1)
    groups = integer("groups", groups, minimum=1)
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {bias!r}")
    for name, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
        if channels % groups:
            raise ValueError(f"{name}={channels} is not divisible by groups={groups}")
    weights = out_channels * (in_channels // groups) * prod(kernel)
    return weights + (out_channels if bias else 0)


def linear_params(in_features, out_features, bias=True) -> int:
    """Number of learnable parameters of ``nn.Linear(in_features, out_features)``.

    >>> linear_params(1000 * 1000, 1000 * 1000, bias=False)
    1000000000000
    """
    in_features = integer("in_features", in_features, minimum=1)
    out_features = integer("out_features", out_features, minimum=1)
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {bias!r}")
    return out_features * in_features + (out_features if bias else 0)


def receptive_field(layers) -> int:
    """Side length of the input region that one output pixel of the last layer sees.

    ``layers`` is a sequence of ``(kernel_size, stride)`` or ``(kernel_size, stride,
    dilation)`` tuples, first layer first. Walking from the input up, each layer widens the
    field by ``dilation * (kernel_size - 1)`` steps of its input, and one step of its input
    is the product of the strides of the layers below it (its *jump*)::

        r = 1 + sum_l dilation_l * (kernel_size_l - 1) * (stride_1 * ... * stride_{l-1})

    Padding moves the field but does not change its size. An empty stack sees one pixel.

    >>> receptive_field([(3, 1), (3, 1)])
    5
    >>> receptive_field([(3, 2), (3, 2), (3, 1, 2)])
    23
    """
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError(f"layers must be a sequence of (kernel_size, stride[, dilation]) tuples, got {layers!r}")
    field, jump = 1, 1
    for index, layer in enumerate(layers):
        where = f"layers[{index}] (layer index {index})"
        if not isinstance(layer, (tuple, list)) or len(layer) not in (2, 3):
            raise ValueError(
                f"{where} must be a (kernel_size, stride) or (kernel_size, stride, dilation) tuple, got {layer!r}"
            )
        kernel_size = integer(f"kernel_size of {where}", layer[0], minimum=1)
        stride = integer(f"stride of {where}", layer[1], minimum=1)
        dilation = integer(f"dilation of {where}", layer[2], minimum=1) if len(layer) == 3 else 1
        field += dilation * (kernel_size - 1) * jump
        jump *= stride
    return field
