"""convlab.explorers.grid: one frame per setting, looked up the same way in Python and in the JSON."""

from __future__ import annotations

import json

import pytest

from convlab.explorers.grid import Control, Frame, GridExplorer, Panel, enumerate_frames

CONTROLS = (Control("a", "a", (1, 2, 3), 2), Control("b", "b", ("x", "y"), "y", names=("ex", "why"), menu=True))


def _frame(a, b):
    return Frame((Panel(f"{a}{b}", ((a, -0.004), (None, 2.5)), digits=1, outlines=((0, 0, 1, 2),)),), f"{a} and {b}")


def test_frames_are_in_product_order_and_looked_up_by_setting():
    explorer = GridExplorer("t", CONTROLS, enumerate_frames(CONTROLS, _frame))
    assert [f.text for f in explorer.frames] == ["1 and x", "1 and y", "2 and x", "2 and y", "3 and x", "3 and y"]
    assert explorer.frame().text == "2 and y"  # the initial values
    assert explorer.frame(a=3, b="x").text == "3 and x"
    assert explorer.frames[explorer.index(a=1, b="y")].text == "1 and y"


def test_panels_round_their_values():
    panel = _frame(1, "x").panels[0]
    assert panel.values == ((1.0, 0.0), (None, 2.5))
    assert panel.text(2.5) == "2.5" and panel.text(None) == ""
    assert Panel("p", ((1.4, 2.6),)).values == ((1, 3),)


def test_the_json_holds_every_frame_and_each_distinct_panel_once():
    frames = enumerate_frames(CONTROLS, lambda a, b: Frame((Panel("same", ((1,),)), Panel(str(a), ((a,),))), b))
    data = json.loads(GridExplorer("t", CONTROLS, frames).to_json())
    assert [c["initial"] for c in data["controls"]] == [1, 1]  # indexes into values
    assert data["controls"][1]["names"] == ["ex", "why"] and data["controls"][1]["menu"] == 1
    assert len(data["panels"]) == 4  # "same" once, one per value of a
    fields = data["panel_fields"]
    for frame, row in zip(frames, data["frames"], strict=True):
        assert row[0] == frame.text
        shown = [dict(zip(fields, data["panels"][ref], strict=True)) for ref in row[1:]]
        want = [(p.title, [[None if v is None else round(v * 10**p.digits) for v in r] for r in p.values])
                for p in frame.panels]
        assert [(p["title"], p["values"]) for p in shown] == want


def test_the_json_cannot_close_its_script_element():
    frames = enumerate_frames(CONTROLS, lambda a, b: Frame((Panel("p", ((1,),)),), "</script><b>&"))
    text = GridExplorer("t", CONTROLS, frames).to_json()
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["frames"][0][0] == "</script><b>&"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Control("a", "a", (1, 2), 3), "initial value 3"),
        (lambda: Control("a", "a", (1, 2), 1, names=("one",)), "1 names for 2 values"),
        (lambda: Panel("p", ((1, 2), (3,))), "equal rows"),
        (lambda: Panel("p", ((1, 2),), kind="bars"), "one label per bar"),
        (lambda: Panel("p", ((1,),), colour="pink"), "colour must be one of"),
        (lambda: Panel("p", ((1,),), vmin=1, vmax=1), "vmax must exceed vmin"),
        (lambda: GridExplorer("t", CONTROLS, ()), "6 settings but 0 frames"),
        (lambda: GridExplorer("t", CONTROLS, enumerate_frames(CONTROLS, _frame)).frame(c=1), "unknown control"),
        (lambda: GridExplorer("t", CONTROLS, enumerate_frames(CONTROLS, _frame)).frame(a=9), "a must be one of"),
    ],
)
def test_bad_input_is_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()
