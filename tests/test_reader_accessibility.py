"""The book for every reader (WCAG 2.1 AA): axe-core runs on every page in the page pass of
tests/test_book.py (``page_checks.run_axe``); here, that its check can fail, and what axe-core
does not judge: that each picture's alt text describes it, and that an explorer works from the
keyboard alone with a visible focus."""

from __future__ import annotations

import html
import re

from tests import browser, page_checks

ONE_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="


def test_the_axe_check_can_fail(tmp_path, chromium):
    """A page with a picture without alt text, an unlabelled slider, pale text and a pale code token."""
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>bad</title></head><body><main>'
        f'<img src="data:image/png;base64,{ONE_PIXEL_PNG}">'
        '<input type="range" min="0" max="3">'
        '<p style="color: #aaa; background: #fff">pale text</p>'
        '<div class="highlight" style="background: #fff"><pre><span class="n" style="color: #bbb">width</span> = '
        '<span class="n" style="color: #bbb">height</span></pre></div></main></body></html>'
    )
    with browser.serve(tmp_path) as base:
        page, _ = browser.open_page(chromium, base, browser.DESKTOP)
        page.goto(base + "bad.html", wait_until="load")
        axe = page_checks.run_axe(page)
        page.context.close()
    problems = page_checks.accessibility_violations(axe)
    assert axe["rules"] >= 40
    assert {v["id"] for v in axe["violations"]} == {"image-alt", "label", "color-contrast"}, problems
    contrast = [p for p in problems if p.startswith("color-contrast")]
    # the pale paragraph, and the first of the two code tokens of one kind (the second is the same)
    assert len(contrast) == 2 and "pale text" in contrast[0] and 'class="n"' in contrast[1], contrast
    assert any(p.startswith("image-alt (critical") and "<img" in p for p in problems), problems


# Pictures that only decorate, and so rightly have an empty alt text: (page, part of the src).
DECORATIVE: tuple[tuple[str, str], ...] = ()
_IMG = re.compile(r"<img\b[^>]*>", re.S)
_HASH = re.compile(r"\b[0-9a-f]{16,}\b")
_FILE_NAME = re.compile(r"\.(?:png|jpe?g|gif|svg|webp)\b|/", re.I)


def undescribed_pictures(page: str, page_html: str) -> list[str]:
    """Every ``<img>`` of ``page_html`` whose alt text is missing, empty, a file name, a hash or
    a word or two, unless it is listed in :data:`DECORATIVE`."""
    problems = []
    for tag in _IMG.findall(page_html):
        src = re.search(r'\bsrc="([^"]*)"', tag)
        src = src[1] if src else ""
        if any(page == where and part in src for where, part in DECORATIVE):
            continue
        alt = re.search(r'\balt="([^"]*)"', tag)
        text = html.unescape(alt[1]).strip() if alt else None
        if not text or _HASH.search(text) or _FILE_NAME.search(text) or len(text.split()) < 4:
            problems.append(f"{page}: <img src={src[:60]!r}> has alt text {text!r}")
    return problems


def test_every_picture_says_what_it_shows(built_book):
    """A notebook figure's description is its cell's ``mystnb: image: alt`` metadata (``course_book.alt``)."""
    problems, pictures = [], 0
    for path in sorted(built_book.rglob("*.html")):
        page_html = path.read_text(encoding="utf-8")
        pictures += len(_IMG.findall(page_html))
        problems += undescribed_pictures(str(path.relative_to(built_book)), page_html)
    assert pictures > 25
    hint = "describe each figure in its cell's metadata: {\"mystnb\": {\"image\": {\"alt\": \"...\"}}}"
    assert problems == [], "\n".join([*problems, hint])


def test_the_alt_text_check_can_fail():
    described = '<img alt="Three coverage maps of a 7×7 input" src="../_images/ab.png" />'
    hashed = '<img alt="_images/8a0fcd94d39d324f87b05.png" src="../_images/8a0fcd94d39d324f87b05.png" />'
    bad = [hashed, '<img src="x.png">', '<img alt="" src="x.png">', '<img alt="figure" src="x.png">',
           '<img alt="3f2a9c0d4e5b6a7c8d9e" src="y.png">']
    assert undescribed_pictures("page.html", described) == []
    assert len(undescribed_pictures("page.html", "\n".join(bad))) == len(bad)


KEYBOARD_PAGE = "chapters/04-stride-and-output-size"
EXPLORER_KEYS = ["W", "H", "F", "F_h", "P", "S", "D"]  # the output-size explorer's sliders, in page order
# The element that has the keyboard's focus: where it is, its value, and whether its focus shows.
FOCUS_JS = """() => {
    const e = document.activeElement, style = getComputedStyle(e);
    return {key: e.getAttribute('data-key'), value: e.value, explorer: e.closest('.course-explorer') !== null,
            outlined: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1,
            shadowed: style.boxShadow !== 'none'};
}"""
DRAWING_JS = """() => { const root = document.querySelector('.course-explorer');
    return root.querySelector('.cx-panels').innerHTML + root.querySelector('.cx-text').textContent; }"""


def tab_to_next_control(page, limit: int = 300) -> dict:
    """Press Tab until the focus is on an element of the explorer; the focus after the last press."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        if focus["explorer"]:
            return focus
    return focus


def test_an_explorer_works_by_keyboard_alone(site, phone_tab):
    """Tab reaches every slider of chapter 4's explorer in turn, each shows its focus, and an
    arrow key moves it and redraws the picture."""
    base, _ = site
    page = phone_tab
    page.goto(base + KEYBOARD_PAGE + ".html", wait_until="load")
    problems, reached = [], []
    focus = tab_to_next_control(page)
    for key in EXPLORER_KEYS:
        reached.append(focus["key"])
        if focus["key"] != key:
            break
        if not (focus["outlined"] or focus["shadowed"]):
            problems.append(f"slider {key}: no visible focus")
        before = page.evaluate(DRAWING_JS)
        page.keyboard.press("ArrowRight")
        moved = page.evaluate(FOCUS_JS)
        if moved["value"] == focus["value"]:  # at its high end: step down instead
            page.keyboard.press("ArrowLeft")
            moved = page.evaluate(FOCUS_JS)
        if moved["value"] == focus["value"]:
            problems.append(f"slider {key}: the arrow keys do not move it from {focus['value']}")
        elif page.evaluate(DRAWING_JS) == before:
            problems.append(f"slider {key}: moved from {focus['value']} to {moved['value']}: no redraw")
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
    assert reached == EXPLORER_KEYS, f"Tab reached the explorer's controls {reached}, not {EXPLORER_KEYS}"
    assert problems == []


def test_the_focus_check_can_fail(tmp_path, phone_tab, chromium):
    """A slider whose focus ring is styled away is caught."""
    (tmp_path / "focus.html").write_text(
        '<!DOCTYPE html><html lang="en"><body><div class="course-explorer">'
        '<input type="range" data-key="W" style="outline: none"></div></body></html>'
    )
    with browser.serve(tmp_path) as base:
        page, _ = browser.open_page(chromium, base, browser.PHONE)
        page.goto(base + "focus.html", wait_until="load")
        focus = tab_to_next_control(page, limit=3)
        page.context.close()
    assert focus["key"] == "W" and not (focus["outlined"] or focus["shadowed"])
