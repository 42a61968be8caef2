"""Pictures a screen reader can describe: alt text for the notebooks' figures and players.

A figure's description is written once, in its cell's metadata, where myst-nb reads it for the
cell's PNG outputs::

    "metadata": {"mystnb": {"image": {"alt": "Three coverage maps of a 7×7 input ..."}}}

A player (``convlab.viz.player.html_player``) is raw HTML that myst-nb passes through, so here
its frame gets the same description, followed by "frame k of n" (``static/course-players.js``
keeps that count in step as the reader scrubs); its slider is named "Frame" and described
by the picture.
"""

from __future__ import annotations

import html
import re

from docutils import nodes
from sphinx.application import Sphinx

from .metadata import extension_metadata

SCRIPT = "course-players.js"
PLAYER_CLASS = 'class="course-player"'
_FRAME = re.compile(r'<img id="(_anim_img[0-9a-f]+)">')
_SLIDER = re.compile(r'(<input id="_anim_slider([0-9a-f]+)" type="range")')
_FRAME_COUNT = re.compile(r"var frames = new Array\((\d+)\);")


def cell_alt(cell: nodes.Element) -> str | None:
    """The description in a notebook cell's metadata (``mystnb.image.alt``), if it has one."""
    metadata = cell.get("cell_metadata") or {}
    return ((metadata.get("mystnb") or {}).get("image") or {}).get("alt")


def describe_player(player_html: str, alt: str) -> str:
    """``player_html`` with its frame described by ``alt`` (and the frame's number) and its slider labelled."""
    count = _FRAME_COUNT.search(player_html)
    frames = int(count[1]) if count else 1
    described = html.escape(alt, quote=True)
    player_html = _FRAME.sub(
        lambda m: f'<img id="{m[1]}" alt="{described}, frame 1 of {frames}" data-course-alt="{described}">',
        player_html,
    )
    # the slider is named "Frame" and described by the picture it moves (its alt text)
    return _SLIDER.sub(lambda m: f'{m[1]} aria-label="Frame" aria-describedby="_anim_img{m[2]}"', player_html)


def describe_players(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give every player of a cell that has a description its alt text and slider label."""
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") != "cell_code" or not (alt := cell_alt(cell)):
            continue
        for raw in list(cell.findall(nodes.raw)):
            if PLAYER_CLASS in raw.astext():
                raw.children = [nodes.Text(describe_player(raw.astext(), alt))]


def add_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Load the script that keeps the frames' alt text in step on the pages that have a player."""
    if doctree is not None and any(PLAYER_CLASS in raw.astext() for raw in doctree.findall(nodes.raw)):
        app.add_js_file(SCRIPT)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", describe_players)
    app.connect("html-page-context", add_script)
    return extension_metadata()
