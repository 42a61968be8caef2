"""Drive the built book in headless Chromium (Debian's) with Playwright, offline."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
PAGE_BUDGET = 1_000_000  # bytes: a page and everything it loads
RAW_MATH = re.compile(r"\\\(|\\\[|(?<![\w$])\$(?!\s)[^$\n]{1,80}(?<!\s)\$(?![\w$])")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


@contextmanager
def serve(folder: Path):
    """Serve ``folder`` on a free loopback port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class PageVisit:
    """What loading one page did."""

    url: str
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@contextmanager
def browser():
    """A headless Chromium from Debian's package; Playwright never downloads one."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(chromium, base: str, viewport: dict) -> tuple[Page, PageVisit]:
    """A page in a context of its own that records its errors, its requests outside ``base``
    and its missing files (close it with ``page.context.close()``)."""
    page = chromium.new_context(viewport=viewport).new_page()
    return page, watch(page, base)


@contextmanager
def planted_page(chromium, folder: Path, html: str, viewport: dict):
    """``html`` written to ``folder``, served and loaded: ``(page, visit)``, for the tests that prove
    a check can fail on a page made to fail it."""
    (folder / "planted.html").write_text(html, encoding="utf-8")
    with serve(folder) as base:
        page, visit = open_page(chromium, base, viewport)
        try:
            page.goto(base + "planted.html", wait_until="load")
            yield page, visit
        finally:
            page.context.close()


def watch(page: Page, base: str) -> PageVisit:
    """Record what ``page`` does from now on: its errors, requests outside ``base``, missing files."""
    visit = PageVisit(base)
    for event, handler in _handlers(visit).items():
        page.on(event, handler)
    return visit


@contextmanager
def watching(page: Page, base: str):
    """Like :func:`watch`, for one visit: the page stops recording into it on leaving the block
    (so that one tab can visit page after page, each with its own record)."""
    visit = PageVisit(base)
    handlers = _handlers(visit)
    for event, handler in handlers.items():
        page.on(event, handler)
    try:
        yield visit
    finally:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)


def _handlers(visit: PageVisit) -> dict:
    def outside(url: str) -> bool:
        return not url.startswith((visit.url, "data:", "blob:", "about:"))

    def failed(request) -> None:
        (visit.blocked if outside(request.url) else visit.missing).append(request.url)

    def responded(response) -> None:
        if response.status >= 400:
            visit.missing.append(f"{response.status} {response.url}")

    return {
        "request": lambda request: visit.blocked.append(request.url) if outside(request.url) else None,
        "requestfailed": failed,
        "response": responded,
        "pageerror": lambda error: visit.errors.append(str(error)),
    }


def page_weight(page: Page) -> int:
    """Bytes of the page and everything it loaded (the local server sends them uncompressed)."""
    return page.evaluate(
        """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                 .reduce((total, entry) => total + (entry.encodedBodySize || 0), 0)"""
    )


def raw_math(page: Page) -> list[str]:
    """Pieces of LaTeX left untypeset in the page's visible text (outside code)."""
    text = page.evaluate(
        """() => { const clone = document.querySelector('main, body').cloneNode(true);
                   clone.querySelectorAll('pre, code, .highlight, script, style').forEach(e => e.remove());
                   return clone.innerText; }"""
    )
    return RAW_MATH.findall(text)


def operate_animations(page: Page) -> list[str]:
    """Move every animation's slider and press its step button; return those that did not change,
    or whose picture's alt text does not say which frame it shows."""
    dead = []
    players = page.locator("div.animation")
    for index in range(players.count()):
        player = players.nth(index)
        player.scroll_into_view_if_needed()
        image = player.locator("img").first
        slider = player.locator("input[type=range]").first
        before = image.get_attribute("src")
        last = int(slider.get_attribute("max") or 0)
        slider.evaluate("(s, v) => { s.value = v; s.dispatchEvent(new Event('input', {bubbles: true})); }", last)
        after_slider = image.get_attribute("src")
        player.locator("button[title='First frame']").click()
        player.locator("button[title='Next frame']").click()
        after_button = image.get_attribute("src")
        if last == 0 or after_slider == before or after_button == after_slider:
            dead.append(f"animation {index}")
        alt = image.get_attribute("alt") or ""
        if not alt.endswith(f", frame 2 of {last + 1}"):  # the alt text follows the frame shown
            dead.append(f"animation {index}: on frame 2 of {last + 1} its picture's alt text is {alt[-40:]!r}")
    return dead


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
