"""The built book: a clean build with no warning, every page present, and every page working
offline in a real browser (Chromium driven by Playwright)."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlparse

from tests import browser
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


def check_pages_offline_on_desktop_and_phone(site, files: list[str], report: str) -> None:
    """Open each page at desktop and phone width with the network cut: no fault, within budget.

    One browser context per width, a new tab per page. With ``CONVLAB_SCREENSHOTS=1`` each
    page's screenshot is saved under ``_build/screenshots`` (for a person to look at; no test
    reads them).
    """
    base, chromium = site
    screenshots = bool(os.environ.get("CONVLAB_SCREENSHOTS"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems, weights = [], []
    for name, viewport in (("desktop", browser.DESKTOP), ("phone", browser.PHONE)):
        context = chromium.new_context(viewport=viewport)
        for file in files:
            page = context.new_page()
            visit = browser.watch(page, base)
            page.goto(base + file + ".html", wait_until="load")
            if screenshots:
                page.screenshot(path=str(SCREENSHOTS / f"{file.replace('/', '-')}-{name}.png"))
            if name == "desktop":
                weight = browser.page_weight(page)
                weights.append((weight, file))
                problems += [f"{file}: raw math {m!r}" for m in browser.raw_math(page)]
                problems += [f"{file}: {dead} does not change" for dead in browser.operate_animations(page)]
                if weight > PAGE_BUDGET:
                    problems.append(f"{file}: weighs {weight / 1e6:.2f} MB")
            else:
                overflow = browser.horizontal_overflow(page)
                if overflow > 0:
                    problems.append(f"{file}: {overflow} px of horizontal scrolling at 390 px")
            problems += [f"{file} ({name}): page error {e}" for e in visit.errors]
            problems += [f"{file} ({name}): request outside the book {u}" for u in visit.blocked]
            problems += [f"{file} ({name}): missing {m}" for m in visit.missing]
            page.close()
        context.close()
    text = "\n".join(f"{size / 1e6:6.2f} MB  {file}" for size, file in sorted(weights, reverse=True)[:10])
    (SCREENSHOTS / f"page-weights-{report}.txt").write_text(text + "\n")
    print("heaviest pages:\n" + text)
    assert problems == [], "\n".join(problems)


# Two classes, so that the two xdist workers (``--dist loadscope``) share the pages.
class TestEvenPages:
    def test_every_page_works_offline_on_desktop_and_phone(self, site):
        check_pages_offline_on_desktop_and_phone(site, toc_files()[0::2], "even")


class TestOddPages:
    def test_every_page_works_offline_on_desktop_and_phone(self, site):
        check_pages_offline_on_desktop_and_phone(site, toc_files()[1::2], "odd")


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
    (tmp_path / "bad.html").write_text(
        '<html><body><main><p>Raw math: $x^2$ and \\\\(y\\\\)</p>'
        '<div style="width: 900px">wide</div>'
        '<img src="missing.png"><script src="https://cdn.example.org/lib.js"></script>'
        "<script>undefinedFunction()</script></main></body></html>"
    )
    with browser.serve(tmp_path) as base:
        page, visit = browser.open_page(chromium, base, browser.PHONE)
        page.goto(base + "bad.html", wait_until="load")
        assert any("cdn.example.org" in url for url in visit.blocked)
        assert any("missing.png" in url for url in visit.missing)
        assert any("undefinedFunction" in error for error in visit.errors)
        assert len(browser.raw_math(page)) == 2
        assert browser.horizontal_overflow(page) > 0
        assert browser.page_weight(page) > 0
        page.context.close()
