"""The notes' wrong claims, wherever the book quotes them: one style (``course_book.claims``), a visible
label, and a link to their entry on the errata page."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from tests import page_checks
from tests.book_fixtures import ROOT, toc_files

LABEL = page_checks.CLAIM_LABEL
ERRATA_PAGE = "book/errata"
_REF = re.compile(r"\{ref\}`(?:[^`<]*<)?(errata-[a-z0-9-]+)>?`")
_ROLE = re.compile(r"\{notes-claim\}`[^`]*`")
_QUOTED = re.compile(r"\"[^\"]{2,200}?\"|“[^”]{2,200}?”")
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?=[A-Z({*])|\n\s*\n")


def markdown_sources() -> list[tuple[str, str]]:
    """(where, text) of every markdown cell of the book's notebooks and of its pages but the errata."""
    sources = []
    for file in toc_files():
        if file == ERRATA_PAGE:
            continue
        path = ROOT / f"{file}.ipynb"
        if path.is_file():
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            sources += [
                (f"{file} cell {i}", "".join(c["source"])) for i, c in enumerate(cells) if c["cell_type"] == "markdown"
            ]
        elif (ROOT / f"{file}.md").is_file():
            sources.append((file, (ROOT / f"{file}.md").read_text(encoding="utf-8")))
    return sources


def unmarked_quotes(text: str) -> list[str]:
    """Quotations followed by an errata reference in the same or the next sentence, not in the role.

    A sentence that quotes the notes and cites the errata right after is quoting a wrong claim;
    it must do so with ``{notes-claim}`` (whose quotation this check does not see).
    """
    text = _ROLE.sub("NOTES-CLAIM", text)
    found = []
    for ref in _REF.finditer(text):
        before = text[: ref.start()]
        starts = [0] + [m.end() for m in _SENTENCE_END.finditer(before)]
        window = before[starts[-2] if len(starts) > 1 else 0 :]  # this sentence and the one before
        found += [f"{quote} … {ref.group(1)}" for quote in _QUOTED.findall(window)]
    return found


def test_a_quoted_claim_next_to_an_errata_reference_uses_the_role():
    problems = [f"{where}: {quote}" for where, text in markdown_sources() for quote in unmarked_quotes(text)]
    assert problems == []


def test_the_unmarked_quote_check_can_fail():
    """Chapter 5's sentence before this check existed, and the same claim marked."""
    old = (
        "The notes' extension question 6 says the kernel's weights are \"shared across all input\n"
        "channels\". They are not (see {ref}`errata-q6`). Each input channel has **its own** slice."
    )
    assert len(unmarked_quotes(old)) == 1
    assert len(unmarked_quotes("Weights are shared (Q6: “across all input channels”, {ref}`errata-q6`).")) == 1
    new = "Question 6 holds that {notes-claim}`the weights are shared across channels <errata-q6>`. They are not."
    assert unmarked_quotes(new) == []
    assert unmarked_quotes('It says "hello". Then a paragraph.\n\nNew one ({ref}`errata-q6`).') == []


def _normal(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("“", '"').replace("”", '"').replace("’", "'")
    return " ".join(text.casefold().split())


def errata_entries(built_book: Path) -> dict[str, str]:
    """Each ``errata-…`` anchor of the errata page and the text of its entry (to the next anchor)."""
    page = (built_book / f"{ERRATA_PAGE}.html").read_text(encoding="utf-8")
    page = page[: page.find('<div class="prev-next-area">')] if '<div class="prev-next-area">' in page else page
    anchors = list(re.finditer(r'id="(errata-[a-z0-9-]+)"', page))
    ends = [a.start() for a in anchors[1:]] + [len(page)]
    return {a.group(1): _normal(page[a.end() : end]) for a, end in zip(anchors, ends, strict=True)}


_CLAIM = re.compile(
    r'<span class="notes-claim">\s*<a class="([^"]*)" href="([^"]*)">(.*?)</a>\s*'
    r'“<span class="notes-claim-text">(.*?)</span>”</span>',
    re.S,
)
_ERRATA_LINK = re.compile(r'<a class="reference internal" href="[^"]*errata\.html#(errata-[a-z0-9-]+)">(.*?)</a>', re.S)


def claim_problems(built_book: Path, file: str, entries: dict[str, str]) -> tuple[int, list[str]]:
    """How many claims ``file`` marks, and what is wrong with its claims and errata links."""
    page = (built_book / f"{file}.html").read_text(encoding="utf-8")
    problems, claims = [], _CLAIM.findall(page)
    if page.count('class="notes-claim"') != len(claims):
        problems.append(f"{file}: a notes-claim that is not label, link and quotation")
    for classes, href, label, quote in claims:
        anchor = href.partition("#")[2]
        target = (built_book / file).parent / href.partition("#")[0]
        if _normal(label) != _normal(LABEL) or "internal" not in classes:
            problems.append(f"{file}: claim {quote[:40]!r} has the label {label!r}")
        if target.resolve() != (built_book / f"{ERRATA_PAGE}.html").resolve() or anchor not in entries:
            problems.append(f"{file}: claim {quote[:40]!r} links to {href!r}, not an errata entry")
        elif _normal(quote) not in entries[anchor]:
            problems.append(f"{file}: claim {quote[:40]!r} is not the claim of the entry {anchor}")
    outside = _CLAIM.sub("", page)
    for anchor, text in _ERRATA_LINK.findall(outside):  # a plain link that shows a quoted claim
        if re.search(r"[\"“”]|&quot;|&#34;", re.sub(r"<[^>]+>", "", text)):
            problems.append(f"{file}: link to {anchor} shows a quotation unmarked: {_normal(text)[:60]!r}")
    return len(claims), problems


def test_every_quoted_claim_is_marked_and_links_to_its_errata_entry(built_book):
    entries = errata_entries(built_book)
    assert len(entries) >= 10
    counts, problems = {}, []
    for file in toc_files():
        if file != ERRATA_PAGE:
            counts[file], found = claim_problems(built_book, file, entries)
            problems += found
    assert problems == []
    assert counts["chapters/05-channels-and-kernels"] >= 2 and sum(counts.values()) >= 10, counts


def test_the_label_check_can_fail():
    """The page pass (tests/test_book.py) checks every label with ``hidden_claim_labels``."""
    good = {"text": LABEL, "left": 10.0, "right": 120.0, "height": 20.0, "visible": True,
            "color": "rgb(255, 255, 255)", "background": "rgb(180, 30, 30)", "struck": True}  # fmt: skip
    assert page_checks.hidden_claim_labels([good], 390) == []
    for fault in ({"right": 420.0}, {"visible": False}, {"text": "the notes say"}, {"color": good["background"]},
                  {"struck": False}):  # fmt: skip
        assert len(page_checks.hidden_claim_labels([{**good, **fault}], 390)) == 1, fault


@pytest.mark.parametrize("where", ["a wrong label", "a link to a heading that quotes a claim"])
def test_the_claim_check_can_fail(tmp_path, where):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "errata.html").write_text(
        '<section id="errata-q6"><h2>Q6: "the kernel\'s weights are shared across all input channels"</h2></section>'
    )
    claim = (
        '<span class="notes-claim"><a class="reference internal" href="../book/errata.html#errata-q5">'
        f'{LABEL}</a> “<span class="notes-claim-text">the kernel’s weights are shared</span>”</span>'
    )
    if where != "a wrong label":
        claim = '<a class="reference internal" href="../book/errata.html#errata-q6">Q6: “the weights are shared”</a>'
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "05.html").write_text(f"<p>{claim}</p>")
    count, problems = claim_problems(tmp_path, "chapters/05", errata_entries(tmp_path))
    assert len(problems) == 1, problems


def _build_claims(tmp_path: Path, body: str) -> tuple[str, str]:
    """Build a one-page Sphinx project with ``course_book.claims``; return its HTML and its warnings."""
    import io
    import sys

    from sphinx.application import Sphinx

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    source = tmp_path / "src"
    source.mkdir(parents=True)
    (source / "conf.py").write_text("extensions = ['course_book.claims']\n")
    (source / "index.rst").write_text(
        ".. _errata-q6:\n\nQ6: the weights are shared across channels\n"
        "===========================================\n\nWrong.\n\n" + body
    )
    warnings = io.StringIO()
    app = Sphinx(str(source), str(source), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=warnings, freshenv=True)
    app.build()
    return (tmp_path / "out" / "index.html").read_text(encoding="utf-8"), warnings.getvalue()


def test_the_role_and_the_block_link_to_the_entry_and_a_wrong_label_warns(tmp_path):
    page, warnings = _build_claims(
        tmp_path,
        "Q6 says :notes-claim:`the weights are shared across channels <errata-q6>`.\n\n"
        ".. notes-claim:: errata-q6\n\n   The weights are shared across channels.\n",
    )
    assert warnings == ""
    assert len(_CLAIM.findall(page)) == 1 and _CLAIM.findall(page)[0][1] == "#errata-q6"
    block = re.search(r'<div class="notes-claim notes-claim-block[^"]*">(.*?)</blockquote>', page, re.S)
    assert block and 'href="#errata-q6"' in block[1] and LABEL in block[1] and "shared across channels" in block[1]
    _, warnings = _build_claims(tmp_path / "wrong", "See :notes-claim:`a claim <errata-nope>`.\n")
    assert "undefined label: 'errata-nope'" in warnings
