"""The grid explorers, every control live in the HTML book.

A notebook cell whose metadata names a builder, e.g. ``"html_grid_explorer":
"convlab.explorers.ch09_shift"``, is shown in the book as that explorer: the cell (its code and
its output) is replaced by a placeholder holding the builder's data (``build().to_json()``, see
:mod:`convlab.explorers.grid`), which one generic script, ``static/course-grid-explorer.js``,
draws as SVG with labelled controls. The script looks every number up; it computes none. The
script and its style sheet load only on the pages that hold such an explorer.
"""

from __future__ import annotations

import functools
import html
import importlib
import re
import sys

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from .metadata import extension_metadata

logger = logging.getLogger(__name__)
METADATA_KEY = "html_grid_explorer"
CSS_CLASS = "course-grid-explorer"
SCRIPT, STYLE = "course-grid-explorer.js", "course-grid-explorer.css"
_BUILDER = re.compile(r"convlab\.explorers\.\w+")


@functools.cache
def explorer_json(builder: str) -> str:
    """The data of ``builder``'s explorer (computed once per build: some builders train a model)."""
    return importlib.import_module(builder).build().to_json()


def placeholder(builder: str, data: str) -> str:
    name = builder.rsplit(".", 1)[1]
    return (
        f'<div class="{CSS_CLASS}" data-builder="{html.escape(name)}">'
        f'<script type="application/json">{data}</script>'
        "<p>The live explorer needs JavaScript; in Jupyter, run the chapter for its controls.</p></div>\n"
    )


def live_explorers(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each cell that names a grid explorer's builder by that explorer's placeholder."""
    source = str(app.srcdir)
    if source not in sys.path:  # this course's convlab, not another installed copy
        sys.path.insert(0, source)
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        builder = (cell.get("cell_metadata") or {}).get(METADATA_KEY)
        if builder is None:
            continue
        if not isinstance(builder, str) or not _BUILDER.fullmatch(builder):
            logger.warning("%s must name a module convlab.explorers.NAME, got %r", METADATA_KEY, builder, location=cell)
            continue
        try:
            data = explorer_json(builder)
        except Exception as error:  # a broken builder is a build warning, not a crash
            logger.warning("the explorer %s could not be built: %s", builder, error, location=cell)
            continue
        box = nodes.container(classes=["cell", "course-explorer-cell"])
        box += nodes.raw("", placeholder(builder, data), format="html")
        cell.replace_self(box)


def add_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if f'class="{CSS_CLASS}"' in context.get("body", ""):
        app.add_css_file(STYLE)
        app.add_js_file(SCRIPT)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", live_explorers)
    app.connect("html-page-context", add_scripts)
    return extension_metadata()
