"""Checks of the graded exercises of chapter 4, "Stride and output size"."""

from __future__ import annotations

import random

import torch
from torch import nn

from convlab.arith import conv_output_size
from convlab.coverage import never_visited
from convlab.exercises.checking import CheckFailed, exercise
from convlab.exercises.expect import expect, expect_equal, expect_integer

# (W, F, S, P, D) of exercise 4.1: the learner's notebook prints the same table
TABLE = [
    (5, 3, 1, 1, 1),  # the notes' example
    (32, 5, 1, 0, 1),
    (28, 3, 2, 0, 1),  # the floor
    (224, 7, 2, 3, 1),
    (10, 3, 1, 0, 2),  # dilation
    (64, 3, 3, 1, 2),  # floor and dilation
]


def _real_size(size: int, kernel_size: int, stride: int, padding: int, dilation: int) -> int:
    """Width of a real nn.Conv2d's output (on the meta device: no memory, no random numbers)."""
    conv = nn.Conv2d(1, 1, kernel_size, stride=stride, padding=padding, dilation=dilation, device="meta")
    return int(conv(torch.zeros(1, 1, size, size, device="meta")).shape[-1])


@exercise("4.1", answers=["table_sizes"])
def _check_table_sizes(table_sizes):
    try:
        got = list(table_sizes)
    except TypeError:
        raise CheckFailed("table_sizes should be a list of numbers", got=table_sizes) from None
    expect_equal(len(got), len(TABLE), "the number of sizes", hint="one output size per row of TABLE")
    for row, (setting, value) in enumerate(zip(TABLE, got, strict=True)):
        W, F_, S, P, D = setting
        expect_equal(
            value,
            conv_output_size(W, F_, stride=S, padding=P, dilation=D),
            f"row {row} (W={W}, F={F_}, S={S}, P={P}, D={D})",
            hint="⌊(W + 2P − D·(F − 1) − 1)/S⌋ + 1: round down, and a dilated kernel spans D·(F − 1) + 1 pixels",
        )


@exercise("4.2", answers=["output_size"])
def _check_output_size(output_size):
    rng = random.Random(42)
    cases = list(TABLE)
    while len(cases) < 40:
        W, F_, S, P, D = rng.randint(1, 40), rng.randint(1, 7), rng.randint(1, 5), rng.randint(0, 3), rng.randint(1, 3)
        if D * (F_ - 1) + 1 <= W + 2 * P:
            cases.append((W, F_, S, P, D))
    for W, F_, S, P, D in cases:
        expect_equal(
            output_size(W, F_, S, P, D),
            _real_size(W, F_, S, P, D),
            f"output_size({W}, {F_}, {S}, {P}, {D}) (what nn.Conv2d gives)",
            hint="⌊(W + 2P − D·(F − 1) − 1)/S⌋ + 1, with integer division //",
        )


def _reference_missing_stride(size: int, kernel_size: int, padding: int, dilation: int) -> int | None:
    for stride in range(1, size + 2 * padding + 1):
        if never_visited(size, kernel_size, stride=stride, padding=padding, dilation=dilation):
            return stride
    return None


@exercise("4.3", answers=["smallest_missing_stride"])
def _check_smallest_missing_stride(smallest_missing_stride):
    rng = random.Random(43)
    cases = [(7, 3, 0, 1), (9, 3, 0, 1), (3, 3, 0, 1), (6, 3, 0, 1), (5, 3, 1, 1), (7, 3, 0, 2), (1, 1, 0, 1)]
    while len(cases) < 25:
        size, k, p, d = rng.randint(1, 16), rng.randint(1, 5), rng.randint(0, 2), rng.randint(1, 3)
        if d * (k - 1) + 1 <= size + 2 * p:
            cases.append((size, k, p, d))
    for size, k, p, d in cases:
        what = f"smallest_missing_stride({size}, {k}, {p}, {d})"
        expected = _reference_missing_stride(size, k, p, d)
        got = smallest_missing_stride(size, k, p, d)
        if expected is None:
            expect(got is None, f"{what} should be None: every stride reads every pixel (got {got!r})",
                   hint="when one window already covers the whole input, no stride misses anything")
            continue
        if got is None:
            raise CheckFailed(f"{what} is not right", expected=expected, got=None,
                              hint="try every stride from 1 up and look for a pixel no window covers")
        expect_equal(expect_integer(got, what), expected, what,
                     hint="it is not always kernel_size + 1: the floor can drop the last pixels earlier")


def _shape_after(conv_args: dict, in_shape: tuple[int, ...]) -> tuple[int, ...]:
    conv = nn.Conv2d(**conv_args, device="meta")
    return tuple(conv(torch.zeros(in_shape, device="meta")).shape)


def _check_mapping(stride, padding, *, kernel_size, dilation, in_shape, out_shape, names) -> None:
    args = dict(in_channels=in_shape[1], out_channels=out_shape[1], kernel_size=kernel_size,
                stride=stride, padding=padding, dilation=dilation)
    try:
        got = _shape_after(args, in_shape)
    except (TypeError, ValueError, RuntimeError) as error:
        raise CheckFailed(f"nn.Conv2d refused {names} = {stride!r}, {padding!r}: {str(error).splitlines()[0]}",
                          hint="stride and padding are ints or (height, width) pairs") from None
    expect(
        got == out_shape,
        f"with {names} = {stride!r}, {padding!r} the layer maps {in_shape} to {got}, not {out_shape}",
        hint="work out each axis on its own: ⌊(W + 2P − D·(F − 1) − 1)/S⌋ + 1",
    )


@exercise("4.4", answers=["stride_a", "padding_a"])
def _check_mapping_a(stride_a, padding_a):
    _check_mapping(stride_a, padding_a, kernel_size=(5, 3), dilation=1, in_shape=(1, 3, 64, 48),
                   out_shape=(1, 16, 32, 24), names="stride_a, padding_a")


@exercise("4.5", answers=["stride_b", "padding_b"])
def _check_mapping_b(stride_b, padding_b):
    _check_mapping(stride_b, padding_b, kernel_size=3, dilation=2, in_shape=(1, 8, 33, 33),
                   out_shape=(1, 8, 11, 11), names="stride_b, padding_b")
