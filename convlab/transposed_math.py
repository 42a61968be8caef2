"""Transposed convolution, by formula: its output size, and a convolution's input gradient.

* :func:`transposed_output_size` — the length ``nn.ConvTranspose2d`` produces along one axis,
  ``(W − 1)·S − 2P + D·(F − 1) + output_padding + 1``.
* :func:`input_grad_by_correlation` — ``dL/dX`` of ``F.conv2d`` computed as a *full*
  correlation of the upstream gradient with the 180°-rotated kernels (zeros inserted between
  its entries when the stride is larger than one).

Both are checked against PyTorch in ``tests/test_transposed_math.py``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convlab._validate import integer, pair
from convlab.arith import conv_output_size

__all__ = ["input_grad_by_correlation", "transposed_output_size"]


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


def input_grad_by_correlation(weight: torch.Tensor, grad_output: torch.Tensor, input_size, stride=1, padding=0):
    """``dL/dX`` of ``F.conv2d(x, weight, stride=stride, padding=padding)`` without autograd.

    Each input pixel met every kernel weight once, in a different output window, so its
    gradient gathers ``dY`` through the kernel turned by 180°: insert ``stride − 1`` zeros
    between the entries of ``dY``, pad by ``k − 1 − padding`` (a *full* correlation), and
    correlate with ``weight`` flipped in both spatial axes and with its channel axes swapped
    (it maps O channels back to C). ``input_size`` is ``(H, W)`` of the input: with a stride,
    several input sizes give the same output, and the extra bottom/right rows get zeros too.
    """
    for name, value in (("weight", weight), ("grad_output", grad_output)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
        if value.ndim != 4:
            raise ValueError(f"{name} must have 4 dimensions, got shape {tuple(value.shape)}")
    height, width = pair("input_size", input_size, minimum=1)
    (sh, sw), (ph, pw) = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0)
    out_channels, _, kh, kw = weight.shape
    if grad_output.shape[1] != out_channels:
        raise ValueError(f"grad_output has {grad_output.shape[1]} channels but weight has {out_channels} kernels")
    expected = (conv_output_size(height, kh, sh, ph), conv_output_size(width, kw, sw, pw))
    if tuple(grad_output.shape[2:]) != expected:
        raise ValueError(f"grad_output is {tuple(grad_output.shape[2:])} but input_size gives output {expected}")
    n, _, ho, wo = grad_output.shape
    spread = grad_output.new_zeros(n, out_channels, (ho - 1) * sh + 1, (wo - 1) * sw + 1)
    spread[:, :, ::sh, ::sw] = grad_output  # stride S: S − 1 zeros between neighbours
    extra_h = height + 2 * ph - ((ho - 1) * sh + kh)  # rows the stride never reached
    extra_w = width + 2 * pw - ((wo - 1) * sw + kw)
    # F.pad crops where the amount is negative (padding larger than k − 1)
    full = F.pad(spread, (kw - 1 - pw, kw - 1 - pw + extra_w, kh - 1 - ph, kh - 1 - ph + extra_h))
    rotated = weight.flip(2, 3).transpose(0, 1)  # (C, O, kH, kW), turned by 180°
    return F.conv2d(full, rotated)
