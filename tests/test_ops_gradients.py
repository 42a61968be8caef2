"""convlab.ops (gradients) against F.conv2d, autograd and torch.nn.grad on random seeded shapes."""

from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F

from convlab.ops import conv2d_im2col, grad_bias, grad_input, grad_weight, im2col


def _cases(count: int, seed: int):
    """(x, weight, bias, stride, padding) in float64: non-square inputs and kernels, pairs too."""
    rng = random.Random(seed)
    cases = []
    while len(cases) < count:
        n, c, o = rng.randint(1, 3), rng.randint(1, 4), rng.randint(1, 5)
        h, w, kh, kw = rng.randint(3, 10), rng.randint(3, 10), rng.randint(1, 4), rng.randint(1, 4)
        stride = rng.choice([1, 2, 3, (1, 2), (2, 3)])
        padding = rng.choice([0, 1, (0, 1), (2, 1)])
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
        if kh > h + 2 * ph or kw > w + 2 * pw:
            continue
        gen = torch.Generator().manual_seed(seed * 100 + len(cases))
        x = torch.randn(n, c, h, w, generator=gen, dtype=torch.float64)
        weight = torch.randn(o, c, kh, kw, generator=gen, dtype=torch.float64)
        bias = torch.randn(o, generator=gen, dtype=torch.float64)
        cases.append((x, weight, bias, stride, padding))
    return cases


CASES = _cases(12, seed=8)


def _autograd(x, weight, bias, stride, padding):
    x, weight, bias = (t.clone().requires_grad_(True) for t in (x, weight, bias))
    y = F.conv2d(x, weight, bias, stride, padding)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    y.backward(g)
    return g, x.grad, weight.grad, bias.grad


@pytest.mark.parametrize("x, weight, bias, stride, padding", CASES)
def test_forward_matches_conv2d(x, weight, bias, stride, padding):
    expected = F.conv2d(x, weight, bias, stride, padding)
    assert torch.allclose(conv2d_im2col(x, weight, bias, stride, padding), expected)
    assert torch.allclose(conv2d_im2col(x, weight, None, stride, padding), F.conv2d(x, weight, None, stride, padding))


@pytest.mark.parametrize("x, weight, bias, stride, padding", CASES)
def test_gradients_match_autograd(x, weight, bias, stride, padding):
    g, dx, dw, db = _autograd(x, weight, bias, stride, padding)
    assert torch.allclose(grad_bias(g), db)
    assert torch.allclose(grad_weight(x, g, weight.shape[2:], stride, padding), dw)
    for method in ("col2im", "transpose"):
        assert torch.allclose(grad_input(weight, g, x.shape[2:], stride, padding, method=method), dx), method


@pytest.mark.parametrize("x, weight, bias, stride, padding", CASES[:6])
def test_gradients_match_torch_nn_grad(x, weight, bias, stride, padding):
    g, _, _, _ = _autograd(x, weight, bias, stride, padding)
    expected_w = torch.nn.grad.conv2d_weight(x, weight.shape, g, stride, padding)
    expected_x = torch.nn.grad.conv2d_input(x.shape, weight, g, stride, padding)
    assert torch.allclose(grad_weight(x, g, weight.shape[2:], stride, padding), expected_w)
    assert torch.allclose(grad_input(weight, g, x.shape[2:], stride, padding), expected_x)


def test_im2col_is_unfold():
    x = torch.randn(2, 3, 7, 6, generator=torch.Generator().manual_seed(0))
    assert torch.equal(im2col(x, 3, 2, 1), F.unfold(x, 3, stride=2, padding=1))


def test_bad_input_names_the_argument():
    x, w = torch.zeros(1, 3, 5, 5), torch.zeros(2, 4, 3, 3)
    with pytest.raises(ValueError, match="weight has 4 input channels"):
        conv2d_im2col(x, w)
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        conv2d_im2col(x.numpy(), w)
    with pytest.raises(ValueError, match="grad_output"):
        grad_weight(x, torch.zeros(1, 2, 4, 4), 3)  # 5 − 3 + 1 = 3 positions per axis, not 4
    with pytest.raises(ValueError, match="method"):
        grad_input(torch.zeros(2, 3, 3, 3), torch.zeros(1, 2, 3, 3), (5, 5), method="loops")
    with pytest.raises(ValueError, match="bias"):
        conv2d_im2col(x, torch.zeros(2, 3, 3, 3), torch.zeros(3))
