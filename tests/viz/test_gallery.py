"""Tests of convlab.viz.gallery: the maps are the layer's output; slider and player show them."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
from matplotlib import pyplot as plt
from torch import nn

from convlab import probes
from convlab.viz import gallery


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def layer_and_image():
    torch.manual_seed(0)
    layer = nn.Conv2d(4, 6, 3, padding=1)
    image = np.random.default_rng(0).random((9, 7, 4), dtype=np.float32)
    return layer, image


def test_feature_maps_match_the_layer(layer_and_image):
    layer, image = layer_and_image
    maps = probes.feature_maps(layer, image)
    expected = layer(torch.from_numpy(image).permute(2, 0, 1).unsqueeze(0))[0]
    assert maps.shape == (6, 9, 7) and not maps.requires_grad
    torch.testing.assert_close(maps, expected.detach())
    torch.testing.assert_close(probes.feature_maps(layer, torch.from_numpy(image).permute(2, 0, 1)[None]), maps)


def test_feature_maps_reject_bad_input(layer_and_image):
    layer, image = layer_and_image
    with pytest.raises(TypeError, match="layer"):
        probes.feature_maps(lambda x: x, image)
    with pytest.raises(ValueError, match="image"):
        probes.feature_maps(layer, image[..., 0])


def test_slider_shows_the_chosen_map(layer_and_image):
    layer, image = layer_and_image
    maps = probes.feature_maps(layer, image)
    widget = gallery.feature_map_widget(maps, image=image)
    slider = widget.children[0]
    assert (slider.min, slider.max) == (0, 5)
    slider.value = 4
    np.testing.assert_array_equal(widget.result, maps[4].numpy())
    slider.value = 1
    np.testing.assert_array_equal(widget.result, maps[1].numpy())


def test_plot_feature_map_title_and_bounds(layer_and_image):
    layer, image = layer_and_image
    maps = probes.feature_maps(layer, image)
    fig = gallery.plot_feature_map(maps, 2, image=image)
    assert "feature map 2 of 6" in fig.axes[1].get_title()
    with pytest.raises(ValueError, match="index"):
        gallery.plot_feature_map(maps, 6)
    with pytest.raises(ValueError, match="maps"):
        gallery.plot_feature_map(np.zeros((3, 3)), 0)


def test_scrubber_frames_and_reproducibility(layer_and_image):
    layer, image = layer_and_image
    maps = probes.feature_maps(layer, image)
    html = gallery.feature_map_player(maps, frames=3).data
    assert html.count("data:image/png;base64") == 3
    assert html == gallery.feature_map_player(maps, frames=3).data
    with pytest.raises(ValueError, match="frames"):
        gallery.feature_map_player(maps, frames=7)


def test_grid_draws_count_maps(layer_and_image):
    layer, image = layer_and_image
    maps = probes.feature_maps(layer, image)
    fig = gallery.plot_feature_grid(maps, 5, columns=3)
    assert len(fig.axes) == 6  # 2 rows × 3 columns
    assert sum(bool(ax.images) for ax in fig.axes) == 5


def test_picture_row_draws_one_titled_panel_per_picture():
    pictures = {"input": torch.rand(1, 1, 5, 6), "colour": np.zeros((5, 6, 3)), "map": np.eye(4)}
    fig = gallery.plot_picture_row(pictures, cmap="Blues", vmin=0, vmax=1)
    assert [ax.get_title() for ax in fig.axes] == list(pictures)
    assert [ax.images[0].get_array().shape[:2] for ax in fig.axes] == [(5, 6), (5, 6), (4, 4)]
    plt.close(fig)


def test_picture_row_rejects_bad_input():
    with pytest.raises(TypeError, match="pictures must be a non-empty mapping"):
        gallery.plot_picture_row([np.eye(3)])
    with pytest.raises(ValueError, match="'cube' must be H×W or H×W×C"):
        gallery.plot_picture_row({"cube": np.zeros((2, 3, 4, 5))})
