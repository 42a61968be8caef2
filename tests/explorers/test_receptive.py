"""The receptive-field explorer's table for the HTML book agrees with autograd, the formula and
the notebook's explorer."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import torch

from convlab.arith import field_layout, receptive_field
from convlab.explorers import receptive as receptive_data
from convlab.explorers.digits import decode as digits
from convlab.models import conv_stack
from convlab.probes import bounding_box, dependence_map

EVERY = [layers for depth in receptive_data.RANGES["depth"] for _, layers in receptive_data.settings(depth)]
# Autograd is slower than the table: every depth-1 setting and a seeded sample of the deeper ones.
SAMPLE = [layers for layers in EVERY if len(layers) == 1] + random.Random(6).sample(EVERY[36:], 24)


@pytest.fixture(scope="module")
def shipped():
    return receptive_data.table_json()


def decode(data: dict, layers) -> dict:
    """What the browser's lookup() returns, in Python."""
    digits_of = [data["ranges"]["kernel_size"].index(layers[0][0])]
    for _, stride, dilation in layers:
        digits_of += [data["layer_ranges"]["stride"].index(stride), data["layer_ranges"]["dilation"].index(dilation)]
    index = 0
    for digit, radix in zip(digits_of, [4] + [3, 3] * len(layers), strict=True):
        index = index * radix + digit
    width = sum(w for _, w in data["fields"])
    entry = digits(data["views"][len(layers) - 1][index * width : (index + 1) * width])
    view, at = {}, 0
    for name, w in data["fields"]:
        view[name] = 0
        for digit in entry[at : at + w]:
            view[name] = view[name] * len(data["digits"]) + digit
        at += w
    view["shades"] = digits(data["profiles"][view["profile"]])
    return view


def test_there_is_a_view_for_every_setting():
    assert len(EVERY) == 4 * (9 + 81 + 729)
    assert {(k, s, d) for layers in EVERY for k, s, d in layers} == {
        (k, s, d) for k in (1, 3, 5, 7) for s in (1, 2, 3) for d in (1, 2, 3)
    }


@pytest.mark.parametrize("layers", SAMPLE, ids=str)
def test_the_path_counts_are_autograds(layers):
    view = receptive_data.receptive_view(layers)
    assert view["field"] == receptive_field(layers) and view["canvas"] == view["field"] + view["jump"] + 6
    canvas, pixel = view["canvas"], view["pixel"]
    measured = dependence_map(conv_stack(layers), torch.zeros(1, 1, canvas, canvas), (pixel, pixel))
    assert np.array_equal(measured.numpy(), np.outer(view["counts"], view["counts"]))
    assert bounding_box(measured) == (view["start"], view["start"], view["measured"], view["measured"])


def test_the_table_decodes_to_the_views(shipped):
    data = json.loads(shipped)
    for layers in EVERY:
        view, got = receptive_data.receptive_view(layers), decode(data, layers)
        assert (got["canvas"], got["start"], got["field"], got["jump"]) == (
            view["canvas"], view["start"], view["field"], view["jump"]
        )
        counts = view["counts"][view["start"] : view["start"] + view["measured"]]
        assert len(got["shades"]) == view["measured"] and got["shades"][0] > 0 and got["shades"][-1] > 0
        assert np.array_equal(np.array(got["shades"]) > 0, counts > 0)  # every pixel with a path is shaded
        assert max(got["shades"]) == data["levels"]
        assert view["start"] + view["jump"] + view["field"] <= view["canvas"]  # the next field fits


def test_the_announcement_fills_the_shipped_template(shipped):
    data = json.loads(shipped)
    layers = [(3, 2, 1), (3, 1, 1)]
    layout = field_layout(layers, receptive_data.MARGIN)
    said = receptive_data.announcement(layers)
    assert said == data["announce"].format(field=layout.field, jump=layout.jump)
    assert said.startswith("each output pixel sees 7 by 7 input pixels")


def test_the_table_is_small(shipped):
    assert len(shipped.encode()) < 60_000


def test_the_notebooks_sliders_are_the_tables():
    from convlab.viz import receptive

    widget = receptive.receptive_field_widget()
    sliders = {c.description: list(range(c.min, c.max + 1, c.step)) for c in widget.children[:-1]}
    expected = {"depth": list(receptive_data.RANGES["depth"]), "kernel": list(receptive_data.RANGES["kernel_size"])}
    for layer in receptive_data.RANGES["depth"]:
        expected[f"stride {layer}"] = list(receptive_data.LAYER_RANGES["stride"])
        expected[f"dilation {layer}"] = list(receptive_data.LAYER_RANGES["dilation"])
    assert sliders == expected


def test_the_notebooks_drawing_has_the_tables_geometry():
    from matplotlib import pyplot as plt

    from convlab.viz import receptive

    fig, ax = plt.subplots()
    for layers in ([(3, 2, 1), (3, 1, 1)], [(5, 3, 2), (1, 1, 3), (3, 2, 1)]):
        info, view = receptive.draw_receptive_field(ax, layers), receptive_data.receptive_view(layers)
        assert (info["canvas"], info["start"], info["field"], info["measured"], info["jump"]) == (
            view["canvas"], view["start"], view["field"], view["measured"], view["jump"]
        )
    plt.close(fig)


def test_path_counts_rejects_bad_arguments():
    with pytest.raises(ValueError, match="pixel"):
        receptive_data.path_counts([(3, 1)], 5, 3)
    with pytest.raises(ValueError, match="size"):
        receptive_data.path_counts([(3, 1)], 0, 0)
