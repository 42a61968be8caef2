"""convlab.viz.sharing and convlab.probes: parameter counts against real modules, the plot and its
sliders, shift checks."""

import matplotlib

matplotlib.use("Agg")

import random

import pytest
import torch
from matplotlib import pyplot as plt
from torch import nn

from convlab import arith, probes
from convlab.viz import sharing


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def count(module):
    return sum(p.numel() for p in module.parameters())


def test_the_notes_example():
    counts = arith.sharing_counts(32, 10)
    assert (counts["out"], counts["conv"], counts["fc"]) == (28, 760, 24_092_320)
    assert counts["ratio"] == pytest.approx(24_092_320 / 760)


@pytest.mark.parametrize("seed", range(5))
def test_counts_match_real_modules(seed):
    rng = random.Random(seed)
    size, kernels = rng.randint(7, 40), rng.randint(1, 16)
    kernel_size, channels = rng.choice([1, 3, 5]), rng.randint(1, 4)
    counts = arith.sharing_counts(size, kernels, kernel_size, channels)
    conv = nn.Conv2d(channels, kernels, kernel_size, device="meta")
    out = conv(torch.empty(1, channels, size, size, device="meta"))
    fc = nn.Linear(channels * size * size, out[0].numel(), device="meta")
    assert counts["out"] == out.shape[-1]
    assert (counts["conv"], counts["fc"]) == (count(conv), count(fc))


@pytest.mark.parametrize("args, error", [((0, 10), ValueError), ((32, 0), ValueError), ((32.0, 10), TypeError)])
def test_counts_reject_bad_arguments(args, error):
    with pytest.raises(error):
        arith.sharing_counts(*args)


def test_plot_marks_the_current_size():
    fig, counts = sharing.plot_sharing_counts(24, 6)
    left, right = fig.axes
    marker = left.lines[-1]
    assert list(marker.get_xdata()) == [24, 24]
    assert list(marker.get_ydata()) == [counts["conv"], counts["fc"]]
    assert list(right.lines[-1].get_ydata()) == [counts["ratio"]]
    assert f"{counts['fc']:,}" in fig.texts[0].get_text()


def test_explorer_recomputes_when_sliders_move():
    explorer = sharing.sharing_widget()
    size, kernels = explorer.children[:2]
    assert (explorer.result["conv"], explorer.result["fc"]) == (760, 24_092_320)
    size.value, kernels.value = 16, 4
    assert explorer.result == arith.sharing_counts(16, 4)


def test_player_is_small_stable_html():
    html = sharing.sharing_player(kernels=3, sizes=(8, 32, 64)).data
    assert "frames[2]" in html and "frames[3]" not in html
    assert len(html.encode()) < 350_000
    assert sharing.sharing_player(kernels=3, sizes=(8, 32, 64)).data == html


def test_shifted_is_a_roll_down_and_right():
    x = torch.arange(12.0).reshape(1, 1, 3, 4)
    assert torch.equal(probes.roll(x, (1, 2)), torch.roll(x, (1, 2), (2, 3)))
    assert probes.roll(x, (1, 0))[0, 0, 1, 0] == x[0, 0, 0, 0]
    with pytest.raises(ValueError, match="shift"):
        probes.roll(x, 1)


def test_circular_convolution_with_bias_is_equivariant():
    torch.manual_seed(0)
    conv = nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular")
    assert conv.bias.abs().max() > 0.01
    error = probes.equivariance_error(conv, torch.randn(1, 2, 16, 16), (3, -5))
    assert error.shape == (16, 16) and error.max() < 1e-5


def test_zero_padding_breaks_equivariance_only_at_the_borders():
    torch.manual_seed(0)
    conv = nn.Conv2d(1, 2, 3, padding=1)
    error = probes.equivariance_error(conv, torch.randn(1, 1, 20, 20), (2, 3))
    assert error.max() > 0.1
    assert error[5:-2, 5:-2].max() < 1e-5  # away from the wrapped-around rows and columns


def test_best_output_shift_with_stride_two():
    torch.manual_seed(0)
    conv = nn.Conv2d(1, 2, 3, stride=2, padding=1, padding_mode="circular")
    x = torch.randn(1, 1, 16, 16)
    shift, error = probes.best_output_shift(conv, x, (2, -4))
    assert shift == (1, -2) and error < 1e-5
    _, error = probes.best_output_shift(conv, x, (0, 1))
    assert error > 0.1


def test_equivariance_error_rejects_a_non_image():
    with pytest.raises(ValueError, match="x must be"):
        probes.equivariance_error(nn.Identity(), torch.zeros(4, 4), (0, 1))
