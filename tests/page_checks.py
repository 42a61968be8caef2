"""What a reader sees on one page, measured in Chromium, and the checks on those measurements.

Each ``*_JS`` is evaluated in a loaded page and returns plain data; each check function takes
that data and returns the problems it finds (an empty list when the page is right). The page
pass of tests/test_book.py measures every page once per width with :func:`measure_page`; the
"can fail" tests feed the same checks a page built to be wrong.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from axe_playwright_python.base import AXE_SCRIPT

from tests import browser
from tests.book_fixtures import ROOT

# Per error message: its text, whether the text fits its box, whether the box lies in the screen,
# and whether the frames under it are folded.
ERRORS_JS = """() => [...document.querySelectorAll('.course-error .course-error-message pre')].map(pre => {
    const box = pre.getBoundingClientRect();
    const frames = pre.closest('.course-error').querySelector('details');
    return {text: pre.innerText.trim(), fits: pre.scrollWidth <= pre.clientWidth + 1,
            inside: box.left >= 0 && box.right <= window.innerWidth + 0.5 && box.width > 0,
            folded: frames === null || !frames.open};
})"""

# Per display equation: the centre of the formula's ink and the centre of its column.
MATH_JS = """() => [...document.querySelectorAll('div.math')].map(div => {
    const math = div.querySelector('math'), ink = (math.firstElementChild || math).getBoundingClientRect();
    const column = div.getBoundingClientRect();
    return {ink: (ink.left + ink.right) / 2, column: (column.left + column.right) / 2,
            fits: ink.width <= column.width};
})"""

# The page's small print (the size a <small> takes in the body text), and per player: the smallest
# text of its frames in pixels of the frame image, the image's natural width and its width shown.
PLAYERS_JS = """async () => {
    const paragraph = document.querySelector('article p, main p') || document.body;
    const small = document.createElement('small');
    small.textContent = 'small print';
    paragraph.appendChild(small);
    const smallPrint = parseFloat(getComputedStyle(small).fontSize);
    small.remove();
    const players = [];
    for (const box of document.querySelectorAll('div.animation')) {
        const img = box.querySelector('img');
        await img.decode().catch(() => null);
        const owner = box.closest('.course-player');
        players.push({text: owner ? +owner.dataset.minTextPx : null, natural: img.naturalWidth,
                      shown: img.getBoundingClientRect().width});
    }
    return {smallPrint, players};
}"""

# Per "the notes say" label: its text, its box once scrolled to, its colours, and whether the
# quotation beside it is struck through.
CLAIMS_JS = """() => [...document.querySelectorAll('.notes-claim > a.reference')].map(label => {
    label.scrollIntoView({block: 'center'});
    const box = label.getBoundingClientRect(), style = getComputedStyle(label);
    const quote = label.parentElement.querySelector('.notes-claim-text');
    return {text: label.innerText.trim(), left: box.left, right: box.right, height: box.height,
            visible: box.width > 0 && style.visibility !== 'hidden' && style.display !== 'none',
            color: style.color, background: style.backgroundColor,
            struck: quote !== null && getComputedStyle(quote).textDecorationLine.includes('line-through')};
})"""

# Icons drawn from an icon font (by ::before/::after): [font family, character, weight].
ICONS_JS = """() => [...document.querySelectorAll('*')].flatMap(e => ['::before', '::after'].map(p => {
    const style = getComputedStyle(e, p);
    return [style.fontFamily, style.content, style.fontWeight];
})).filter(([family, content]) => /Font Awesome|Course Icons/.test(family) && /[\\ue000-\\uf8ff]/.test(content))"""

# The reader's text: how long the article is as shown, its prose outside code, and each formula's text.
TEXT_JS = """() => {
    const article = document.querySelector('article') || document.body;
    const prose = article.cloneNode(true);
    prose.querySelectorAll('pre, code, .highlight, script, style, math').forEach(e => e.remove());
    return {length: article.innerText.length, prose: prose.textContent,
            math: [...article.querySelectorAll('math')].map(m => m.textContent)};
}"""

CLAIM_LABEL = "the notes say ✗"
CHAPTER_TEXT_LIMIT = 30_000  # characters of text (the article's innerText) on one chapter page
LITERAL_ESCAPE = re.compile(r"\\[^\s]")  # a backslash and what it was meant to escape, e.g. \_

AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")  # WCAG 2.0 and 2.1, levels A and AA
# axe-core (shipped by axe-playwright-python) on the whole page, every rule of those tags. Contrast
# is most of axe's time, and a page repeats a few looks thousands of times (code tokens, formula
# letters, paragraphs, the same sidebar on every page). A text's contrast is a function of its look:
# its colour (and SVG fill), size, weight, shadow and opacity, and the colours behind it up to the
# first opaque one. So of the texts that share a look, only the first is checked for contrast; a text with a
# background image behind it, or one that floats over the page (fixed, absolute or sticky) before an
# opaque background, is always checked.
AXE_JS = """async (tags) => {
    const opaque = colour => colour.startsWith('rgb(');  // computed colours with any transparency are rgba(…)
    const lookOf = element => {  // null: no shortcut for this text
        const style = getComputedStyle(element), layers = [];
        let alpha = 1, settled = false;  // settled: an opaque background is behind the text
        for (let e = element; e; e = e.parentElement) {
            const s = e === element ? style : getComputedStyle(e);
            if (s.mixBlendMode !== 'normal' || s.filter !== 'none') return null;
            alpha *= +s.opacity;
            if (settled) continue;
            if (s.backgroundImage !== 'none') return null;
            layers.push(s.backgroundColor);
            settled = opaque(s.backgroundColor);
            if (!settled && ['fixed', 'absolute', 'sticky'].includes(s.position)) return null;
        }
        return [element.localName, style.color, style.fill, style.fontSize, style.fontWeight, style.textShadow,
                alpha, ...layers].join('|');
    };
    const looks = new Set(), same = [];  // all styles read first: a write between reads forces a restyle
    for (const element of document.body.querySelectorAll('*')) {
        if (![...element.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())) continue;
        const look = lookOf(element);
        if (look === null) continue;
        if (looks.has(look)) same.push(element); else looks.add(look);
    }
    same.forEach(element => element.setAttribute('data-axe-same-look', ''));
    axe.configure({rules: [{id: 'color-contrast', selector: '*:not([data-axe-same-look])'}]});
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    same.forEach(element => element.removeAttribute('data-axe-same-look'));
    return {
        rules: result.passes.length + result.violations.length + result.incomplete.length + result.inapplicable.length,
        violations: result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({
            target: n.target.join(' '), html: n.html.slice(0, 200),
            why: n.failureSummary.replace(/\\s+/g, ' ').slice(0, 300)}))})),
    };
}"""


def run_axe(page) -> dict:
    """axe-core's verdict on the loaded ``page`` for :data:`AXE_TAGS`: how many rules ran, and the violations."""
    page.evaluate(AXE_SCRIPT)
    return page.evaluate(AXE_JS, list(AXE_TAGS))


def accessibility_violations(axe: dict) -> list[str]:
    """One line per element that breaks a rule: the rule, its impact, the element and what is wrong."""
    return [
        f"{v['id']} ({v['impact']}: {v['help']}) at {node['target']}: {node['html']} — {node['why']}"
        for v in axe["violations"]
        for node in v["nodes"]
    ]


def measure_page(page, *, desktop: bool) -> dict:
    """Everything the page checks need from one loaded page (the players are operated last)."""
    measured = {
        "errors": page.evaluate(ERRORS_JS),
        "math": page.evaluate(MATH_JS),
        "players": page.evaluate(PLAYERS_JS),
        "claims": page.evaluate(CLAIMS_JS),
        "overflow": browser.horizontal_overflow(page),
    }
    if desktop:
        measured |= {"weight": browser.page_weight(page), "raw_math": browser.raw_math(page)}
        measured |= {"icons": page.evaluate(ICONS_JS), "dead_players": browser.operate_animations(page)}
        measured |= {"text": page.evaluate(TEXT_JS)}
    return measured


def unreadable_errors(errors: list[dict]) -> list[str]:
    """Error messages a reader cannot read in full at this width (cut, outside the screen, or unfolded)."""
    return [e["text"][:60] for e in errors if not (e["fits"] and e["inside"] and e["folded"])]


def off_centre_equations(equations: list[dict], tolerance: float = 3) -> list[str]:
    """Display equations (that fit their column) whose centre is off the column's centre."""
    return [
        f"equation {i}: centre {m['ink']:.0f} px, column centre {m['column']:.0f} px"
        for i, m in enumerate(equations)
        if m["fits"] and abs(m["ink"] - m["column"]) > tolerance
    ]


def illegible_players(measured: dict) -> list[str]:
    """Players whose smallest text, as shown, is smaller than the page's small print."""
    problems = []
    for index, player in enumerate(measured["players"]):
        if not player["text"] or not player["natural"]:
            problems.append(f"player {index}: no data-min-text-px or no frame shown")
            continue
        shown = player["text"] * player["shown"] / player["natural"]
        if shown < measured["smallPrint"] - 0.05:
            problems.append(
                f"player {index}: smallest text {shown:.1f} px < small print {measured['smallPrint']:.1f} px "
                f"({player['text']} px in a {player['natural']} px frame shown {player['shown']:.0f} px wide)"
            )
    return problems


def hidden_claim_labels(claims: list[dict], width: int) -> list[str]:
    """"The notes say" labels a reader would miss at this width: hidden, cut, unlabelled, unstruck."""
    problems = []
    for index, claim in enumerate(claims):
        inside = claim["left"] >= 0 and claim["right"] <= width + 0.5 and claim["height"] >= 10
        if not (claim["visible"] and inside and claim["text"] == CLAIM_LABEL):
            problems.append(f"claim {index}: label {claim['text']!r} not fully visible")
        if claim["color"] == claim["background"]:
            problems.append(f"claim {index}: label drawn in its background's colour")
        if not claim["struck"]:
            problems.append(f"claim {index}: quotation not struck through")
    return problems


def intended_errors(file: str) -> list[str]:
    """``Type: message`` of each error a ``raises-exception`` cell of the notebook ``file`` stores
    (none for a page that is not a notebook)."""
    path = ROOT / f"{file}.ipynb"
    if not path.is_file():
        return []
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [
        f"{output['ename']}: {output['evalue']}"
        for cell in notebook["cells"]
        if "raises-exception" in cell.get("metadata", {}).get("tags", [])
        for output in cell.get("outputs", [])
        if output["output_type"] == "error"
    ]


def icons_missing_from_fonts(icons: list[list[str]], built_book: Path) -> list[str]:
    """Icons shown whose character is not in the cut-down Font Awesome font that draws them."""
    webfonts = built_book / "_static" / "vendor" / "fontawesome" / "webfonts"
    missing = []
    for family, content, weight in icons:
        font = "fa-brands-400" if "Brands" in family else "fa-solid-900" if weight == "900" else "fa-regular-400"
        code = ord(content.strip('"')[0])
        if code not in _cmap(webfonts / f"{font}.course.woff"):
            missing.append(f"U+{code:04X} ({family}, {weight}) not in {font}")
    return missing


_cmaps: dict[Path, set[int]] = {}


def _cmap(font: Path) -> set[int]:
    if font not in _cmaps:
        from fontTools.ttLib import TTFont

        _cmaps[font] = set(TTFont(font).getBestCmap())
    return _cmaps[font]


def literal_escapes(text: dict) -> list[str]:
    """Backslash escapes a reader sees as typed (``output\\_padding`` in a formula, ``\\{`` in prose),
    with a little context; code is left out, where a backslash is the reader's to type."""
    found = [("prose", text["prose"])] + [("formula", formula) for formula in text["math"]]
    return [
        f"{where}: …{source[max(0, m.start() - 20):m.end() + 20]}…"
        for where, source in found
        for m in LITERAL_ESCAPE.finditer(source)
    ]


def overlong_chapter(file: str, text: dict, limit: int = CHAPTER_TEXT_LIMIT) -> list[str]:
    """A chapter page whose text (the article's innerText, outputs included) is over ``limit`` characters."""
    if not file.startswith("chapters/") or text["length"] <= limit:
        return []
    return [f"{file}: {text['length']:,} characters of text, over {limit:,}: split the chapter"]
