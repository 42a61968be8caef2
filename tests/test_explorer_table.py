"""The explorer's table for the HTML book agrees with convlab's maths, nn.Conv2d and the explorer."""

from __future__ import annotations

import json
from itertools import product

import numpy as np
import pytest
import torch

from convlab import explorer_table
from convlab.arith import conv_output_size
from convlab.coverage import coverage_map, real_pixels_per_window, window_starts
from convlab.viz import output_size as explorer

ALL = list(product(range(1, 13), range(1, 8), range(1, 6), range(0, 5), range(1, 4)))  # n, k, s, p, d


def decode(data: dict, n: int, k: int, s: int, p: int, d: int) -> dict:
    """What the browser's lookup() returns, in Python."""
    values = {"size": n, "kernel_size": k, "padding": p, "stride": s, "dilation": d}
    index = 0
    for name in data["order"]:
        low, high = data["ranges"][name]
        index = index * (high - low + 1) + values[name] - low
    numbers = [data["digits"].index(c) for c in data["views"].split("|")[index]]
    out, top, notes = numbers[0], numbers[1] - data["top_offset"], numbers[2] * len(data["digits"]) + numbers[3]
    if out == 0:
        return {"out": 0, "top": top, "span": numbers[4], "padded": numbers[5], "notes": notes}
    rest = numbers[4:]
    return {"out": out, "top": top, "notes": notes, "starts": rest[:out], "real": rest[out : 2 * out],
            "coverage": rest[2 * out :]}


@pytest.fixture(scope="module")
def data():
    return json.loads(explorer_table.table_json())


def test_every_setting_decodes_to_convlabs_numbers(data):
    for n, k, s, p, d in ALL:
        got = decode(data, n, k, s, p, d)
        span = d * (k - 1) + 1
        assert got["top"] == n + 2 * p - span
        if span > n + 2 * p:
            assert got == {"out": 0, "top": n + 2 * p - span, "span": span, "padded": n + 2 * p, "notes": 0}
            with pytest.raises(ValueError):
                conv_output_size(n, k, s, p, d)
            continue
        assert got["out"] == conv_output_size(n, k, s, p, d)
        assert got["starts"] == window_starts(n, k, s, p, d)
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
        assert text == explorer.formula(n, k, s, p, d) == explorer_table.formula_text(n, k, s, p, d)
        if view["out"] and d == 1:
            notes = data["notes"].format(**values, notes=data["notes_values"][view["notes"] - 1])
            assert notes == explorer.notes_formula(n, k, s, p)
        else:
            assert view["notes"] == 0
        if not view["out"]:
            setting = explorer.Setting.make((n, 1), (k, 1), s, p, d)
            message = data["impossible"].format(**values, axis="height", span=view["span"], padded=view["padded"])
            assert message == explorer.describe(setting).message


def test_the_table_is_small():
    assert len(explorer_table.table_json().encode()) < 130_000


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="size"):
        explorer_table.axis_view(0, 3)
    with pytest.raises(TypeError, match="stride"):
        explorer_table.axis_view(5, 3, stride=1.5)
