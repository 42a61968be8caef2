"""Checks of the graded exercises of chapter 4, "Stride and output size"."""

from __future__ import annotations

import math
import random

import torch
from torch import nn

from convlab.coverage import never_visited
from convlab.exercises.checking import CheckFailed, exercise, hidden_seed, secret
from convlab.exercises.expect import expect, expect_function, expect_integer
from convlab.exercises.rules import NO_COURSE_HELPERS

# (W, F, S, P, D) of exercise 4.1: the learner's notebook prints the same table
TABLE = [
    (5, 3, 1, 1, 1),  # the notes' example
    (32, 5, 1, 0, 1),
    (28, 3, 2, 0, 1),  # the floor
    (224, 7, 2, 3, 1),  # the floor too
    (10, 3, 1, 0, 2),  # dilation
    (64, 3, 3, 1, 2),  # floor and dilation
]


def _real_size(size: int, kernel_size: int, stride: int, padding: int, dilation: int) -> int:
    """Width of a real nn.Conv2d's output (on the meta device: no memory, no random numbers)."""
    conv = nn.Conv2d(1, 1, kernel_size, stride=stride, padding=padding, dilation=dilation, device="meta")
    return int(conv(torch.zeros(1, 1, size, size, device="meta")).shape[-1])


def _size_mistakes(W, F_, S, P, D) -> list[tuple[float, str]]:
    """(what a plausible mistake gives, its diagnosis) for one setting."""
    notes = (W - F_ + 2 * P) / S + 1
    return [
        ((W + 2 * P - D * (F_ - 1) - 1) / S + 1, "that is the formula without the floor: round down, a partial "
                                                 "window at the end does not count"),
        ((W + 2 * P - F_) // S + 1, "you left out the dilation: a dilated kernel spans D·(F − 1) + 1 pixels"),
        (round(notes), "that is the notes' formula rounded to the nearest integer: PyTorch rounds down, and a "
                       "dilated kernel spans D·(F − 1) + 1 pixels"),
        (math.ceil((W + 2 * P - D * (F_ - 1) - 1) / S) + 1, "that rounds up: PyTorch rounds down"),
    ]


@exercise("4.1", answers=["table_sizes"])
def _check_table_sizes(table_sizes):
    try:
        got = list(table_sizes)
    except TypeError:
        raise CheckFailed("table_sizes should be a list of numbers, one per row of TABLE", got=table_sizes) from None
    expect(len(got) == len(TABLE), f"table_sizes has {len(got)} entries; TABLE has {len(TABLE)} rows",
           hint="one output size per row of TABLE")
    want = [_real_size(*row) for row in TABLE]
    if got == want:
        return
    secret(want)
    for index, (_, diagnosis) in enumerate(_size_mistakes(*TABLE[0])):
        mistaken = [_size_mistakes(*row)[index][0] for row in TABLE]
        # the mistake explains the list: every value is either right or what this mistake gives, and one is the mistake
        if all(g == w or g == m for g, w, m in zip(got, want, mistaken, strict=True)) and got != want:
            raise CheckFailed(f"table_sizes is not right: {diagnosis}")
    raise CheckFailed("table_sizes is not right", hint="⌊(W + 2P − D·(F − 1) − 1)/S⌋ + 1 for every row: round down, "
                                                        "and a dilated kernel spans D·(F − 1) + 1 pixels")


def _settings(seed: int, n: int) -> list[tuple[int, ...]]:
    rng = random.Random(seed)
    cases = []
    while len(cases) < n:
        W, F_, S, P, D = rng.randint(1, 40), rng.randint(1, 7), rng.randint(1, 5), rng.randint(0, 3), rng.randint(1, 3)
        if D * (F_ - 1) + 1 <= W + 2 * P:
            cases.append((W, F_, S, P, D))
    return cases


@exercise("4.2", answers=["output_size"])
def _check_output_size(output_size):
    expect_function(output_size, "output_size", TABLE + _settings(42, 10), lambda: _settings(hidden_seed(4242), 30),
                    _real_size,
                    mistakes=_size_mistakes, rule=NO_COURSE_HELPERS, signature="def output_size(W, F, S=1, P=0, D=1):",
                    hint="⌊(W + 2P − D·(F − 1) − 1)/S⌋ + 1, with integer division //")


def _missing_stride(size: int, kernel_size: int, padding: int, dilation: int) -> int | None:
    for stride in range(1, size + 2 * padding + 1):
        if never_visited(size, kernel_size, stride=stride, padding=padding, dilation=dilation):
            return stride
    return None


def _int_or_none(value, call):
    return None if value is None else expect_integer(value, call, hint="an int, or None")


@exercise("4.3", answers=["smallest_missing_stride"])
def _check_smallest_missing_stride(smallest_missing_stride):
    def mistakes(size, k, p, d):
        return [(k + 1, "it is not always kernel_size + 1: the floor can drop the last pixels sooner, and dilation "
                        "leaves holes"),
                (d * (k - 1) + 2, "gaps between windows appear past the span, but the floor can drop the last pixels "
                                  "sooner")]

    def hidden():
        rng = random.Random(hidden_seed(43))
        cases = []
        while len(cases) < 20:
            size, k, p, d = rng.randint(1, 16), rng.randint(1, 5), rng.randint(0, 2), rng.randint(1, 3)
            if d * (k - 1) + 1 <= size + 2 * p:
                cases.append((size, k, p, d))
        return cases

    public = [(7, 3, 0, 1), (9, 3, 0, 1), (3, 3, 0, 1), (6, 3, 0, 1), (5, 3, 1, 1), (7, 3, 0, 2), (1, 1, 0, 1)]
    expect_function(smallest_missing_stride, "smallest_missing_stride", public, hidden, _missing_stride,
                    mistakes=mistakes, convert=_int_or_none,
                    signature="def smallest_missing_stride(size, kernel_size, padding=0, dilation=1):",
                    hint="a real pixel goes unread in three ways: a gap between windows, the floor dropping the last "
                         "pixels, and the holes of a dilated kernel; padding pixels do not count")


def _shape_after(conv_args: dict, in_shape: tuple[int, ...]) -> tuple[int, ...]:
    conv = nn.Conv2d(**conv_args, device="meta")
    return tuple(conv(torch.zeros(in_shape, device="meta")).shape)


def _check_mapping(stride, padding, *, kernel_size, dilation, in_shape, out_shape, names, one_solution) -> None:
    args = dict(in_channels=in_shape[1], out_channels=out_shape[1], kernel_size=kernel_size,
                stride=stride, padding=padding, dilation=dilation)
    try:
        got = _shape_after(args, in_shape)
    except (TypeError, ValueError, RuntimeError) as error:
        raise CheckFailed(f"nn.Conv2d refused {names} = {stride!r}, {padding!r}: {str(error).splitlines()[0]}",
                          expected=one_solution, hint="stride and padding are ints or (height, width) pairs") from None
    expect(
        got == out_shape,
        f"with {names} = {stride!r}, {padding!r} the layer maps {in_shape} to {got}, not to the shape asked",
        hint="work out each axis on its own: ⌊(W + 2P − D·(F − 1) − 1)/S⌋ + 1", answer=one_solution,
    )


@exercise("4.4", answers=["stride_a", "padding_a"])
def _check_mapping_a(stride_a, padding_a):
    _check_mapping(stride_a, padding_a, kernel_size=(5, 3), dilation=1, in_shape=(1, 3, 64, 48),
                   out_shape=(1, 16, 32, 24), names="stride_a, padding_a", one_solution=(2, (2, 1)))


@exercise("4.5", answers=["stride_b", "padding_b"])
def _check_mapping_b(stride_b, padding_b):
    _check_mapping(stride_b, padding_b, kernel_size=3, dilation=2, in_shape=(1, 8, 33, 33),
                   out_shape=(1, 8, 11, 11), names="stride_b, padding_b", one_solution=(3, 1))
