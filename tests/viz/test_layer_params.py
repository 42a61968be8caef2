"""convlab.viz.layer_params and arith.count_layers: counts checked against PyTorch layers, the widget, the player."""

import matplotlib

matplotlib.use("Agg")

import pytest
import torch
from IPython.display import HTML
from matplotlib import pyplot as plt
from torch import nn

from convlab.arith import BYTES_PER_FLOAT32, CONV_KERNEL, CONV_OUT, Counts, count_layers
from convlab.tables import format_bytes
from convlab.viz.layer_params import counts_table, draw_param_counts, param_counts_player, param_counts_widget


def _numel(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_float32_is_four_bytes():
    assert BYTES_PER_FLOAT32 == torch.tensor([], dtype=torch.float32).element_size()


@pytest.mark.parametrize(
    "n, text",
    [(0, "0 B"), (999, "999 B"), (1000, "1 kB"), (2560, "2.56 kB"), (4 * 10**12, "4 TB"), (4_000_004_000_000, "4 TB"),
     (90_635_317_248, "90.6 GB"), (10**18, "1 EB")],
)
def test_format_bytes(n, text):
    assert format_bytes(n) == text


def test_format_bytes_errors():
    with pytest.raises(ValueError, match="n must"):
        format_bytes(-1)
    with pytest.raises(TypeError, match="n must"):
        format_bytes(1.5)


@pytest.mark.parametrize("side, hidden, channels", [(1000, 10**6, 1), (224, 1000, 3), (28, 100, 1), (5, 7, 3)])
def test_counts_match_real_layers(side, hidden, channels):
    """Real modules on the meta device: true shapes, no memory."""
    c = count_layers(side, hidden, channels)
    n = side * side * channels
    assert c.fc == _numel(nn.Linear(n, hidden, device="meta"))
    assert c.fc_same == _numel(nn.Linear(n, n, device="meta"))
    assert c.conv == _numel(nn.Conv2d(channels, CONV_OUT, CONV_KERNEL, device="meta"))


def test_the_notes_example():
    c = count_layers(1000, 10**6)
    assert c.fc_same - 10**6 == 10**12  # weights, without the 10**6 biases
    assert format_bytes(BYTES_PER_FLOAT32 * c.fc_same) == "4 TB"
    table = counts_table(c)
    assert "1,000,001,000,000" in table and "4 TB" in table and "1000×1000×1 image" in table
    with pytest.raises(TypeError, match="counts"):
        counts_table(c.fc)


def test_count_layers_errors():
    with pytest.raises(ValueError, match="side"):
        count_layers(0, 10)
    with pytest.raises(TypeError, match="hidden"):
        count_layers(10, 2.0)


def test_draw_counts_marks_the_current_side():
    fig = plt.figure()
    counts = draw_param_counts(fig, 224, 1000, 3)
    ax = fig.axes[0]
    assert isinstance(counts, Counts) and counts.side == 224
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [float(d.get_ydata()[0]) for d in dots] == [counts.fc, counts.fc_same, counts.conv]
    assert all(float(d.get_xdata()[0]) == 224 for d in dots)
    assert "602 MB" in ax.get_title() and "1,792" in ax.get_title()
    curves = [line for line in ax.get_lines() if line.get_marker() != "o" and len(line.get_xdata()) > 2]
    conv_curve = curves[2].get_ydata()
    assert min(conv_curve) == max(conv_curve) == counts.conv  # flat: independent of the image side
    draw_param_counts(fig, 28, 10)  # redrawing replaces the axes instead of stacking them
    assert len([a for a in fig.axes if a.get_lines()]) == 1
    plt.close(fig)
    with pytest.raises(TypeError, match="fig"):
        draw_param_counts(ax, 28, 10)


def test_explorer_follows_its_sliders():
    w = param_counts_widget(side=28, hidden=1000)
    side, hidden, channels = w.children[:3]
    assert w.result.fc == count_layers(28, 1000).fc
    side.value = 1000
    hidden.value = 10**6
    assert w.result == count_layers(1000, 10**6, 1)
    channels.value = 3
    assert w.result.channels == 3 and w.result.conv == _numel(nn.Conv2d(3, CONV_OUT, CONV_KERNEL))
    hidden.value = 10**2.5
    assert w.result.hidden == 316
    plt.close("all")


def test_explorer_errors():
    with pytest.raises(ValueError, match="channels"):
        param_counts_widget(channels=2)
    with pytest.raises(ValueError, match="side"):
        param_counts_widget(side=2)


def test_side_player_is_light_and_reproducible():
    sides = (8, 1000)
    first, second = param_counts_player(sides), param_counts_player(sides)
    assert isinstance(first, HTML)
    assert first.data == second.data
    assert first.data.count("data:image/png;base64") == len(sides)
    assert len(param_counts_player().data) < 350_000
    with pytest.raises(ValueError, match="sides"):
        param_counts_player(tuple(range(8, 8 + 17)))
