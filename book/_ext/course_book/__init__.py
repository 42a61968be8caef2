"""This book's Sphinx extension: self-contained HTML (it works offline), light and accessible.

One module per job, each also an extension of its own (``course_book.claims``):

- :mod:`.mathml`: formulas converted to MathML while the book is built: no MathJax.
- :mod:`.pages`: what the theme would load and no page needs (Font Awesome's script, the search
  index outside the search page, Thebe, unused sphinx-design) is left out.
- :mod:`.icon_fonts`: the theme's icon fonts cut down to the icons the book shows.
- :mod:`.errors`: error outputs show their message first, frames folded, no build path.
- :mod:`.download`: the course as one archive, linked from every notebook page.
- :mod:`.explorer`: the output-size and receptive-field explorers, every slider live in the page.
- :mod:`.grid_explorer`: every other explorer, drawn from data ``convlab.explorers`` computes.
- :mod:`.claims`: the notes' wrong claims quoted in one style, linked to the errata.
- :mod:`.images`: pictures stored as palette PNGs, a third of the bytes.
- :mod:`.skills`: the grading page's skills table, made from the exercises' cell metadata.
- :mod:`.alt`: figures and players described by alt text written in their cells' metadata.

``static/course.css`` (in ``book/_ext/static``, with the explorers' scripts) styles them, and
keeps animations and wide outputs inside a phone's width.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from . import alt, claims, download, errors, explorer, grid_explorer, icon_fonts, images, mathml, pages, skills
from .metadata import extension_metadata

STATIC = Path(__file__).resolve().parent.parent / "static"


def setup(app: Sphinx) -> dict:
    app.config.html_static_path.append(str(STATIC))
    app.add_css_file("course.css")
    for module in (mathml, pages, icon_fonts, errors, download, explorer, grid_explorer, claims, images, alt, skills):
        module.setup(app)
    return extension_metadata()
