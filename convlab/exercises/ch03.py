"""Checks of the graded exercises of chapter 3, "Padding"."""

from __future__ import annotations

import random
import warnings

import torch
import torch.nn.functional as F
from torch import nn

from convlab.coverage import coverage_map
from convlab.exercises.checking import CheckFailed, exercise
from convlab.exercises.expect import expect, expect_equal, expect_integer

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _keeps_size(size: int, kernel_size: int, padding: int, dilation: int) -> bool:
    """Does a real nn.Conv2d with this per-side padding keep a size×size input size×size?"""
    conv = nn.Conv2d(1, 1, kernel_size, padding=padding, dilation=dilation, device="meta")
    return tuple(conv(torch.zeros(1, 1, size, size, device="meta")).shape[-2:]) == (size, size)


@exercise("3.1", answers=["keep_size_padding"])
def _check_keep_size_padding(keep_size_padding):
    rng = random.Random(31)
    cases = [(3, 1), (5, 1), (1, 1), (4, 1), (3, 2), (2, 2), (5, 3), (2, 3)]
    cases += [(rng.randint(1, 9), rng.randint(1, 4)) for _ in range(8)]
    for kernel_size, dilation in cases:
        got = keep_size_padding(kernel_size, dilation)
        what = f"keep_size_padding({kernel_size}, {dilation})"
        eaten = dilation * (kernel_size - 1)
        if eaten % 2:
            expect(
                got is None,
                f"{what} should be None: the kernel eats {eaten} pixels, an odd number, so no symmetric "
                f"padding keeps the size (got {got!r})",
                hint="the kernel spans dilation·(kernel_size − 1) + 1 pixels",
            )
            continue
        if got is None:
            raise CheckFailed(f"{what} is possible", expected=eaten // 2, got=None,
                              hint="dilation·(kernel_size − 1) is even here: split it between the two sides")
        got = expect_integer(got, what)
        size = 2 * eaten + 3 + rng.randint(0, 5)
        expect(
            got >= 0 and _keeps_size(size, kernel_size, got, dilation),
            f"{what} = {got}, but nn.Conv2d({kernel_size}, padding={got}, dilation={dilation}) does not keep a "
            f"{size}×{size} input {size}×{size}",
            hint="the kernel spans dilation·(kernel_size − 1) + 1 pixels; give back what it eats, half per side",
        )


def _reference_counts(size: int, kernel_size: int, padding: int) -> list[int]:
    return [int(v) for v in coverage_map((1, size), (1, kernel_size), padding=(0, padding))[0]]


@exercise("3.2", answers=["window_counts"])
def _check_window_counts(window_counts):
    rng = random.Random(32)
    cases = [(5, 3, 0), (7, 3, 1), (7, 5, 2), (4, 3, 2), (6, 1, 0)]
    while len(cases) < 14:
        size, k, p = rng.randint(1, 12), rng.randint(1, 6), rng.randint(0, 3)
        if k <= size + 2 * p:
            cases.append((size, k, p))
    for size, k, p in cases:
        got = window_counts(size, k, p)
        what = f"window_counts({size}, {k}, {p})"
        try:
            got = [int(v) for v in got]
        except (TypeError, ValueError):
            raise CheckFailed(f"{what} should be a list of {size} integers", got=got) from None
        expect_equal(len(got), size, f"the length of {what}", hint="one count per real pixel, padding excluded")
        expected = _reference_counts(size, k, p)
        if got != expected:
            raise CheckFailed(f"{what} is not right", expected=expected, got=got,
                              hint="window s (0, 1, 2, …) covers padded positions s … s + k − 1; "
                                   "real pixel i sits at padded position i + padding")


@exercise("3.3", answers=["keeps_constant"])
def _check_keeps_constant(keeps_constant):
    if isinstance(keeps_constant, str) or not hasattr(keeps_constant, "__iter__"):
        raise CheckFailed("keeps_constant should be a set of mode names", expected="a set like {'zeros'}",
                          got=keeps_constant)
    chosen = set(keeps_constant)
    unknown = chosen - set(PADDING_MODES)
    expect(not unknown, f"{sorted(unknown)} are not nn.Conv2d padding modes; choose from {PADDING_MODES}",
           hint="nn.Conv2d calls zero padding 'zeros'")
    flat, blur = torch.full((1, 1, 8, 8), 0.7), torch.full((1, 1, 3, 3), 1 / 9)
    right = set()
    for mode in PADDING_MODES:  # what nn.Conv2d(padding=1, padding_mode=mode) does, without drawing weights
        padded = F.pad(flat, (1, 1, 1, 1), mode="constant" if mode == "zeros" else mode)
        if torch.allclose(F.conv2d(padded, blur), flat):
            right.add(mode)
    for mode in PADDING_MODES:
        if (mode in chosen) != (mode in right):
            verb = "keeps" if mode in right else "does not keep"
            raise CheckFailed(f"'{mode}' {verb} a constant image constant under a 3×3 blur",
                              hint="pad a row [7, 7, 7] by one in that mode and look at the new pixels")


@exercise("3.4", answers=["same_split"])
def _check_same_split(same_split):
    gen = torch.Generator().manual_seed(34)
    for kernel_size, dilation in [(3, 1), (4, 1), (2, 1), (6, 1), (4, 3), (5, 2), (2, 2), (1, 1)]:
        what = f"same_split({kernel_size}, {dilation})"
        got = same_split(kernel_size, dilation)
        if not (isinstance(got, tuple | list) and len(got) == 2):
            raise CheckFailed(f"{what} should be a pair (before, after)", got=got)
        before, after = (expect_integer(v, what) for v in got)
        expect(before >= 0 and after >= 0, f"{what} = {(before, after)}: padding cannot be negative")
        x = torch.randn(1, 1, 9, 9, generator=gen)
        w = torch.randn(1, 1, kernel_size, kernel_size, generator=gen)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyTorch warns that uneven 'same' padding copies the input
            same = F.conv2d(x, w, padding="same", dilation=dilation)
        by_hand = F.conv2d(F.pad(x, (before, after, before, after)), w, dilation=dilation)
        expect(
            same.shape == by_hand.shape and torch.allclose(same, by_hand, atol=1e-5),
            f"{what} = {(before, after)}, but padding that way does not reproduce padding='same'",
            hint="the total is dilation·(kernel_size − 1); PyTorch puts the smaller half before",
        )
