"""Checks of the graded exercises of chapter 3, "Padding"."""

from __future__ import annotations

import random

import torch
import torch.nn.functional as nnf

from convlab.coverage import coverage_map
from convlab.exercises.checking import CheckFailed, exercise, hidden_seed, secret
from convlab.exercises.expect import expect, expect_function, expect_integer
from convlab.exercises.rules import Rule

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _keep(kernel_size: int, dilation: int) -> int | None:
    eaten = dilation * (kernel_size - 1)
    return None if eaten % 2 else eaten // 2


def _int_or_none(value, call):
    return None if value is None else expect_integer(value, call, hint="an int, or None when no padding can")


@exercise("3.1", answers=["keep_size_padding"])
def _check_keep_size_padding(keep_size_padding):
    def mistakes(k, d):
        return [(d * (k - 1) // 2 if d * (k - 1) % 2 else None,
                 "the kernel eats an odd number of pixels here: no symmetric padding keeps the size (None)"),
                ((k - 1) // 2 if d > 1 else None,
                 "you left out the dilation: the kernel spans dilation·(kernel_size − 1) + 1 pixels")]

    def hidden():
        rng = random.Random(hidden_seed(31))
        return [(rng.randint(1, 9), rng.randint(1, 4)) for _ in range(10)]

    expect_function(keep_size_padding, "keep_size_padding", [(3, 1), (5, 1), (1, 1), (4, 1), (3, 2), (2, 2)], hidden,
                    _keep, mistakes=mistakes, convert=_int_or_none,
                    signature="def keep_size_padding(kernel_size, dilation=1):",
                    hint="the kernel eats dilation·(kernel_size − 1) pixels; give them back, half per side")


def _counts(size: int, kernel_size: int, padding: int) -> list[int]:
    return [int(v) for v in coverage_map((1, size), (1, kernel_size), padding=(0, padding))[0]]


def _int_list(value, call):
    try:
        return [int(v) for v in value]
    except (TypeError, ValueError):
        raise CheckFailed(f"{call} should return a list of integers, one per pixel") from None


@exercise("3.2", answers=["window_counts"])
def _check_window_counts(window_counts):
    def mistakes(size, k, p):
        if k > size:  # no window fits without the padding
            return []
        return [(_counts(size, k, 0), "these are the counts without padding: windows that hang over the border "
                                      "read the edge pixels too"),
                ([min(k, size) if p else v for v in _counts(size, k, 0)], "with padding the edges are read by fewer "
                                                                           "than kernel_size windows when p < k − 1")]

    def hidden():
        rng = random.Random(hidden_seed(32))
        cases = []
        while len(cases) < 10:
            size, k, p = rng.randint(1, 12), rng.randint(1, 6), rng.randint(0, 3)
            if k <= size + 2 * p:
                cases.append((size, k, p))
        return cases

    expect_function(window_counts, "window_counts", [(5, 3, 0), (7, 3, 1), (7, 5, 2), (4, 3, 2)], hidden, _counts,
                    mistakes=mistakes, convert=_int_list, signature="def window_counts(size, kernel_size, padding=0):",
                    hint="window s (0, 1, 2, …) covers padded positions s … s + k − 1; real pixel i sits at padded "
                         "position i + padding")


NO_PAD_FUNCTION = Rule("build the border yourself, without a padding function",
                       ops=("constant_pad_nd", "reflection_pad1d", "replication_pad1d", "torch.pad",
                            "torch._pad_circular"),
                       names=("pad", "ReflectionPad1d", "ReplicationPad1d", "CircularPad1d", "ZeroPad1d"))


def _pad(row: torch.Tensor, padding: int, mode: str) -> torch.Tensor:
    torch_mode = "constant" if mode == "zeros" else mode
    return nnf.pad(row[None, None].double(), (padding, padding), mode=torch_mode)[0, 0]


@exercise("3.3", answers=["pad_row", "constant_modes"])
def _check_pad_row(pad_row, constant_modes):
    def mistakes(row, p, mode):
        row = row.double()
        edge = torch.cat([row[:p].flip(0), row, row[-p:].flip(0)]) if p else row  # numpy's "symmetric"
        swapped = torch.cat([row[:p], row, row[-p:]]) if p else row
        return [(edge, "that repeats the edge pixel: 'reflect' mirrors about the edge pixel without repeating it"
                 if mode == "reflect" else "that mirrors the row; this mode does something else"),
                (swapped, "the two sides are swapped: circular padding puts the row's END before its start"
                 if mode == "circular" else "that copies the row's own first pixels to the left; this mode does not"),
                (_pad(row, p, "replicate") if mode != "replicate" else None,
                 "that repeats the edge pixel, which is 'replicate'"),
                (_pad(row, p, "zeros") if mode != "zeros" else None, "that pads with zeros, which is 'zeros' only")]

    def cases(seed, n):
        g = torch.Generator().manual_seed(seed)
        found = []
        for index in range(n):
            length = int(torch.randint(3, 9, (1,), generator=g))
            row = torch.randint(1, 10, (length,), generator=g).double()
            found.append((row, 1 + index % min(3, length - 1), PADDING_MODES[index % 4]))
        return found

    public = [(torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0]), 2, mode) for mode in PADDING_MODES]
    expect_function(pad_row, "pad_row", public, lambda: cases(hidden_seed(33), 12), _pad, mistakes=mistakes,
                    signature="def pad_row(row, padding, mode):", rule=NO_PAD_FUNCTION,
                    describe=lambda row, p, mode: f"pad_row({row.tolist()}, {p}, {mode!r})",
                    hint="zeros adds 0s; reflect mirrors about the edge pixel (not repeating it); replicate repeats "
                         "the edge pixel; circular wraps the row around")
    _check_constant_modes(constant_modes)


_KEEP_CONSTANT = frozenset({"reflect", "replicate", "circular"})  # they only copy pixels of the row


def _check_constant_modes(constant_modes) -> None:
    """The answer to 3.3's question: which modes keep a constant image constant under a blur?"""
    if not isinstance(constant_modes, list | tuple | set) or not all(isinstance(m, str) for m in constant_modes):
        raise CheckFailed("constant_modes should be a list of mode names, such as ['zeros']", got=constant_modes)
    unknown = sorted(set(constant_modes) - set(PADDING_MODES))
    expect(not unknown, f"constant_modes names {unknown}, which is not a padding mode",
           hint="the modes are 'zeros', 'reflect', 'replicate' and 'circular'")
    if set(constant_modes) == _KEEP_CONSTANT:
        return
    secret(sorted(_KEEP_CONSTANT))
    if "zeros" in constant_modes:
        raise CheckFailed("constant_modes is not right: it includes a mode that brings in a value the image "
                          "does not have", hint="pad a constant row with your pad_row: is every border value the "
                                                "row's value?")
    raise CheckFailed("constant_modes is not right: it leaves out a mode whose border is made of the row's own "
                      "pixels", hint="pad a constant row with your pad_row in each mode and look at the borders")


def _same(kernel_size: int, dilation: int) -> tuple[int, int]:
    total = dilation * (kernel_size - 1)
    return total // 2, total - total // 2


def _pair(value, call):
    if not (isinstance(value, tuple | list) and len(value) == 2):
        raise CheckFailed(f"{call} should return a pair (before, after)", got=value)
    return tuple(expect_integer(v, call) for v in value)


@exercise("3.4", answers=["same_split"])
def _check_same_split(same_split):
    def mistakes(k, d):
        before, after = _same(k, d)
        return [((after, before), "the extra pixel goes AFTER (bottom/right): PyTorch puts the smaller half first"),
                (_same(k, 1), "you left out the dilation: the total is dilation·(kernel_size − 1)")]

    expect_function(same_split, "same_split", [(3, 1), (4, 1), (2, 1), (5, 2)], lambda: [(6, 1), (4, 3), (2, 2),
                                                                                          (1, 1), (7, 2), (8, 3)],
                    _same, mistakes=mistakes, convert=_pair, signature="def same_split(kernel_size, dilation=1):",
                    hint="the total is dilation·(kernel_size − 1); compare F.conv2d(x, w, padding='same') with "
                         "F.conv2d(F.pad(x, (before, after, before, after)), w)")
