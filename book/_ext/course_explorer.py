"""The output-size explorer, every slider live in the HTML book.

A notebook cell whose metadata holds ``html_explorer`` (the sliders' starting values, e.g.
``{"W": 5, "H": 5, "F": 3, "F_h": 3, "P": 1, "S": 1, "D": 1}``) is shown in the book as the
live explorer: its code and its output (the one-parameter player that Jupyter shows) are
replaced by a placeholder that ``static/course-explorer.js`` fills with sliders and SVG
pictures. What the pictures show for every slider setting is computed here, at build time, by
:mod:`convlab.explorer_table` and written to ``_static/course-explorer-data.js``. Both scripts
load only on the pages that hold an explorer.
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
METADATA_KEY = "html_explorer"
SLIDERS = ("W", "H", "F", "F_h", "P", "S", "D")
DATA_SCRIPT = "course-explorer-data.js"
SCRIPT = "course-explorer.js"
_MARK = 'class="course-explorer"'


def write_data(app: Sphinx) -> None:
    """Compute the explorer's table and add it to the book's static files."""
    if app.builder.format != "html":
        return
    if app.srcdir not in sys.path:  # this course's convlab, not another installed copy
        sys.path.insert(0, str(app.srcdir))
    from convlab.explorer_table import table_json

    folder = Path(app.doctreedir).parent / "course_generated_static"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DATA_SCRIPT).write_text(f"window.COURSE_EXPLORER_DATA = {table_json()};\n", encoding="utf-8")
    app.config.html_static_path.append(str(folder))


def placeholder(initial: dict) -> str:
    values = json.dumps({key: int(initial[key]) for key in SLIDERS}, separators=(",", ":"))
    return (
        f'<div {_MARK} data-initial="{html.escape(values)}">'
        "<p>The live explorer needs JavaScript; in Jupyter, run the chapter for its sliders.</p></div>\n"
    )


def live_explorers(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each cell marked ``html_explorer`` by the live explorer's placeholder."""
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        initial = (cell.get("cell_metadata") or {}).get(METADATA_KEY)
        if initial is None:
            continue
        missing = [key for key in SLIDERS if key not in initial]
        if missing:
            logger.warning("%s needs the starting value of %s", METADATA_KEY, ", ".join(missing), location=cell)
            continue
        box = nodes.container(classes=["cell", "course-explorer-cell"])
        box += nodes.raw("", placeholder(initial), format="html")
        cell.replace_self(box)


def add_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if _MARK in context.get("body", ""):
        app.add_js_file(DATA_SCRIPT)
        app.add_js_file(SCRIPT)


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", write_data)
    app.connect("doctree-resolved", live_explorers)
    app.connect("html-page-context", add_scripts)
