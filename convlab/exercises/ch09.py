"""Checks of the graded exercises of chapter 9, "A whole CNN".

Every check builds its reference from real PyTorch modules at check time, on seeded cases
(and, when grading, on hidden ones), and its messages say *what* is off (which layer, which
step) without printing the expected value, which passes through :func:`secret`.
"""

from __future__ import annotations

import copy
from numbers import Integral

import torch
import torch.nn.functional as F
from torch import nn

from convlab.exercises.checking import HIDDEN_CASE, CheckFailed, exercise, hidden_seed, secret, with_hidden
from convlab.exercises.expect import expect, expect_integer, expect_tensor
from convlab.exercises.rules import NO_COURSE_HELPERS, POOLING_OPS, Rule, obeying
from convlab.threads import one_cpu_thread

HIDDEN = HIDDEN_CASE


_one_thread = one_cpu_thread()  # a decorator: the learner's training loops run inside the checks


# ---------------------------------------------------------------------------------------
# 9.1  LeNet-5, built to a spec

_LENET5_INPUT = (2, 1, 28, 28)
_LENET5_PARAMS = 61_706  # stated in the exercise: the learner checks against it too
_STAGES = (  # (kind, name in messages, hint when its output or parameters are off)
    ("conv", "the first convolution", "a 5×5 kernel eats border pixels: how much padding gives them back?"),
    ("pool", "the first pooling layer", "2×2 max pooling (stride 2) halves each side"),
    ("conv", "the second convolution", "no padding here: how many pixels does a 5×5 kernel eat per axis?"),
    ("pool", "the second pooling layer", "2×2 max pooling again"),
    ("linear", "the first linear layer", "its inputs are the flattened volume: channels × height × width"),
    ("linear", "the second linear layer", "its sizes are in the exercise; it reads what the layer before gives"),
    ("linear", "the last linear layer", "it reads the layer before and gives one score per class"),
)
_ACTIVATED = {0, 2, 4, 5}  # stages followed by a ReLU


def _kind(module: nn.Module) -> str | None:
    if isinstance(module, nn.Conv2d):
        return "conv"
    if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
        return "pool"
    if isinstance(module, nn.Linear):
        return "linear"
    return None


def _reference_stages() -> list[tuple[str, tuple[int, ...], int]]:
    """(kind, output shape per image, parameters) of each stage of the spec, from real modules."""
    with torch.random.fork_rng():  # building the layers draws random weights: leave the learner's RNG alone
        layers = [
            nn.Conv2d(1, 6, 5, padding=2), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10),
        ]
    x = torch.zeros(_LENET5_INPUT)
    stages = []
    with torch.no_grad():
        for layer in layers:
            x = layer(x)
            if _kind(layer):
                stages.append((_kind(layer), tuple(x.shape[1:]), sum(p.numel() for p in layer.parameters())))
    return stages

@exercise("9.1", answers=["lenet5"])
@_one_thread
def _check_lenet5(lenet5):
    torch.manual_seed(91)
    model = lenet5()
    expect(isinstance(model, nn.Sequential), f"lenet5() should return an nn.Sequential, got {type(model).__name__}",
           hint="return nn.Sequential(nn.Conv2d(...), nn.ReLU(), ...)")
    params = list(model.parameters())
    expect(bool(params), "lenet5() returned a model without parameters", hint="the convolutions and linear layers")
    reference = _reference_stages()
    layers = list(model)
    x = torch.rand(_LENET5_INPUT, generator=torch.Generator().manual_seed(910), dtype=params[0].dtype)
    stage = 0
    for index, layer in enumerate(layers):
        try:
            with torch.no_grad():
                x = layer(x)
        except Exception as error:  # the learner's layers may not fit together
            message = str(error).splitlines()[0][:120]
            raise CheckFailed(
                f"your model fails at layer {index} ({type(layer).__name__}) on a 2×1×28×28 input: {message}",
                hint="check each layer's input size against the output of the one before",
            ) from None
        kind = _kind(layer)
        if kind is None:
            continue
        expect(stage < len(reference), f"layer {index} ({type(layer).__name__}) is one more than the spec has",
               hint="2 convolutions, 2 pooling layers and 3 linear layers")
        (want_kind, want_shape, want_count), (_, name, hint) = reference[stage], _STAGES[stage]
        expect(kind == want_kind,
               f"{name} of the spec should be a {want_kind} layer; your layer {index} is a {type(layer).__name__}",
               hint="follow the order conv, ReLU, pool, conv, ReLU, pool, flatten, linear, …")
        if kind == "pool":
            expect(isinstance(layer, nn.MaxPool2d), f"{name} (your layer {index}) should be max pooling, not "
                   f"{type(layer).__name__}", hint="the spec asks for max pooling here, not another kind of layer")
        shape = tuple(x.shape[1:])
        expect(shape == want_shape, f"{name} (your layer {index}) outputs {shape} per image: not what the spec gives",
               hint=hint, answer=want_shape)
        count = sum(p.numel() for p in layer.parameters())
        expect(count == want_count, f"{name} (your layer {index}) has {count:,} parameters: not the spec's count",
               hint=hint, answer=want_count)
        following = layers[index + 1] if index + 1 < len(layers) else None
        if stage in _ACTIVATED:
            expect(isinstance(following, nn.ReLU), f"{name} (your layer {index}) should be followed by nn.ReLU()",
                   hint="without a nonlinearity two layers collapse into one linear map")
        stage += 1
    expect(stage == len(reference), f"your model stops before {_STAGES[min(stage, len(_STAGES) - 1)][1]}",
           hint="2 convolutions, 2 pooling layers and 3 linear layers")
    expect(_kind(layers[-1]) == "linear", "the model should end with the last linear layer, not an activation",
           hint="nn.CrossEntropyLoss takes the raw scores; a ReLU would clip the negative ones")
    expect(tuple(x.shape) == (2, 10), f"a batch of 2 images gives output {tuple(x.shape)}, not 2 × 10",
           hint="one score per class and image")
    total = sum(p.numel() for p in model.parameters())
    expect(total == _LENET5_PARAMS, f"your model has {total:,} parameters, not the spec's 61,706",
           hint="count each layer's weights and biases")


# ---------------------------------------------------------------------------------------
# 9.2  shapes and parameters through conv → pool → conv → pool → linear, for any size

_PLAN_NAMES = ("the first convolution", "the first pooling", "the second convolution", "the second pooling",
               "the linear layer")
_PLAN_HINTS = (
    "no padding, stride 1: each side loses kernel − 1; parameters: c1 kernels of kernel×kernel×1, plus biases",
    "2×2 max pooling with stride 2 rounds down (floor); pooling has no parameters",
    "no padding: each side loses kernel − 1 again; each of the c2 kernels spans all c1 channels",
    "2×2 pooling rounds down; no parameters",
    "its inputs are the flattened volume c2 × H × W, so its weights depend on the image size",
)


def _real_plan(side: int, kernel: int, c1: int, c2: int, n_classes: int) -> list[tuple[tuple[int, ...], int]]:
    """Shapes (per image) and parameters of each stage, from PyTorch's own layers.

    Shapes come from running ``F.conv2d`` / ``F.max_pool2d`` on zeros (no random weights
    drawn); parameter counts from the modules built on the ``meta`` device (no memory).
    """
    x = torch.zeros(1, 1, side, side)
    x1 = F.conv2d(x, torch.zeros(c1, 1, kernel, kernel))
    x2 = F.max_pool2d(x1, 2)
    x3 = F.conv2d(x2, torch.zeros(c2, c1, kernel, kernel))
    x4 = F.max_pool2d(x3, 2)
    counts = [sum(p.numel() for p in layer.parameters()) for layer in (
        nn.Conv2d(1, c1, kernel, device="meta"), nn.Conv2d(c1, c2, kernel, device="meta"),
        nn.Linear(x4[0].numel(), n_classes, device="meta"))]
    return [(tuple(x1.shape[1:]), counts[0]), (tuple(x2.shape[1:]), 0), (tuple(x3.shape[1:]), counts[1]),
            (tuple(x4.shape[1:]), 0), ((n_classes,), counts[2])]


def _plan_cases(seed: int = 92, fixed: bool = True) -> list[tuple[int, int, int, int, int]]:
    cases = [(10, 3, 6, 16, 10), (28, 5, 6, 16, 10), (32, 5, 6, 16, 10), (13, 3, 4, 8, 3), (11, 3, 2, 3, 2)]
    cases = cases if fixed else []
    gen = torch.Generator().manual_seed(seed)
    while len(cases) < (12 if fixed else 8):
        kernel = int(torch.randint(1, 4, (1,), generator=gen)) * 2 - 1  # 1, 3 or 5
        side = int(torch.randint(3 * kernel + 1, 48, (1,), generator=gen))  # the last pooling keeps ≥ 1 pixel
        c1, c2, n = (int(v) for v in torch.randint(1, 20, (3,), generator=gen))
        cases.append((side, kernel, c1, c2, n + 1))
    return cases

NO_LAYERS = Rule("exercise 9.2 asks for arithmetic, not for building or running the layers",
                 ops=POOLING_OPS + ("convolution", "uniform_", "torch.kaiming_uniform_", "addmm", "linear"),
                 names=NO_COURSE_HELPERS.names + ("Conv2d", "Linear", "MaxPool2d", "conv2d", "max_pool2d"))


@exercise("9.2", answers=["lenet_plan"])
@_one_thread
def _check_lenet_plan(lenet_plan):
    with obeying(NO_LAYERS, lenet_plan):
        pass  # reads the answer's code for the layers before anything runs
    hidden_plans = lambda: _plan_cases(hidden_seed(9200), False)  # noqa: E731
    for (side, kernel, c1, c2, n_classes), hidden in with_hidden(_plan_cases(), hidden_plans):
        call = f"lenet_plan(side={side}, kernel={kernel}, c1={c1}, c2={c2}, n_classes={n_classes})"
        call += HIDDEN if hidden else ""
        with obeying(NO_LAYERS._replace(names=())):
            got = lenet_plan(side, kernel, c1, c2, n_classes)
        length = f" of length {len(got)}" if isinstance(got, (list, tuple)) else ""
        expect(isinstance(got, (list, tuple)) and len(got) == 5,
               f"{call} should return a list of 5 (shape, params) pairs, got {type(got).__name__}{length}",
               hint="one pair per layer: conv, pool, conv, pool, linear")
        for (shape, params), entry, name, hint in zip(_real_plan(side, kernel, c1, c2, n_classes), got, _PLAN_NAMES,
                                                      _PLAN_HINTS, strict=True):
            expect(isinstance(entry, (list, tuple)) and len(entry) == 2,
                   f"{call}: the entry for {name} should be a (shape, params) pair, got {entry!r:.60}")
            their_shape, their_params = entry
            if isinstance(their_shape, (list, tuple, torch.Size)) and all(
                isinstance(s, Integral) and not isinstance(s, bool) for s in their_shape
            ):
                their_shape = tuple(int(s) for s in their_shape)  # numpy or tensor-free ints are fine
            expect(isinstance(their_shape, tuple) and all(type(s) is int for s in their_shape),
                   f"{call}: the shape of {name} should be a tuple of ints, got {their_shape!r:.60}",
                   hint="(channels, height, width) for the first four layers, (n_classes,) for the linear one")
            expect(their_shape == shape, f"{call}: the shape of {name} is off (you give {their_shape})", hint=hint,
                   answer=shape)
            their_params = expect_integer(their_params, f"{call}: the parameter count of {name}", hint=hint)
            expect(their_params == params, f"{call}: the parameter count of {name} is off (you give {their_params:,})",
                   hint=hint, answer=params)


# ---------------------------------------------------------------------------------------
# 9.3  one training step


def _step_problem(seed: int = 93, channels: int = 3, side: int = 6, classes: int = 4, batch: int = 8):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(), nn.Flatten(),
                          nn.Linear(channels * side * side, classes)).double()
    gen = torch.Generator().manual_seed(seed * 10)
    images = torch.rand(batch, 1, side, side, generator=gen, dtype=torch.float64)
    labels = torch.randint(0, classes, (batch,), generator=gen)
    for p in model.parameters():  # gradients left over from an earlier backward pass
        p.grad = torch.randn(p.shape, generator=gen, dtype=torch.float64)
    return model, images, labels


def _reference_step(model, optimizer, images, labels, *, clear=True) -> float:
    loss = F.cross_entropy(model(images), labels)
    if clear:
        optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def _same_weights(a: nn.Module, b: nn.Module) -> bool:
    return all(torch.allclose(p, q, rtol=0, atol=1e-10) for p, q in zip(a.parameters(), b.parameters(), strict=True))

@exercise("9.3", answers=["train_step"])
@_one_thread
def _check_train_step(train_step):
    # the public problem, then (when grading) another model, batch and learning rate
    for (problem, lr), hidden in with_hidden([((), 0.1)], lambda: [((hidden_seed(94), 2, 5, 3, 6), 0.05)]):
        _check_steps(train_step, _step_problem(*problem), lr, HIDDEN if hidden else "")


def _check_steps(train_step, problem, lr: float, suffix: str) -> None:
    model, images, labels = problem
    twin, stale = copy.deepcopy(model), copy.deepcopy(model)
    for p, q in zip(model.parameters(), stale.parameters(), strict=True):
        q.grad = p.grad.clone()  # deepcopy does not copy .grad
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    twin_optimizer = torch.optim.SGD(twin.parameters(), lr=lr)
    stale_optimizer = torch.optim.SGD(stale.parameters(), lr=lr)
    losses = []
    for step in range(1, 4):
        before = copy.deepcopy(model)
        right_loss = _reference_step(twin, twin_optimizer, images, labels)
        _reference_step(stale, stale_optimizer, images, labels, clear=False)
        try:
            _check_one_step(train_step(model, optimizer, images, labels), f"call {step}{suffix}", model, before,
                            twin, stale, right_loss)
        except CheckFailed:
            secret(right_loss)  # the values the step should give: recorded, never shown
            secret([p.detach().clone() for p in twin.parameters()])
            raise
        losses.append(right_loss)
    for _ in range(20):
        losses.append(train_step(model, optimizer, images, labels))
    expect(losses[-1] < losses[0], f"the loss does not decrease over 23 steps on one small batch{suffix}",
           hint="the loss should fall: does your update go against the gradient?")


def _check_one_step(got, call: str, model, before, twin, stale, right_loss: float) -> None:
    if isinstance(got, torch.Tensor):
        raise CheckFailed("train_step should return a Python float, not a tensor",
                          hint="a tensor keeps the whole graph of the step alive: turn the 0-d loss "
                               "into a Python number")
    expect(isinstance(got, float), f"train_step should return the loss as a float, got {type(got).__name__}")
    if _same_weights(model, before):
        raise CheckFailed(f"{call} of train_step did not change the weights",
                          hint="backward() only computes gradients; nothing has applied them to the weights yet")
    if not _same_weights(model, twin):
        if _same_weights(model, stale):
            raise CheckFailed(f"{call}: the update used gradients left over from before",
                              hint="backward() adds to each .grad, so the gradients of the previous "
                                   "step are still there")
        raise CheckFailed(f"{call}: the weights after the update are not those of one step on this batch",
                          hint="one step is: scores, the mean cross-entropy, clear the old gradients, "
                               "backward, update — in that order")
    expect(abs(got - right_loss) < 1e-9, f"{call} returned {got:.4g}: not the loss of the batch before the "
           "update", hint="the loss to return is the one of this batch, computed before the update")


# ---------------------------------------------------------------------------------------
# 9.4  learning a 3×3 kernel from input/output pairs


def _kernel_pairs(seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A hidden 3×3 kernel and pairs made with it: inputs (32, 1, 10, 10), outputs (32, 1, 8, 8)."""
    gen = torch.Generator().manual_seed(seed)
    hidden = torch.randn(3, 3, generator=gen)
    inputs = torch.randn(32, 1, 10, 10, generator=gen)
    with torch.no_grad():
        outputs = F.conv2d(inputs, hidden[None, None])
    return hidden, inputs, outputs

@exercise("9.4", answers=["learn_kernel"])
@_one_thread
def _check_learn_kernel(learn_kernel):
    for (case, seed), is_hidden in with_hidden([(1, 940), (2, 941)], lambda: [(3, hidden_seed(942))]):
        hidden, inputs, outputs = _kernel_pairs(seed)
        learned = learn_kernel(inputs.clone(), outputs.clone())
        try:
            _compare_kernel(learned, hidden.double(), f"data set {case}" + (HIDDEN if is_hidden else ""))
        except CheckFailed:
            secret(hidden.double())  # the hidden kernel: recorded, never shown
            raise


def _compare_kernel(learned, kernel: torch.Tensor, data: str) -> None:
    expect(not (isinstance(learned, torch.Tensor) and learned.requires_grad),
           f"learn_kernel on {data} returned a tensor that still tracks gradients",
           hint="the answer is the learned values as plain data, cut loose from the layer's autograd graph")
    learned = expect_tensor(learned, f"learn_kernel on {data}", hint="the kernel as a 3 × 3 tensor")
    expect(tuple(learned.shape) == (3, 3), f"learn_kernel on {data} returned shape "
           f"{tuple(learned.shape)}, not 3 × 3", hint="the layer's weight has two channel axes before the 3 × 3")
    expect(bool(torch.isfinite(learned).all()), f"the kernel learned on {data} has inf or nan entries",
           hint="the learning rate is too large: the steps overshoot and grow")
    error = (learned - kernel).abs().max().item()
    if error > 0.01:
        flipped = (learned - kernel.flip(0, 1)).abs().max().item()
        if flipped < 0.01:
            raise CheckFailed(f"the kernel learned on {data} is the hidden one rotated by 180°",
                              hint="nn.Conv2d and nnf.conv2d slide the kernel without flipping it "
                                   "(cross-correlation)")
        raise CheckFailed(f"the kernel learned on {data} is off by up to {error:.2g}",
                          hint="the outputs were made with no padding and no bias; run more steps, or a larger "
                               "learning rate, until the loss is tiny")


# ---------------------------------------------------------------------------------------
# 9.5  a whole-input convolution as a linear layer


def _conversion_cases(seed: int = 95, fixed: bool = True):
    cases = [(16, 10, 2, 2, True), (3, 5, 4, 3, True), (1, 2, 5, 5, False)] if fixed else []
    gen = torch.Generator().manual_seed(seed)
    for _ in range(3):
        c, k, h, w = (int(v) for v in torch.randint(1, 7, (4,), generator=gen))
        cases.append((c, k, h, w, True))
    return cases

@exercise("9.5", answers=["conv_to_linear"])
@_one_thread
def _check_conv_to_linear(conv_to_linear):
    gen, hidden_gen = torch.Generator().manual_seed(950), torch.Generator().manual_seed(hidden_seed(9500))
    hidden_cases = lambda: [(2, 3, 3, 4, False)] + _conversion_cases(hidden_seed(9501), fixed=False)  # noqa: E731
    for (c, k, h, w, bias), hidden in with_hidden(_conversion_cases(), hidden_cases):
        torch.manual_seed(c * 100 + k * 10 + h + w + (9000 if hidden else 0))
        conv = nn.Conv2d(c, k, (h, w), bias=bias)
        what = f"conv_to_linear(nn.Conv2d({c}, {k}, kernel_size=({h}, {w}), bias={bias}))" + (HIDDEN if hidden else "")
        linear = conv_to_linear(conv)
        expect(isinstance(linear, nn.Linear), f"{what} should return an nn.Linear, got {type(linear).__name__}")
        expect((linear.in_features, linear.out_features) == (c * h * w, k),
               f"{what} returned nn.Linear({linear.in_features}, {linear.out_features}): the sizes are off",
               hint="one input per number of the C × H × W volume, one output per kernel", answer=(c * h * w, k))
        x = torch.randn(4, c, h, w, generator=hidden_gen if hidden else gen)
        with torch.no_grad():
            want = conv(x).flatten(1)
            got = linear(x.flatten(1))
        if torch.allclose(got, want, atol=1e-5):
            continue
        secret(want)
        gap = got - want
        if bias and torch.allclose(gap, gap[:1].expand_as(gap), atol=1e-5):
            raise CheckFailed(f"{what}: the outputs differ by the same amount for every input",
                              hint="copy the bias too")
        raise CheckFailed(f"{what}: the linear layer's outputs differ from the convolution's",
                          hint="x.flatten(1) lists channel by channel, then row by row: reshape the weight "
                               "(K, C, H, W) to (K, C·H·W) in that same order")
