"""The book's players as a reader sees them: the text in their frames is at least as large as the
page's small print, on a phone and on a desktop."""

from __future__ import annotations

import pytest

from tests import browser
from tests.book_fixtures import toc_files

# The page's small print (the size a <small> takes in the body text), and per player: the smallest
# text of its frames in pixels of the frame image, the image's natural width and its width shown.
_PLAYERS_JS = """async () => {
    const paragraph = document.querySelector('article p, main p');
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


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_text_in_every_player_frame_is_legible(site, built_book, viewport):
    base, chromium = site
    pages = [f for f in toc_files() if 'class="animation"' in (built_book / f"{f}.html").read_text("utf-8")]
    page, visit = browser.open_page(chromium, base, browser.PHONE if viewport == "phone" else browser.DESKTOP)
    problems, players, small_print = [], 0, set()
    for file in pages:
        page.goto(base + file + ".html", wait_until="load")
        measured = page.evaluate(_PLAYERS_JS)
        players += len(measured["players"])
        small_print.add(measured["smallPrint"])
        problems += [f"{file}: {problem}" for problem in illegible_players(measured)]
    page.context.close()
    print(f"{players} players on {len(pages)} pages; small print {sorted(small_print)} px")
    assert players >= 6  # chapters 1, 2, 5, 6, 7, 8 (the explorers replace those of 3, 4 and 6)
    assert problems == []
    assert visit.errors == []


def test_the_legibility_check_can_fail():
    small_print = 14.0
    legible = {"text": 20.0, "natural": 600, "shown": 450.0}  # 15 px as shown
    assert illegible_players({"smallPrint": small_print, "players": [legible]}) == []
    phone = {**legible, "shown": 358.0}  # the same frame on a phone: 11.9 px
    assert len(illegible_players({"smallPrint": small_print, "players": [phone]})) == 1
    unmeasured = {**legible, "text": None}
    assert len(illegible_players({"smallPrint": small_print, "players": [unmeasured]})) == 1


def test_the_books_pictures_are_palette_pngs(built_book):
    """The notebooks' PNG outputs are stored with a palette (``course_images``) unless that is not smaller."""
    import sys

    from PIL import Image

    from tests.book_fixtures import ROOT

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from course_images import palette_png

    pictures = sorted((built_book / "_images").glob("*.png"))
    assert len(pictures) > 20
    heavy = []
    for path in pictures:
        with Image.open(path) as image:
            if image.mode != "P" and len(palette_png(path.read_bytes())) < path.stat().st_size:
                heavy.append(path.name)
    assert heavy == []
