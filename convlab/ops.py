"""Convolution from scratch: the readable loop version, im2col, im2col + one matrix multiply, its gradients.

The three forward versions take and return torch tensors with the semantics of
``torch.nn.functional.conv2d`` / ``unfold`` (zero padding, cross-correlation: the kernel is
not flipped), but none of them calls those functions: they are built from slicing, sums and
``@``, so autograd flows through them too.

* :func:`conv2d_loops` — two loops over the output rows and columns; at each position the
  window is multiplied with every kernel and summed.
* :func:`im2col` — every window becomes one column of a matrix, shape (N, C·kH·kW, L).
* :func:`conv2d_im2col` — the kernels as rows of a matrix, times :func:`im2col`: one
  matrix multiply computes the whole layer, ``Y = W @ cols + b``.
* :func:`grad_bias`, :func:`grad_weight`, :func:`grad_input` — the backward pass of that
  product, by hand: ``dL/db`` sums ``dY``; ``dL/dW = Σ_n dY_n @ cols_nᵀ``; ``dL/dX`` folds
  ``Wᵀ @ dY`` back onto the pixels (col2im), which is a transposed convolution. These use
  ``F.fold`` / ``F.conv_transpose2d`` for the fold.
* :func:`pool2d` — max or average pooling of a 2-D array.

Input ``x`` is (N, C, H, W) (a batch is required; add one with ``x.unsqueeze(0)``), ``weight``
is (O, C, kH, kW) and ``bias`` is (O,) or ``None``; ``stride``, ``padding`` (per side) and
``dilation`` are an int or an ``(h, w)`` pair.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from convlab._validate import pair
from convlab.arith import conv_output_size

__all__ = [
    "input_grad_by_correlation",
    "conv2d_im2col",
    "conv2d_loops",
    "grad_bias",
    "grad_input",
    "grad_weight",
    "im2col",
    "pool2d",
]


def _check_tensor(name: str, value, ndim: int, layout: str) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape {layout}, got {type(value).__name__}")
    if value.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D {layout}, got shape {tuple(value.shape)}")
    return value


def _check_conv(x, weight, bias) -> None:
    _check_tensor("x", x, 4, "(N, C, H, W)")
    _check_tensor("weight", weight, 4, "(O, C, kH, kW)")
    if weight.shape[1] != x.shape[1]:
        raise ValueError(
            f"weight has {weight.shape[1]} input channels (shape {tuple(weight.shape)}) but x has "
            f"{x.shape[1]} (shape {tuple(x.shape)}): a kernel's depth must equal the input's channels"
        )
    if bias is not None:
        _check_tensor("bias", bias, 1, "(O,)")
        if bias.shape[0] != weight.shape[0]:
            raise ValueError(
                f"bias has shape {tuple(bias.shape)} but weight {tuple(weight.shape)} has "
                f"{weight.shape[0]} kernels: bias needs one value per kernel"
            )


def _output_size(x: torch.Tensor, kernel, stride, padding, dilation) -> tuple[int, int]:
    """(out_h, out_w), raising a ValueError that names x's shape when the output would be empty."""
    try:
        return tuple(
            conv_output_size(x.shape[2 + axis], kernel[axis], stride[axis], padding[axis], dilation[axis])
            for axis in (0, 1)
        )
    except ValueError as error:
        raise ValueError(
            f"x of shape {tuple(x.shape)} with kernel_size={kernel}, stride={stride}, padding={padding}, "
            f"dilation={dilation}: {error}"
        ) from None


def _pad(x: torch.Tensor, padding: tuple[int, int]) -> torch.Tensor:
    """Zero-pad the last two axes by ``padding`` on each side."""
    ph, pw = padding
    if ph == pw == 0:
        return x
    n, c, h, w = x.shape
    padded = x.new_zeros((n, c, h + 2 * ph, w + 2 * pw))
    padded[:, :, ph : ph + h, pw : pw + w] = x
    return padded


def conv2d_loops(x, weight, bias=None, stride=1, padding=0, dilation=1) -> torch.Tensor:
    """A convolution layer as two loops over output positions — the readable version.

    For each output position ``(i, j)`` it cuts the window out of the padded input and takes
    its dot product with every kernel. Same result as ``F.conv2d(x, weight, bias, stride,
    padding, dilation)``, just slower.
    """
    _check_conv(x, weight, bias)
    stride, padding, dilation = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0), pair(
        "dilation", dilation, minimum=1
    )
    kh, kw = weight.shape[2], weight.shape[3]
    out_h, out_w = _output_size(x, (kh, kw), stride, padding, dilation)
    xp = _pad(x, padding)
    out = x.new_zeros((x.shape[0], weight.shape[0], out_h, out_w), dtype=torch.result_type(x, weight))
    span_h, span_w = dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1
    for i in range(out_h):  # slide top to bottom …
        for j in range(out_w):  # … and left to right
            top, left = i * stride[0], j * stride[1]
            window = xp[:, :, top : top + span_h : dilation[0], left : left + span_w : dilation[1]]  # (N, C, kH, kW)
            products = window.unsqueeze(1) * weight  # (N, O, C, kH, kW): every kernel meets the window
            out[:, :, i, j] = products.sum(dim=(2, 3, 4))
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


def im2col(x, kernel_size, stride=1, padding=0, dilation=1) -> torch.Tensor:
    """Unfold every window of ``x`` into a column: (N, C, H, W) → (N, C·kH·kW, L).

    ``L = out_h · out_w`` windows, in row-major order; each column lists the window's values
    channel by channel, row by row — the layout of ``torch.nn.functional.unfold``. Instead
    of looping over the L windows it loops over the kH·kW kernel offsets, each a strided slice
    of the whole input.
    """
    _check_tensor("x", x, 4, "(N, C, H, W)")
    kernel = pair("kernel_size", kernel_size, minimum=1)
    stride, padding, dilation = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0), pair(
        "dilation", dilation, minimum=1
    )
    out_h, out_w = _output_size(x, kernel, stride, padding, dilation)
    xp = _pad(x, padding)
    n, c = x.shape[:2]
    slices = []
    for a in range(kernel[0]):
        for b in range(kernel[1]):
            top, left = a * dilation[0], b * dilation[1]
            # input pixel under kernel cell (a, b), for every window at once: (N, C, out_h, out_w)
            bottom, right = top + stride[0] * (out_h - 1) + 1, left + stride[1] * (out_w - 1) + 1
            slices.append(xp[:, :, top : bottom : stride[0], left : right : stride[1]])
    columns = torch.stack(slices, dim=2)  # (N, C, kH·kW, out_h, out_w)
    return columns.reshape(n, c * kernel[0] * kernel[1], out_h * out_w)


def conv2d_im2col(x, weight, bias=None, stride=1, padding=0, dilation=1) -> torch.Tensor:
    """A convolution layer as one matrix multiply: ``W (O, C·kH·kW) @ im2col(x) (C·kH·kW, L)``.

    Each kernel, flattened, is a row; each window, flattened, is a column; their product holds
    every output value. The result is reshaped to (N, O, out_h, out_w) and the bias added.
    """
    _check_conv(x, weight, bias)
    stride, padding, dilation = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0), pair(
        "dilation", dilation, minimum=1
    )
    kernel = (weight.shape[2], weight.shape[3])
    out_h, out_w = _output_size(x, kernel, stride, padding, dilation)
    columns = im2col(x, kernel, stride, padding, dilation)  # (N, C·kH·kW, L)
    rows = weight.reshape(weight.shape[0], -1)  # (O, C·kH·kW): one kernel per row
    rows = rows.expand(x.shape[0], -1, -1)  # the same rows for every image (a view, no copy)
    if bias is None:
        out = torch.bmm(rows, columns)  # (N, O, L)
    else:  # bias + rows @ columns in one call; a plain `rows @ columns` can take a slower path
        out = torch.baddbmm(bias.view(1, -1, 1), rows, columns)
    return out.reshape(x.shape[0], weight.shape[0], out_h, out_w)


def grad_bias(grad_output: torch.Tensor) -> torch.Tensor:
    """``dL/db``: each bias is added at every position of every sample, so sum ``dY`` there.

    ``grad_output`` is ``dL/dY`` of shape ``(N, O, H_out, W_out)``; the result has shape ``(O,)``.
    """
    return _check_tensor("grad_output", grad_output, 4, "(N, O, H_out, W_out)").sum(dim=(0, 2, 3))


def grad_weight(x: torch.Tensor, grad_output: torch.Tensor, kernel_size, stride=1, padding=0) -> torch.Tensor:
    """``dL/dW = Σ_n dY_n · im2col(X_n)ᵀ``, reshaped to ``(O, C, kH, kW)``.

    Same as ``torch.nn.grad.conv2d_weight(x, weight.shape, grad_output, stride, padding)``.
    """
    _check_tensor("x", x, 4, "(N, C, H, W)")
    _check_tensor("grad_output", grad_output, 4, "(N, O, H_out, W_out)")
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
    _check_tensor("weight", weight, 4, "(O, C, kH, kW)")
    _check_tensor("grad_output", grad_output, 4, "(N, O, H_out, W_out)")
    height, width = pair("input_size", input_size, minimum=1)
    stride, padding = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0)
    out_channels, in_channels, kh, kw = weight.shape
    if grad_output.shape[1] != out_channels:
        raise ValueError(f"grad_output has {grad_output.shape[1]} channels but weight has {out_channels} kernels")
    expected = tuple(
        conv_output_size(size, k, s, p)
        for size, k, s, p in zip((height, width), (kh, kw), stride, padding, strict=True)
    )
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
