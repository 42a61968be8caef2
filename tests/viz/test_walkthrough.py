"""convlab.viz.walkthrough: the widget and the player show the numbers F.conv2d computes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from IPython.display import HTML

from convlab.viz.walkthrough import step_products, walkthrough_player, walkthrough_widget

X = np.array([[1, 2, 0, 3], [0, 1, 2, 1], [3, 1, 0, 2], [2, 0, 1, 1]])
K = np.array([[1, 0], [-1, 2]])


def _reference(**kwargs):
    t = torch.tensor
    return F.conv2d(t(X, dtype=torch.float32)[None, None], t(K, dtype=torch.float32)[None, None], **kwargs)[0, 0]


@pytest.mark.parametrize("kwargs", [{}, {"padding": 1}, {"stride": (2, 1)}, {"dilation": 2}, {"padding": (0, 1)}])
def test_step_products_sum_to_conv2d(kwargs):
    want = _reference(**kwargs)
    for step in range(want.numel()):
        text, total = step_products(X, K, step, **kwargs)
        assert total == want.flatten()[step].item()
        terms = text.split(" = ")[0].split(" + ")
        assert len(terms) == K.size
        products = [float(a.strip("()")) * float(b.strip("()")) for a, b in (term.split("·") for term in terms)]
        assert sum(products) == total
        assert float(text.split(" = ")[1]) == total


def test_step_products_first_window_text():
    assert step_products(X, K, 0) == ("1·1 + 2·0 + 0·(-1) + 1·2 = 3", 3.0)


def test_step_products_errors():
    with pytest.raises(ValueError, match="below 9"):
        step_products(X, K, 9)
    with pytest.raises(TypeError, match="step"):
        step_products(X, K, 1.0)
    with pytest.raises(ValueError, match="empty"):
        step_products(X, np.ones((5, 5)), 0)


def test_widget_slider_moves_the_window():
    widget = walkthrough_widget(X, K, padding=1)
    slider = widget.children[0]
    want = _reference(padding=1).flatten()
    assert (slider.min, slider.max, slider.value) == (0, want.numel() - 1, 0)
    assert widget.result[1] == want[0].item()
    for step in (7, want.numel() - 1):
        slider.value = step
        assert widget.result == step_products(X, K, step, padding=1)
        assert widget.result[1] == want[step].item()


def _frames(html: str) -> list[str]:
    return re.findall(r'"data:image/png;base64,(.*?)"', html, re.S)


def test_player_has_one_frame_per_output_cell_and_is_stable():
    player = walkthrough_player(X, K, stride=2)
    assert isinstance(player, HTML)
    frames = _frames(player.data)
    assert len(frames) == _reference(stride=2).numel() == 4
    assert len(set(frames)) == 4  # each frame differs: the window moves
    assert walkthrough_player(X, K, stride=2).data == player.data  # deterministic for nbval
    assert len(player.data) < 350_000


def test_player_refuses_too_many_frames():
    with pytest.raises(ValueError, match="at most 16"):
        walkthrough_player(np.zeros((6, 6)), np.ones((1, 1)))
    with pytest.raises(ValueError, match="empty"):
        walkthrough_player(X, np.ones((5, 5)))
