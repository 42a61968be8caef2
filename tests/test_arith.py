"""convlab.arith against real PyTorch modules."""

import itertools

import pytest
import torch
from torch import nn

from convlab.arith import conv_output_size, conv_params, linear_params

# Even kernels, padding larger than the kernel, stride larger than the kernel, and dilation.
GRID = list(itertools.product([1, 5, 8, 13], [1, 2, 3, 4], [1, 2, 5], [0, 1, 4], [1, 2, 3]))


def test_conv_output_size_matches_conv2d_on_the_whole_grid():
    """Every setting of GRID: the size PyTorch's Conv2d gives, or the "empty" error where the
    dilated kernel does not fit (one test: 432 settings as 432 tests cost more than the checks)."""
    mismatches = []
    for size, kernel, stride, padding, dilation in GRID:
        setting = f"size {size}, kernel {kernel}, stride {stride}, padding {padding}, dilation {dilation}"
        span = dilation * (kernel - 1) + 1
        if span > size + 2 * padding:
            try:
                conv_output_size(size, kernel, stride, padding, dilation)
                mismatches.append(f"{setting}: no error, though the kernel does not fit")
            except ValueError as error:
                if "empty" not in str(error):
                    mismatches.append(f"{setting}: the error does not say the output is empty: {error}")
            continue
        conv = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation)
        with torch.no_grad():
            real = conv(torch.zeros(1, 1, size, size)).shape[-1]
        if conv_output_size(size, kernel, stride, padding, dilation) != real:
            mismatches.append(f"{setting}: Conv2d gives {real}")
    assert mismatches == []


def test_notes_example_and_floor():
    assert conv_output_size(5, 3, stride=1, padding=1) == 5  # the notes' 2.7 example
    assert conv_output_size(6, 3, stride=2) == 2  # (6 - 3)/2 + 1 = 2.5 floors to 2


@pytest.mark.parametrize(
    ("cin", "cout", "kernel", "bias", "groups"),
    [
        (3, 10, 5, False, 1),
        (3, 10, 5, True, 1),
        (4, 32, (5, 3), True, 1),
        (32, 128, 5, True, 1),
        (8, 16, 3, True, 4),
        (6, 6, (1, 7), False, 6),
        (1, 1, 1, True, 1),
    ],
)
def test_conv_params_matches_conv2d(cin, cout, kernel, bias, groups):
    conv = nn.Conv2d(cin, cout, kernel, bias=bias, groups=groups)
    assert conv_params(cin, cout, kernel, bias=bias, groups=groups) == sum(p.numel() for p in conv.parameters())


@pytest.mark.parametrize(("fin", "fout", "bias"), [(1, 1, True), (3072, 10, True), (784, 100, False)])
def test_linear_params_matches_linear(fin, fout, bias):
    layer = nn.Linear(fin, fout, bias=bias)
    assert linear_params(fin, fout, bias=bias) == sum(p.numel() for p in layer.parameters())


def test_notes_numbers():
    assert conv_params(3, 10, 5) == 760
    assert linear_params(1000 * 1000, 1000 * 1000, bias=False) == 10**12


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: conv_output_size(5.0, 3), TypeError, "size"),
        (lambda: conv_output_size(5, True), TypeError, "kernel_size"),
        (lambda: conv_output_size(0, 3), ValueError, "size"),
        (lambda: conv_output_size(5, 0), ValueError, "kernel_size"),
        (lambda: conv_output_size(5, 3, stride=0), ValueError, "stride"),
        (lambda: conv_output_size(5, 3, padding=-1), ValueError, "padding"),
        (lambda: conv_output_size(5, 3, dilation=0), ValueError, "dilation"),
        (lambda: conv_output_size(2, 3), ValueError, "empty"),
        (lambda: conv_params(3, 10, (5, 0)), ValueError, r"kernel_size\[1\]"),
        (lambda: conv_params(3, 10, (5, 3, 1)), ValueError, "kernel_size"),
        (lambda: conv_params(3, 10, 5, groups=2), ValueError, "in_channels=3 is not divisible by groups=2"),
        (lambda: conv_params(4, 10, 5, groups=4), ValueError, "out_channels=10"),
        (lambda: conv_params(3, 10, 5, bias=1), TypeError, "bias"),
        (lambda: conv_params("3", 10, 5), TypeError, "in_channels"),
        (lambda: linear_params(0, 10), ValueError, "in_features"),
        (lambda: linear_params(10, 2.5), TypeError, "out_features"),
    ],
)
def test_bad_input_names_the_argument(call, error, words):
    with pytest.raises(error, match=words):
        call()
