"""A convolution layer written as a matrix product, with its gradients written by hand.

With ``cols = im2col(x)`` of shape ``(N, C·kH·kW, L)`` (one column per output position) and
the kernels flattened to ``W`` of shape ``(O, C·kH·kW)``:

* forward: ``Y = W @ cols + b``                        (:func:`conv2d_matmul`)
* bias:    ``dL/db = dY summed over batch and positions``  (:func:`grad_bias`)
* weight:  ``dL/dW = Σ_n dY_n @ cols_nᵀ``                (:func:`grad_weight`)
* input:   ``dL/dX = col2im(Wᵀ @ dY)``, which is a transposed convolution  (:func:`grad_input`)

Everything is checked against autograd and ``torch.nn.grad`` in ``tests/test_backprop.py``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convlab._validate import pair
from convlab.arith import conv_output_size

__all__ = ["conv2d_matmul", "grad_bias", "grad_input", "grad_weight", "im2col"]

try:  # chapter 2's im2col, when it is there; F.unfold computes the same thing
    from convlab.ops import im2col as _im2col
except ImportError:  # pragma: no cover - depends on another chapter's module
    _im2col = None


def _tensor(name: str, value, ndim: int) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if value.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(value.shape)}")
    return value


def im2col(x: torch.Tensor, kernel_size, stride=1, padding=0) -> torch.Tensor:
    """Patches of ``x`` (N, C, H, W) as columns: shape ``(N, C·kH·kW, L)``, like ``F.unfold``."""
    x = _tensor("x", x, 4)
    kernel = pair("kernel_size", kernel_size, minimum=1)
    stride, padding = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0)
    if _im2col is not None:
        return _im2col(x, kernel, stride=stride, padding=padding)
    return F.unfold(x, kernel, stride=stride, padding=padding)


def _out_size(height: int, width: int, kernel, stride, padding) -> tuple[int, int]:
    kernel, stride, padding = pair("kernel_size", kernel), pair("stride", stride), pair("padding", padding)
    return (
        conv_output_size(height, kernel[0], stride[0], padding[0]),
        conv_output_size(width, kernel[1], stride[1], padding[1]),
    )


def conv2d_matmul(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride=1, padding=0):
    """The forward pass ``Y = W · im2col(X) + b``, reshaped to ``(N, O, H_out, W_out)``.

    Gives the same result as ``F.conv2d(x, weight, bias, stride, padding)``.
    """
    x, weight = _tensor("x", x, 4), _tensor("weight", weight, 4)
    out_channels, in_channels, kh, kw = weight.shape
    if x.shape[1] != in_channels:
        raise ValueError(f"x has {x.shape[1]} channels but weight expects in_channels={in_channels}")
    cols = im2col(x, (kh, kw), stride, padding)  # (N, C·kH·kW, L)
    y = weight.reshape(out_channels, -1) @ cols  # (N, O, L)
    if bias is not None:
        bias = _tensor("bias", bias, 1)
        if bias.shape[0] != out_channels:
            raise ValueError(f"bias must have out_channels={out_channels} entries, got {bias.shape[0]}")
        y = y + bias.reshape(1, -1, 1)
    h_out, w_out = _out_size(x.shape[2], x.shape[3], (kh, kw), stride, padding)
    return y.reshape(x.shape[0], out_channels, h_out, w_out)


def grad_bias(grad_output: torch.Tensor) -> torch.Tensor:
    """``dL/db``: each bias is added at every position of every sample, so sum ``dY`` there.

    ``grad_output`` is ``dL/dY`` of shape ``(N, O, H_out, W_out)``; the result has shape ``(O,)``.
    """
    return _tensor("grad_output", grad_output, 4).sum(dim=(0, 2, 3))


def grad_weight(x: torch.Tensor, grad_output: torch.Tensor, kernel_size, stride=1, padding=0) -> torch.Tensor:
    """``dL/dW = Σ_n dY_n · im2col(X_n)ᵀ``, reshaped to ``(O, C, kH, kW)``.

    Same as ``torch.nn.grad.conv2d_weight(x, weight.shape, grad_output, stride, padding)``.
    """
    x, grad_output = _tensor("x", x, 4), _tensor("grad_output", grad_output, 4)
    kh, kw = pair("kernel_size", kernel_size, minimum=1)
    if grad_output.shape[0] != x.shape[0]:
        raise ValueError(f"grad_output has batch {grad_output.shape[0]} but x has batch {x.shape[0]}")
    cols = im2col(x, (kh, kw), stride, padding)  # (N, C·kH·kW, L)
    n, out_channels = grad_output.shape[:2]
    dy = grad_output.reshape(n, out_channels, -1)  # (N, O, L)
    if dy.shape[2] != cols.shape[2]:
        raise ValueError(
            f"grad_output has {dy.shape[2]} positions but x with these settings gives {cols.shape[2]}"
        )
    dw = (dy @ cols.transpose(1, 2)).sum(dim=0)  # (O, C·kH·kW)
    return dw.reshape(out_channels, x.shape[1], kh, kw)


def grad_input(
    weight: torch.Tensor, grad_output: torch.Tensor, input_size, stride=1, padding=0, method: str = "col2im"
) -> torch.Tensor:
    """``dL/dX``: spread ``Wᵀ · dY`` back onto the pixels each column came from (col2im).

    ``input_size`` is ``(H, W)`` of the input. ``method="col2im"`` folds the columns back
    with ``F.fold`` (overlapping patches add up); ``method="transpose"`` calls
    ``F.conv_transpose2d(dY, W)``, which computes the same thing. Same as
    ``torch.nn.grad.conv2d_input``.
    """
    weight, grad_output = _tensor("weight", weight, 4), _tensor("grad_output", grad_output, 4)
    height, width = pair("input_size", input_size, minimum=1)
    stride, padding = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0)
    out_channels, in_channels, kh, kw = weight.shape
    if grad_output.shape[1] != out_channels:
        raise ValueError(f"grad_output has {grad_output.shape[1]} channels but weight has {out_channels} kernels")
    expected = _out_size(height, width, (kh, kw), stride, padding)
    if tuple(grad_output.shape[2:]) != expected:
        raise ValueError(f"grad_output is {tuple(grad_output.shape[2:])} but input_size gives output {expected}")
    if method == "col2im":
        n = grad_output.shape[0]
        dcols = weight.reshape(out_channels, -1).T @ grad_output.reshape(n, out_channels, -1)  # (N, C·kH·kW, L)
        return F.fold(dcols, (height, width), (kh, kw), stride=stride, padding=padding)
    if method == "transpose":
        # the transposed conv may come out short when stride skipped the last rows/cols
        extra = tuple(
            size + 2 * p - ((o - 1) * s + k)
            for size, p, o, s, k in zip((height, width), padding, expected, stride, (kh, kw), strict=True)
        )
        return F.conv_transpose2d(grad_output, weight, stride=stride, padding=padding, output_padding=extra)
    raise ValueError(f"method must be 'col2im' or 'transpose', got {method!r}")

