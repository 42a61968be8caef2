"""Tests of convlab.viz.channels: partial maps sum to PyTorch's convolution; the explorers work."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib import pyplot as plt
from torch import nn

from convlab import data, probes
from convlab.viz import channels


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_partials_sum_to_conv2d(seed):
    g = torch.Generator().manual_seed(seed)
    c_in, c_out = 2 + seed, 1 + seed
    x = torch.randn(c_in, 7 + seed, 6, generator=g)
    torch.manual_seed(seed)
    conv = nn.Conv2d(c_in, c_out, 3, padding=seed % 2)
    partials, output = probes.channel_partials(x, conv.weight, conv.bias, padding=seed % 2)
    assert partials.shape[:2] == (c_out, c_in)
    torch.testing.assert_close(output, conv(x[None])[0].detach(), atol=1e-5, rtol=1e-5)
    # each partial map is one input channel against its own slice, and nothing else
    torch.testing.assert_close(
        partials[0, 1], F.conv2d(x[1][None, None], conv.weight[0, 1][None, None].detach(), padding=seed % 2)[0, 0]
    )


def test_partials_accept_hwc_arrays_and_no_bias():
    image = np.random.default_rng(0).random((5, 6, 3), dtype=np.float32)
    weight = torch.randn(2, 3, 3, 3, generator=torch.Generator().manual_seed(0))
    _, output = probes.channel_partials(image, weight)
    expected = F.conv2d(torch.from_numpy(image).permute(2, 0, 1)[None], weight)[0]
    torch.testing.assert_close(output, expected)


def test_partials_reject_wrong_slices():
    with pytest.raises(ValueError, match="one slice per input channel"):
        probes.channel_partials(torch.zeros(3, 5, 5), torch.zeros(1, 4, 3, 3))
    with pytest.raises(ValueError, match="bias"):
        probes.channel_partials(torch.zeros(3, 5, 5), torch.zeros(2, 3, 3, 3), torch.zeros(3))
    with pytest.raises(TypeError, match="image"):
        probes.channel_partials([[1.0]], torch.zeros(1, 1, 1, 1))


def test_hand_made_bank_does_what_it_says():
    weight, bias = data.kernel_bank("hand-made")
    assert weight.shape == (4, 3, 3, 3) and bias.shape == (4,)
    # kernel 0 is red minus green at each pixel
    image = torch.rand(3, 6, 6, generator=torch.Generator().manual_seed(1))
    _, output = probes.channel_partials(image, weight, bias)
    torch.testing.assert_close(output[0], (image[0] - image[1])[1:-1, 1:-1])
    # kernel 2 only looks at blue: its red and green slices are zero
    assert weight[2, :2].abs().sum() == 0 and weight[2, 2].abs().sum() > 0
    # kernel 3 (brightness blur) maps a constant image to that constant
    _, flat = probes.channel_partials(torch.full((3, 5, 5), 0.5), weight, bias)
    torch.testing.assert_close(flat[3], torch.full((3, 3), 0.5))


def test_random_bank_is_seeded():
    a, _ = data.kernel_bank("random", 4, seed=3)
    b, _ = data.kernel_bank("random", 4, seed=3)
    c, _ = data.kernel_bank("random", 4, seed=4)
    assert a.shape == (4, 4, 3, 3)
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_bank_arguments_are_checked():
    with pytest.raises(ValueError, match="name"):
        data.kernel_bank("sobel")
    with pytest.raises(ValueError, match="in_channels"):
        data.kernel_bank("hand-made", 4)
    with pytest.raises(TypeError, match="seed"):
        data.kernel_bank("random", seed=1.5)


def test_explorer_widget_follows_its_controls():
    image = np.random.default_rng(0).random((10, 12, 3), dtype=np.float32)
    widget = channels.channel_widget(image)
    controls = {child.description: child for child in widget.children[:-1]}
    assert set(controls) == {"kernels", "seed (random)", "out channel"}
    controls["out channel"].value = 2
    view = widget.result
    assert view.out_channel == 2 and view.bank == "hand-made"
    assert view.partials.shape == (4, 3, 8, 10)
    expected = F.conv2d(torch.from_numpy(image).permute(2, 0, 1)[None], view.weight, view.bias)[0]
    torch.testing.assert_close(view.output, expected)
    controls["kernels"].value = "random"
    controls["seed (random)"].value = 5
    assert widget.result.bank == "random" and torch.equal(
        widget.result.weight, data.kernel_bank("random", seed=5)[0]
    )
    # the figure shows one slice and one partial map per channel, plus the sum
    assert len(widget.result.figure.axes) == 8


def test_scrubber_has_one_frame_per_kernel_and_is_reproducible():
    image = np.random.default_rng(0).random((8, 8, 3), dtype=np.float32)
    weight, bias = data.kernel_bank("random", seed=0, out_channels=3)
    first = channels.channel_player(image, weight, bias).data
    assert first == channels.channel_player(image, weight, bias).data
    assert first.count("data:image/png;base64") == 3
    with pytest.raises(ValueError, match="at most 16"):
        channels.channel_player(image, torch.zeros(17, 3, 3, 3))


def test_plots_have_the_right_panels():
    fig = channels.plot_weight_stack(torch.zeros(3, 2, 3, 3))
    assert len(fig.axes) == 6
    fig = channels.plot_channels(np.zeros((4, 4, 4), dtype=np.uint8))
    assert [ax.get_title() for ax in fig.axes] == ["0: red", "1: green", "2: blue", "3: alpha"]
    with pytest.raises(ValueError, match="names"):
        channels.plot_channels(np.zeros((4, 4, 3)), names=["a"])
    with pytest.raises(ValueError, match="out_channel"):
        channels.plot_partials(torch.zeros(3, 5, 5), torch.zeros(2, 3, 3, 3), out_channel=2)
