"""The book as a reader sees it: readable errors, centred equations, the course download and the
live explorer, checked in the built HTML and in headless Chromium."""

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

from tests import browser
from tests.book_fixtures import ROOT, toc_files

BUILD_PATHS = ("site-packages", "/tmp/", "/root/", "/home/", str(ROOT))
# Bytes a page with an explorer may load, everything included: every page's budget (test_book).
EXPLORER_PAGE_BUDGET = browser.PAGE_BUDGET
# The chapters whose notebooks hold an intended error (a raises-exception cell that raised).
ERROR_CHAPTERS = tuple(
    path.stem
    for path in sorted((ROOT / "chapters").glob("*.ipynb"))
    if all(mark in path.read_text(encoding="utf-8") for mark in ('"raises-exception"', '"output_type": "error"'))
)


def page_text(page_html: str) -> str:
    """Everything a reader could see or unfold (folded frames included), tags removed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page_html, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def intended_errors(chapter: str) -> list[str]:
    """``Type: message`` of each error a ``raises-exception`` cell of ``chapter`` stores."""
    notebook = json.loads((ROOT / "chapters" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    return [
        f"{output['ename']}: {output['evalue']}"
        for cell in notebook["cells"]
        if "raises-exception" in cell.get("metadata", {}).get("tags", [])
        for output in cell.get("outputs", [])
        if output["output_type"] == "error"
    ]


def build_paths_in(text: str) -> list[str]:
    return [path for path in BUILD_PATHS if path in text]


def test_no_page_shows_a_build_path(built_book):
    found = []
    for page in sorted(built_book.rglob("*.html")):
        found += [f"{page.relative_to(built_book)}: {p}" for p in build_paths_in(page_text(page.read_text("utf-8")))]
    assert found == []


# Per error message: its box, whether its text fits its width, and whether its box lies in the viewport.
_ERRORS_JS = """() => [...document.querySelectorAll('.course-error .course-error-message pre')].map(pre => {
    const box = pre.getBoundingClientRect();
    const frames = pre.closest('.course-error').querySelector('details');
    return {text: pre.innerText.trim(), fits: pre.scrollWidth <= pre.clientWidth + 1,
            inside: box.left >= 0 && box.right <= window.innerWidth + 0.5 && box.width > 0,
            folded: frames === null || !frames.open};
})"""


def unreadable_errors(page) -> list[str]:
    """Error messages a reader cannot read in full at this width (cut or outside the screen)."""
    return [e["text"][:60] for e in page.evaluate(_ERRORS_JS) if not (e["fits"] and e["inside"] and e["folded"])]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("chapter", ERROR_CHAPTERS)
def test_every_intended_error_reads_in_full(site, chapter, viewport):
    base, chromium = site
    expected = intended_errors(chapter)
    assert expected, f"{chapter} has no intended error: update ERROR_CHAPTERS"
    page, visit = browser.open_page(chromium, base, browser.PHONE if viewport == "phone" else browser.DESKTOP)
    page.goto(base + f"chapters/{chapter}.html", wait_until="load")
    shown = [e["text"] for e in page.evaluate(_ERRORS_JS)]
    assert shown == expected  # type and message in full, in the order of the cells
    assert unreadable_errors(page) == []
    assert page.locator(".course-error details[open]").count() == 0
    assert visit.errors == []
    page.context.close()


# Per display equation: the centre of the formula's ink and the centre of its column.
_MATH_JS = """() => [...document.querySelectorAll('div.math')].map(div => {
    const math = div.querySelector('math'), ink = (math.firstElementChild || math).getBoundingClientRect();
    const column = div.getBoundingClientRect();
    return {ink: (ink.left + ink.right) / 2, column: (column.left + column.right) / 2,
            fits: ink.width <= column.width};
})"""


def off_centre_equations(page, tolerance: float = 3) -> list[str]:
    return [
        f"equation {i}: centre {m['ink']:.0f} px, column centre {m['column']:.0f} px"
        for i, m in enumerate(page.evaluate(_MATH_JS))
        if m["fits"] and abs(m["ink"] - m["column"]) > tolerance
    ]


def test_display_equations_are_centred(site, built_book):
    base, chromium = site
    pages = [f for f in toc_files() if 'display="block"' in (built_book / f"{f}.html").read_text("utf-8")]
    assert pages, "no page has a display equation"
    problems = []
    for name, viewport in (("desktop", browser.DESKTOP), ("phone", browser.PHONE)):
        page, _ = browser.open_page(chromium, base, viewport)
        for file in pages:
            page.goto(base + file + ".html", wait_until="load")
            assert page.locator("div.math math").count() > 0
            problems += [f"{file} ({name}): {p}" for p in off_centre_equations(page)]
        page.context.close()
    assert problems == []


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
        assert len(unreadable_errors(page)) == 1
        assert len(off_centre_equations(page)) == 1
        page.context.close()


def test_the_error_rewriter_keeps_type_and_message_and_drops_paths():
    import sys

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from course_errors import split_traceback, strip_build_paths

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

_SET_JS = """([root, values]) => { for (const [key, value] of Object.entries(values)) {
    const slider = root.querySelector(`input[data-key="${key}"]`);
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
            picture: root.querySelector('.cx-panels').innerHTML};
}"""


def expected_view(values: dict) -> dict:
    """What convlab says the explorer shows for slider ``values`` (None sizes: impossible)."""
    from convlab.arith import conv_output_size
    from convlab.coverage import coverage_map
    from convlab.explorer_table import formula_text

    axes = {"height": (values["H"], values["F_h"]), "width": (values["W"], values["F"])}
    sizes, formulas = {}, {}
    for axis, (n, k) in axes.items():
        formulas[axis] = formula_text(n, k, values["S"], values["P"], values["D"])
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
    return {"sizes": sizes, "formulas": formulas, "possible": possible, "coverage": coverage}


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
def test_every_explorer_slider_is_live_and_sizes_agree_with_convlab(site, file):
    base, chromium = site
    page, visit = browser.open_page(chromium, base, browser.PHONE)
    page.goto(base + file + ".html", wait_until="load")
    roots = page.locator(".course-explorer")
    assert roots.count() == 1
    root = roots.first.element_handle()
    sliders = {s.get_attribute("data-key"): s for s in roots.first.locator("input[type=range]").all()}
    assert sorted(sliders) == sorted(SLIDER_RANGES)
    for key, (low, high) in SLIDER_RANGES.items():  # the sliders' ranges are the Jupyter explorer's
        assert (int(sliders[key].get_attribute("min")), int(sliders[key].get_attribute("max"))) == (low, high)

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
        page.evaluate(_SET_JS, [root, {key: middle[key]}])
    assert dead == []

    problems = []
    for values in sample_settings(40):
        page.evaluate(_SET_JS, [root, values])
        problems += explorer_mismatches(page.evaluate(_DRAWN_JS, root), values)
    assert problems == []
    assert browser.horizontal_overflow(page) <= 0
    assert visit.errors == [] and visit.blocked == [] and visit.missing == []
    page.context.close()


def test_the_explorer_check_can_fail():
    """A drawing one row short, or claiming an impossible setting is possible, is caught."""
    values = {"W": 7, "H": 7, "F": 3, "F_h": 3, "P": 0, "S": 2, "D": 1}
    report = jupyter_report(values)
    right = {"rows": 3, "cols": 3, "cells": 9, "dots": 9, "shown": True, "label": report[0],
             "coverage": expected_view(values)["coverage"].ravel().tolist(), "text": "\n".join(report[1:])}
    assert explorer_mismatches(right, values) == []
    assert explorer_mismatches({**right, "rows": 2, "cells": 6, "dots": 6}, values)
    assert explorer_mismatches({**right, "coverage": [right["coverage"][0] + 1] + right["coverage"][1:]}, values)
    impossible = {**values, "F": 7, "D": 3}
    assert explorer_mismatches({**right, "text": "\n".join(expected_view(impossible)["formulas"].values())}, impossible)
    assert explorer_mismatches({**right, "text": right["text"].replace("notes", "the notes")}, values)


def test_explorer_pages_stay_within_budget(site):
    base, chromium = site
    page, _ = browser.open_page(chromium, base, browser.DESKTOP)
    weights = {}
    for file in (*EXPLORER_PAGES, RECEPTIVE_PAGE):
        page.goto(base + file + ".html", wait_until="load")
        weights[file] = browser.page_weight(page)
    page.context.close()
    print("explorer pages:", {f: f"{w / 1e6:.2f} MB" for f, w in weights.items()})
    assert all(w <= EXPLORER_PAGE_BUDGET for w in weights.values()), weights


RECEPTIVE_PAGE = "chapters/06-parameter-sharing-and-receptive-fields"
_RECEPTIVE_JS = """root => { const canvas = root.querySelector('canvas');
    return {field: +root.dataset.field, measured: +root.dataset.measured,
            caption: root.querySelector('figcaption').textContent,
            label: root.querySelector('.cx-label').textContent, pixels: canvas.toDataURL()}; }"""


def test_every_receptive_field_slider_is_live_and_agrees_with_convlab(site):
    """Each of the 60 settings: the field drawn is the formula's, the measured one autograd's."""
    from itertools import product

    from convlab.arith import receptive_field
    from convlab.receptive_table import RANGES, receptive_view

    base, chromium = site
    page, visit = browser.open_page(chromium, base, browser.PHONE)
    page.goto(base + RECEPTIVE_PAGE + ".html", wait_until="load")
    roots = page.locator(".course-receptive")
    assert roots.count() == 1
    root = roots.first.element_handle()
    assert page.locator(".course-receptive input[type=range]").count() == 3
    page.evaluate(_SET_JS, [root, {"depth": 2, "kernel_size": 3, "stride": 1}])
    dead = []
    for key, value in (("depth", 3), ("kernel_size", 5), ("stride", 2)):
        before = page.evaluate(_RECEPTIVE_JS, root)
        page.evaluate(_SET_JS, [root, {key: value}])
        after = page.evaluate(_RECEPTIVE_JS, root)
        if after["pixels"] == before["pixels"] or after["caption"] == before["caption"]:
            dead.append(key)
    assert dead == []
    problems = []
    for depth, kernel_size, stride in product(*RANGES.values()):
        page.evaluate(_SET_JS, [root, {"depth": depth, "kernel_size": kernel_size, "stride": stride}])
        drawn = page.evaluate(_RECEPTIVE_JS, root)
        field = receptive_field([(kernel_size, stride)] * depth)
        layers = f"{depth} layer{'s' if depth > 1 else ''} of {kernel_size}×{kernel_size}, stride {stride}"
        measured = receptive_view(depth, kernel_size, stride)["measured"]  # autograd's (test_receptive_table)
        title = f"field {field}×{field} (measured {measured}×{measured})"
        if drawn["field"] != field or title not in drawn["caption"] or drawn["label"] != layers:
            problems.append(f"{layers}: drew {drawn['caption']!r}, expected {title!r}")
    assert problems == []
    assert browser.horizontal_overflow(page) <= 0
    assert visit.errors == [] and visit.blocked == [] and visit.missing == []
    page.context.close()


_ICONS_JS = """() => [...document.querySelectorAll('*')].flatMap(e => ['::before', '::after'].map(p => {
    const style = getComputedStyle(e, p);
    return [style.fontFamily, style.content, style.fontWeight];
})).filter(([family, content]) => /Font Awesome|Course Icons/.test(family) && /[\\ue000-\\uf8ff]/.test(content))"""


def test_every_icon_shown_is_in_the_cut_down_fonts(site, built_book):
    from fontTools.ttLib import TTFont

    webfonts = built_book / "_static" / "vendor" / "fontawesome" / "webfonts"
    cmaps = {name: set(TTFont(webfonts / f"{name}.course.woff").getBestCmap())
             for name in ("fa-solid-900", "fa-regular-400", "fa-brands-400")}
    assert (webfonts / "fa-solid-900.course.woff").stat().st_size < 20_000
    base, chromium = site
    page, visit = browser.open_page(chromium, base, browser.DESKTOP)
    missing, seen = [], 0
    for file in ("chapters/05-channels-and-kernels", "book/references", "book/glossary"):
        page.goto(base + file + ".html", wait_until="load")
        for family, content, weight in page.evaluate(_ICONS_JS):
            code = ord(content.strip('"')[0])
            font = "fa-brands-400" if "Brands" in family else "fa-solid-900" if weight == "900" else "fa-regular-400"
            seen += 1
            if code not in cmaps[font]:
                missing.append(f"{file}: U+{code:04X} ({family}, {weight}) not in {font}")
    assert seen > 5 and missing == []
    assert visit.missing == []
    page.context.close()
