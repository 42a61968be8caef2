"""Checks of the graded exercises of chapter 10, "Beyond the notes".

Each check compares the answer with PyTorch on seeded cases (and, when grading, on hidden ones);
the expected values pass through :func:`secret` and never reach the feedback. The functions an
exercise rules out are refused through :mod:`convlab.exercises.rules`.
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

from convlab.exercises.checking import HIDDEN_CASE, CheckFailed, exercise, hidden_seed, secret, with_hidden
from convlab.exercises.expect import expect, expect_close, expect_function, expect_integer, expect_shape, prefetch
from convlab.exercises.rules import NO_COURSE_HELPERS, Rule, obeying

HIDDEN = HIDDEN_CASE


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


def _describe(case: dict, hidden: bool = False) -> str:
    return (f"x {case['n']}×{case['c']}×{case['h']}×{case['w']}, {case['o']} kernels {case['k']}×{case['k']}, "
            f"stride {case['stride']}, padding {case['padding']}" + (HIDDEN if hidden else ""))


def _gradient_cases(seed: int) -> list[tuple[tuple[dict, int], bool]]:
    """((case, seed of its tensors), is_hidden): the public cases, then the hidden ones when grading."""
    public = [(case, seed * 10 + i) for i, case in enumerate(_conv_cases(seed))]
    base = hidden_seed(seed * 100)
    return with_hidden(public, lambda: [(case, base + i) for i, case in enumerate(_conv_cases(base, 4))])


def _block_real(c_in: int, c_out: int, k: int) -> tuple[int, int]:
    """Count real layers' parameters, on the meta device (shapes only, no memory)."""
    def count(*layers: nn.Module) -> int:
        return sum(p.numel() for layer in layers for p in layer.parameters())

    standard = nn.Conv2d(c_in, c_out, k, bias=False, device="meta")
    depthwise = nn.Conv2d(c_in, c_in, k, groups=c_in, bias=False, device="meta")
    pointwise = nn.Conv2d(c_in, c_out, 1, bias=False, device="meta")
    return count(standard), count(depthwise, pointwise)


def _block_cases(seed: int, n: int = 8) -> list[tuple[int, int, int]]:
    gen = torch.Generator().manual_seed(seed)
    return [(int(torch.randint(2, 97, (1,), generator=gen)), int(torch.randint(2, 129, (1,), generator=gen)),
             int(torch.randint(1, 5, (1,), generator=gen)) * 2 - 1) for _ in range(n)]


@exercise("10.1", answers=["block_params"])
def _check_block_params(block_params):
    def mistakes(c_in, c_out, k):
        standard, depthwise, pointwise = c_out * c_in * k * k, c_in * k * k, c_in * c_out
        return [((standard, c_in * c_in * k * k + pointwise),
                 "the depthwise part has groups=in_channels: each of its kernels is k×k×1, not k×k×in_channels"),
                ((standard, depthwise), "add the 1×1 convolution from in_channels to out_channels"),
                ((standard, pointwise), "add the depthwise k×k convolution (groups=in_channels)"),
                ((c_out * c_in * k, c_in * k + pointwise), "a k×k kernel has k² weights per channel, not k"),
                ((standard, c_in * k + pointwise), "a depthwise k×k kernel has k² weights, not k"),
                ((standard + c_out, depthwise + c_in + pointwise + c_out), "no biases here: bias=False"),
                ((standard + c_out, depthwise + pointwise), "no bias in the standard convolution: bias=False"),
                ((standard, depthwise + pointwise + c_in + c_out), "no biases in the block: bias=False"),
                ((c_out * k * k, depthwise + pointwise), "each standard kernel spans all in_channels")]

    def pair_of_ints(value, call):
        expect(isinstance(value, (tuple, list)) and len(value) == 2,
               f"{call} should return two numbers: (standard, separable)", hint="return standard, separable")
        return tuple(expect_integer(v, call, hint="a parameter count is a whole number") for v in value)

    expect_function(block_params, "block_params", [(32, 64, 3), (3, 16, 5), (64, 128, 1), (16, 16, 7)],
                    lambda: _block_cases(hidden_seed(1010)), _block_real, mistakes=mistakes, convert=pair_of_ints,
                    rule=NO_COURSE_HELPERS, signature="def block_params(in_channels, out_channels, kernel_size):",
                    hint="standard: out_channels kernels of k×k×in_channels; separable: one k×k kernel per input "
                         "channel, then a 1×1 convolution from in_channels to out_channels; no biases")

@exercise("10.2", answers=["bias_grad"])
def _check_bias_grad(bias_grad):
    for (case, seed), hidden in _gradient_cases(80):
        _, grad, _, expected = _reference(case, seed)
        what = f"bias_grad for {_describe(case, hidden)}"
        got = expect_shape(bias_grad(grad.clone()), tuple(expected.shape), what, answer=expected,
                           hint="one number per output channel")
        expect_close(got, expected, what, atol=1e-8,
                     hint="each bias is added at every position of every sample: sum dY over those")

NO_WEIGHT_GRAD_SHORTCUTS = Rule(
    "this exercise rules out autograd and torch.nn.grad: compute dW yourself from nnf.unfold (im2col)",
    ops=("convolution_backward", "torch.backward", "torch.grad"),
    names=("autograd", "backward", "grad", "conv2d_weight", "convolution_backward", "grad_weight"),
)


@exercise("10.3", answers=["weight_grad"])
def _check_weight_grad(weight_grad):
    expect(callable(weight_grad), "weight_grad should be a function",
           hint="def weight_grad(x, grad_output, kernel_size, stride=1, padding=0):")
    with obeying(NO_WEIGHT_GRAD_SHORTCUTS, weight_grad):
        pass  # reads the answer's code for the shortcuts before anything runs
    for (case, seed), hidden in _gradient_cases(81):
        x, grad, expected, _ = _reference(case, seed)
        what = f"weight_grad for {_describe(case, hidden)}"
        with obeying(NO_WEIGHT_GRAD_SHORTCUTS._replace(names=())):
            got = weight_grad(x.clone(), grad.clone(), case["k"], case["stride"], case["padding"])
        got = expect_shape(got, tuple(expected.shape), what, answer=expected,
                           hint="(out_channels, in_channels, k, k), like the weight itself")
        expect_close(got, expected, what, atol=1e-8,
                     hint="dW = Σ over the batch of dY_n · im2col(X_n)ᵀ — with the same stride and padding")


def _se_params(channels: int, reduction: int) -> int:
    hidden = channels // reduction
    return channels * hidden + hidden + hidden * channels + channels

@exercise("10.4", answers=["SEBlock"])
def _check_se_block(SEBlock):  # noqa: N803 - the learner's class name
    expect(isinstance(SEBlock, type) and issubclass(SEBlock, nn.Module), "SEBlock should be an nn.Module class",
           hint="class SEBlock(nn.Module): with __init__(self, channels, reduction) and forward(self, x)")
    gen = torch.Generator().manual_seed(84)
    public = [(16, 4), (32, 8), (12, 3), (8, 2)]
    bends = []  # how far each block's excitation is from affine: 0 without a nonlinearity between the Linears
    for (channels, reduction), hidden in with_hidden(public, lambda: [(24, 6), (20, 4), (10, 5), (36, 3)]):
        torch.manual_seed(channels)
        block = SEBlock(channels, reduction)
        what = f"SEBlock({channels}, {reduction})" + (HIDDEN if hidden else "")
        count = sum(p.numel() for p in block.parameters())
        if count != _se_params(channels, reduction):
            secret(_se_params(channels, reduction))
            raise CheckFailed(f"{what} has {count:,} parameters, which is not right",
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
        bends.append(_excitation_bend(block, channels, gen))
    expect(max(bends) > 1e-6, "SEBlock's excitation is affine before its sigmoid: a ReLU is missing",
           hint="Linear(C, C // r), ReLU, Linear(C // r, C), sigmoid")


def _excitation_bend(block: nn.Module, channels: int, gen: torch.Generator) -> float:
    """How far the excitation's logits at the midpoint of two squeezes are from the mean of their
    logits: zero when nothing nonlinear sits between the two Linears. Constant channels make the
    squeezed vector the channels' values themselves; the two squeezes have opposite signs, so a
    ReLU's units switch between them."""
    block = copy.deepcopy(block).double()
    u = (1 + torch.rand(channels, generator=gen, dtype=torch.float64)) * torch.sign(
        torch.rand(channels, generator=gen, dtype=torch.float64) - 0.5)
    logits = []
    for z in (u, 0.5 - u, (u + 0.5 - u) / 2):
        x = z[None, :, None, None].expand(1, channels, 3, 3).contiguous()
        with torch.no_grad():
            w = (block(x) / x)[0, :, 0, 0].clamp(1e-12, 1 - 1e-12)
        logits.append(torch.log(w / (1 - w)))
    return float((logits[2] - (logits[0] + logits[1]) / 2).abs().max())


def _transposed_cases(seed: int = 105, count: int = 30) -> list[tuple[int, int, int, int, int, int]]:
    """(size, kernel, stride, padding, output_padding, dilation): simple ones first, then random."""
    cases = [(5, 3, 1, 0, 0, 1), (4, 1, 3, 0, 0, 1), (16, 4, 2, 1, 0, 1), (7, 3, 1, 1, 0, 1), (3, 3, 2, 0, 1, 1),
             (5, 3, 1, 0, 0, 2), (6, 2, 3, 2, 2, 1), (4, 3, 2, 1, 1, 3)] if seed == 105 else []
    gen = torch.Generator().manual_seed(seed)
    while len(cases) < count:
        size, k, s, p, op, d = (int(torch.randint(low, high + 1, (1,), generator=gen))
                                for low, high in [(1, 12), (1, 6), (1, 4), (0, 3), (0, 3), (1, 3)])
        if op < max(s, d) and (size - 1) * s - 2 * p + d * (k - 1) + op + 1 >= 1:
            cases.append((size, k, s, p, op, d))
    return cases


def _transposed_mistakes(size, k, s, p, op, d) -> list[tuple[int, str]]:
    """Values that likely mistakes give, each with the hint that names the mistake."""
    return [
        ((size + 2 * p - d * (k - 1) - 1) // s + 1,
         "that is the convolution's output size; the transposed convolution goes the other way — "
         "solve the convolution's formula for its input size"),
        ((size - 1) * s - 2 * p + (k - 1) + op + 1, "with dilation D the kernel spans D·(F − 1) + 1 pixels"),
        ((size - 1) * s - 2 * p + d * (k - 1) + 1, "output_padding adds that many rows at the end"),
        ((size - 1) * s + 2 * p + d * (k - 1) + op + 1, "padding is cut from both ends of the output, not added"),
        (size * s - 2 * p + d * (k - 1) + op + 1, "W inputs S apart span (W − 1)·S, not W·S"),
        ((size - 1) * s - p + d * (k - 1) + op + 1, "padding P is cut from both ends: 2P in all"),
    ]

NO_TRANSPOSED_HELPER = Rule("work it out yourself: convlab's helper that computes the answer is refused",
                            names=("transposed_output_size",))


@exercise("10.5", answers=["transposed_out"])
def _check_transposed_out(transposed_out):
    expect(callable(transposed_out), "transposed_out should be a function",
           hint="def transposed_out(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):")
    with obeying(NO_TRANSPOSED_HELPER, transposed_out):
        pass  # reads the answer's code for the helper before anything runs
    cases = with_hidden(_transposed_cases(), lambda: _transposed_cases(hidden_seed(1050), 12))
    prefetch(transposed_out, [case for case, _ in cases], NO_TRANSPOSED_HELPER)
    for (size, k, s, p, op, d), hidden in cases:
        call = f"transposed_out({size}, {k}, stride={s}, padding={p}, output_padding={op}, dilation={d})"
        call += HIDDEN if hidden else ""
        layer = nn.ConvTranspose2d(1, 1, (k, 1), (s, 1), (p, 0), (op, 0), dilation=(d, 1))  # one axis is enough
        with torch.no_grad():
            real = layer(torch.zeros(1, 1, size, 1)).shape[2]
        with obeying(NO_TRANSPOSED_HELPER._replace(names=())):
            got = transposed_out(size, k, s, p, op, d)
        try:
            got = expect_integer(got, call, hint="an output length is a whole number")
        except CheckFailed:
            secret(real)
            raise
        if got != real:
            secret(real)
            hints = [hint for value, hint in _transposed_mistakes(size, k, s, p, op, d) if value == got]
            raise CheckFailed(f"{call} returned {got}, not the length nn.ConvTranspose2d gives",
                              hint=hints[0] if hints else "W stamps S apart, each as wide as the dilated kernel; "
                                                              "then cut the padding and add output_padding")


NO_SHORTCUTS = Rule(
    "this exercise rules out autograd, transposed convolutions, torch.nn.grad and F.fold (col2im): compute it "
    "yourself with nnf.conv2d, a full correlation of dY with the kernel rotated by 180°",
    ops=("convolution_backward", "convolution.transposed", "col2im", "torch.backward", "torch.grad"),
    names=("autograd", "backward", "conv_transpose2d", "ConvTranspose2d", "conv2d_input", "fold", "Fold",
           "grad_input", "input_grad_by_correlation"),
)


def _input_grad_cases(seed: int = 106, count: int = 8) -> list[dict]:
    """Stride-1 layers: one channel and no padding first (the flip), then C = O (the axes), then any."""
    gen = torch.Generator().manual_seed(seed)

    def rand(low: int, high: int) -> int:
        return int(torch.randint(low, high + 1, (1,), generator=gen))

    cases = [{"n": 1, "c": 1, "o": 1, "h": 6, "w": 6, "k": 3, "padding": 0},
             {"n": 1, "c": 2, "o": 2, "h": 6, "w": 5, "k": 2, "padding": 0},
             {"n": 1, "c": 2, "o": 3, "h": 5, "w": 7, "k": 3, "padding": 0}] if seed == 106 else []
    while len(cases) < count:
        k = rand(1, 4)
        cases.append({"n": rand(1, 3), "c": rand(1, 4), "o": rand(1, 4), "h": rand(k + 1, 9), "w": rand(k + 1, 9),
                      "k": k, "padding": rand(0, k - 1)})
    return cases


def _input_grad_reference(case: dict, seed: int):
    """weight, dY and PyTorch's own dL/dX (float64), computed before any function is forbidden."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(case["n"], case["c"], case["h"], case["w"], generator=gen, dtype=torch.float64)
    weight = torch.randn(case["o"], case["c"], case["k"], case["k"], generator=gen, dtype=torch.float64)
    padding = [case["padding"]] * 2
    grad = torch.randn(F.conv2d(x, weight, padding=padding).shape, generator=gen, dtype=torch.float64)
    grad_x, _, _ = torch.ops.aten.convolution_backward(
        grad, x, weight, None, [1, 1], padding, [1, 1], False, [0, 0], 1, [True, False, False]
    )
    return weight, grad, grad_x


def _input_grad_mistakes(weight: torch.Tensor, grad: torch.Tensor, padding: int) -> list[tuple[torch.Tensor, str]]:
    full = weight.shape[-1] - 1 - padding
    mistakes = [(F.conv2d(grad, weight.transpose(0, 1), padding=full),
                 "rotate the kernel by 180° — flip both spatial axes, weight.flip(2, 3)")]
    if weight.shape[0] == weight.shape[1]:
        mistakes.append((F.conv2d(grad, weight.flip(2, 3), padding=full),
                         "swap the kernel's channel axes: the gradient goes from O channels back to C"))
    return mistakes


def _describe_input_grad(case: dict, hidden: bool = False) -> str:
    return (f"x {case['n']}×{case['c']}×{case['h']}×{case['w']}, {case['o']} kernels {case['k']}×{case['k']}, "
            f"padding {case['padding']}" + (HIDDEN if hidden else ""))

@exercise("10.6", answers=["input_grad"])
def _check_input_grad(input_grad):
    expect(callable(input_grad), "input_grad should be a function",
           hint="def input_grad(weight, grad_output, padding=0):")
    with obeying(NO_SHORTCUTS, input_grad):
        pass  # reads the answer's code for the shortcuts before anything runs
    public = [(layer, 1060 + i) for i, layer in enumerate(_input_grad_cases())]
    base = hidden_seed(10600)
    hidden_cases = lambda: [(layer, base + i) for i, layer in enumerate(_input_grad_cases(base, 5))]  # noqa: E731
    for (case, seed), hidden in with_hidden(public, hidden_cases):
        weight, grad, expected = _input_grad_reference(case, seed)
        what = f"input_grad for {_describe_input_grad(case, hidden)}"
        with obeying(NO_SHORTCUTS._replace(names=())):
            got = input_grad(weight.clone(), grad.clone(), case["padding"])
        got = expect_shape(got, tuple(expected.shape), what, answer=expected,
                           hint="(N, C, H, W) like the input: swap the kernel's channel axes, and pad dY by "
                                "k − 1 − padding on every side")
        if not torch.allclose(got, expected, atol=1e-8):
            secret(expected)
            hints = [hint for value, hint in _input_grad_mistakes(weight, grad, case["padding"])
                     if torch.allclose(got, value, atol=1e-8)]
            raise CheckFailed(f"{what} differs from autograd's",
                              hint=hints[0] if hints else "rotate the kernels by 180°, swap their channel axes, and "
                                                              "pad dY so that every partial overlap counts")


def _local_cases(seed: int = 107, count: int = 12) -> list[tuple[int, int, int, int, int, int]]:
    """(in_channels, out_channels, kernel, size, stride, padding): AlexNet's conv1 shape, then random."""
    cases = [(3, 4, 3, 12, 1, 0), (2, 3, 3, 9, 2, 0), (1, 2, 3, 8, 1, 1), (3, 96, 11, 227, 4, 0)] if seed == 107 else []
    gen = torch.Generator().manual_seed(seed)
    while len(cases) < count:
        c, o, k, size, s, p = (int(torch.randint(low, high + 1, (1,), generator=gen))
                               for low, high in [(1, 4), (1, 6), (1, 5), (5, 20), (1, 3), (0, 2)])
        if k <= size + 2 * p:
            cases.append((c, o, k, size, s, p))
    return cases


def _local_mistakes(c, o, k, size, s, p, positions) -> list[tuple[int, str]]:
    weights = c * k * k
    return [
        (size * size * o * (weights + 1), "one kernel per *output* position, not per input pixel"),
        (positions * o * weights, "every output position has its own bias for each output channel too"),
        (positions * o * weights + o, "the biases are not shared either: one per channel at every position"),
        (positions * (weights + 1), "every position has out_channels kernels, each with its bias"),
        (((size + 2 * p - k) + 1) ** 2 * o * (weights + 1), "the stride decides how many positions there are"),
        (((size - k) // s + 1) ** 2 * o * (weights + 1), "the padding adds positions too"),
    ]

NO_UNSHARED_HELPER = Rule("work it out yourself: convlab's helper that computes the answer is refused",
                          names=("unshared_params",))


@exercise("10.7", answers=["local_params"])
def _check_local_params(local_params):
    expect(callable(local_params), "local_params should be a function",
           hint="def local_params(in_channels, out_channels, kernel_size, size, stride=1, padding=0):")
    with obeying(NO_UNSHARED_HELPER, local_params):
        pass  # reads the answer's code for the helper before anything runs
    cases = with_hidden(_local_cases(), lambda: _local_cases(hidden_seed(1070), 8))
    prefetch(local_params, [case for case, _ in cases], NO_UNSHARED_HELPER)
    for (c, o, k, size, s, p), hidden in cases:
        call = f"local_params({c}, {o}, {k}, size={size}, stride={s}, padding={p})" + (HIDDEN if hidden else "")
        conv = nn.Conv2d(c, o, k, stride=s, padding=p)  # the same windows, shared: count it, and its positions
        with torch.no_grad():
            positions = conv(torch.zeros(1, c, size, size)).shape[-2:].numel()
        want = positions * sum(t.numel() for t in conv.parameters())
        with obeying(NO_UNSHARED_HELPER._replace(names=())):
            got = local_params(c, o, k, size, s, p)
        try:
            got = expect_integer(got, call, hint="a parameter count is a whole number")
        except CheckFailed:
            secret(want)
            raise
        if got != want:
            secret(want)
            hints = [hint for value, hint in _local_mistakes(c, o, k, size, s, p, positions) if value == got]
            raise CheckFailed(f"{call} returned {got:,}, which is not right",
                              hint=hints[0] if hints else "a convolution's kernels and biases, once per "
                                                              "output position")
