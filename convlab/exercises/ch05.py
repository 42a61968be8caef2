"""Checks of the graded exercises of chapter 5 (multi-channel input and multiple kernels)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convlab import arith
from convlab.exercises.checking import CheckFailed, exercise
from convlab.exercises.expect import expect, expect_close, expect_equal

# (in_channels, out_channels, height, width, kernel_size): odd shapes so that swapped axes show
_CASES = [(1, 1, 5, 5, (3, 3)), (3, 2, 6, 7, (3, 3)), (4, 3, 8, 5, (2, 3)), (2, 4, 7, 9, (3, 1))]


@exercise("5.1", answers=["weight_shape"])
def _check_weight_shape(weight_shape):
    expect(isinstance(weight_shape, (tuple, list, torch.Size)), "weight_shape should be a tuple of four ints",
           hint="write it like (a, b, c, d)")
    got = tuple(weight_shape)
    expect_equal(len(got), 4, "the number of axes", hint="out_channels, in_channels, kernel height, kernel width")
    if got == (3, 16, 5, 5):
        raise CheckFailed("the channel axes are swapped", expected=(16, 3, 5, 5), got=got,
                          hint="PyTorch puts out_channels first: one row per kernel")
    if got != (16, 3, 5, 5):
        raise CheckFailed("weight_shape is not right", expected="(out, in, kH, kW)", got=got,
                          hint="16 kernels, each with one 5×5 slice per input channel")


@exercise("5.2", answers=["distinct_weights"])
def _check_distinct_weights(distinct_weights):
    expect_equal(distinct_weights, arith.conv_params(3, 1, 3, bias=False), "the number of distinct weights",
                 hint="each of the 3 input channels has its own 3×3 slice; the bias is not a weight")


@exercise("5.3", answers=["shared_answer"])
def _check_shared_answer(shared_answer):
    expect(isinstance(shared_answer, str) and shared_answer.strip().upper() in {"A", "B", "C", "D"},
           "shared_answer should be one of the letters 'A', 'B', 'C', 'D'")
    letter = shared_answer.strip().upper()
    hints = {
        "A": "that is the notes' mistake: the slices for red, green and blue are different numbers",
        "C": "it is the other way round: one set of weights serves every position",
        "D": "each output channel has its own kernel",
    }
    if letter != "B":
        raise CheckFailed(f"{letter!r} is not right", hint=hints[letter])


@exercise("5.4", answers=["multi_channel_conv"])
def _check_multi_channel_conv(multi_channel_conv):
    expect(callable(multi_channel_conv), "multi_channel_conv should be a function")
    for seed, (c_in, c_out, h, w, kernel) in enumerate(_CASES):
        g = torch.Generator().manual_seed(seed)
        x = torch.randn(c_in, h, w, generator=g)
        weight = torch.randn(c_out, c_in, *kernel, generator=g)
        bias = torch.randn(c_out, generator=g)
        expected = F.conv2d(x[None], weight, bias)[0]
        got = multi_channel_conv(x, weight, bias)
        what = f"the output for {c_in} input and {c_out} output channels"
        expect_close(got, expected, what, atol=1e-4,
                     hint="output[o] = sum over c of single_channel_conv(x[c], weight[o, c]), plus bias[o] once")
