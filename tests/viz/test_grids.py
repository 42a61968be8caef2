"""convlab.viz.grids: the cells, numbers, padding and highlight that a grid figure shows."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib import pyplot as plt

from convlab.viz.grids import PAD_COLOR, draw_conv_step, draw_grid, window_cells


@pytest.fixture
def ax():
    fig, axes = plt.subplots()
    yield axes
    plt.close(fig)


def _patches(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_cells_and_numbers(ax):
    values = np.array([[1.0, 2.5, -3.0], [0.0, 4.0, 5.0]])
    assert draw_grid(ax, values) is ax
    assert len(_patches(ax, "cell")) == 6 and not _patches(ax, "pad")
    assert _texts(ax) == ["1", "2.5", "-3", "0", "4", "5"]
    assert ax.get_xlim() == pytest.approx((-0.55, 2.55)) and ax.get_ylim() == pytest.approx((1.55, -0.55))


def test_torch_input_is_squeezed_and_formatted(ax):
    draw_grid(ax, torch.arange(4.0).reshape(1, 1, 2, 2), fmt="{:.1f}", title="t")
    assert _texts(ax) == ["0.0", "1.0", "2.0", "3.0"] and ax.get_title() == "t"
    draw_grid(ax, [[1, 2]], fmt=None)
    assert _texts(ax) == [""] * 2
    draw_grid(ax, [[1, 2]], fmt=lambda v: f"<{v:g}>")
    assert _texts(ax) == ["<1>", "<2>"]


def test_padding_border(ax):
    draw_grid(ax, np.ones((2, 3)), padding=(1, 2))
    pads, cells = _patches(ax, "pad"), _patches(ax, "cell")
    assert len(cells) == 6 and len(pads) == 4 * 7 - 6
    assert all(matplotlib.colors.same_color(p.get_facecolor(), PAD_COLOR) for p in pads)
    assert not any(matplotlib.colors.same_color(c.get_facecolor(), PAD_COLOR) for c in cells)
    # real cells sit inside the border: rows 1..2, cols 2..4
    corners = sorted(c.get_xy() for c in cells)
    assert corners[0] == (1.5, 0.5) and corners[-1] == (3.5, 1.5)
    assert _texts(ax).count("0") == len(pads)


def test_nan_cells_are_blank(ax):
    draw_grid(ax, [[1.0, np.nan]])
    assert _texts(ax) == ["1"]


def test_highlight_rectangle(ax):
    draw_grid(ax, np.zeros((4, 5)), padding=1, highlight=(2, 3, 3, 2))
    (rect,) = _patches(ax, "highlight")
    assert rect.get_xy() == (2.5, 1.5) and (rect.get_width(), rect.get_height()) == (2, 3)


def test_highlight_cells(ax):
    cells = window_cells(0, 1, 2, dilation=2)
    assert cells == {(0, 1), (0, 3), (2, 1), (2, 3)}
    draw_grid(ax, np.zeros((3, 4)), highlight=cells)
    assert sorted(p.get_xy() for p in _patches(ax, "highlight")) == [(0.5, -0.5), (0.5, 1.5), (2.5, -0.5), (2.5, 1.5)]


def test_highlight_several_windows_and_cells(ax):
    draw_grid(ax, np.zeros((6, 6)), highlight=[(0, 0, 3, 3), (3, 2, 2, 4), (5, 0)])
    got = sorted((p.get_xy(), p.get_width(), p.get_height()) for p in _patches(ax, "highlight"))
    assert got == [((-0.5, -0.5), 3, 3), ((-0.5, 4.5), 1, 1), ((1.5, 2.5), 4, 2)]
    with pytest.raises(ValueError, match="outside"):
        draw_grid(ax, np.zeros((6, 6)), highlight=[(0, 0, 3, 3), (4, 4, 3, 3)])


def test_window_cells_pairs():
    assert window_cells(1, 0, (1, 3), dilation=(1, 2)) == {(1, 0), (1, 2), (1, 4)}
    with pytest.raises(ValueError, match="kernel_size"):
        window_cells(0, 0, 0)
    with pytest.raises(TypeError, match="row"):
        window_cells(0.5, 0, 2)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"values": [[]]}, ValueError, "non-empty"),
        ({"values": "abc"}, TypeError, "values"),
        ({"values": np.zeros((2, 2)), "padding": -1}, ValueError, "padding"),
        ({"values": np.zeros((2, 2)), "highlight": (1, 1, 2, 2)}, ValueError, "outside"),
        ({"values": np.zeros((2, 2)), "highlight": (0, 0, 0, 1)}, ValueError, "h, w"),
        ({"values": np.zeros((2, 2)), "highlight": {(2, 0)}}, ValueError, "outside"),
        ({"values": np.zeros((2, 2)), "highlight": {(0, 0.5)}}, TypeError, "(row, col)"),
        ({"values": np.zeros((2, 2)), "highlight": 3}, TypeError, "highlight"),
    ],
)
def test_draw_grid_errors(ax, kwargs, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        draw_grid(ax, **kwargs)


def test_draw_grid_needs_axes():
    with pytest.raises(TypeError, match="Axes"):
        draw_grid(None, [[1]])


@pytest.mark.parametrize(
    ("step", "kwargs"), [(0, {}), (5, {"padding": 1}), (3, {"stride": 2, "padding": (1, 0)}), (1, {"dilation": 2})]
)
def test_conv_step_matches_torch(step, kwargs):
    gen = torch.Generator().manual_seed(step)
    x = torch.randint(-3, 4, (5, 6), generator=gen).float()
    kernel = torch.randint(-2, 3, (3, 2), generator=gen).float()
    fig, axes = plt.subplots(1, 3)
    out = draw_conv_step(axes, x, kernel, step, **kwargs)
    want = F.conv2d(x[None, None], kernel[None, None], **kwargs)[0, 0].numpy()
    np.testing.assert_allclose(out, want)
    shown = list(axes[2].texts)
    assert len(shown) == step + 1  # cells computed so far
    i, j = divmod(step, out.shape[1])
    assert float(shown[-1].get_text()) == want[i, j]
    (current,) = _patches(axes[2], "highlight")
    assert current.get_xy() == (j - 0.5, i - 0.5)
    window = _patches(axes[0], "highlight")
    assert len(window) == (1 if kwargs.get("dilation", 1) == 1 else kernel.numel())
    plt.close(fig)


def test_conv_step_errors():
    fig, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="below 4"):
        draw_conv_step(axes, np.zeros((3, 3)), np.zeros((2, 2)), 4)
    with pytest.raises(ValueError, match="three Axes"):
        draw_conv_step(axes[:2], np.zeros((3, 3)), np.zeros((2, 2)), 0)
    with pytest.raises(ValueError, match="empty"):
        draw_conv_step(axes, np.zeros((2, 2)), np.zeros((3, 3)), 0)
    plt.close(fig)
