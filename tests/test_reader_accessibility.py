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
    """A page with a picture without alt text, an unlabelled slider, and pale text in many places.
    Contrast is checked once per look (``page_checks.AXE_JS``): of the texts that look the same only
    the first is reported, and a text that differs in any part of its look is checked on its own."""
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>bad</title></head><body><main>'
        f'<img src="data:image/png;base64,{ONE_PIXEL_PNG}">'
        '<input type="range" min="0" max="3">'
        + '<p style="color: #222; background: #fff">dark text</p>' * 3
        + '<p style="color: #aaa; background: #fff">pale text</p>'
        '<p style="color: #222; background: #555">dark on grey</p>'
        '<p style="color: #222; background: #fff">dark <b style="font-size: 10px">small</b></p>'
        '<div class="highlight" style="background: #fff"><pre><span class="n" style="color: #bbb">width</span> = '
        '<span class="k" style="color: #bbb">height</span></pre></div>'
        '<div style="position: absolute; top: 0; right: 0; color: #bbb">floating</div>'
        '<div style="position: absolute; top: 600px; right: 0; color: #bbb">floating</div></main></body></html>'
    )
    with browser.planted_page(chromium, tmp_path, html, browser.DESKTOP) as (page, _):
        axe = page_checks.run_axe(page)
        marks_left = page.evaluate("() => document.querySelectorAll('[data-axe-same-look]').length")
    problems = page_checks.accessibility_violations(axe)
    assert axe["rules"] >= 40 and marks_left == 0
    assert {v["id"] for v in axe["violations"]} == {"image-alt", "label", "color-contrast"}, problems
    contrast = [p for p in problems if p.startswith("color-contrast")]
    # the pale paragraph, the dark text on grey, the first of the two pale code tokens (the second
    # looks the same) and both floating texts (what is behind them may differ); the dark paragraphs
    # and the small bold word pass
    assert len(contrast) == 5, [p[:120] for p in contrast]
    assert "pale text" in contrast[0] and "dark on grey" in contrast[1] and 'class="n"' in contrast[2], contrast
    assert all("floating" in problem for problem in contrast[3:]), contrast
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
EXPLORER = ".course-explorer-cell"  # the box of every live explorer (course_book.explorer)
# The explorer's controls in page order, named by their key (data-key), name or position.
CONTROLS_JS = """sel => [...document.querySelector(sel).querySelectorAll('input, select, button, [tabindex]')]
    .filter(e => !e.disabled && e.tabIndex >= 0).map((e, i) => e.getAttribute('data-key') || e.name || `#${i}`)"""
# The element that has the keyboard's focus: which control it is, its value, whether its focus shows.
FOCUS_JS = """sel => {
    const e = document.activeElement, style = getComputedStyle(e), root = e.closest(sel);
    const controls = root ? [...root.querySelectorAll('input, select, button, [tabindex]')]
        .filter(c => !c.disabled && c.tabIndex >= 0) : [];
    return {control: root ? e.getAttribute('data-key') || e.name || `#${controls.indexOf(e)}` : null,
            type: e.type || e.tagName.toLowerCase(), value: e.value,
            outlined: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1,
            shadowed: style.boxShadow !== 'none'};
}"""
# What the explorer draws: its SVG pictures and canvases (not its controls nor their printed values).
DRAWING_JS = """sel => [...document.querySelector(sel).querySelectorAll('svg, canvas')]
    .map(e => e.tagName === 'CANVAS' ? e.toDataURL() : e.outerHTML).join('')"""


def tab_to_explorer(page, selector: str = EXPLORER, limit: int = 300) -> dict:
    """Press Tab until the focus is on a control of the explorer; the focus after the last press."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS, selector)
        if focus["control"] is not None:
            return focus
    return focus


def press_to_change(page, focus: dict) -> dict:
    """Change the focused control by keyboard (an arrow key, or Space for a box); the focus after."""
    keys = {"checkbox": ["Space"], "button": ["Enter"]}.get(focus["type"], ["ArrowRight", "ArrowLeft"])
    for key in keys:
        page.keyboard.press(key)
        moved = page.evaluate(FOCUS_JS, EXPLORER)
        if moved["value"] != focus["value"] or focus["type"] in ("checkbox", "button"):
            return moved
    return moved


def operate_by_keyboard(page) -> tuple[list[str], list[str], list[str]]:
    """Tab through the explorer on ``page``, changing each control by keyboard: the controls it
    has, those Tab reached in turn, and the problems (a focus not shown, a control that did not
    move or did not redraw the picture)."""
    controls = page.evaluate(CONTROLS_JS, EXPLORER)
    problems, reached = [], []
    focus = tab_to_explorer(page)
    for control in controls:
        reached.append(focus["control"])
        if focus["control"] != control:
            break
        if not (focus["outlined"] or focus["shadowed"]):
            problems.append(f"{control}: no visible focus")
        before = page.evaluate(DRAWING_JS, EXPLORER)
        moved = press_to_change(page, focus)
        if focus["type"] != "button" and moved["value"] == focus["value"]:
            problems.append(f"{control}: the keyboard does not move it from {focus['value']}")
        elif focus["type"] != "button" and page.evaluate(DRAWING_JS, EXPLORER) == before:
            problems.append(f"{control}: moved from {focus['value']} to {moved['value']}: no redraw")
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS, EXPLORER)
    return controls, reached, problems


def test_an_explorer_works_by_keyboard_alone(site, phone_tab):
    """Tab reaches every control of chapter 4's explorer in turn, each shows its focus, and the
    keyboard moves it and redraws the picture."""
    base, _ = site
    phone_tab.goto(base + KEYBOARD_PAGE + ".html", wait_until="load")
    controls, reached, problems = operate_by_keyboard(phone_tab)
    assert len(controls) >= 7, controls
    assert reached == controls, f"Tab reached the explorer's controls {reached}, not {controls}"
    assert problems == []


def test_the_keyboard_check_can_fail(tmp_path, chromium):
    """A slider whose focus ring is styled away and whose moves redraw nothing, and a slider Tab skips."""
    html = (
        '<!DOCTYPE html><html lang="en"><body><div class="course-explorer-cell">'
        '<input type="range" data-key="W" style="outline: none"><svg><rect width="5" height="5"/></svg>'
        '<input type="range" data-key="H" tabindex="0" style="display: none"></div></body></html>'
    )
    with browser.planted_page(chromium, tmp_path, html, browser.PHONE) as (page, _):
        controls, reached, problems = operate_by_keyboard(page)
    assert controls == ["W", "H"] and reached != controls
    assert problems == ["W: no visible focus", "W: moved from 50 to 51: no redraw"]
