"""Pooling: arith.pool_output_size, ops.pool2d against nn.MaxPool2d / nn.AvgPool2d; viz.pooling pictures, widget."""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from convlab.arith import pool_output_size
from convlab.ops import pool2d
from convlab.viz.pooling import draw_pooling, pooling_player, pooling_widget

matplotlib.use("Agg")


def _torch_size(size, k, s, p, d, ceil):
    try:
        return F.max_pool2d(torch.zeros(1, 1, 1, size), (1, k), (1, s), (0, p), (1, d), ceil_mode=ceil).shape[-1]
    except RuntimeError:
        return None


def test_output_size_matches_pytorch_everywhere():
    grid = itertools.product(range(1, 12), range(1, 6), range(1, 5), range(3), (1, 2), (False, True))
    for size, k, s, p, d, ceil in grid:
        try:
            ours = pool_output_size(size, k, s, p, d, ceil)
        except ValueError:
            ours = None
        assert ours == _torch_size(size, k, s, p, d, ceil), (size, k, s, p, d, ceil)


def test_output_size_defaults_and_errors():
    assert pool_output_size(7, 2) == 3  # stride defaults to kernel_size
    assert pool_output_size(7, 2, ceil_mode=True) == 4
    assert pool_output_size(4, 1, 4, ceil_mode=True) == 1  # the window starting past the input is dropped
    with pytest.raises(ValueError, match="padding"):
        pool_output_size(8, 2, padding=2)
    with pytest.raises(TypeError, match="ceil_mode"):
        pool_output_size(8, 2, ceil_mode=1)
    with pytest.raises(TypeError, match="kernel_size"):
        pool_output_size(8, 2.0)


def test_pool2d_matches_modules():
    x = np.random.default_rng(0).random((7, 9)).astype(np.float32)
    t = torch.from_numpy(x)[None, None]
    assert np.allclose(pool2d(x, 2), torch.nn.MaxPool2d(2)(t)[0, 0].numpy())
    assert np.allclose(pool2d(x, 3, 2, "avg", True), torch.nn.AvgPool2d(3, 2, ceil_mode=True)(t)[0, 0].numpy())
    with pytest.raises(ValueError, match="mode"):
        pool2d(x, 2, mode="min")
    with pytest.raises(ValueError, match="2-D"):
        pool2d(x[None], 2)


def test_draw_pooling_highlights_the_window():
    x = np.arange(36, dtype=np.float32).reshape(6, 6)
    fig, axes = matplotlib.pyplot.subplots(1, 3)
    draw_pooling(axes, x, 2, 2, step=4)  # the middle window: rows 2-3, cols 2-3
    window = axes[0].patches[-1]
    assert window.get_xy() == (1.5, 1.5) and window.get_width() == 2
    visible = [t.get_text() for t in axes[1].texts if t.get_visible()]
    assert visible == ["7", "9", "11", "19", "21"]  # max pool values revealed up to step 4
    with pytest.raises(ValueError, match="step"):
        draw_pooling(axes, x, 2, 2, step=9)
    matplotlib.pyplot.close(fig)


def test_scrubber_is_deterministic_and_small():
    x = np.arange(16, dtype=np.float32).reshape(4, 4)
    first, second = pooling_player(x).data, pooling_player(x).data
    assert first == second
    assert first.count("data:image/png") == 4  # one frame per window
    assert len(first) < 350_000
    with pytest.raises(ValueError, match="16 frames"):
        pooling_player(np.zeros((10, 10)), 2, 2)


def test_explorer_reacts_to_its_sliders():
    x = np.arange(49, dtype=np.float32).reshape(7, 7)
    widget = pooling_widget(x)
    assert widget.result.shape == (3, 3)
    widget.children[2].value = True  # ceil_mode
    assert widget.result.shape == (4, 4)
    widget.children[0].value = 3  # kernel 3, stride 2, ceil
    assert np.array_equal(widget.result, pool2d(x, 3, 2, ceil_mode=True))
    matplotlib.pyplot.close("all")
