"""The built book: a clean build with no warning, every page present, and every page working
offline in a real browser (Chromium driven by Playwright)."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlparse

import pytest

from tests import browser, page_checks
from tests.book_fixtures import ROOT, toc_files

SCREENSHOTS = ROOT / "_build" / "screenshots"
PAGE_BUDGET = browser.PAGE_BUDGET  # bytes: a page and everything it loads


def test_every_toc_entry_has_a_page(built_book):
    missing = [f for f in toc_files() if not (built_book / f"{f}.html").is_file()]
    assert missing == [] and (built_book / "index.html").is_file()


def test_no_placeholder_and_no_dead_widget(built_book):
    for file in toc_files():
        html = (built_book / f"{file}.html").read_text(encoding="utf-8")
        assert "This page is being written" not in html, f"{file} is a placeholder"
        assert "application/vnd.jupyter.widget-view+json" not in html, f"{file} shows a live widget, dead in HTML"


def test_internal_links_resolve(built_book):
    broken = []
    for page in [built_book / f"{file}.html" for file in toc_files()] + [built_book / "genindex.html"]:
        for href in re.findall(r'href="([^"#?]+)[^"]*"', page.read_text(encoding="utf-8")):
            if urlparse(href).scheme or href.startswith("mailto:"):
                continue
            if not (page.parent / unquote(href)).resolve().exists():
                broken.append(f"{page.relative_to(built_book)} -> {href}")
    assert broken == []


WIDTHS = {"desktop": browser.DESKTOP, "phone": browser.PHONE}


def survey_pages(site, files: list[str]) -> dict[tuple[str, str], dict]:
    """Open each page once per width, offline, and measure what every page check needs.

    One browser context and tab per width, each page a fresh navigation; returns ``{(file, width): measured}``
    (see ``tests.page_checks.measure_page``), each with the page's ``visit`` (errors, requests
    outside the book, missing files), and at desktop width axe-core's verdict (``page_checks.run_axe``).
    With ``CONVLAB_SCREENSHOTS=1`` each page's screenshot is saved under ``_build/screenshots``
    for a person to look at (no test reads them).
    """
    base, chromium = site
    screenshots = bool(os.environ.get("CONVLAB_SCREENSHOTS"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    survey = {}
    for width, viewport in WIDTHS.items():
        context = chromium.new_context(viewport=viewport)
        page = context.new_page()  # one tab visits every page: a new tab per page costs 3× the CPU
        for file in files:
            with browser.watching(page, base) as visit:
                page.goto(base + file + ".html", wait_until="load")
                if screenshots:
                    page.screenshot(path=str(SCREENSHOTS / f"{file.replace('/', '-')}-{width}.png"))
                survey[file, width] = page_checks.measure_page(page, desktop=width == "desktop") | {"visit": visit}
            if width == "desktop":
                # Outside the visit's record: axe-core fetches the style sheets' @imports itself and
                # resolves them against the page, not the sheet (a 404 that is axe-core's, not the book's).
                survey[file, width]["axe"] = page_checks.run_axe(page)
        context.close()
    return survey


def in_html(built_book, files: list[str], mark: str) -> dict[str, int]:
    """Per page (twice: one per width), how often ``mark`` occurs in its built HTML."""
    counts = {file: (built_book / f"{file}.html").read_text(encoding="utf-8").count(mark) for file in files}
    return {(file, width): count for width in WIDTHS for file, count in counts.items()}


def seen(survey: dict, part: str) -> dict[tuple[str, str], int]:
    """Per page and width, how many things of ``part`` the survey measured (so no check passes on nothing)."""
    return {key: len(measured[part]) for key, measured in survey.items()}


class _EveryPage:
    """The checks every page of the book must pass, at desktop and phone width, offline.

    The pages are measured once (class fixture ``survey``); each test reads its part. Two
    subclasses share the pages out, so that the two xdist workers (``--dist loadscope``) each
    take half.
    """

    files: list[str]

    @pytest.fixture(scope="class")
    @classmethod
    def survey(cls, site):
        return survey_pages(site, cls.files)

    def test_no_page_error_and_nothing_from_outside_the_book(self, survey):
        problems = []
        for (file, width), measured in survey.items():
            visit = measured["visit"]
            problems += [f"{file} ({width}): page error {e}" for e in visit.errors]
            problems += [f"{file} ({width}): request outside the book {u}" for u in visit.blocked]
            problems += [f"{file} ({width}): missing {m}" for m in visit.missing]
        assert problems == []

    def test_every_page_within_its_weight_budget(self, survey):
        weights = sorted(((m["weight"], file) for (file, w), m in survey.items() if w == "desktop"), reverse=True)
        text = "\n".join(f"{size / 1e6:6.2f} MB  {file}" for size, file in weights[:10])
        (SCREENSHOTS / f"page-weights-{type(self).__name__}.txt").write_text(text + "\n")
        print("heaviest pages:\n" + text)
        assert [f"{file}: weighs {size / 1e6:.2f} MB" for size, file in weights if size > PAGE_BUDGET] == []

    def test_no_raw_math(self, survey):
        assert [f"{file}: {m!r}" for (file, w), d in survey.items() if w == "desktop" for m in d["raw_math"]] == []

    def test_every_player_moves(self, survey):
        assert [f"{file}: {p}" for (file, w), d in survey.items() if w == "desktop" for p in d["dead_players"]] == []

    def test_no_horizontal_scrolling_on_a_phone(self, survey):
        assert {file: d["overflow"] for (file, w), d in survey.items() if w == "phone" and d["overflow"] > 0} == {}

    def test_display_equations_are_centred(self, survey, built_book):
        assert seen(survey, "math") == in_html(built_book, self.files, '<div class="math notranslate')
        problems = [
            f"{file} ({width}): {problem}"
            for (file, width), measured in survey.items()
            for problem in page_checks.off_centre_equations(measured["math"])
        ]
        assert problems == []

    def test_every_intended_error_reads_in_full(self, survey):
        """Type and message in full, in the order of the cells, inside the screen, frames folded."""
        problems = []
        for (file, width), measured in survey.items():
            expected = page_checks.intended_errors(file)
            shown = [error["text"] for error in measured["errors"]]
            if shown != expected:
                problems.append(f"{file} ({width}): shows {shown}, the notebook raised {expected}")
            problems += [f"{file} ({width}): {e}" for e in page_checks.unreadable_errors(measured["errors"])]
        assert problems == []

    def test_the_text_in_every_player_frame_is_legible(self, survey, built_book):
        players = {key: {"players": m["players"]["players"]} for key, m in survey.items()}
        assert seen(players, "players") == in_html(built_book, self.files, 'class="animation"')
        problems = [
            f"{file} ({width}): {problem}"
            for (file, width), measured in survey.items()
            for problem in page_checks.illegible_players(measured["players"])
        ]
        assert problems == []

    def test_every_claim_label_is_visible(self, survey, built_book):
        assert seen(survey, "claims") == in_html(built_book, self.files, 'class="notes-claim"')
        problems = [
            f"{file} ({width}): {problem}"
            for (file, width), measured in survey.items()
            for problem in page_checks.hidden_claim_labels(measured["claims"], WIDTHS[width]["width"])
        ]
        assert problems == []

    def test_axe_core_finds_no_accessibility_violation(self, survey):
        """WCAG 2.0 and 2.1, A and AA, on every page at desktop width (``page_checks.run_axe``)."""
        ran = {file: m["axe"]["rules"] for (file, width), m in survey.items() if width == "desktop"}
        assert {file: rules for file, rules in ran.items() if rules < 40} == {}, "axe-core ran too few rules"
        problems = [
            f"{file}: {problem}"
            for (file, width), measured in survey.items()
            if width == "desktop"
            for problem in page_checks.accessibility_violations(measured["axe"])
        ]
        assert problems == [], "\n".join(problems)

    def test_no_literal_backslash_escape(self, survey):
        """A backslash typed to escape something (``\\_`` in a formula) never reaches the reader."""
        assert all(d["text"]["math"] or d["text"]["prose"] for (_, w), d in survey.items() if w == "desktop")
        problems = [
            f"{file}: {problem}"
            for (file, width), measured in survey.items()
            if width == "desktop"
            for problem in page_checks.literal_escapes(measured["text"])
        ]
        assert problems == []

    def test_no_chapter_page_is_too_long_to_read(self, survey):
        lengths = {file: d["text"]["length"] for (file, w), d in survey.items() if w == "desktop"}
        print("characters of text:", lengths)
        assert [p for file, n in lengths.items() for p in page_checks.overlong_chapter(file, {"length": n})] == []

    def test_every_icon_shown_is_in_the_cut_down_fonts(self, survey, built_book):
        assert sum(len(m["icons"]) for (_, width), m in survey.items() if width == "desktop") > 5 * len(self.files)
        missing = [
            f"{file}: {problem}"
            for (file, width), measured in survey.items()
            if width == "desktop"
            for problem in page_checks.icons_missing_from_fonts(measured["icons"], built_book)
        ]
        assert missing == []


class TestEvenPages(_EveryPage):
    files = toc_files()[0::2]


class TestOddPages(_EveryPage):
    files = toc_files()[1::2]


def test_theme_controls_change_the_page(site):
    base, chromium = site
    page, visit = browser.open_page(chromium, base, browser.DESKTOP)
    page.goto(base + "chapters/04-stride-and-output-size.html", wait_until="load")
    before = page.evaluate("() => document.documentElement.dataset.theme")
    page.locator("button.theme-switch-button").first.click()
    assert page.evaluate("() => document.documentElement.dataset.theme") != before
    page.locator("button.search-button-field, button.search-button").first.click()
    assert page.locator("#pst-search-dialog, .search-button__wrapper.show").first.is_visible()
    page.keyboard.press("Escape")
    toggle = page.locator("button.primary-toggle, label.primary-toggle").first
    if toggle.is_visible():
        toggle.click()
    assert visit.errors == [] and visit.blocked == []
    page.context.close()


def test_search_finds_the_stride_chapter(site):
    base, chromium = site
    page, visit = browser.open_page(chromium, base, browser.DESKTOP)
    page.goto(base + "search.html?q=stride", wait_until="load")
    page.wait_for_selector("#search-results li a", timeout=15_000)
    links = page.locator("#search-results li a").evaluate_all("links => links.map(a => a.href)")
    assert any("chapters/04-stride-and-output-size.html" in link for link in links), links
    assert visit.errors == [] and visit.blocked == []
    page.context.close()


def test_the_browser_checks_can_fail(tmp_path, chromium):
    """A page with every fault the checks look for: each one is caught."""
    html = (
        '<html><body><main><p>Raw math: $x^2$ and \\\\(y\\\\)</p>'
        '<div style="width: 900px">wide</div>'
        '<img src="missing.png"><script src="https://cdn.example.org/lib.js"></script>'
        "<script>undefinedFunction()</script></main></body></html>"
    )
    with browser.planted_page(chromium, tmp_path, html, browser.PHONE) as (page, visit):
        assert any("cdn.example.org" in url for url in visit.blocked)
        assert any("missing.png" in url for url in visit.missing)
        assert any("undefinedFunction" in error for error in visit.errors)
        assert len(browser.raw_math(page)) == 2
        assert browser.horizontal_overflow(page) > 0
        assert browser.page_weight(page) > 0


def test_the_text_checks_can_fail(tmp_path, chromium):
    """A chapter page too long to read, with escapes typed in a formula and in prose: each is caught."""
    long = "<p>" + "word " * 6_100 + "</p>"
    html = (
        "<html><body><article><p>Set \\{padding\\} and <code>x\\n</code> (code may).</p>"
        f"<math><mtext>output\\_padding</mtext></math>{long}</article></body></html>"
    )
    with browser.planted_page(chromium, tmp_path, html, browser.DESKTOP) as (page, _):
        text = page.evaluate(page_checks.TEXT_JS)
    escapes = page_checks.literal_escapes(text)
    assert len(escapes) == 3 and escapes[0].startswith("prose") and escapes[-1].startswith("formula"), escapes
    assert "output\\_padding" in escapes[-1]
    assert page_checks.overlong_chapter("chapters/99-bad", text) != []
    assert page_checks.overlong_chapter("book/bad", text) == []  # the limit is for chapter pages
