"""Every size and count formula of the course, with PyTorch's semantics.

Output sizes (:func:`conv_output_size`, :func:`pool_output_size`), receptive fields
(:func:`receptive_field`), parameter counts (:func:`conv_params`, :func:`linear_params`,
:func:`sharing_counts`) and multiply-adds (:func:`multiply_adds`, :func:`conv_macs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import prod

from convlab._validate import integer, pair

__all__ = [
    "unshared_params",
    "transposed_output_size",
    "BYTES_PER_FLOAT32",
    "Counts",
    "count_layers",
    "conv_macs",
    "conv_output_size",
    "kernel_too_wide",
    "notes_formula",
    "notes_value",
    "output_size_formula",
    "FORMULA",
    "FORMULA_END",
    "FORMULA_NUMBERS",
    "NOTES_FORMULA",
    "KERNEL_TOO_WIDE",
    "conv_params",
    "linear_params",
    "multiply_adds",
    "pool_output_size",
    "receptive_field",
    "FieldLayout",
    "field_layout",
    "sharing_counts",
]


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


# PyTorch's output-size formula for one axis, with the numbers put in (``top`` is the numerator).
FORMULA_NUMBERS = "⌊({size} + 2·{padding} − {dilation}·({kernel_size} − 1) − 1)/{stride}⌋ + 1"
FORMULA = "⌊(W + 2P − D·(F − 1) − 1)/S⌋ + 1 = " + FORMULA_NUMBERS + " = ⌊{top}/{stride}⌋ + 1"
FORMULA_END = {"possible": " = {out}", "impossible": " < 1: impossible"}
# The notes' floor-free formula; ``notes`` is its unrounded value.
NOTES_FORMULA = "(W − F + 2P)/S + 1 = ({size} − {kernel_size} + 2·{padding})/{stride} + 1 = {notes}"
KERNEL_TOO_WIDE = (
    "Impossible setting: along the {axis}, a kernel of {kernel_size} with dilation {dilation} spans {span} "
    "pixels, but the padded input has only {size} + 2·{padding} = {padded}. Use a smaller kernel or dilation, "
    "or more padding."
)


def output_size_formula(size, kernel_size, stride=1, padding=0, dilation=1) -> str:
    """:func:`conv_output_size` as a line of text: the formula, the numbers put in, the result.

    >>> output_size_formula(7, 3, stride=2, padding=1)
    '⌊(W + 2P − D·(F − 1) − 1)/S⌋ + 1 = ⌊(7 + 2·1 − 1·(3 − 1) − 1)/2⌋ + 1 = ⌊6/2⌋ + 1 = 4'
    >>> output_size_formula(2, 5).endswith("⌊-3/1⌋ + 1 < 1: impossible")
    True
    """
    values = dict(
        size=integer("size", size, minimum=1), kernel_size=integer("kernel_size", kernel_size, minimum=1),
        stride=integer("stride", stride, minimum=1), padding=integer("padding", padding, minimum=0),
        dilation=integer("dilation", dilation, minimum=1),
    )
    top = values["size"] + 2 * values["padding"] - values["dilation"] * (values["kernel_size"] - 1) - 1
    if top < 0:
        return (FORMULA + FORMULA_END["impossible"]).format(**values, top=top)
    return (FORMULA + FORMULA_END["possible"]).format(**values, top=top, out=conv_output_size(**values))


def notes_value(size, kernel_size, stride=1, padding=0) -> str:
    """The notes' ``(W − F + 2P)/S + 1``, unrounded: a whole number, or a decimal flagged as not whole.

    >>> notes_value(6, 3, stride=2)
    '2.5 — not a whole number'
    """
    value = Fraction(
        integer("size", size, minimum=1) - integer("kernel_size", kernel_size, minimum=1)
        + 2 * integer("padding", padding, minimum=0),
        integer("stride", stride, minimum=1),
    ) + 1
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g} — not a whole number"


def notes_formula(size, kernel_size, stride=1, padding=0) -> str:
    """The notes' ``(W − F + 2P)/S + 1`` with the numbers put in, unrounded.

    >>> notes_formula(6, 3, stride=2)
    '(W − F + 2P)/S + 1 = (6 − 3 + 2·0)/2 + 1 = 2.5 — not a whole number'
    """
    notes = notes_value(size, kernel_size, stride, padding)
    return NOTES_FORMULA.format(size=size, kernel_size=kernel_size, stride=stride, padding=padding, notes=notes)


def kernel_too_wide(axis: str, size, kernel_size, padding=0, dilation=1) -> str:
    """Why no window fits along ``axis`` (e.g. ``"height"``), or ``""`` when one does.

    >>> kernel_too_wide("width", 5, 3, padding=1)
    ''
    """
    values = dict(
        size=integer("size", size, minimum=1), kernel_size=integer("kernel_size", kernel_size, minimum=1),
        padding=integer("padding", padding, minimum=0), dilation=integer("dilation", dilation, minimum=1),
    )
    span, padded = values["dilation"] * (values["kernel_size"] - 1) + 1, values["size"] + 2 * values["padding"]
    return KERNEL_TOO_WIDE.format(axis=axis, span=span, padded=padded, **values) if span > padded else ""


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


@dataclass(frozen=True)
class FieldLayout:
    """Where a stack's receptive fields lie on a ``canvas`` × ``canvas`` input (no padding).

    Output pixel ``p`` of the last layer sees the ``field`` input pixels from ``p · jump`` on,
    ``jump`` being the product of the strides; ``pixel`` is the output pixel shown, whose field
    starts at ``start``, and its neighbour's field starts ``jump`` further.
    """

    field: int
    jump: int
    canvas: int
    pixel: int
    start: int


def field_layout(layers, margin: int = 3) -> FieldLayout:
    """The layout that shows one output pixel's field and its neighbour's, ``margin`` pixels from the edge.

    >>> field_layout([(3, 2), (3, 1)])
    FieldLayout(field=7, jump=2, canvas=15, pixel=2, start=4)
    """
    field = receptive_field(layers)
    margin = integer("margin", margin, minimum=0)
    jump = prod(integer("stride", layer[1], minimum=1) for layer in layers)
    pixel = round(margin / jump)  # the output pixel whose field starts nearest ``margin``
    return FieldLayout(field, jump, field + jump + 2 * margin, pixel, pixel * jump)


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


def multiply_adds(size, kernel_size, stride=1, padding=0, dilation=1) -> int:
    """Multiply-adds of one input channel → one output channel: outputs × ``kh * kw``.

    ``size``, ``kernel_size``, ``stride``, ``padding`` and ``dilation`` are ints or ``(h, w)``
    pairs. Multiply by ``in_channels * out_channels`` (and the batch) for a whole layer, or
    use :func:`conv_macs`.

    >>> multiply_adds(5, 3, padding=1)
    225
    """
    sizes, kernel = pair("size", size, minimum=1), pair("kernel_size", kernel_size, minimum=1)
    strides, paddings = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0)
    dilations = pair("dilation", dilation, minimum=1)
    outputs = 1
    for axis in (0, 1):
        outputs *= conv_output_size(sizes[axis], kernel[axis], strides[axis], paddings[axis], dilations[axis])
    return outputs * prod(kernel)


def conv_macs(in_channels, out_channels, kernel_size, size, stride=1, padding=0, groups=1) -> int:
    """Multiply-adds of one ``nn.Conv2d`` on one ``size`` (int or (H, W)) input, bias ignored.

    Each output value needs ``(in_channels / groups) · kH · kW`` multiply-adds: every weight
    is used once per output position.

    >>> conv_macs(3, 8, 3, 32, padding=1)
    221184
    """
    kernels = conv_params(in_channels, out_channels, kernel_size, bias=False, groups=groups) // prod(
        pair("kernel_size", kernel_size, minimum=1)
    )  # one (input slice, kernel) pair per entry
    return kernels * multiply_adds(size, kernel_size, stride, padding)


def sharing_counts(size: int, kernels: int, kernel_size: int = 5, in_channels: int = 3) -> dict[str, float]:
    """Parameters of a conv layer and of the FC layer with the same output, for one input.

    The input is ``size`` × ``size`` × ``in_channels``; the conv layer has ``kernels`` kernels
    of ``kernel_size`` × ``kernel_size`` (stride 1, no padding, with biases). The FC layer
    maps the flattened input to the same ``kernels`` × out × out outputs, with biases.
    """
    size = integer("size", size, minimum=1)
    kernels = integer("kernels", kernels, minimum=1)
    out = conv_output_size(size, kernel_size)
    conv = conv_params(in_channels, kernels, kernel_size)
    fc = linear_params(in_channels * size * size, kernels * out * out)
    return {"size": size, "out": out, "conv": conv, "fc": fc, "ratio": fc / conv}


BYTES_PER_FLOAT32 = 4  # 32 bits
CONV_KERNEL = 3  # the convolution we compare with: 3×3 kernels …
CONV_OUT = 64  # … 64 of them, a typical first layer


@dataclass(frozen=True)
class Counts:
    """Parameter counts of three layers on a ``side × side × channels`` image."""

    side: int
    channels: int
    hidden: int
    fc: int  # Linear(side²·channels → hidden)
    fc_same: int  # Linear(side²·channels → side²·channels): the notes' "hidden layer as large as the input"
    conv: int  # Conv2d(channels → 64, 3×3): the same for every image size


def count_layers(side: int, hidden: int, channels: int = 1) -> Counts:
    """Count the parameters (weights and biases) of the three layers compared in the explorer."""
    side = integer("side", side, minimum=1)
    hidden = integer("hidden", hidden, minimum=1)
    channels = integer("channels", channels, minimum=1)
    inputs = side * side * channels
    return Counts(
        side=side,
        channels=channels,
        hidden=hidden,
        fc=linear_params(inputs, hidden),
        fc_same=linear_params(inputs, inputs),
        conv=conv_params(channels, CONV_OUT, CONV_KERNEL),
    )


def transposed_output_size(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1) -> int:
    """Output length of a transposed convolution: ``(W − 1)·S − 2P + D·(F − 1) + output_padding + 1``.

    It is the input length of the convolution with the same settings whose outputs it maps
    back: a convolution maps several input lengths to one output length when the stride is
    larger than one, and ``output_padding`` (smaller than the stride or the dilation) picks
    one of them. Raises ``ValueError`` when the result would be empty (PyTorch returns an empty tensor).
    """
    size = integer("size", size, minimum=1)
    kernel_size = integer("kernel_size", kernel_size, minimum=1)
    stride = integer("stride", stride, minimum=1)
    padding = integer("padding", padding, minimum=0)
    dilation = integer("dilation", dilation, minimum=1)
    output_padding = integer("output_padding", output_padding, minimum=0)
    if output_padding >= max(stride, dilation):
        raise ValueError(
            f"output_padding must be smaller than stride or dilation, got output_padding={output_padding} "
            f"with stride={stride}, dilation={dilation}"
        )
    out = (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if out < 1:
        raise ValueError(f"padding={padding} leaves an empty output (length {out}) for size={size}")
    return out


def unshared_params(in_channels, out_channels, kernel_size, size, stride=1, padding=0, bias: bool = True) -> int:
    """Parameters of a locally-connected layer: one kernel (and bias) per output position.

    That is ``H_out · W_out`` times the count of ``nn.Conv2d(in_channels, out_channels,
    kernel_size)`` on a square ``size`` × ``size`` input.
    """
    out = conv_output_size(integer("size", size, minimum=1), kernel_size, stride, padding)
    return out * out * conv_params(in_channels, out_channels, kernel_size, bias=bias)
