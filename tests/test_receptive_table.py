"""The receptive-field explorer's table for the HTML book agrees with autograd and the formula."""

from __future__ import annotations

import json
from itertools import product

import numpy as np
import pytest
import torch

from convlab import receptive_table
from convlab.arith import receptive_field
from convlab.models import conv_stack
from convlab.probes import bounding_box, dependence_map


@pytest.mark.parametrize("setting", list(product(*receptive_table.RANGES.values())))
def test_every_setting_matches_autograd(setting):
    depth, kernel_size, stride = setting
    view = receptive_table.receptive_view(depth, kernel_size, stride)
    layers = [(kernel_size, stride)] * depth
    assert view["field"] == receptive_field(layers) and view["canvas"] == view["field"] + 6
    canvas, pixel = view["canvas"], view["pixel"]
    measured = dependence_map(conv_stack(layers), torch.zeros(1, 1, canvas, canvas), (pixel, pixel))
    assert np.array_equal(measured.numpy(), np.outer(view["counts"], view["counts"]))
    assert bounding_box(measured)[2:] == (view["measured"], view["measured"])


def test_the_table_decodes_to_the_views():
    data = json.loads(receptive_table.table_json())
    assert len(data["views"]) == 5 * 4 * 3
    for key, (canvas, start, field, measured, shades) in data["views"].items():
        view = receptive_table.receptive_view(*map(int, key.split(",")))
        assert (canvas, start, field, measured) == (view["canvas"], view["start"], view["field"], view["measured"])
        levels = np.array([data["digits"].index(c) for c in shades])
        assert np.array_equal(levels > 0, view["counts"] > 0)  # every pixel with a path is shaded
        assert levels.max() == data["levels"]
    assert len(receptive_table.table_json()) < 20_000


def test_path_counts_rejects_bad_arguments():
    with pytest.raises(ValueError, match="pixel"):
        receptive_table.path_counts([(3, 1)], 5, 3)
    with pytest.raises(ValueError, match="size"):
        receptive_table.path_counts([(3, 1)], 0, 0)
