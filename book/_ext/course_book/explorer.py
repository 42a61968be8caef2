"""The explorers, every slider live in the HTML book.

A notebook cell whose metadata holds ``html_explorer`` (the output-size explorer's starting
values, e.g. ``{"W": 5, "H": 5, "F": 3, "F_h": 3, "P": 1, "S": 1, "D": 1}``) or
``html_receptive_explorer`` (``{"depth": 2, "kernel_size": 3, "stride_1": 1, "dilation_1": 1, …}``,
a stride and a dilation for each of the 3 layers) is shown in the book as that live explorer: its
code and its output (the one-parameter player that Jupyter shows) are replaced by a placeholder
that a small script of ours (``static/course-*.js``) fills with sliders and pictures. What the
pictures show for every slider setting, and what a screen reader is told, is computed here, at
build time, by :mod:`convlab.explorers.output_size` and :mod:`convlab.explorers.receptive`, and
written to ``_static/*-data.js``. The scripts load only on the pages that hold their explorer.
"""

from __future__ import annotations

import html
import importlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from .metadata import extension_metadata

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Explorer:
    metadata_key: str
    css_class: str  # of the placeholder the script fills
    sliders: tuple[str, ...]
    table_module: str  # convlab module whose table_json() the script draws from
    data_global: str  # the window variable holding that table
    script: str

    @property
    def data_script(self) -> str:
        return self.script.replace(".js", "-data.js")


EXPLORERS = (
    Explorer("html_explorer", "course-explorer", ("W", "H", "F", "F_h", "P", "S", "D"),
             "convlab.explorers.output_size", "COURSE_EXPLORER_DATA", "course-explorer.js"),
    Explorer("html_receptive_explorer", "course-receptive",
             ("depth", "kernel_size", *(f"{name}_{layer}" for layer in (1, 2, 3) for name in ("stride", "dilation"))),
             "convlab.explorers.receptive", "COURSE_RECEPTIVE_DATA", "course-receptive.js"),
)


def write_data(app: Sphinx) -> None:
    """Compute every explorer's table and add it to the book's static files."""
    if app.builder.format != "html":
        return
    source = str(app.srcdir)  # a str: Sphinx 7's path type warns when compared with one
    if source not in sys.path:  # this course's convlab, not another installed copy
        sys.path.insert(0, source)
    folder = Path(app.doctreedir).parent / "course_generated_static"
    folder.mkdir(parents=True, exist_ok=True)
    for explorer in EXPLORERS:
        data = importlib.import_module(explorer.table_module).table_json()
        (folder / explorer.data_script).write_text(f"window.{explorer.data_global} = {data};\n", encoding="utf-8")
    app.config.html_static_path.append(str(folder))


def placeholder(explorer: Explorer, initial: dict) -> str:
    values = json.dumps({key: int(initial[key]) for key in explorer.sliders}, separators=(",", ":"))
    return (
        f'<div class="{explorer.css_class}" data-initial="{html.escape(values)}">'
        "<p>The live explorer needs JavaScript; in Jupyter, run the chapter for its sliders.</p></div>\n"
    )


def live_explorers(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each cell marked for an explorer by that explorer's placeholder."""
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        metadata = cell.get("cell_metadata") or {}
        for explorer in EXPLORERS:
            initial = metadata.get(explorer.metadata_key)
            if initial is None:
                continue
            missing = [key for key in explorer.sliders if key not in initial]
            if missing:
                logger.warning("%s needs the starting value of %s", explorer.metadata_key, ", ".join(missing),
                               location=cell)
                continue
            box = nodes.container(classes=["cell", "course-explorer-cell"])
            box += nodes.raw("", placeholder(explorer, initial), format="html")
            cell.replace_self(box)
            break


def add_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for explorer in EXPLORERS:
        if f'class="{explorer.css_class}"' in context.get("body", ""):
            app.add_js_file(explorer.data_script)
            app.add_js_file(explorer.script)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", write_data)
    app.connect("doctree-resolved", live_explorers)
    app.connect("html-page-context", add_scripts)
    return extension_metadata()
