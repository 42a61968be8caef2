"""The book's players as a reader sees them: the text in their frames is at least as large as the
page's small print, on a phone and on a desktop (measured on every page by the page pass of
tests/test_book.py; here, that its check can fail), and the book's pictures are light."""

from __future__ import annotations

from tests import page_checks


def test_the_legibility_check_can_fail():
    small_print = 14.0
    legible = {"text": 20.0, "natural": 600, "shown": 450.0}  # 15 px as shown
    assert page_checks.illegible_players({"smallPrint": small_print, "players": [legible]}) == []
    phone = {**legible, "shown": 358.0}  # the same frame on a phone: 11.9 px
    assert len(page_checks.illegible_players({"smallPrint": small_print, "players": [phone]})) == 1
    unmeasured = {**legible, "text": None}
    assert len(page_checks.illegible_players({"smallPrint": small_print, "players": [unmeasured]})) == 1


def test_the_books_pictures_are_palette_pngs(built_book):
    """The notebooks' PNG outputs are stored with a palette (``course_book.images``) unless that is not smaller."""
    from PIL import Image

    from convlab.viz.png import palette_png

    pictures = sorted((built_book / "_images").glob("*.png"))
    assert len(pictures) > 20
    heavy = []
    for path in pictures:
        with Image.open(path) as image:
            if image.mode != "P" and len(palette_png(path.read_bytes())) < path.stat().st_size:
                heavy.append(path.name)
    assert heavy == []
