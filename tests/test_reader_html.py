"""The book as a reader sees it: no build path, errors rewritten for a learner, the course download
and the live explorers, checked in the built HTML and in headless Chromium. (Every page's errors,
equations, players, claims and icons are measured by the page pass of tests/test_book.py; the
checks it applies are in tests/page_checks.py and shown to fail here.)"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests import browser, page_checks
from tests.book_fixtures import ROOT, toc_files

BUILD_PATHS = ("site-packages", "/tmp/", "/root/", "/home/", str(ROOT))


def page_text(page_html: str) -> str:
    """Everything a reader could see or unfold (folded frames included), tags removed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page_html, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def build_paths_in(text: str) -> list[str]:
    return [path for path in BUILD_PATHS if path in text]


def test_no_page_shows_a_build_path(built_book):
    found = []
    for page in sorted(built_book.rglob("*.html")):
        found += [f"{page.relative_to(built_book)}: {p}" for p in build_paths_in(page_text(page.read_text("utf-8")))]
    assert found == []


def test_the_reader_checks_can_fail(tmp_path, chromium):
    """A page with a cut error message, an unfolded traceback, a right-aligned equation and a build path."""
    long = "RuntimeError: " + "expected_input_with_four_channels_" * 8
    (tmp_path / "bad.html").write_text(
        '<html><body style="margin:0"><main style="width:390px">'
        f'<div class="course-error"><div class="course-error-message"><pre style="overflow-x:auto">{long}</pre></div>'
        "<details open><summary>frames</summary><pre>File x.py</pre></details></div>"
        '<div class="math" style="display:flex;flex-direction:row-reverse">'
        '<math display="block" style="margin:0"><mrow><mi>N</mi><mo>=</mo><mn>4</mn></mrow></math></div>'
        "<p>File /work/venv/lib/python3.11/site-packages/torch/nn/modules/conv.py</p></main></body></html>"
    )
    assert build_paths_in(page_text((tmp_path / "bad.html").read_text())) == ["site-packages"]
    with browser.serve(tmp_path) as base:
        page, _ = browser.open_page(chromium, base, browser.PHONE)
        page.goto(base + "bad.html", wait_until="load")
        assert len(page_checks.unreadable_errors(page.evaluate(page_checks.ERRORS_JS))) == 1
        assert len(page_checks.off_centre_equations(page.evaluate(page_checks.MATH_JS))) == 1
        page.context.close()


def test_the_error_rewriter_keeps_type_and_message_and_drops_paths():
    import sys

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from course_book.errors import split_traceback, strip_build_paths

    traceback = (
        "-" * 75 + "\nRuntimeError                              Traceback (most recent call last)\n"
        "Cell In[3], line 1\n----> 1 conv(x)\n\n"
        "File /srv/.venv/lib/python3.11/site-packages/torch/nn/modules/conv.py:548, in Conv2d.forward(self)\n"
        "File /tmp/ipykernel_77/123.py:2\n\n"
        "RuntimeError: expected input[1, 3, 8, 8] to have 4 channels,\nbut got 3 channels instead"
    )
    message, frames = split_traceback(strip_build_paths(traceback))
    assert message == "RuntimeError: expected input[1, 3, 8, 8] to have 4 channels,\nbut got 3 channels instead"
    assert "File torch/nn/modules/conv.py:548" in frames and "Cell In[3]" in frames
    assert build_paths_in(frames) == [] and "/srv" not in frames


def test_a_page_folds_the_same_library_frames_once():
    """Two errors of a page that go down the same library frames: only the first folds them."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from course_book.errors import readable_errors
    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    def traceback(cell: int, frame: str) -> nodes.literal_block:
        text = (
            "-" * 75 + "\nRuntimeError                              Traceback (most recent call last)\n"
            f"Cell In[{cell}], line 1\n----> 1 conv(x)\n\n{frame}\n\nRuntimeError: wrong channels"
        )
        return nodes.literal_block(text, text, classes=["output", "traceback"])

    conv = "File /v/lib/python3.11/site-packages/torch/nn/modules/conv.py:560, in Conv2d._conv_forward()"
    document = new_document("page", get_default_settings(Parser))
    document += [traceback(3, conv), traceback(4, conv), traceback(5, conv.replace("560", "548"))]
    readable_errors(None, document, "page")
    folded = [len(list(box.findall(nodes.raw))) > 0 for box in document.findall(nodes.container)]
    assert folded == [True, False, True]
    assert "the same library frames" in document.children[1].astext()


def notebook_pages() -> list[str]:
    return [f for f in toc_files() if (ROOT / f"{f}.ipynb").is_file()]


def test_every_notebook_page_and_the_setup_page_link_to_the_course_archive(built_book):
    archive = built_book / "convolution-from-the-notes.zip"
    assert archive.is_file()
    pages = notebook_pages() + ["book/setup"]
    assert len(pages) > 20
    unlinked = []
    for file in pages:
        page = built_book / f"{file}.html"
        hrefs = re.findall(r'<a class="course-download" href="([^"]+)"', page.read_text("utf-8"))
        if not any((page.parent / href).resolve() == archive.resolve() for href in hrefs):
            unlinked.append(file)
    assert unlinked == []


def test_the_course_archive_grades_an_exercise_from_an_empty_folder(built_book, tmp_path):
    """Unpack the archive into an empty folder and grade from there, with that folder's convlab."""
    with zipfile.ZipFile(built_book / "convolution-from-the-notes.zip") as archive:
        archive.extractall(tmp_path)
    course = tmp_path / "convolution-from-the-notes"
    for needed in ("README.md", "requirements.txt", "pyproject.toml", "convlab/grade.py", "chapters", "exercises"):
        assert (course / needed).exists(), needed
    assert sorted(p.name for p in (course / "chapters").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "chapters").glob("*.ipynb")
    )
    env = {**os.environ, "PYTHONPATH": str(course)}
    where = subprocess.run(
        [sys.executable, "-c", "import convlab; print(convlab.__file__)"], cwd=course, env=env,
        capture_output=True, text=True, check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(course)  # the archive's package, not the clone's
    name = "01-why-not-fully-connected.ipynb"
    graded = subprocess.run(
        [sys.executable, "-m", "convlab.grade", f"exercises/{name}", f"solutions/{name}", "--json"],
        cwd=course, env=env, capture_output=True, text=True, timeout=600,
    )
    assert graded.returncode == 0, graded.stderr[-2000:]
    report = json.loads(graded.stdout)
    scores = {Path(nb["path"]).parent.name: (nb["score"], nb["max_score"]) for nb in report["notebooks"]}
    assert scores["exercises"][0] == 0 and scores["exercises"][1] > 0  # as a learner gets it: nothing done yet
    assert scores["solutions"][0] == scores["solutions"][1] > 0  # solved: full marks


EXPLORER_PAGES = ("chapters/03-padding", "chapters/04-stride-and-output-size")
SLIDER_RANGES = {"W": (1, 12), "H": (1, 12), "F": (1, 7), "F_h": (1, 7), "P": (0, 4), "S": (1, 5), "D": (1, 3)}

# Moves the sliders that are not already at their value (each move redraws the explorer).
_SET_JS = """([root, values]) => { for (const [key, value] of Object.entries(values)) {
    const slider = root.querySelector(`input[data-key="${key}"]`);
    if (+slider.value === value) continue;
    slider.value = value; slider.dispatchEvent(new Event('input', {bubbles: true})); } }"""
# What the explorer drew: output cells (rows, columns), window dots, the coverage numbers, the text.
_DRAWN_JS = """root => {
    const cells = [...root.querySelectorAll('svg.cx-output rect.cx-out')];
    const distinct = attr => new Set(cells.map(c => c.getAttribute(attr))).size;
    const coverage = [...root.querySelectorAll('svg.cx-coverage text')].map(t => +t.textContent);
    return {rows: distinct('data-row'), cols: distinct('data-col'), cells: cells.length,
            dots: root.querySelectorAll('svg.cx-input circle.cx-dot').length, coverage,
            shown: !root.querySelector('.cx-panels').hidden, text: root.querySelector('.cx-text').textContent,
            label: root.querySelector('.cx-label').textContent,
            announce: root.querySelector('[aria-live=polite]').textContent,
            picture: root.querySelector('.cx-panels').innerHTML};
}"""


def expected_view(values: dict) -> dict:
    """What convlab says the explorer shows for slider ``values`` (None sizes: impossible)."""
    from convlab.arith import conv_output_size, output_size_formula
    from convlab.coverage import coverage_map
    from convlab.explorers.output_size import announcement

    axes = {"height": (values["H"], values["F_h"]), "width": (values["W"], values["F"])}
    sizes, formulas = {}, {}
    for axis, (n, k) in axes.items():
        formulas[axis] = output_size_formula(n, k, values["S"], values["P"], values["D"])
        try:
            sizes[axis] = conv_output_size(n, k, values["S"], values["P"], values["D"])
        except ValueError:
            sizes[axis] = None
    possible = None not in sizes.values()
    coverage = (
        coverage_map((values["H"], values["W"]), (values["F_h"], values["F"]), values["S"], values["P"], values["D"])
        if possible
        else None
    )
    said = announcement((values["H"], values["W"]), (values["F_h"], values["F"]), values["S"], values["P"], values["D"])
    return {"sizes": sizes, "formulas": formulas, "possible": possible, "coverage": coverage, "announce": said}


def jupyter_report(values: dict) -> list[str]:
    """The explorer's printed report in Jupyter for slider ``values``, without its nn.Conv2d line."""
    from convlab.viz import output_size as explorer

    setting = explorer.Setting.make(
        (values["H"], values["W"]), (values["F_h"], values["F"]), values["S"], values["P"], values["D"]
    )
    lines = explorer.describe(setting).text.splitlines()
    return lines[:-1] + [lines[-1].split(";")[0]] if not lines[-1].startswith("nn.Conv2d") else lines[:-1]


def explorer_mismatches(drawn: dict, values: dict) -> list[str]:
    want = expected_view(values)
    problems = []
    shown = [drawn.get("label", "")] + drawn["text"].splitlines()
    if shown != jupyter_report(values):
        problems.append(f"{values}: the text {shown} differs from Jupyter's {jupyter_report(values)}")
    if drawn["announce"] != want["announce"]:
        problems.append(f"{values}: announced {drawn['announce']!r}, convlab says {want['announce']!r}")
    for axis, formula in want["formulas"].items():
        if formula not in drawn["text"]:
            problems.append(f"{values}: {axis} formula {formula!r} not shown")
    if not want["possible"]:
        if drawn["shown"] or "Impossible setting" not in drawn["text"]:
            problems.append(f"{values}: impossible, but drawn as possible")
        return problems
    h, w = want["sizes"]["height"], want["sizes"]["width"]
    if (drawn["rows"], drawn["cols"], drawn["cells"], drawn["dots"]) != (h, w, h * w, h * w):
        problems.append(f"{values}: drew {drawn['rows']}×{drawn['cols']} ({drawn['dots']} windows), convlab: {h}×{w}")
    if f"output {h}×{w}" not in drawn["text"] or not drawn["shown"]:
        problems.append(f"{values}: output {h}×{w} not stated")
    if drawn["coverage"] != want["coverage"].ravel().tolist():
        problems.append(f"{values}: coverage {drawn['coverage']} is not convlab's")
    return problems


def sample_settings(count: int, seed: int = 17) -> list[dict]:
    import random

    rng = random.Random(seed)
    samples = [{key: rng.randint(*span) for key, span in SLIDER_RANGES.items()} for _ in range(count)]
    for end in (0, 1):  # every slider at its low end, then at its high end
        samples.append({key: span[end] for key, span in SLIDER_RANGES.items()})
    return samples


@pytest.mark.parametrize("file", EXPLORER_PAGES)
def test_every_explorer_slider_is_live_and_sizes_agree_with_convlab(site, phone_tab, file):
    base, _ = site
    page = phone_tab
    with browser.watching(page, base) as visit:
        page.goto(base + file + ".html", wait_until="load")
        check_explorer_page(page, visit)


def check_explorer_page(page, visit) -> None:
    roots = page.locator(".course-explorer")
    assert roots.count() == 1
    root = roots.first.element_handle()
    sliders = {s.get_attribute("data-key"): s for s in roots.first.locator("input[type=range]").all()}
    assert sorted(sliders) == sorted(SLIDER_RANGES)
    for key, (low, high) in SLIDER_RANGES.items():  # the sliders' ranges are the Jupyter explorer's
        assert (int(sliders[key].get_attribute("min")), int(sliders[key].get_attribute("max"))) == (low, high)
    assert_labelled_and_announced(roots.first)

    # Every slider changes the drawing (from a setting where each of them can move both ways).
    middle = {"W": 7, "H": 6, "F": 3, "F_h": 2, "P": 1, "S": 2, "D": 1}
    page.evaluate(_SET_JS, [root, middle])
    dead = []
    for key in SLIDER_RANGES:
        before = page.evaluate(_DRAWN_JS, root)
        page.evaluate(_SET_JS, [root, {key: middle[key] + 1}])
        after = page.evaluate(_DRAWN_JS, root)
        if after["picture"] == before["picture"] or after["text"] == before["text"]:
            dead.append(key)
        if after["announce"] != expected_view({**middle, key: middle[key] + 1})["announce"]:
            dead.append(f"{key}: announced {after['announce']!r}")
        page.evaluate(_SET_JS, [root, {key: middle[key]}])
    assert dead == []

    problems = []
    for values in sample_settings(40):
        page.evaluate(_SET_JS, [root, values])
        problems += explorer_mismatches(page.evaluate(_DRAWN_JS, root), values)
    assert problems == []
    assert browser.horizontal_overflow(page) <= 0
    assert visit.errors == [] and visit.blocked == [] and visit.missing == []


def test_the_explorer_check_can_fail():
    """A drawing one row short, or claiming an impossible setting is possible, is caught."""
    values = {"W": 7, "H": 7, "F": 3, "F_h": 3, "P": 0, "S": 2, "D": 1}
    report = jupyter_report(values)
    right = {"rows": 3, "cols": 3, "cells": 9, "dots": 9, "shown": True, "label": report[0],
             "coverage": expected_view(values)["coverage"].ravel().tolist(), "text": "\n".join(report[1:]),
             "announce": "output 3 by 3; 0 of 49 input pixels never read"}
    assert explorer_mismatches(right, values) == []
    assert explorer_mismatches({**right, "announce": "output 3 by 3; 1 of 49 input pixels never read"}, values)
    assert explorer_mismatches({**right, "rows": 2, "cells": 6, "dots": 6}, values)
    assert explorer_mismatches({**right, "coverage": [right["coverage"][0] + 1] + right["coverage"][1:]}, values)
    impossible = {**values, "F": 7, "D": 3}
    assert explorer_mismatches({**right, "text": "\n".join(expected_view(impossible)["formulas"].values())}, impossible)
    assert explorer_mismatches({**right, "text": right["text"].replace("notes", "the notes")}, values)


_CONTROLS_JS = """root => [...root.querySelectorAll('input')].map(i => ({
    key: i.dataset.key, type: i.type, label: (i.getAttribute('aria-label') || '').trim()}))"""


def assert_labelled_and_announced(root) -> None:
    """Every control of an explorer has a label, and the explorer has one polite live region."""
    controls = root.evaluate(_CONTROLS_JS)
    assert controls and all(c["type"] == "range" and c["label"] for c in controls), controls
    assert root.locator("[aria-live=polite]").count() == 1


RECEPTIVE_PAGE = "chapters/06-parameter-sharing-and-receptive-fields"
_RECEPTIVE_JS = """root => { const canvas = root.querySelector('canvas');
    return {field: +root.dataset.field, measured: +root.dataset.measured, jump: +root.dataset.jump,
            caption: root.querySelector('figcaption').textContent,
            announce: root.querySelector('[aria-live=polite]').textContent,
            disabled: [...root.querySelectorAll('input:disabled')].map(i => i.dataset.key),
            label: root.querySelector('.cx-label').textContent, pixels: canvas.toDataURL()}; }"""


def receptive_setting(layers: list[tuple[int, int, int]], depth_shown: int = 3) -> dict:
    """The sliders' values for a stack (layers beyond it keep stride 1 and dilation 1)."""
    values = {"depth": len(layers), "kernel_size": layers[0][0]}
    for i in range(depth_shown):
        stride, dilation = layers[i][1:] if i < len(layers) else (1, 1)
        values |= {f"stride_{i + 1}": stride, f"dilation_{i + 1}": dilation}
    return values


def receptive_mismatches(drawn: dict, layers) -> list[str]:
    """What differs between the drawing and convlab's view of ``layers``."""
    from convlab.explorers.receptive import announcement, receptive_view
    from convlab.viz.receptive import describe_stack

    view = receptive_view(layers)
    want = {"field": view["field"], "measured": view["measured"], "jump": view["jump"],
            "announce": announcement(layers), "label": describe_stack(layers)}
    got = {key: drawn[key] for key in want}
    title = f"field {view['field']}×{view['field']} (measured {view['measured']}×{view['measured']})"
    problems = [f"{layers}: drew {got}, convlab: {want}"] if got != want else []
    if title not in drawn["caption"]:
        problems.append(f"{layers}: caption {drawn['caption']!r} lacks {title!r}")
    return problems


def test_every_receptive_field_slider_is_live_and_agrees_with_convlab(site, phone_tab):
    """Every control moves the drawing; sampled settings show convlab's field, jump and words."""
    base, _ = site
    page = phone_tab
    with browser.watching(page, base) as visit:
        page.goto(base + RECEPTIVE_PAGE + ".html", wait_until="load")
        check_receptive_page(page, visit)


def check_receptive_page(page, visit) -> None:
    import random

    from convlab.explorers.receptive import RANGES, settings

    roots = page.locator(".course-receptive")
    assert roots.count() == 1
    root = roots.first.element_handle()
    assert_labelled_and_announced(roots.first)
    keys = [c["key"] for c in roots.first.evaluate(_CONTROLS_JS)]
    assert keys == ["depth", "kernel_size"] + [f"{name}_{i}" for i in (1, 2, 3) for name in ("stride", "dilation")]

    # Every control changes the drawing and the words, from a three-layer stack where each can move.
    middle = [(3, 2, 1), (3, 1, 2), (3, 1, 1)]
    page.evaluate(_SET_JS, [root, receptive_setting(middle)])
    dead = []
    for key in keys:
        before = page.evaluate(_RECEPTIVE_JS, root)
        value = {"depth": 2, "kernel_size": 5}.get(key, 3)
        page.evaluate(_SET_JS, [root, {key: value}])
        after = page.evaluate(_RECEPTIVE_JS, root)
        if after["pixels"] == before["pixels"] or after["announce"] == before["announce"]:
            dead.append(key)
        page.evaluate(_SET_JS, [root, receptive_setting(middle)])
    assert dead == []

    # A shallower stack greys out the deeper layers' sliders.
    page.evaluate(_SET_JS, [root, {"depth": 1}])
    greyed = page.evaluate(_RECEPTIVE_JS, root)["disabled"]
    assert greyed == [f"{name}_{i}" for i in (2, 3) for name in ("stride", "dilation")]

    # By keyboard alone: Tab from the kernel slider to the first stride, then an arrow key.
    page.evaluate(_SET_JS, [root, receptive_setting(middle)])
    page.locator('.course-receptive input[data-key="kernel_size"]').focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.dataset.key, getComputedStyle(document.activeElement)"
                            ".outlineStyle]")
    assert focused == ["stride_1", "solid"]  # the focus is visible
    page.keyboard.press("ArrowRight")
    assert page.evaluate(_RECEPTIVE_JS, root)["jump"] == 3  # 3×3 s3, s1, s1

    every = [layers for depth in RANGES["depth"] for _, layers in settings(depth)]
    problems = []
    for layers in [middle, *random.Random(4).sample(every, 30)]:
        page.evaluate(_SET_JS, [root, receptive_setting(layers)])
        problems += receptive_mismatches(page.evaluate(_RECEPTIVE_JS, root), layers)
    assert problems == []
    assert browser.horizontal_overflow(page) <= 0
    assert visit.errors == [] and visit.blocked == [] and visit.missing == []


def test_the_receptive_check_can_fail():
    from convlab.explorers.receptive import announcement

    layers = [(3, 2, 1), (3, 1, 1)]
    right = {"field": 7, "measured": 7, "jump": 2, "announce": announcement(layers), "label": "3×3 s2, then 3×3 s1",
             "caption": "field 7×7 (measured 7×7), on a 15×15 input"}
    assert receptive_mismatches(right, layers) == []
    assert receptive_mismatches({**right, "jump": 1}, layers)
    assert receptive_mismatches({**right, "label": "3×3 s1, then 3×3 s2"}, layers)
    assert receptive_mismatches({**right, "caption": "field 5×5 (measured 5×5)"}, layers)
