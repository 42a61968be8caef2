"""Checks of chapter 6's graded exercises: parameter sharing, receptive fields, equivariance."""

from __future__ import annotations

import math
import random

import torch
from torch import nn

from convlab.exercises.checking import CheckFailed, exercise, hidden_seed, secret
from convlab.exercises.expect import expect, expect_function
from convlab.exercises.rules import NO_COURSE_HELPERS

#: The stack of exercise 6.2's example, as (kernel_size, stride[, dilation]) tuples, first layer first.
STACK_6_2 = [(5, 1), (3, 2), (3, 2), (3, 1, 2)]


def _conv(c_in: int, c_out: int, k: int, bias: bool = True) -> int:
    return c_out * (c_in * k * k + (1 if bias else 0))


def _conv_vs_fc(h, w, c, kernels, k):
    out = (h - k + 1) * (w - k + 1) * kernels
    return (_conv(c, kernels, k), h * w * c * out + out)


def _pair(value, call):
    expect(isinstance(value, (tuple, list)) and len(value) == 2, f"{call} should return a pair (conv, fc)", hint="")
    return tuple(value)


@exercise("6.1", answers=["conv_vs_fc"])
def _check_conv_vs_fc(conv_vs_fc):
    def mistakes(h, w, c, kernels, k):
        conv, fc = _conv_vs_fc(h, w, c, kernels, k)
        out = (h - k + 1) * (w - k + 1) * kernels
        return [((conv - kernels, fc - out), "you left out the biases: one per kernel, one per fully-connected output"),
                ((conv, h * w * c * h * w * kernels + h * w * kernels), "the output is smaller than the input: "
                                                                       "no padding, so (H − k + 1)×(W − k + 1)"),
                ((_conv(1, kernels, k), fc), "every kernel spans all input channels: k·k·C weights plus a bias"),
                ((conv - kernels, fc), "the convolution has a bias per kernel too"),
                ((conv, fc - out), "the fully-connected layer has a bias per output")]

    def hidden():
        rng = random.Random(hidden_seed(61))
        return [(rng.randint(5, 40), rng.randint(5, 40), rng.randint(1, 4), rng.randint(1, 32), rng.choice([1, 3, 5]))
                for _ in range(6)]

    expect_function(conv_vs_fc, "conv_vs_fc", [(64, 64, 3, 16, 3), (32, 32, 1, 8, 5)], hidden, _conv_vs_fc,
                    mistakes=mistakes, convert=_pair, rule=NO_COURSE_HELPERS,
                    signature="def conv_vs_fc(height, width, channels, kernels, kernel_size):",
                    hint="the output is kernels × (H − k + 1) × (W − k + 1); a fully-connected layer has a weight from "
                         "every input number to every output number, plus a bias per output")


def _field(layers) -> int:
    field, jump = 1, 1
    for layer in layers:
        k, s, d = (tuple(layer) + (1,))[:3]
        field += d * (k - 1) * jump
        jump *= s
    return field


@exercise("6.2", answers=["receptive_field_of"])
def _check_receptive_field_of(receptive_field_of):
    def mistakes(layers):
        plain = [(k, 1, (tuple(rest) + (1,))[0]) for k, _, *rest in layers]
        no_dilation = [(k, s) for k, s, *_ in layers]
        jumps_after = _field([(1, 1)] + [(layer[0], layer[1], *layer[2:]) for layer in layers])
        own = 1
        jump = 1
        for layer in layers:
            k, s, d = (tuple(layer) + (1,))[:3]
            jump *= s
            own += d * (k - 1) * jump
        return [(_field(plain), "you left out the strides: each step of a layer is the product of the strides below "
                                "it"),
                (_field(no_dilation), "you left out the dilation: a dilated layer adds dilation·(kernel − 1) steps"),
                (own if own != jumps_after else None, "a layer's own stride does not widen its own field, only the "
                                                      "layers above it")]

    def hidden():
        rng = random.Random(hidden_seed(62))
        return [([(rng.choice([1, 3, 5, 7]), rng.randint(1, 3), rng.randint(1, 2)) for _ in range(rng.randint(1, 5))],)
                for _ in range(8)]

    expect_function(receptive_field_of, "receptive_field_of", [(STACK_6_2,), ([(3, 1)] * 3,), ([(7, 2), (3, 2)],)],
                    hidden, _field, mistakes=mistakes, rule=NO_COURSE_HELPERS,
                    signature="def receptive_field_of(layers):",
                    hint="start at 1; each layer adds dilation·(kernel − 1) steps, each step as wide as the product "
                         "of the strides below it")


def _needed(region: int) -> int:
    return max(0, math.ceil((region - 1) / 2))


@exercise("6.3", answers=["layers_needed"])
def _check_layers_needed(layers_needed):
    def mistakes(region):
        return [((region - 1) // 2, "that rounds down: an even region needs one layer more"),
                ((region + 1) // 2, "n layers see 1 + 2n pixels, not 2n − 1: one pixel needs no layer")]

    def hidden():
        return [(region,) for region in sorted(random.Random(hidden_seed(63)).sample(range(21, 1000), 12))]

    expect_function(layers_needed, "layers_needed", [(region,) for region in range(1, 21)], hidden, _needed,
                    mistakes=mistakes, rule=NO_COURSE_HELPERS, signature="def layers_needed(region):",
                    hint="n stacked 3×3 layers see 1 + 2n pixels; round up, and 1 pixel needs 0 layers")


def _circular_shift(x: torch.Tensor, dy: int, dx: int) -> torch.Tensor:
    return torch.roll(x, shifts=(dy, dx), dims=(-2, -1))


def _ops_6_4() -> dict:
    """The six operations of exercise 6.4, with seeded weights."""
    gen = torch.Generator().manual_seed(64)

    def conv(stride=1):
        layer = nn.Conv2d(1, 1, 3, stride=stride, padding=1, padding_mode="circular")
        with torch.no_grad():
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=gen))
            layer.bias.copy_(torch.randn(1, generator=gen))
        return layer

    fc = nn.Linear(16 * 16, 16 * 16)
    with torch.no_grad():
        fc.weight.copy_(torch.randn(fc.weight.shape, generator=gen) / 16)
    return {
        "a": conv(), "b": conv(stride=2), "c": torch.relu,
        "d": lambda image: fc(image.flatten(1)).reshape(image.shape),
        "e": lambda image: image * torch.arange(16.0),
        "f": nn.Sequential(conv(), nn.ReLU(), conv()),
    }


def measured_output_shifts(shift=(0, 2)) -> dict:
    """For each operation: the circular shift of its output when its input moves by ``shift``, or None."""
    x = torch.randn(1, 1, 16, 16, generator=torch.Generator().manual_seed(640))
    found = {}
    with torch.no_grad():
        for letter, op in _ops_6_4().items():
            moved, out = op(_circular_shift(x, *shift)), op(x)
            steps = sorted(range(-8, 9), key=abs)  # the smallest shift first: a roll by 8 − 1 is a roll by −1
            found[letter] = next(((dy, dx) for dy in steps for dx in steps
                                  if moved.shape == out.shape
                                  and torch.allclose(moved, _circular_shift(out, dy, dx), atol=1e-5)), None)
    return found


@exercise("6.4", answers=["output_shift"])
def _check_output_shift(output_shift):
    truth = measured_output_shifts()
    if not isinstance(output_shift, dict) or set(output_shift) != set(truth):
        keys = sorted(output_shift) if isinstance(output_shift, dict) else type(output_shift).__name__
        raise CheckFailed("output_shift should be a dict with one entry per letter a–f", got=keys)
    answer = {}
    for letter, value in output_shift.items():
        if value is not None and not (isinstance(value, (tuple, list)) and len(value) == 2
                                      and all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
            raise CheckFailed(f"output_shift[{letter!r}] should be a pair of ints (rows, columns) or None", got=value)
        answer[letter] = None if value is None else tuple(value)
    if answer == truth:
        return
    secret(truth)
    diagnoses = [
        (answer["a"] is None, "a bias adds the same number at every position, so it moves with the shift: the notes' "
                              "claim that a bias breaks equivariance is wrong"),
        (answer["b"] == (0, 2), "a stride-2 layer keeps every other position: its output cannot move as far as its "
                                "input"),
        (answer["b"] is None, "a shift by a whole stride is still a shift for a strided layer: think of which inputs "
                              "each output reads"),
        (answer["d"] is not None or answer["e"] is not None, "an operation that treats each position differently "
                                                             "(its own weights per position) does not just move its "
                                                             "output"),
        (answer["c"] is None or answer["f"] is None, "a pointwise function, and a stack of operations that each just "
                                                     "shift, just shift too"),
    ]
    diagnosis = next((text for wrong, text in diagnoses if wrong), None)
    raise CheckFailed("output_shift is not right" + (f": {diagnosis}" if diagnosis else ""),
                      hint="" if diagnosis else "for each operation, ask which input pixels each output pixel reads")


def _saving(channels: int, n: int) -> int:
    return _conv(channels, channels, 2 * n + 1) - n * _conv(channels, channels, 3)


@exercise("6.5", answers=["saving"])
def _check_saving(saving):
    def mistakes(c, n):
        return [(_conv(c, c, 2 * n + 1, False) - n * _conv(c, c, 3, False), "you left out the biases, one per "
                                                                            "kernel in every layer"),
                (_conv(c, c, 2 * n + 1) - _conv(c, c, 3), "there are n small layers, each with its own weights"),
                ((2 * n + 1) ** 2 - 9 * n, "each kernel spans all input channels, and there is one per output "
                                           "channel: count channels·channels·k·k weights")]

    expect_function(saving, "saving", [(64, 3), (1, 1), (16, 2)], lambda: [(3, 4), (32, 5), (128, 2), (7, 1)],
                    _saving, mistakes=mistakes, rule=NO_COURSE_HELPERS, signature="def saving(channels, n):",
                    hint="one layer of (2n + 1)×(2n + 1) kernels against n layers of 3×3 kernels, channels in and out, "
                         "weights and biases")
