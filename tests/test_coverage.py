"""convlab.coverage against PyTorch: unfold/fold, autograd and the FLOP counter."""

from __future__ import annotations

import random

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib import pyplot as plt
from torch.utils.flop_counter import FlopCounterMode

from convlab.arith import conv_output_size, multiply_adds
from convlab.coverage import coverage_map, never_visited, real_pixels_per_window, window_starts
from convlab.viz.grids import draw_coverage


def _settings(count: int = 40, seed: int = 0):
    """Random valid settings: ((h, w), (kh, kw), (sh, sw), (ph, pw), (dh, dw)), non-square included."""
    rng = random.Random(seed)
    found = []
    while len(found) < count:
        size = (rng.randint(1, 11), rng.randint(1, 11))
        kernel = (rng.randint(1, 5), rng.randint(1, 5))
        stride = (rng.randint(1, 5), rng.randint(1, 5))
        padding = (rng.randint(0, 3), rng.randint(0, 3))
        dilation = (rng.randint(1, 3), rng.randint(1, 3))
        spans = [d * (k - 1) + 1 for d, k in zip(dilation, kernel, strict=True)]
        if all(span <= n + 2 * p for span, n, p in zip(spans, size, padding, strict=True)):
            found.append((size, kernel, stride, padding, dilation))
    return found


SETTINGS = _settings()


def _zeros_conv(size, kernel, stride, padding, dilation) -> torch.Tensor:
    x, w = torch.zeros(1, 1, *size), torch.zeros(1, 1, *kernel)
    return F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)


def _unfold_coverage(size, kernel, stride, padding, dilation) -> np.ndarray:
    ones = torch.ones(1, 1, *size, dtype=torch.float64)
    columns = F.unfold(ones, kernel, dilation=dilation, padding=padding, stride=stride)
    counts = F.fold(columns, size, kernel, dilation=dilation, padding=padding, stride=stride)
    return counts[0, 0].round().long().numpy()


def _autograd_coverage(size, kernel, stride, padding, dilation) -> np.ndarray:
    x = torch.zeros(1, 1, *size, dtype=torch.float64, requires_grad=True)
    weight = torch.ones(1, 1, *kernel, dtype=torch.float64)
    F.conv2d(x, weight, stride=stride, padding=padding, dilation=dilation).sum().backward()
    return x.grad[0, 0].round().long().numpy()


@pytest.mark.parametrize("setting", SETTINGS)
def test_coverage_map_matches_unfold_and_autograd(setting):
    counts = coverage_map(*setting)
    assert counts.shape == setting[0]
    np.testing.assert_array_equal(counts, _unfold_coverage(*setting))
    np.testing.assert_array_equal(counts, _autograd_coverage(*setting))


@pytest.mark.parametrize("setting", SETTINGS)
def test_never_visited_counts_pixels_with_zero_gradient(setting):
    assert never_visited(*setting) == int((_autograd_coverage(*setting) == 0).sum())


@pytest.mark.parametrize("setting", SETTINGS)
def test_real_pixels_per_window_matches_conv_of_ones(setting):
    size, kernel, stride, padding, dilation = setting
    out = F.conv2d(
        torch.ones(1, 1, *size, dtype=torch.float64), torch.ones(1, 1, *kernel, dtype=torch.float64),
        stride=stride, padding=padding, dilation=dilation,
    )[0, 0]
    np.testing.assert_array_equal(real_pixels_per_window(*setting), out.round().long().numpy())


@pytest.mark.parametrize("setting", SETTINGS)
def test_multiply_adds_is_half_the_flop_counter(setting):
    with FlopCounterMode(display=False) as counter:
        _zeros_conv(*setting)
    assert 2 * multiply_adds(*setting) == counter.get_total_flops()


@pytest.mark.parametrize("setting", SETTINGS[:15])
def test_window_starts_count_and_spacing(setting):
    size, kernel, stride, padding, dilation = setting
    starts = window_starts(size[1], kernel[1], stride[1], padding[1], dilation[1])
    out = _zeros_conv(*setting)
    assert len(starts) == out.shape[-1] == conv_output_size(size[1], kernel[1], stride[1], padding[1], dilation[1])
    assert starts == [i * stride[1] for i in range(len(starts))]
    assert starts[-1] + dilation[1] * (kernel[1] - 1) < size[1] + 2 * padding[1]  # the last window fits


def test_known_values():
    assert coverage_map(5, 3).tolist()[2] == [3, 6, 9, 6, 3]
    assert coverage_map(5, 3, padding=1)[0, 0] == 4
    assert never_visited(7, 3, stride=2) == 0
    assert never_visited(7, 3, stride=3) == 13  # column 6 and row 6
    assert never_visited(9, 3, stride=4) == 9 * 9 - 6 * 6  # windows 0-2 and 4-6: 3, 7, 8 are skipped


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="stride"):
        coverage_map(5, 3, stride=0)
    with pytest.raises(TypeError, match="padding"):
        coverage_map(5, 3, padding=1.5)
    with pytest.raises(ValueError, match="empty"):
        coverage_map(3, 5)
    with pytest.raises(ValueError, match="kernel_size"):
        multiply_adds(5, (3, 3, 3))


def test_draw_coverage_outlines_exactly_the_unvisited_pixels():
    fig, ax = plt.subplots()
    counts = coverage_map(7, 3, stride=3)
    draw_coverage(ax, counts, title="coverage")
    outlined = [p for p in ax.patches if p.get_gid() == "highlight"]
    assert len(outlined) == int((counts == 0).sum()) == 13
    assert len([p for p in ax.patches if p.get_gid() == "cell"]) == 49
    draw_coverage(ax, coverage_map(5, 3))
    assert not [p for p in ax.patches if p.get_gid() == "highlight"]
    with pytest.raises(TypeError, match="integers"):
        draw_coverage(ax, np.ones((3, 3)))
    with pytest.raises(ValueError, match="2-D"):
        draw_coverage(ax, np.ones(3, dtype=int))
    plt.close(fig)
