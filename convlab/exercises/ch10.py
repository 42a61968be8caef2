"""Checks of the graded exercises of chapter 8, "Beyond the notes"."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from convlab.arith import conv_params
from convlab.checking import exercise
from convlab.expect import expect, expect_close, expect_equal, expect_shape


def _conv_cases(seed: int, n: int = 5) -> list[dict]:
    """Random small convolution set-ups (batch, channels, sizes, kernel, stride, padding)."""
    gen = torch.Generator().manual_seed(seed)

    def rand(low: int, high: int) -> int:
        return int(torch.randint(low, high + 1, (1,), generator=gen))

    cases = []
    for i in range(n):
        k = rand(1, 3)
        cases.append({
            "n": rand(1, 3), "c": rand(1, 4), "o": rand(1, 5), "h": rand(k + 2, 9), "w": rand(k + 2, 9), "k": k,
            "stride": 1 if i < 2 else rand(1, 2), "padding": 0 if i < 2 else rand(0, k // 2),
        })
    return cases


def _reference(case: dict, seed: int):
    """x, upstream gradient dY, and PyTorch's own dL/dW and dL/db for one case (float64).

    ``aten.convolution_backward`` is the kernel autograd runs for ``F.conv2d``; calling it
    directly skips starting the autograd engine, which keeps the check fast.
    """
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(case["n"], case["c"], case["h"], case["w"], generator=gen, dtype=torch.float64)
    weight = torch.randn(case["o"], case["c"], case["k"], case["k"], generator=gen, dtype=torch.float64)
    stride, padding = [case["stride"]] * 2, [case["padding"]] * 2
    y = F.conv2d(x, weight, None, stride, padding)
    grad = torch.randn(y.shape, generator=gen, dtype=torch.float64)
    _, grad_w, grad_b = torch.ops.aten.convolution_backward(
        grad, x, weight, [case["o"]], stride, padding, [1, 1], False, [0, 0], 1, [False, True, True]
    )
    return x, grad, grad_w, grad_b


def _describe(case: dict) -> str:
    return (f"x {case['n']}×{case['c']}×{case['h']}×{case['w']}, {case['o']} kernels {case['k']}×{case['k']}, "
            f"stride {case['stride']}, padding {case['padding']}")


@exercise("10.1", "parameters of a depthwise-separable block vs a standard convolution",
          answers=["standard_params", "separable_params"], points=1)
def _check_separable_params(standard_params, separable_params):
    expect_equal(standard_params, conv_params(32, 64, 3, bias=False), "standard_params",
                 hint="64 kernels, each 3×3 over all 32 input channels, no bias")
    expect_equal(separable_params, conv_params(32, 32, 3, bias=False, groups=32) + conv_params(32, 64, 1, bias=False),
                 "separable_params",
                 hint="depthwise: one 3×3 kernel per input channel (groups=32); then a 1×1 conv from 32 to 64")


@exercise("10.2", "the gradient of the bias", answers=["bias_grad"], points=1)
def _check_bias_grad(bias_grad):
    for i, case in enumerate(_conv_cases(80)):
        _, grad, _, expected = _reference(case, 800 + i)
        got = expect_shape(bias_grad(grad.clone()), tuple(expected.shape), f"bias_grad for {_describe(case)}",
                           hint="one number per output channel")
        expect_close(got, expected, f"bias_grad for {_describe(case)}", atol=1e-8,
                     hint="each bias is added at every position of every sample: sum dY over those")


@exercise("10.3", "the gradient of the weights", answers=["weight_grad"], points=2)
def _check_weight_grad(weight_grad):
    for i, case in enumerate(_conv_cases(81)):
        x, grad, expected, _ = _reference(case, 810 + i)
        got = weight_grad(x.clone(), grad.clone(), case["k"], case["stride"], case["padding"])
        got = expect_shape(got, tuple(expected.shape), f"weight_grad for {_describe(case)}",
                           hint="(out_channels, in_channels, k, k), like the weight itself")
        expect_close(got, expected, f"weight_grad for {_describe(case)}", atol=1e-8,
                     hint="dW = Σ over the batch of dY_n · im2col(X_n)ᵀ — with the same stride and padding")


def _se_params(channels: int, reduction: int) -> int:
    hidden = channels // reduction
    return channels * hidden + hidden + hidden * channels + channels


@exercise("10.4", "a Squeeze-and-Excitation block", answers=["SEBlock"], points=2)
def _check_se_block(SEBlock):  # noqa: N803 - the learner's class name
    expect(isinstance(SEBlock, type) and issubclass(SEBlock, nn.Module), "SEBlock should be an nn.Module class",
           hint="class SEBlock(nn.Module): with __init__(self, channels, reduction) and forward(self, x)")
    gen = torch.Generator().manual_seed(84)
    for channels, reduction in [(16, 4), (32, 8), (12, 3), (8, 2)]:
        torch.manual_seed(channels)
        block = SEBlock(channels, reduction)
        what = f"SEBlock({channels}, {reduction})"
        count = sum(p.numel() for p in block.parameters())
        expect_equal(count, _se_params(channels, reduction), f"the parameter count of {what}",
                     hint="Linear(C, C // r) and Linear(C // r, C), both with biases")
        x = torch.rand(2, channels, 6, 7, generator=gen) + 0.1
        with torch.no_grad():
            out = expect_shape(block(x), tuple(x.shape), f"{what}(x)", hint="the block keeps the input's shape")
        scale = out / x
        per_channel = scale[:, :, :1, :1]
        expect(torch.allclose(scale, per_channel.expand_as(scale), atol=1e-5),
               f"{what} should multiply each channel by one number", hint="out = x * weights[:, :, None, None]")
        expect(bool((per_channel > 0).all() and (per_channel < 1).all()),
               f"{what}: the channel weights should lie between 0 and 1", hint="end the excitation with a sigmoid")
        # same channel means, very different maxima: an *average* squeeze gives the same weights
        flat = torch.full((1, channels, 6, 7), 0.5)
        noise = 0.4 * (torch.rand(1, channels, 6, 7, generator=gen) - 0.5)  # keeps every value near 0.5
        bumpy = flat + noise - noise.mean(dim=(2, 3), keepdim=True)
        with torch.no_grad():
            same = torch.allclose(block(flat) / flat, block(bumpy) / bumpy, atol=1e-5)
        expect(same, f"{what}: the squeeze should be a global *average* of each channel",
               hint="squeeze with x.mean(dim=(2, 3)) or nn.AdaptiveAvgPool2d(1)")


@exercise("10.5", "output size of a pooling layer, with ceil_mode", answers=["pool_out"], points=1)
def _check_pool_out(pool_out):
    # compared with a real nn.MaxPool2d sliding a 1×k window along a 1×size row
    cases = [(6, 2, 2, False), (7, 2, 2, False), (7, 2, 2, True), (7, 3, 2, True), (5, 3, 3, True), (4, 1, 4, True),
             (4, 1, 3, True), (10, 3, 1, True), (32, 2, 2, True)]
    gen = torch.Generator().manual_seed(85)
    for _ in range(12):
        size, k, s = (int(v) for v in torch.randint(1, 9, (3,), generator=gen))
        if k <= size + 3:
            cases.append((size + 3, k, s, bool(torch.rand(1, generator=gen) < 0.5)))
    for size, k, s, ceil in cases:
        real = nn.MaxPool2d((1, k), (1, s), ceil_mode=ceil)(torch.zeros(1, 1, 1, size)).shape[-1]
        expect_equal(pool_out(size, k, s, ceil), real,
                     f"pool_out({size}, {k}, {s}, ceil_mode={ceil})",
                     hint="floor((size − k) / s) + 1; with ceil_mode round up, but drop a last window "
                          "that would start past the input")
