"""Checks of the graded exercises of chapter 8, "Pooling".

Every check compares the learner's answer with real PyTorch pooling on seeded cases (and, when
grading, on hidden ones), and its feedback names the case and the likely mistake without ever
showing the expected value. The functions an exercise rules out are refused through
:mod:`convlab.exercises.rules`.
"""

from __future__ import annotations

import itertools

import torch
import torch.nn.functional as F
from torch import nn

from convlab.exercises.checking import HIDDEN_CASE, CheckFailed, exercise, hidden_seed, secret, with_hidden
from convlab.exercises.expect import expect, expect_integer, expect_tensor, prefetch
from convlab.exercises.rules import NO_COURSE_HELPERS, POOLING_OPS, Rule, obeying

HIDDEN = HIDDEN_CASE

_POOLING_NAMES = ("max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_max_pool2d", "adaptive_avg_pool2d",
                  "lp_pool2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveMaxPool2d",
                  "AdaptiveAvgPool2d", "LPPool2d")

NO_POOLING = Rule("exercise 8.1 asks for pooling from scratch — use slicing, max/mean or unfold instead",
                  ops=POOLING_OPS, names=_POOLING_NAMES)
NO_POOLING_LAYER = Rule("exercise 8.2 asks for the size from the formula, not from a real layer",
                        ops=POOLING_OPS, names=_POOLING_NAMES + NO_COURSE_HELPERS.names)
NO_AUTOGRAD = Rule("exercise 8.3 asks for the gradient without autograd",
                   ops=("torch.backward", "torch.grad", "max_pool2d_with_indices_backward"),
                   names=("backward", "autograd"))
NO_RUNNING_LAYERS = Rule("exercise 8.4 asks for the shapes from the formulas, not from running the layers",
                         ops=POOLING_OPS + ("convolution",),
                         names=_POOLING_NAMES + ("conv2d", "Conv2d") + NO_COURSE_HELPERS.names)


def _run(rule: Rule, answer, *args):
    """``answer(*args)``, traced for what ``rule`` forbids (its code is read once, by the caller)."""
    with obeying(rule._replace(names=())):
        return answer(*args)


def _tensor(got, what: str, want: torch.Tensor) -> torch.Tensor:
    try:
        return expect_tensor(got, what)
    except CheckFailed:
        secret(want)
        raise


def _same(got: torch.Tensor, want: torch.Tensor) -> bool:
    return got.shape == want.shape and torch.allclose(got, want, atol=1e-10, rtol=1e-9)


# --- 8.1 ---------------------------------------------------------------------------------------

def _pool_cases(seed: int = 81, fixed: bool = True) -> list[tuple[tuple[int, int, int, int], int, int]]:
    """(shape, kernel_size, stride): non-overlapping, overlapping, gapped and 1×1 windows."""
    gen = torch.Generator().manual_seed(seed)
    cases = [((1, 1, 4, 4), 2, 2), ((2, 3, 7, 7), 3, 2), ((1, 2, 6, 9), 2, 3), ((1, 1, 5, 5), 1, 1),
             ((2, 1, 8, 5), 4, 1)] if fixed else []
    for _ in range(5):
        k, s = (int(v) for v in torch.randint(1, 5, (2,), generator=gen))
        h, w = (int(v) for v in torch.randint(k, k + 7, (2,), generator=gen))
        n, c = (int(v) for v in torch.randint(1, 4, (2,), generator=gen))
        cases.append(((n, c, h, w), k, s))
    return cases


@exercise("8.1", answers=["pool"])
def _check_pool(pool):
    expect(callable(pool), "pool should be a function pool(x, kernel_size, stride, mode)")
    with obeying(NO_POOLING, pool):
        pass  # reads the answer's code for the pooling functions before anything runs
    gen, hidden_gen = torch.Generator().manual_seed(810), torch.Generator().manual_seed(hidden_seed(8100))
    for (shape, k, s), hidden in with_hidden(_pool_cases(), lambda: _pool_cases(hidden_seed(8101), fixed=False)):
        x = torch.randn(shape, generator=hidden_gen if hidden else gen, dtype=torch.float64)
        wanted = {"max": F.max_pool2d(x, k, s), "avg": F.avg_pool2d(x, k, s)}
        for mode, want in wanted.items():
            what = f"pool(x, {k}, {s}, {mode!r}) for x of shape {shape}" + (HIDDEN if hidden else "")
            got = _tensor(_run(NO_POOLING, pool, x.clone(), k, s, mode), what, want)
            if _same(got, want):
                continue
            secret(want)
            if got.shape != want.shape:
                raise CheckFailed(
                    f"{what} has shape {tuple(got.shape)}, not the shape nnf.{mode}_pool2d gives",
                    hint="N and C stay; each spatial axis has ⌊(size − kernel_size) / stride⌋ + 1 windows, "
                         "which move by stride, not by kernel_size",
                )
            other = wanted["avg" if mode == "max" else "max"]
            if _same(got, other):
                raise CheckFailed(f"{what} returns the other kind of pooling",
                                  hint="mode='max' keeps each window's largest value, mode='avg' its mean")
            transposed = F.max_pool2d(x.transpose(2, 3), k, s).transpose(2, 3) if mode == "max" else None
            if transposed is not None and shape[2] == shape[3] and _same(got, transposed):
                raise CheckFailed(f"{what} mixes up rows and columns",
                                  hint="output (i, j) reads rows i·stride … and columns j·stride …")
            raise CheckFailed(f"{what} differs from nnf.{mode}_pool2d by up to {(got - want).abs().max().item():.3g}",
                              hint="window (i, j) covers rows i·stride … i·stride + kernel_size − 1, and the same "
                                   "for columns; each channel of each sample on its own")


# --- 8.2 ---------------------------------------------------------------------------------------

def _real_size(size: int, k: int, s: int, p: int, ceil: bool) -> int | None:
    try:
        return nn.MaxPool2d((1, k), (1, s), (0, p), ceil_mode=ceil)(torch.zeros(1, 1, 1, size)).shape[-1]
    except RuntimeError:
        return None


def _size_cases() -> list[tuple[int, int, int, int, bool]]:
    chosen = [(6, 2, 2, 0, False), (7, 2, 2, 0, True), (7, 3, 2, 0, True), (6, 3, 2, 1, False), (6, 3, 2, 1, True),
              (5, 2, 2, 1, True), (4, 1, 3, 0, True), (4, 1, 4, 0, True), (55, 3, 2, 0, False), (32, 2, 2, 0, True)]
    grid = itertools.product(range(1, 13), range(1, 6), range(1, 5), range(3), (False, True))
    return chosen + [case for case in grid if case[3] <= case[1] // 2 and _real_size(*case) is not None][::7]


def _hidden_size_cases() -> list[tuple[int, int, int, int, bool]]:
    """Larger seeded cases the notebook never shows, half of them with ceil_mode."""
    gen = torch.Generator().manual_seed(hidden_seed(8200))
    cases = []
    while len(cases) < 16:
        size, k, s = (int(torch.randint(low, high + 1, (1,), generator=gen)) for low, high in [(8, 99), (1, 7), (1, 5)])
        case = (size, k, s, int(torch.randint(0, k // 2 + 1, (1,), generator=gen)), len(cases) % 2 == 1)
        if _real_size(*case) is not None:
            cases.append(case)
    return cases


@exercise("8.2", answers=["pool_out"])
def _check_pool_out(pool_out):
    expect(callable(pool_out), "pool_out should be a function pool_out(size, kernel_size, stride, padding, ceil_mode)")
    with obeying(NO_POOLING_LAYER, pool_out):
        pass
    cases = with_hidden(_size_cases(), _hidden_size_cases)
    prefetch(pool_out, [case for case, _ in cases], NO_POOLING_LAYER)
    for (size, k, s, p, ceil), hidden in cases:
        real = _real_size(size, k, s, p, ceil)
        what = f"pool_out({size}, {k}, {s}, {p}, ceil_mode={ceil})" + (HIDDEN if hidden else "")
        got = _run(NO_POOLING_LAYER, pool_out, size, k, s, p, ceil)
        try:
            got = expect_integer(got, what)
        except CheckFailed:
            secret(real)
            raise
        if got == real:
            continue
        secret(real)
        room = size + 2 * p - k
        rounded_up = -(-room // s) + 1
        if ceil and rounded_up != real and got == rounded_up:
            hint = ("ceil_mode rounds up, but PyTorch then drops a last window that would start in the "
                    "right-hand padding or past the input")
        elif ceil and got == room // s + 1:
            hint = ("with ceil_mode=True two rules meet: the division is rounded up, and a last window is kept "
                    "when it starts inside the input or its left padding; check both, with the padding")
        elif p and got in (-(-(size - k) // s) + 1, (size - k) // s + 1):
            hint = "padding adds P pixels on each side: 2P in all"
        else:
            hint = "⌊(size + 2·padding − kernel_size) / stride⌋ + 1, rounded up instead with ceil_mode"
        raise CheckFailed(f"{what} = {got} is not what nn.MaxPool2d gives", hint=hint)


# --- 8.3 ---------------------------------------------------------------------------------------

_GRAD_CASES = [((1, 1, 4, 4), 2, 2), ((1, 1, 7, 7), 3, 2), ((2, 3, 9, 8), 3, 2), ((1, 2, 8, 8), 2, 3),
               ((2, 2, 6, 7), 2, 1), ((1, 1, 5, 5), 1, 1)]
_HIDDEN_GRAD_CASES = [((2, 1, 10, 9), 3, 1), ((1, 3, 11, 11), 4, 3), ((3, 2, 8, 12), 2, 2), ((1, 1, 9, 6), 3, 2)]


def _max_pool_reference(x: torch.Tensor, grad: torch.Tensor, k: int, s: int) -> torch.Tensor:
    leaf = x.clone().requires_grad_()
    F.max_pool2d(leaf, k, s).backward(grad)
    return leaf.grad


@exercise("8.3", answers=["max_pool_grad"])
def _check_max_pool_grad(max_pool_grad):
    expect(callable(max_pool_grad), "max_pool_grad should be a function max_pool_grad(x, grad_output, kernel_size, "
                                    "stride)")
    with obeying(NO_AUTOGRAD, max_pool_grad):
        pass
    gen, hidden_gen = torch.Generator().manual_seed(83), torch.Generator().manual_seed(hidden_seed(8300))
    for (shape, k, s), hidden in with_hidden(_GRAD_CASES, lambda: _HIDDEN_GRAD_CASES):
        x = torch.randn(shape, generator=hidden_gen if hidden else gen, dtype=torch.float64)
        out_shape = F.max_pool2d(x, k, s).shape
        grad = torch.randn(out_shape, generator=hidden_gen if hidden else gen, dtype=torch.float64)
        want = _max_pool_reference(x, grad, k, s)
        what = f"max_pool_grad for x of shape {shape}, kernel {k}, stride {s}" + (HIDDEN if hidden else "")
        with torch.no_grad():
            got = _run(NO_AUTOGRAD, max_pool_grad, x.clone(), grad.clone(), k, s)
        got = _tensor(got, what, want)
        if _same(got, want):
            continue
        secret(want)
        expect(got.shape == x.shape, f"{what} has shape {tuple(got.shape)}, not the input's",
               hint="the gradient with respect to x has one number per pixel of x")
        wins = _max_pool_reference(x, torch.ones_like(grad), k, s)  # how many windows each pixel wins
        several = wins >= 2
        if _same(got, wins) or _same(got, (wins > 0).double()):
            hint = "each winner receives the upstream gradient of its window, not a 1"
        elif _same(got, _average_reference(x, grad, k, s)):
            hint = ("spreading the gradient evenly over the window is average pooling's rule; max sends it all "
                    "to the window's largest value")
        elif several.any() and torch.allclose(got[~several], want[~several], atol=1e-10):
            hint = "a pixel that is the largest in two overlapping windows receives both gradients: add them"
        else:
            hint = "only the position of each window's maximum receives that window's gradient; all others get 0"
        raise CheckFailed(f"{what} is not the gradient autograd finds", hint=hint)


def _average_reference(x: torch.Tensor, grad: torch.Tensor, k: int, s: int) -> torch.Tensor:
    leaf = x.clone().requires_grad_()
    F.avg_pool2d(leaf, k, s).backward(grad)
    return leaf.grad


# --- 8.4 ---------------------------------------------------------------------------------------

def _lenet_like() -> nn.Sequential:
    """The stack of exercise 8.4."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
    )


_STAGES = ("Conv2d(1, 6, 5, padding=2)", "MaxPool2d(2)", "Conv2d(6, 16, 5)", "MaxPool2d(2, ceil_mode=True)")
_STAGE_HINTS = (
    "how many pixels does a 5×5 kernel eat per axis, and how many does this padding give back?",
    "MaxPool2d(2) has stride 2 and rounds down: an odd size loses its last row and column",
    "a 5×5 kernel without padding removes 4 pixels per axis",
    "ceil_mode=True rounds up: an odd size keeps a last, partial window",
)
_SIZES = [28, 32, 10, 11, 13, 14, 15, 17, 22, 27, 31, 40, 64, 65]
_HIDDEN_SIZES = [12, 19, 23, 26, 37, 45, 50, 71, 96, 101]


def _real_shapes(stack: nn.Sequential, size: int) -> list[tuple[int, int, int]]:
    shapes, x = [], torch.zeros(1, 1, size, size)
    with torch.no_grad():
        for layer in stack:
            x = layer(x)
            if not isinstance(layer, nn.ReLU):
                shapes.append(tuple(x.shape[1:]))
    return shapes


@exercise("8.4", answers=["stack_shapes"])
def _check_stack_shapes(stack_shapes):
    expect(callable(stack_shapes), "stack_shapes should be a function stack_shapes(size)")
    with obeying(NO_RUNNING_LAYERS, stack_shapes):
        pass
    stack = _lenet_like()
    sizes = with_hidden(_SIZES, lambda: _HIDDEN_SIZES)
    prefetch(stack_shapes, [(size,) for size, _ in sizes], NO_RUNNING_LAYERS)
    for size, hidden in sizes:
        real = _real_shapes(stack, size)
        got = _run(NO_RUNNING_LAYERS, stack_shapes, size)
        what = f"stack_shapes({size})" + (HIDDEN if hidden else "")
        try:
            _compare_shapes(got, real, what)
        except CheckFailed:
            secret(real)  # the failing case's shapes: recorded, never shown
            raise


def _compare_shapes(got, real: list[tuple[int, int, int]], what: str) -> None:
    if not isinstance(got, (list, tuple)) or len(got) != 4:
        raise CheckFailed(f"{what} should be a list of four (C, H, W) shapes, one after each layer "
                          "(ReLU excluded)")
    for stage, (mine, theirs) in enumerate(zip(got, real, strict=True)):
        try:
            mine = tuple(int(v) for v in mine)
        except (TypeError, ValueError):
            raise CheckFailed(f"{what}[{stage}] should be a (C, H, W) tuple of integers") from None
        if len(mine) != 3:
            raise CheckFailed(f"{what}[{stage}] should have three numbers (C, H, W), not {len(mine)}")
        if mine[0] != theirs[0]:
            raise CheckFailed(f"the channel count after {_STAGES[stage]} is not right in {what}",
                              hint="a convolution sets out_channels; pooling keeps the channels")
        if mine[1:] != theirs[1:]:
            raise CheckFailed(f"the height or width after {_STAGES[stage]} is not right in {what}",
                              hint=_STAGE_HINTS[stage])


# --- 8.5 ---------------------------------------------------------------------------------------
@exercise("8.5", answers=["avg_pool_conv"])
def _check_avg_pool_conv(avg_pool_conv):
    expect(callable(avg_pool_conv), "avg_pool_conv should be a function avg_pool_conv(channels, kernel_size)")
    gen, hidden_gen = torch.Generator().manual_seed(85), torch.Generator().manual_seed(hidden_seed(8500))
    public = [(1, 2), (3, 2), (4, 3), (2, 4), (5, 1)]
    for (channels, k), hidden in with_hidden(public, lambda: [(6, 3), (7, 2), (3, 5), (8, 4)]):
        what = f"avg_pool_conv({channels}, {k})" + (HIDDEN if hidden else "")
        conv = avg_pool_conv(channels, k)
        expect(isinstance(conv, nn.Conv2d), f"{what} should return an nn.Conv2d, got {type(conv).__name__}")
        expect(conv.in_channels == channels and conv.out_channels == channels,
               f"{what} should map {channels} channels to {channels} channels",
               hint="pooling keeps the number of channels")
        x = torch.randn(2, channels, 3 * k + 1, 2 * k + 3, generator=hidden_gen if hidden else gen)
        want = F.avg_pool2d(x, k)
        with torch.no_grad():
            got = conv(x)
            from_zero = conv(torch.zeros_like(x))
            poked = x.clone()
            poked[:, 0] += 1.0
            moved = conv(poked) - got
        if got.shape == want.shape and torch.allclose(got, want, atol=1e-6):
            continue
        secret(want)
        if got.shape != want.shape:
            raise CheckFailed(f"{what} gives shape {tuple(got.shape)}, not nn.AvgPool2d({k})'s",
                              hint="nn.AvgPool2d(k)'s windows tile the input without padding: "
                                   "compare your stride and padding")
        if channels > 1 and moved[:, 1:].abs().max() > 1e-6:
            raise CheckFailed(f"{what}: changing input channel 0 changes other output channels",
                              hint="pooling acts on each channel alone, but this convolution mixes the channels")
        if from_zero.abs().max() > 1e-6:
            raise CheckFailed(f"{what} turns an all-zero input into a non-zero output",
                              hint="the average of zeros is 0, but this layer adds something to it")
        raise CheckFailed(f"{what} differs from nn.AvgPool2d({k}) by up to {(got - want).abs().max().item():.3g}",
                          hint="every weight of a k×k mean is the same number; what must the k² of them sum to?")
