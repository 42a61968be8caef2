"""convlab.arith and convlab.ops against nn.ConvTranspose2d and autograd."""

import itertools
import random

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from convlab.arith import transposed_output_size
from convlab.ops import input_grad_by_correlation

# size, kernel, stride, padding, dilation, output_padding: even kernels, padding past the kernel
GRID = list(itertools.product([1, 2, 5, 8], [1, 2, 3, 4], [1, 2, 3], [0, 1, 3], [1, 2], [0, 1, 2]))


def test_output_size_matches_conv_transpose2d():
    refused = 0
    for size, kernel, stride, padding, dilation, output_padding in GRID:
        try:
            layer = nn.ConvTranspose2d(1, 1, kernel, stride, padding, output_padding, dilation=dilation)
            with torch.no_grad():
                want = layer(torch.zeros(1, 1, size, size)).shape[-1]
        except RuntimeError:  # PyTorch refuses output_padding >= max(stride, dilation)
            want = 0
        if want == 0:  # refused, or an empty output: transposed_output_size says why
            refused += 1
            with pytest.raises(ValueError):
                transposed_output_size(size, kernel, stride, padding, output_padding, dilation)
            continue
        got = transposed_output_size(size, kernel, stride, padding, output_padding, dilation)
        assert got == want, (size, kernel, stride, padding, dilation, output_padding)
    assert 0 < refused < len(GRID) / 2


def test_output_size_undoes_the_convolution_size():
    assert transposed_output_size(16, 4, stride=2, padding=1) == 32  # the usual 2× upsampling layer
    assert transposed_output_size(3, 3, stride=2, output_padding=1) == 8  # conv maps 7 and 8 to 3


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"size": 0, "kernel_size": 3}, ValueError, "size"),
        ({"size": 4, "kernel_size": 3.0}, TypeError, "kernel_size"),
        ({"size": 4, "kernel_size": 3, "stride": 2, "output_padding": 2}, ValueError, "output_padding"),
        ({"size": 1, "kernel_size": 1, "padding": 1}, ValueError, "empty"),
        ({"size": 4, "kernel_size": 3, "padding": -1}, ValueError, "padding"),
    ],
)
def test_output_size_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        transposed_output_size(**kwargs)


def _cases(count, seed):
    rng = random.Random(seed)
    cases = []
    while len(cases) < count:
        h, w, kh, kw = rng.randint(2, 9), rng.randint(2, 9), rng.randint(1, 4), rng.randint(1, 4)
        stride, padding = rng.choice([1, 2, 3, (1, 2), (3, 1)]), rng.choice([0, 1, 2, (0, 3)])
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
        if kh > h + 2 * ph or kw > w + 2 * pw:
            continue
        cases.append((rng.randint(1, 2), rng.randint(1, 3), rng.randint(1, 3), h, w, kh, kw, stride, padding))
    return cases


@pytest.mark.parametrize("case", _cases(25, seed=15))
def test_input_grad_by_correlation_matches_autograd(case):
    n, c, o, h, w, kh, kw, stride, padding = case
    gen = torch.Generator().manual_seed(h * 100 + w)
    x = torch.randn(n, c, h, w, generator=gen, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(o, c, kh, kw, generator=gen, dtype=torch.float64)
    y = F.conv2d(x, weight, stride=stride, padding=padding)
    grad = torch.randn(y.shape, generator=gen, dtype=torch.float64)
    y.backward(grad)
    got = input_grad_by_correlation(weight, grad, (h, w), stride, padding)
    torch.testing.assert_close(got, x.grad)


def test_input_grad_needs_the_flip():
    """The same correlation with the kernel *not* rotated is wrong: the test can fail."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(1, 1, 6, 6, generator=gen, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(1, 1, 3, 3, generator=gen, dtype=torch.float64)
    grad = torch.randn(1, 1, 4, 4, generator=gen, dtype=torch.float64)
    F.conv2d(x, weight).backward(grad)
    unflipped = F.conv2d(grad, weight, padding=2)
    assert not torch.allclose(unflipped, x.grad)
    assert torch.allclose(input_grad_by_correlation(weight, grad, 6), x.grad)


def test_input_grad_rejects_bad_arguments():
    weight, grad = torch.zeros(2, 1, 3, 3), torch.zeros(1, 2, 4, 4)
    with pytest.raises(TypeError, match="weight"):
        input_grad_by_correlation(weight.numpy(), grad, 6)
    with pytest.raises(ValueError, match="grad_output"):
        input_grad_by_correlation(weight, torch.zeros(1, 3, 4, 4), 6)
    with pytest.raises(ValueError, match="input_size"):
        input_grad_by_correlation(weight, grad, 7)
