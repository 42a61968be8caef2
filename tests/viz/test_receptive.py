"""convlab.viz.receptive and the probes it draws: dependence maps against autograd's Jacobian,
fields against the formula, the pictures."""

import matplotlib

matplotlib.use("Agg")

import pytest
import torch
from matplotlib import pyplot as plt
from matplotlib.patches import Rectangle
from torch import nn

from convlab import models, probes
from convlab.arith import receptive_field
from convlab.viz import receptive


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_conv_stack_builds_the_layers_asked_for():
    model = models.conv_stack([(3, 1), (5, 2, 2)], channels=2)
    convs = list(model)
    assert [type(c) for c in convs] == [nn.Conv2d, nn.Conv2d]
    assert [(c.kernel_size, c.stride, c.dilation, c.padding) for c in convs] == [
        ((3, 3), (1, 1), (1, 1), (0, 0)),
        ((5, 5), (2, 2), (2, 2), (0, 0)),
    ]
    assert all(c.in_channels == c.out_channels == 2 for c in convs)
    assert all(torch.all(c.weight == 1) and torch.all(c.bias == 0) for c in convs)


def test_conv_stack_seeds_its_random_weights():
    first, again, other = (models.conv_stack([(3, 1)], seed=s)[0].weight for s in (1, 1, 2))
    assert torch.equal(first, again) and not torch.equal(first, other)


def test_dependence_map_is_the_jacobian_row_of_one_output_pixel():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(2, 3, 3), nn.Conv2d(3, 2, 3, stride=2))
    x = torch.randn(1, 2, 13, 13)
    jacobian = torch.autograd.functional.jacobian(model, x)  # (1, 2, 4, 4, 1, 2, 13, 13)
    expected = jacobian[0, :, 1, 2].sum(dim=0)[0].abs().sum(dim=0)
    assert torch.allclose(probes.dependence_map(model, x, (1, 2)), expected)


def test_dependence_of_one_conv_output_is_exactly_its_window():
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 4, 5)
    dependence = probes.dependence_map(conv, torch.randn(1, 3, 20, 20), (6, 9))
    window = torch.zeros(20, 20, dtype=torch.bool)
    window[6:11, 9:14] = True
    assert torch.equal(dependence != 0, window)


def test_dependence_map_defaults_to_the_centre_pixel():
    conv = models.conv_stack([(3, 1)])
    dependence = probes.dependence_map(conv, torch.zeros(1, 1, 9, 9))  # output 7×7, centre (3, 3)
    assert probes.bounding_box(dependence) == (3, 3, 3, 3)


@pytest.mark.parametrize(
    "x, pixel, message",
    [
        (torch.zeros(1, 5, 5), None, "shape"),
        (torch.zeros(2, 1, 5, 5), None, "shape"),
        (torch.zeros(1, 1, 5, 5), (3, 0), "outside"),
        (torch.zeros(1, 1, 5, 5), (0,), "pair"),
    ],
)
def test_dependence_map_rejects_bad_arguments(x, pixel, message):
    with pytest.raises(ValueError, match=message):
        probes.dependence_map(nn.Conv2d(1, 1, 3), x, pixel)


def test_bounding_box():
    mask = torch.zeros(6, 8)
    mask[1, 2] = mask[4, 6] = -1.0
    assert probes.bounding_box(mask) == (1, 2, 4, 5)
    with pytest.raises(ValueError, match="zero everywhere"):
        probes.bounding_box(torch.zeros(3, 3))


@pytest.mark.parametrize(
    "layers", [[(3, 1)], [(3, 1)] * 3, [(5, 2), (3, 1)], [(3, 2)] * 3, [(3, 1, 2), (3, 2, 3)], [(2, 1), (2, 1)]]
)
def test_measured_field_matches_the_formula(layers):
    field = receptive_field(layers)
    model = models.conv_stack(layers, channels=2, seed=3)
    assert probes.measured_receptive_field(model, field + 9, in_channels=2) == (field, field)


def test_drawing_shows_the_formula_box_around_the_measured_field():
    fig, ax = plt.subplots()
    info = receptive.draw_receptive_field(ax, [(3, 2), (3, 1)], canvas=20)
    assert info["field"] == info["measured"] == 7
    # canvas 20 → outputs 9 then 7; centre pixel 3, jump 2: the field starts at input pixel 6
    assert (info["top"], info["left"]) == (6, 6)
    box, following = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert (box.get_x(), box.get_y(), box.get_width()) == (5.5, 5.5, 7)
    assert (following.get_x(), following.get_linestyle()) == (7.5, "--")  # the next output pixel, a jump of 2 on
    info = receptive.draw_receptive_field(ax, [(3, 1)])  # redrawing replaces, does not pile up
    assert len(ax.images) == 1 and len(ax.patches) == 2
    assert (info["canvas"], info["start"], info["jump"]) == (3 + 1 + 6, 3, 1)  # both fields and a margin of 3


def test_drawing_rejects_a_canvas_smaller_than_the_field():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="canvas"):
        receptive.draw_receptive_field(ax, [(3, 1)] * 3, canvas=5)


def test_explorer_redraws_when_sliders_move():
    explorer = receptive.receptive_field_widget()
    sliders = {control.description: control for control in explorer.children[:-1]}
    assert explorer.result["field"] == receptive_field([(3, 1)] * 2)
    assert sliders["stride 3"].disabled and not sliders["stride 2"].disabled  # two layers: no third
    sliders["depth"].value, sliders["kernel"].value = 3, 5
    assert explorer.result["field"] == explorer.result["measured"] == 13 and not sliders["stride 3"].disabled
    sliders["stride 1"].value = 2
    assert explorer.result["field"] == explorer.result["measured"] == receptive_field([(5, 2), (5, 1), (5, 1)])
    sliders["dilation 2"].value = 3
    assert explorer.result["field"] == receptive_field([(5, 2), (5, 1, 3), (5, 1)])
    sliders["stride 3"].value = 3  # the top layer's stride moves the next field, not this one
    assert explorer.result["jump"] == 6 and explorer.result["field"] == receptive_field([(5, 2), (5, 1, 3), (5, 1)])


def test_stacks_are_described_layer_by_layer():
    assert receptive.describe_stack([(3, 2), (3, 1, 2)]) == "3×3 s2, then 3×3 s1 d2"


def test_player_is_small_stable_html_with_one_frame_per_depth():
    html = receptive.receptive_field_player(max_depth=3).data
    assert "frames[2]" in html and "frames[3]" not in html
    assert len(html.encode()) < 350_000
    assert receptive.receptive_field_player(max_depth=3).data == html


def test_player_rejects_bad_strides():
    with pytest.raises(ValueError, match="strides"):
        receptive.receptive_field_player(strides=())


@pytest.mark.parametrize(
    "arguments, message",
    [({"depth": 4}, "depth"), ({"kernel_size": 2}, "kernel_size"), ({"strides": (1, 2)}, "strides"),
     ({"dilations": (1, 1, 4)}, "dilations")],
)
def test_explorer_rejects_settings_its_sliders_cannot_show(arguments, message):
    with pytest.raises(ValueError, match=message):
        receptive.receptive_field_widget(**arguments)
