"""The built book: a clean build with no warning, every page present, and every page working
offline in a real browser (Chromium driven by Playwright)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml
from filelock import FileLock

from tests import browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "_build" / "screenshots"
PAGE_BUDGET = 2_000_000  # bytes: a page and everything it loads


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [ch["file"] for part in toc["parts"] for ch in part["chapters"]]


def config_with_stored_outputs(folder: Path) -> Path:
    """``_config.yml`` with notebook execution off, written to ``folder``; returns its path.

    The suite's nbval pass already proves that every stored output equals a fresh run, so the
    book is built from the stored outputs instead of executing every notebook a second time.
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "off"
    extensions = config.get("sphinx", {}).get("local_extensions") or {}
    for name, path in extensions.items():  # Jupyter Book resolves these next to the config file
        extensions[name] = str(ROOT / path)
    path = folder / "_config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def built_book(tmp_path_factory, worker_id) -> Path:
    """A clean ``jupyter-book build . -W -n --keep-going`` into a fresh folder, from the
    notebooks' stored outputs (see :func:`config_with_stored_outputs`).

    Made once per test run: the first xdist worker that asks builds it under a file lock, and
    any other worker (or module) that asks later gets the same build, or the same failure.
    For working on these tests only, ``CONVLAB_BUILT_BOOK=path/to/_build/html`` reuses a build.
    """
    if os.environ.get("CONVLAB_BUILT_BOOK"):
        return Path(os.environ["CONVLAB_BUILT_BOOK"])
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # the folder all workers of this run share
    out, verdict = shared / "book", shared / "book-verdict.txt"
    with FileLock(str(shared / "book.lock")):
        if not verdict.exists():
            verdict.write_text(_build_book(out, shared / "book-config"), encoding="utf-8")
    problems = verdict.read_text(encoding="utf-8")
    assert problems == "", problems
    return out / "_build" / "html"


def _build_book(out: Path, config_folder: Path) -> str:
    """Build the book into ``out``; return its warnings (or the log's end on failure), "" if clean."""
    config_folder.mkdir(parents=True, exist_ok=True)
    config = config_with_stored_outputs(config_folder)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [jupyter_book, "build", str(ROOT), "--path-output", str(out), "--config", str(config)]
    command += ["-W", "-n", "--keep-going"]
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, timeout=900)
    print(f"clean book build: {time.perf_counter() - start:.0f} s")
    log = run.stdout + run.stderr
    # Sphinx's warnings, not the kernels' own start-up chatter ("[IPKernelApp] WARNING | ...").
    warnings = [line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL):", line)]
    if run.returncode == 0 and not warnings:
        return ""
    return "\n".join(warnings) or log[-3000:]


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


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (Playwright allows one sync session at a time)."""
    if not Path(browser.CHROMIUM).exists():
        message = f"the browser tests need Chromium at {browser.CHROMIUM} (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it in .ci/run: a missing browser is a broken CI
        pytest.skip(message)
    with browser.browser() as running:
        yield running


@pytest.fixture(scope="module")
def site(built_book, chromium):
    with browser.serve(built_book) as base:
        yield base, chromium


def check_pages_offline_on_desktop_and_phone(site, files: list[str], report: str) -> None:
    """Open each page at desktop and phone width with the network cut: no fault, within budget."""
    base, chromium = site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems, weights = [], []
    for file in files:
        for name, viewport in (("desktop", browser.DESKTOP), ("phone", browser.PHONE)):
            page, visit = browser.open_page(chromium, base, viewport)
            page.goto(base + file + ".html", wait_until="load")
            slug = file.replace("/", "-")
            page.screenshot(path=str(SCREENSHOTS / f"{slug}-{name}.png"))
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
            page.context.close()
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
