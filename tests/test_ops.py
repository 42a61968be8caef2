"""convlab.ops against torch.nn.functional.conv2d / unfold on random seeded shapes."""

from __future__ import annotations

import inspect
import random

import pytest
import torch
import torch.nn.functional as F

from convlab import ops
from convlab.ops import conv2d_im2col, conv2d_loops, im2col

CONVS = [conv2d_loops, conv2d_im2col]


def _cases(count: int, seed: int):
    """Random (x, weight, bias, kwargs): non-square inputs and kernels, int and pair arguments."""
    rng = random.Random(seed)
    cases = []
    while len(cases) < count:
        n, c, o = rng.randint(1, 3), rng.randint(1, 4), rng.randint(1, 5)
        h, w = rng.randint(3, 11), rng.randint(3, 11)
        kh, kw = rng.randint(1, 5), rng.randint(1, 5)
        kwargs = {}
        for name, low, high in (("stride", 1, 3), ("padding", 0, 2), ("dilation", 1, 2)):
            a, b = rng.randint(low, high), rng.randint(low, high)
            kwargs[name] = rng.choice([a, (a, b)])
        ph, pw = _as_pair(kwargs["padding"])
        dh, dw = _as_pair(kwargs["dilation"])
        if dh * (kh - 1) + 1 > h + 2 * ph or dw * (kw - 1) + 1 > w + 2 * pw:
            continue  # empty output: tested separately
        gen = torch.Generator().manual_seed(seed * 1000 + len(cases))
        x = torch.randn(n, c, h, w, generator=gen)
        weight = torch.randn(o, c, kh, kw, generator=gen)
        bias = torch.randn(o, generator=gen) if rng.random() < 0.5 else None
        cases.append((x, weight, bias, kwargs))
    return cases


def _as_pair(value):
    return value if isinstance(value, tuple) else (value, value)


CASES = _cases(40, seed=2)


def test_cases_cover_the_arguments():
    """The random cases really mix ints and pairs, bias and no bias, batches > 1, non-square shapes."""
    kinds = {type(kw[name]) for _, _, _, kw in CASES for name in ("stride", "padding", "dilation")}
    assert kinds == {int, tuple}
    assert {b is None for _, _, b, _ in CASES} == {True, False}
    assert any(x.shape[0] > 1 for x, *_ in CASES)
    assert any(w.shape[2] != w.shape[3] for _, w, _, _ in CASES)
    assert any(x.shape[2] != x.shape[3] for x, *_ in CASES)


@pytest.mark.parametrize("conv", CONVS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", range(len(CASES)))
def test_conv_matches_torch(conv, case):
    x, weight, bias, kwargs = CASES[case]
    got = conv(x, weight, bias, **kwargs)
    want = F.conv2d(x, weight, bias, **kwargs)
    assert got.shape == want.shape
    torch.testing.assert_close(got, want, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("case", range(len(CASES)))
def test_im2col_matches_unfold(case):
    x, weight, _, kwargs = CASES[case]
    kernel = tuple(weight.shape[2:])
    got = im2col(x, kernel, **kwargs)
    want = F.unfold(x, kernel, **kwargs)
    assert got.shape == want.shape
    torch.testing.assert_close(got, want)


def test_im2col_int_kernel_size():
    x = torch.randn(2, 3, 7, 6, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(im2col(x, 3, stride=2, padding=1), F.unfold(x, 3, stride=2, padding=1))


@pytest.mark.parametrize("conv", CONVS, ids=lambda f: f.__name__)
def test_gradients_match_torch(conv):
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(2, 3, 6, 7, generator=gen, requires_grad=True)
    weight = torch.randn(4, 3, 3, 2, generator=gen, requires_grad=True)
    bias = torch.randn(4, generator=gen, requires_grad=True)
    grads = torch.autograd.grad(conv(x, weight, bias, padding=1, stride=(1, 2)).square().sum(), (x, weight, bias))
    want = torch.autograd.grad(F.conv2d(x, weight, bias, padding=1, stride=(1, 2)).square().sum(), (x, weight, bias))
    for g, w in zip(grads, want, strict=True):
        torch.testing.assert_close(g, w, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("conv", CONVS, ids=lambda f: f.__name__)
def test_integer_example_is_exact(conv):
    x = torch.arange(16).reshape(1, 1, 4, 4)
    weight = torch.tensor([[[[1, 0], [0, -1]]]])
    out = conv(x, weight)
    assert out.dtype == torch.int64
    assert torch.equal(out, torch.full((1, 1, 3, 3), -5))


def test_no_torch_shortcuts(monkeypatch):
    """The from-scratch versions still work when torch's own conv2d and unfold are gone."""

    def forbidden(*args, **kwargs):
        raise AssertionError("convlab.ops must not call torch's convolution or unfold")

    x, weight, bias, kwargs = CASES[0]
    want, want_cols = F.conv2d(x, weight, bias, **kwargs), F.unfold(x, tuple(weight.shape[2:]), **kwargs)
    for module, name in ((F, "conv2d"), (F, "unfold"), (torch, "conv2d"), (torch.Tensor, "unfold")):
        monkeypatch.setattr(module, name, forbidden)
    for conv in CONVS:
        torch.testing.assert_close(conv(x, weight, bias, **kwargs), want, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(im2col(x, tuple(weight.shape[2:]), **kwargs), want_cols)
    forward = "".join(inspect.getsource(f) for f in (ops.conv2d_loops, ops.im2col, ops.conv2d_im2col, ops._pad))
    assert "F.conv2d(" not in forward.replace("``F.conv2d(", "")


x4 = torch.zeros(2, 3, 5, 5)
w4 = torch.zeros(4, 3, 3, 3)


@pytest.mark.parametrize("conv", CONVS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("args", "kwargs", "words"),
    [
        ((torch.zeros(3, 5, 5), w4), {}, ["x", "(3, 5, 5)"]),
        ((x4, torch.zeros(3, 3, 3)), {}, ["weight", "(3, 3, 3)"]),
        ((x4, torch.zeros(4, 2, 3, 3)), {}, ["(4, 2, 3, 3)", "(2, 3, 5, 5)", "channels"]),
        ((x4, w4, torch.zeros(3)), {}, ["bias", "(3,)", "(4, 3, 3, 3)"]),
        ((x4, w4, torch.zeros(4, 1)), {}, ["bias", "(4, 1)"]),
        ((x4, torch.zeros(4, 3, 7, 7)), {}, ["(2, 3, 5, 5)", "empty"]),
        ((x4, w4), {"dilation": 3}, ["(2, 3, 5, 5)", "empty"]),
        ((x4, w4), {"stride": 0}, ["stride"]),
        ((x4, w4), {"padding": (1, 2, 3)}, ["padding"]),
    ],
)
def test_conv_errors(conv, args, kwargs, words):
    with pytest.raises(ValueError) as info:
        conv(*args, **kwargs)
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize("conv", CONVS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("args", "kwargs", "word"),
    [
        ((x4.numpy(), w4), {}, "x"),
        ((x4, w4.tolist()), {}, "weight"),
        ((x4, w4, [0.0] * 4), {}, "bias"),
        ((x4, w4), {"stride": 1.5}, "stride"),
        ((x4, w4), {"padding": (1, "1")}, "padding[1]"),
        ((x4, w4), {"dilation": True}, "dilation"),
    ],
)
def test_conv_type_errors(conv, args, kwargs, word):
    with pytest.raises(TypeError, match=word.replace("[", r"\[").replace("]", r"\]")):
        conv(*args, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "word"),
    [
        ((torch.zeros(3, 5, 5), 3), {}, ValueError, "(3, 5, 5)"),
        ((x4, 6), {}, ValueError, "empty"),
        ((x4, (2, 2, 2)), {}, ValueError, "kernel_size"),
        ((x4, 0), {}, ValueError, "kernel_size"),
        ((x4, 2.0), {}, TypeError, "kernel_size"),
        ((x4, 2), {"stride": "2"}, TypeError, "stride"),
    ],
)
def test_im2col_errors(args, kwargs, error, word):
    with pytest.raises(error) as info:
        im2col(*args, **kwargs)
    assert word in str(info.value)
