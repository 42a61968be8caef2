"""Checks of the graded exercises of chapter 5 (multi-channel input and multiple kernels)."""

from __future__ import annotations

import torch
import torch.nn.functional as nnf

from convlab.exercises.checking import HIDDEN_CASE, CheckFailed, exercise, hidden_seed, secret, with_hidden
from convlab.exercises.expect import expect, expect_close, expect_function, expect_shape, prefetch, same
from convlab.exercises.rules import Rule

# Exercise 5.3, by hand: two input channels, two kernels (the solutions notebook shows the same numbers).
HAND_X = torch.tensor([[[1, 0, 2], [0, 1, 1], [2, 1, 0]],
                       [[0, 1, 1], [1, 0, 2], [1, 1, 0]]])
HAND_W = torch.tensor([[[[1, 0], [0, 1]], [[0, 2], [1, 0]]],
                       [[[1, -1], [0, 0]], [[0, 0], [1, 1]]]])
HAND_B = torch.tensor([1, -1])


def _weight_shape(c_in, c_out, kernel_size):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return (c_out, c_in, kh, kw)


@exercise("5.1", answers=["weight_shape"])
def _check_weight_shape(weight_shape):
    def mistakes(c_in, c_out, kernel_size):
        o, i, kh, kw = _weight_shape(c_in, c_out, kernel_size)
        return [((i, o, kh, kw), "the channel axes are swapped: PyTorch puts out_channels first, one row per kernel"),
                ((o, kh, kw), "each kernel has one kH×kW slice per input channel: (out, in, kH, kW)"),
                ((o, i, kw, kh), "a (height, width) kernel size is (kH, kW): height first")]

    def as_tuple(value, call):
        expect(isinstance(value, (tuple, list, torch.Size)), f"{call} should return a tuple of ints", hint="")
        return tuple(value)

    expect_function(weight_shape, "weight_shape", [(3, 16, 5), (1, 8, 3), (3, 4, (3, 1))],
                    lambda: [(2, 7, 3), (16, 32, 1), (5, 3, (2, 4)), (64, 1, (7, 3))],
                    _weight_shape, mistakes=mistakes, convert=as_tuple,
                    signature="def weight_shape(in_channels, out_channels, kernel_size):",
                    hint="(out_channels, in_channels, kernel height, kernel width)")


def _impulse_cases():
    return [(c, a, b) for c in range(3) for a in range(3) for b in range(3)]


@exercise("5.2", answers=["impulse_for"])
def _check_impulse_for(impulse_for):
    expect(callable(impulse_for), "impulse_for should be a function: def impulse_for(channel, a, b):")
    gen = torch.Generator().manual_seed(52)
    weights = torch.randn(4, 3, 3, 3, generator=gen, dtype=torch.float64)  # four layers nn.Conv2d(3, 1, 3)
    public = [(0, 0, 0), (2, 0, 1), (1, 2, 2), (0, 1, 2)]
    cases = with_hidden(public, lambda: [case for case in _impulse_cases() if case not in public])
    prefetch(impulse_for, [case for case, _ in cases])
    for (c, a, b), hidden in cases:
        call = f"impulse_for({c}, {a}, {b})" + (HIDDEN_CASE if hidden else "")
        x = expect_shape(impulse_for(c, a, b), (3, 5, 5), call, hint="one 3×5×5 input: (channels, height, width)")
        read = nnf.conv2d(x[None], weights)[0, :, 1, 1]
        want = weights[:, c, a, b]
        if same(read, want, atol=1e-9):
            continue
        secret(want)
        spot = torch.zeros(3, 5, 5, dtype=torch.float64)
        mistakes = [
            (c, a, b, "the window of output (1, 1) starts at input row 1, column 1: weight [a, b] meets input "
                      "[1 + a, 1 + b]"),
            (c, 3 - a, 3 - b, "conv2d does not flip the kernel: weight [a, b] meets input [1 + a, 1 + b]"),
        ]
        for channel, row, col, diagnosis in mistakes:
            spot.zero_()
            spot[channel, row, col] = 1
            if torch.equal(x, spot):
                raise CheckFailed(f"{call} is not right: {diagnosis}")
        if all(x[k, 1 + a, 1 + b] == 1 for k in range(3)) and x.abs().sum() == 3:
            raise CheckFailed(f"{call} is not right: each input channel has its own slice of the kernel, so an "
                              "impulse on every channel adds three different weights (the notes' Q6 mistake)")
        raise CheckFailed(f"{call} is not right: at output (1, 1) the layer reads {_what_is_read(read)} from it",
                          hint="output (i, j) = Σ over c, a, b of x[c, i + a, j + b]·weight[c, a, b]; put a single 1 "
                               "where only weight [channel, a, b] reads it")


def _what_is_read(read: torch.Tensor) -> str:
    return "a mix of weights" if read.abs().max() > 1e-9 else "nothing (all zero)"


@exercise("5.3", answers=["hand_two"])
def _check_hand_two(hand_two):
    want = nnf.conv2d(HAND_X[None].double(), HAND_W.double(), HAND_B.double())[0]
    got = expect_shape(hand_two, tuple(want.shape), "hand_two", answer=want,
                       hint="two kernels give two output channels, each (3 − 2 + 1) × (3 − 2 + 1): shape (2, 2, 2)")
    x, w, b = HAND_X.double(), HAND_W.double(), HAND_B.double()
    per_channel = torch.stack([nnf.conv2d(x[None, c : c + 1], w[:, c : c + 1])[0] for c in range(2)])
    mistakes = [
        (want - b[:, None, None], "the bias is missing: each kernel adds its bias once"),
        (want + b[:, None, None], "the bias is added twice, once per input channel: add it once per kernel"),
        (per_channel[0] + b[:, None, None], "only input channel 0 is there: a kernel sums over ALL input channels"),
        (nnf.conv2d(x[None], w[:, :1].repeat(1, 2, 1, 1), b)[0],
         "you used each kernel's first slice for both channels: every input channel has its own slice"),
        (want.flip(0), "the two output channels are swapped: output channel o uses kernel o and bias o"),
        (nnf.conv2d(x[None], w.flip(2, 3), b)[0], "these are the sums for the kernels rotated by 180°: conv2d does "
                                                  "not flip"),
    ]
    expect_close(got, want, "hand_two", atol=0, mistakes=mistakes, tell_error=False,
                 hint="output[o, i, j] = bias[o] + Σ over c, a, b of X[c, i + a, j + b]·W[o, c, a, b]; check each of "
                      "the eight cells")


ONLY_SINGLE_CHANNEL = Rule("use only single_channel_conv and sums, no multi-channel convolution function",
                           ops=("convolution", "im2col", "torch.einsum"),
                           names=("conv2d", "Conv2d", "unfold", "einsum", "conv3d"))

_PUBLIC = [(1, 1, 5, 5, (3, 3)), (3, 2, 6, 7, (3, 3)), (4, 3, 8, 5, (2, 3))]
_HIDDEN = [(2, 4, 7, 9, (3, 1)), (3, 1, 4, 4, (4, 4)), (1, 3, 6, 5, (1, 2)), (5, 2, 5, 8, (2, 2))]


def _layer_cases(shapes, seed):
    cases = []
    for index, (c_in, c_out, h, w, kernel) in enumerate(shapes):
        g = torch.Generator().manual_seed(seed + index)
        cases.append((torch.randn(c_in, h, w, generator=g), torch.randn(c_out, c_in, *kernel, generator=g),
                      torch.randn(c_out, generator=g)))
    return cases


def _layer(x, weight, bias):
    return nnf.conv2d(x[None].double(), weight.double(), bias.double())[0]


@exercise("5.4", answers=["multi_channel_conv"])
def _check_multi_channel_conv(multi_channel_conv):
    def mistakes(x, weight, bias):
        c_in = x.shape[0]
        return [(_layer(x, weight, bias) + (c_in - 1) * bias.double()[:, None, None] if c_in > 1 else None,
                 "the bias is added once per input channel: add it once per kernel"),
                (_layer(x, weight, bias * 0), "the bias is missing"),
                (_layer(x[:1], weight[:, :1], bias) if c_in > 1 else None,
                 "only input channel 0 is used: sum over every input channel")]

    expect_function(multi_channel_conv, "multi_channel_conv", _layer_cases(_PUBLIC, 0),
                    lambda: _layer_cases(_HIDDEN, hidden_seed(540)), _layer, mistakes=mistakes,
                    rule=ONLY_SINGLE_CHANNEL,
                    atol=1e-4, rtol=1e-4, signature="def multi_channel_conv(x, weight, bias):",
                    describe=lambda x, weight, bias: (f"multi_channel_conv of a {tuple(x.shape)} input with weight "
                                                      f"{tuple(weight.shape)}"),
                    hint="output[o] = sum over c of single_channel_conv(x[c], weight[o, c]), plus bias[o] once")
