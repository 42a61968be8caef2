"""The grid explorers in the HTML book (book/_ext/course_book/grid_explorer.py): on every page that
has one, every setting of its controls draws the frame the built data holds and announces its
sentence, every control changes the drawing, and the keyboard moves a slider. One visit per page,
each explorer operated by one script evaluation (the whole page pass stays cheap)."""

from __future__ import annotations

import importlib
import itertools
import json

import pytest

from tests import browser
from tests.book_fixtures import ROOT

KEY = "html_grid_explorer"
TRAINS_A_MODEL = {"convlab.explorers.ch09_shift"}  # not built twice: tests/explorers test the builder


def explorer_pages() -> dict[str, list[tuple[str, str]]]:
    """Each chapter page with a grid explorer: the builders its cells name, each with the text that
    cell printed in the notebook (a sentence of the explorer the notebook built)."""
    pages = {}
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        builders = [(cell["metadata"][KEY], "".join("".join(o.get("text", "")) for o in cell["outputs"]).strip())
                    for cell in cells if KEY in cell["metadata"]]
        if builders:
            pages[f"chapters/{notebook.stem}"] = builders
    return pages


# Apply every setting in turn (each a list of value indexes, one per control) and record what is shown.
_OPERATE_JS = """([root, settings]) => {
    const inputs = [...root.querySelectorAll('.cgx-controls [data-key]')];
    const hash = text => { let h = 7; for (let i = 0; i < text.length; i++) { h = (h * 31 + text.charCodeAt(i)) | 0; }
                           return h; };
    return settings.map(setting => {
        setting.forEach((value, i) => {
            const input = inputs[i];
            if (+input.value === value) { return; }
            input.value = value;
            input.dispatchEvent(new Event(input.tagName === 'SELECT' ? 'change' : 'input', {bubbles: true}));
        });
        const svgs = [...root.querySelectorAll('.cgx-panels svg')];
        return {frame: +root.dataset.frame, status: root.querySelector('.cgx-status').textContent,
                live: root.querySelector('.cgx-status').getAttribute('aria-live'),
                titles: [...root.querySelectorAll('.cgx-panels figcaption')].map(f => f.textContent),
                labels: svgs.map(svg => svg.getAttribute('aria-label')),
                numbers: svgs.map(svg => [...svg.querySelectorAll('text:not(.cgx-legend)')].map(t => t.textContent)),
                bars: svgs.map(svg => svg.querySelectorAll('rect.cgx-bar').length),
                cells: svgs.map(svg => svg.querySelectorAll('rect.cgx-cell').length),
                legends: svgs.map(svg => svg.querySelector('rect.cgx-legend') !== null),
                picture: hash(root.querySelector('.cgx-panels').innerHTML)};
    });
}"""


def printed(panel: dict) -> list[str]:
    """The numbers a panel prints, as the data says (grid panels with ``numbers`` on)."""
    if panel["kind"] != "grid" or not panel["numbers"]:
        return []
    cells = [v / 10 ** panel["digits"] for row in panel["values"] for v in row if v is not None]
    return [f"{v:.{panel['digits']}f}".replace("-", "−") for v in cells]


def mismatches(data: dict, settings: list, shown: list[dict]) -> list[str]:
    problems = []
    for index, (setting, drawn) in enumerate(zip(settings, shown, strict=True)):
        text, *refs = data["frames"][index]
        panels = [dict(zip(data["panel_fields"], data["panels"][ref], strict=True)) for ref in refs]
        want = {
            "frame": index, "status": text, "live": "polite", "titles": [p["title"] for p in panels],
            "labels": [p["title"] for p in panels],
            "cells": [len(p["values"]) * len(p["values"][0]) if p["kind"] == "grid" else 0 for p in panels],
            "bars": [len(p["values"][0]) if p["kind"] == "bars" else 0 for p in panels],
            "legends": [bool(p["legend"]) for p in panels],
        }
        got = {key: drawn[key] for key in want}
        if got != want:
            problems.append(f"setting {setting}: shows {got}, the data says {want}")
        for panel, numbers in zip(panels, drawn["numbers"], strict=False):
            if panel["kind"] == "grid" and printed(panel) != numbers:
                problems.append(f"setting {setting}, {panel['title']!r}: prints {numbers}, the data {printed(panel)}")
    return problems


def dead_controls(data: dict, settings: list, shown: list[dict]) -> list[str]:
    """The controls that change neither drawing nor sentence, whatever the other controls' setting
    (chapter 5's seed changes only the random kernels: it counts as live)."""
    dead = []
    for i, control in enumerate(data["controls"]):
        seen: dict[tuple, set] = {}
        for setting, drawn in zip(settings, shown, strict=True):
            seen.setdefault(tuple(setting[:i] + setting[i + 1:]), set()).add((drawn["picture"], drawn["status"]))
        moved = [{picture for picture, _ in views} for views in seen.values()]
        said = [{status for _, status in views} for views in seen.values()]
        if not any(len(p) > 1 and len(t) > 1 for p, t in zip(moved, said, strict=True)):
            dead.append(control["name"])
    return dead


@pytest.mark.parametrize("file", sorted(explorer_pages()))
def test_every_setting_of_every_grid_explorer_draws_its_data(site, phone_tab, file):
    base, _ = site
    page = phone_tab
    builders = explorer_pages()[file]
    with browser.watching(page, base) as visit:
        page.goto(base + file + ".html", wait_until="load")
        roots = page.locator(".course-grid-explorer")
        assert roots.count() == len(builders)
        for number, (builder, printed_in_notebook) in enumerate(builders):
            root = roots.nth(number)
            data = json.loads(root.locator('script[type="application/json"]').text_content())
            if builder not in TRAINS_A_MODEL:
                assert data == importlib.import_module(builder).build().to_data()
            # the notebook's explorer (chapter 9's: the chapter's own trained networks) says what the book's says
            assert printed_in_notebook in {frame[0] for frame in data["frames"]}
            labels = root.locator(".cgx-controls label")
            assert labels.count() == len(data["controls"])
            for label in labels.all():  # each control has its label, bound by for= to a unique id
                assert page.locator(f"#{label.get_attribute('for')}").count() == 1
            settings = [list(s) for s in itertools.product(*(range(len(c["values"])) for c in data["controls"]))]
            shown = page.evaluate(_OPERATE_JS, [root.element_handle(), settings])
            assert mismatches(data, settings, shown) == []
            assert dead_controls(data, settings, shown) == []
        # The keyboard alone moves each control (a slider by an arrow key, a menu too), and the sentence follows.
        for root in roots.all():
            data = data_of(root)
            for control in root.locator(".cgx-controls [data-key]").all():
                page.evaluate(_OPERATE_JS, [root.element_handle(), [[0] * len(data["controls"])]])
                control.focus()
                page.keyboard.press("ArrowRight" if control.get_attribute("type") == "range" else "ArrowDown")
                index = int(root.get_attribute("data-frame"))
                assert index != 0 and root.locator(".cgx-status").text_content() == data["frames"][index][0]
        assert browser.horizontal_overflow(page) <= 0
    assert visit.errors == [] and visit.blocked == [] and visit.missing == []


def data_of(root) -> dict:
    return json.loads(root.locator('script[type="application/json"]').text_content())


def test_the_grid_explorer_check_can_fail():
    data = {"controls": [{"name": "a", "initial": 0, "values": [1, 2]}],
            "panel_fields": ["title", "kind", "numbers", "digits", "values", "legend"],
            "panels": [["p", "grid", 1, 0, [[1, -2]], 0], ["q", "grid", 1, 0, [[3, 4]], 0]],
            "frames": [["one", 0], ["two", 1]]}
    settings = [[0], [1]]
    right = [{"frame": k, "status": data["frames"][k][0], "live": "polite", "titles": [t], "labels": [t],
              "cells": [2], "bars": [0], "legends": [False], "numbers": [n], "picture": k}
             for k, (t, n) in enumerate((("p", ["1", "−2"]), ("q", ["3", "4"])))]
    assert mismatches(data, settings, right) == [] and dead_controls(data, settings, right) == []
    assert mismatches(data, settings, [right[0], {**right[1], "status": "one"}])  # the sentence not updated
    assert mismatches(data, settings, [right[0], {**right[1], "numbers": [["3", "5"]]}])  # a number drawn wrong
    assert mismatches(data, settings, [{**right[0], "live": None}, right[1]])  # not announced
    assert dead_controls(data, settings, [right[0], {**right[1], "picture": 0}]) == ["a"]
