"""What chapter 8 shows about PyTorch's pooling, asserted here so that an upgrade cannot change it silently:
the errors it prints, the padding rules, and the invariance it measures."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn


def test_the_errors_chapter_8_prints():
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size"):
        nn.MaxPool2d(2, padding=2)(torch.zeros(1, 1, 6, 6))
    flat_head = nn.Sequential(nn.Flatten(), nn.Linear(64 * 7 * 7, 10))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(1x5184 and 3136x10\)"):
        flat_head(torch.zeros(1, 64, 9, 9))
    gap_head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
    assert gap_head(torch.zeros(1, 64, 9, 9)).shape == (1, 10)


def test_what_the_padding_holds():
    ones = torch.ones(1, 1, 6, dtype=torch.float64)
    assert F.max_pool1d(-ones, 2, padding=1).eq(-1).all()  # max pads with -inf: padding never wins
    assert F.avg_pool1d(ones, 2, padding=1)[0, 0].tolist() == [0.5, 1, 1, 0.5]  # zeros counted
    assert F.avg_pool1d(ones, 2, padding=1, count_include_pad=False).eq(1).all()
    hanging = F.avg_pool1d(ones, 3, 2, padding=1, ceil_mode=True)[0, 0]
    assert hanging[-1].item() == 0.5  # pixel 5 + right padding, divided by 2: the overhang is not counted


def test_max_pooling_is_not_linear_and_average_pooling_is():
    g = torch.Generator().manual_seed(3)
    p, q = torch.randn(1, 1, 4, 4, generator=g), torch.randn(1, 1, 4, 4, generator=g)
    assert torch.allclose(F.avg_pool2d(p + q, 2), F.avg_pool2d(p, 2) + F.avg_pool2d(q, 2))
    assert not torch.allclose(F.max_pool2d(p + q, 2), F.max_pool2d(p, 2) + F.max_pool2d(q, 2))


@pytest.mark.parametrize("window", [2, 3, 4])
def test_unchanged_fraction_after_a_1_pixel_move_is_about_f_minus_1_over_f_plus_1(window):
    maps = torch.rand(1, 32, 64, 65, generator=torch.Generator().manual_seed(window), dtype=torch.float64)
    before, after = F.max_pool2d(maps[..., :-1], window, 2), F.max_pool2d(maps[..., 1:], window, 2)
    unchanged = (before == after).double().mean().item()
    assert abs(unchanged - (window - 1) / (window + 1)) < 0.02


def test_global_pooling_is_invariant_to_a_circular_shift_only():
    maps = torch.randint(0, 100, (1, 4, 16, 16), generator=torch.Generator().manual_seed(0)).double()
    rolled = torch.roll(maps, shifts=1, dims=-1)
    shifted = F.pad(maps[..., :-1], (1, 0))
    assert torch.equal(rolled.mean(dim=(2, 3)), maps.mean(dim=(2, 3)))
    assert not torch.equal(shifted.mean(dim=(2, 3)), maps.mean(dim=(2, 3)))
