"""The output-size explorer's table for the HTML book agrees with convlab's maths, nn.Conv2d and the explorer."""

from __future__ import annotations

import json
from itertools import product

import numpy as np
import pytest
import torch

from convlab.arith import conv_output_size, output_size_formula
from convlab.coverage import coverage_map, never_visited, real_pixels_per_window, window_starts
from convlab.explorers import output_size as explorer_data
from convlab.explorers.digits import decode as digits
from convlab.viz import output_size as explorer

ALL = list(product(range(1, 13), range(1, 8), range(1, 6), range(0, 5), range(1, 4)))  # n, k, s, p, d


def decode(data: dict, n: int, k: int, s: int, p: int, d: int) -> dict:
    """What the browser's lookup() returns, in Python."""
    values = {"size": n, "kernel_size": k, "padding": p, "stride": s, "dilation": d}
    index = 0
    for name in data["order"]:
        low, high = data["ranges"][name]
        index = index * (high - low + 1) + values[name] - low
    numbers = digits(data["list"][index])
    out, top, notes = numbers[0], numbers[1] - data["top_offset"], numbers[2] * len(data["digits"]) + numbers[3]
    view = {"out": out, "top": top, "notes": notes, "span": numbers[4], "padded": numbers[5], "centre2": numbers[6]}
    if out == 0:
        return view
    rest = numbers[data["head"] :]
    return {**view, "starts": rest[:out], "real": rest[out : 2 * out], "last": rest[2 * out : 2 * out + k],
            "coverage": rest[2 * out + k :]}


@pytest.fixture(scope="module")
def shipped():
    return explorer_data.table_json()


@pytest.fixture(scope="module")
def data(shipped):
    table = json.loads(shipped)
    return {**table, "list": table["views"].split("|")}  # as the script splits it, once


def test_every_setting_decodes_to_convlabs_numbers(data):
    for n, k, s, p, d in ALL:
        got = decode(data, n, k, s, p, d)
        span = d * (k - 1) + 1
        assert got["top"] == n + 2 * p - span
        assert (got["span"], got["padded"], got["centre2"]) == (span, n + 2 * p, d * (k - 1))
        if span > n + 2 * p:
            assert (got["out"], got["notes"]) == (0, 0)
            with pytest.raises(ValueError):
                conv_output_size(n, k, s, p, d)
            continue
        assert got["out"] == conv_output_size(n, k, s, p, d)
        assert got["starts"] == window_starts(n, k, s, p, d)
        assert got["last"] == list(range(got["starts"][-1], got["starts"][-1] + span, d))
        one_high = ((1, n), (1, k), (1, s), (0, p), (1, d))
        assert got["coverage"] == coverage_map(*one_high)[0].tolist()
        assert got["real"] == real_pixels_per_window(*one_high)[0].tolist()


@pytest.mark.parametrize("setting", [((5, 7), (3, 2), 1, 1, 1), ((12, 9), (7, 3), 2, 3, 2), ((6, 11), (2, 5), 5, 0, 2)])
def test_two_axes_make_the_2d_maps(data, setting):
    size, kernel, s, p, d = setting
    h, w = (decode(data, size[i], kernel[i], s, p, d) for i in (0, 1))
    assert (h["out"], w["out"]) == torch.nn.Conv2d(1, 1, kernel, s, p, d)(torch.zeros(1, 1, *size)).shape[-2:]
    assert np.array_equal(np.outer(h["coverage"], w["coverage"]), coverage_map(size, kernel, s, p, d))
    assert np.array_equal(np.outer(h["real"], w["real"]), real_pixels_per_window(size, kernel, s, p, d))


def test_formula_and_message_templates_write_what_the_explorer_writes(data):
    for n, k, s, p, d in ALL:
        view = decode(data, n, k, s, p, d)
        values = dict(size=n, kernel_size=k, stride=s, padding=p, dilation=d)
        ending = data["formula_end"]["possible" if view["out"] else "impossible"]
        text = (data["formula"] + ending).format(**values, top=view["top"], out=view["out"])
        assert text == explorer.formula(n, k, s, p, d) == output_size_formula(n, k, s, p, d)
        if view["out"] and d == 1:
            notes = data["notes"].format(**values, notes=data["notes_values"][view["notes"] - 1])
            assert notes == explorer.notes_formula(n, k, s, p)
        else:
            assert view["notes"] == 0
        if not view["out"]:
            setting = explorer.Setting.make((n, 1), (k, 1), s, p, d)
            message = data["impossible"].format(**values, axis="height", span=view["span"], padded=view["padded"])
            assert message == explorer.describe(setting).message


def test_the_announcement_is_what_the_script_fills_in(data):
    """The script fills the template with the output size and the never-read pixels it drew."""
    for size, kernel, s, p, d in [((5, 7), (3, 2), 2, 0, 1), ((12, 9), (7, 3), 5, 0, 1), ((2, 6), (5, 3), 1, 0, 1)]:
        h, w = (decode(data, size[i], kernel[i], s, p, d) for i in (0, 1))
        said = explorer_data.announcement(size, kernel, s, p, d)
        if not (h["out"] and w["out"]):
            axis = "height" if not h["out"] else "width"
            assert said == data["announce"]["impossible"].format(axis=axis)
            continue
        drawn = np.outer(h["coverage"], w["coverage"])
        assert int((drawn == 0).sum()) == never_visited(size, kernel, s, p, d)
        expected = data["announce"]["possible"].format(
            rows=h["out"], cols=w["out"], unread=int((drawn == 0).sum()), pixels=drawn.size
        )
        assert said == expected
    assert explorer_data.announcement(7, 3, stride=5) == "output 1 by 1; 40 of 49 input pixels never read"


def test_the_table_is_small(shipped):
    assert len(shipped.encode()) < 140_000


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="size"):
        explorer_data.axis_view(0, 3)
    with pytest.raises(TypeError, match="stride"):
        explorer_data.axis_view(5, 3, stride=1.5)


def test_the_notebooks_sliders_have_the_tables_ranges():
    ranges = {"W (width)": "size", "H (height)": "size", "F (width)": "kernel_size", "F (height)": "kernel_size",
              "P (padding)": "padding", "S (stride)": "stride", "D (dilation)": "dilation"}
    widget = explorer.output_size_widget()
    sliders = {control.description: (control.min, control.max) for control in widget.children[:-1]}
    assert sliders == {label: tuple(explorer_data.RANGES[name]) for label, name in ranges.items()}
