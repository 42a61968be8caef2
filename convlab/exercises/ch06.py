"""Checks of chapter 6's graded exercises: parameter sharing, receptive fields, equivariance."""

from __future__ import annotations

import random

from convlab.arith import conv_output_size, conv_params, linear_params, receptive_field
from convlab.exercises.checking import CheckFailed, exercise
from convlab.exercises.expect import expect_equal, expect_integer

#: The stack of exercise 6.2, as (kernel_size, stride[, dilation]) tuples, first layer first.
STACK_6_2 = [(5, 1), (3, 2), (3, 2), (3, 1, 2)]
#: The right answers of exercise 6.4: which operations are translation-equivariant.
EQUIVARIANT_6_4 = {"a": True, "b": False, "c": True, "d": False, "e": False, "f": True}


@exercise("6.1", answers=["conv_count", "fc_count"])
def _check_counts(conv_count, fc_count):
    expect_equal(conv_count, conv_params(3, 16, 3), "the conv layer's parameter count",
                 hint="each of the 16 kernels has 3·3·3 weights, and each kernel has a bias")
    out = conv_output_size(64, 3)
    expect_equal(fc_count, linear_params(64 * 64 * 3, 16 * out * out), "the fully-connected parameter count",
                 hint=f"the output is 16×{out}×{out}; each output has a weight per input number, plus a bias")


@exercise("6.2", answers=["stack_field"])
def _check_stack_field(stack_field):
    expect_equal(stack_field, receptive_field(STACK_6_2), "the receptive field's side",
                 hint="each layer adds dilation·(kernel−1) steps, each step the product of the strides below it")


def _needed(region: int) -> int:
    layers = 0
    while receptive_field([(3, 1)] * layers) < region:
        layers += 1
    return layers


@exercise("6.3", answers=["layers_needed"])
def _check_layers_needed(layers_needed):
    if not callable(layers_needed):
        raise CheckFailed("layers_needed should be a function", expected="a function", got=type(layers_needed).__name__)
    rng = random.Random(6)
    regions = list(range(1, 21)) + sorted(rng.sample(range(21, 1000), 10))
    for region in regions:
        got = expect_integer(layers_needed(region), f"layers_needed({region})")
        expected = _needed(region)
        if got != expected:
            raise CheckFailed(f"layers_needed({region}) is not right", expected=expected, got=got,
                              hint="n stacked 3×3 layers see 1 + 2n pixels; round up, and 1 pixel needs 0 layers")


@exercise("6.4", answers=["equivariant"])
def _check_equivariant(equivariant):
    if not isinstance(equivariant, dict) or set(equivariant) != set(EQUIVARIANT_6_4):
        keys = sorted(equivariant) if isinstance(equivariant, dict) else type(equivariant).__name__
        raise CheckFailed("equivariant should be a dict with one True/False per letter",
                          expected=sorted(EQUIVARIANT_6_4), got=keys)
    for letter, value in sorted(equivariant.items()):
        if not isinstance(value, bool):
            raise CheckFailed(f"equivariant[{letter!r}] should be True or False", expected="a bool", got=value)
    wrong = sum(equivariant[letter] != answer for letter, answer in EQUIVARIANT_6_4.items())
    if wrong:
        raise CheckFailed(f"{wrong} of the {len(EQUIVARIANT_6_4)} answers are not right",
                          hint="measure each: compare op(shifted(x, (0, 1))) with shifted(op(x), (0, 1)); "
                          "a bias adds the same number everywhere")


@exercise("6.5", answers=["saving"])
def _check_saving(saving):
    expect_equal(saving, conv_params(64, 64, 7) - 3 * conv_params(64, 64, 3), "the number of parameters saved",
                 hint="count weights and biases of one 64→64 7×7 layer and of three 64→64 3×3 layers")
