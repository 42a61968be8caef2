"""Light pages that work offline: what the theme would load and this book does not need.

- The theme's 1.5 MB Font Awesome script (``icon_fonts`` keeps its icons), and the search index
  with its scripts on every page but the search page (search-as-you-type is off). The theme's
  templates write these ``<script>`` tags themselves, not through Sphinx's list of a page's
  scripts, so they are cut from the written pages.
- Thebe (live code through Binder) cannot work offline, and Jupyter Book 1 declares its
  settings twice, a page error: its scripts and styles are left out.
- sphinx-design's style sheet and script, on pages whose document uses none of its components.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from .metadata import extension_metadata

# Sphinx's search scripts and index, which the theme loads on every page for search-as-you-type
# (off here): only the search page uses them.
_SEARCH_SCRIPTS = re.compile(
    r"[ \t]*<script src=\"[^\"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)\"></script>\n?"
)
_FONTAWESOME_JS = re.compile(r"[ \t]*<(?:script|link)[^>]*scripts/fontawesome\.js[^>]*>(?:</script>)?\n?")


def drop_unused_scripts(app: Sphinx, exception: Exception | None) -> None:
    """Remove the theme's Font Awesome script, and the search scripts outside the search page."""
    if exception is not None or app.builder.format != "html":
        return
    search_as_you_type = app.config.html_theme_options.get("search_as_you_type", False)
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = _FONTAWESOME_JS.sub("", text)
        if page.name != "search.html" and not search_as_you_type:
            lighter = _SEARCH_SCRIPTS.sub("", lighter)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


def _drop_assets(context: dict, unwanted) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not unwanted(asset)]


def drop_thebe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Leave sphinx-thebe's scripts and styles out of the page."""

    def is_thebe(asset) -> bool:
        return "thebe" in str(getattr(asset, "filename", "") or "") or "THEBE_JS_URL" in str(
            getattr(asset, "attributes", {}).get("body", "")
        )

    _drop_assets(context, is_thebe)


def uses_design(doctree: nodes.document | None) -> bool:
    """Whether the document has a sphinx-design component (its nodes carry ``sd-`` classes)."""
    if doctree is None:
        return False
    return any(
        name.startswith("sd-") for node in doctree.findall(nodes.Element) for name in node.get("classes", [])
    )


def drop_unused_design(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Leave sphinx-design's style sheet (55 kB) and tab script out of pages that use none of it."""
    if uses_design(doctree):
        return

    def is_design(asset) -> bool:
        name = str(getattr(asset, "filename", "") or "")
        return "sphinx-design" in name or "design-tabs" in name

    _drop_assets(context, is_design)


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("html-page-context", drop_unused_design, priority=900)
    app.connect("build-finished", drop_unused_scripts)
    return extension_metadata()
