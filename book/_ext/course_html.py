"""Sphinx extension for this book's HTML: self-contained (it works offline) and light.

- Math is converted to MathML while the book is built (latex2mathml), so pages need no
  MathJax, no CDN and no JavaScript to show formulas; browsers render MathML natively.
- The theme's 1.5 MB Font Awesome script is dropped from every page, and the search index with
  its scripts from every page but the search page (search-as-you-type is off); the few icons the theme
  uses are drawn from Font Awesome's web font (shipped with the theme) by ``course.css``, cut
  down to the icons the book's style sheets name (156 kB → a few kB per font).
- Thebe (live code through Binder) cannot work offline, and Jupyter Book 1 declares its
  settings twice, a page error: its scripts are left out; so are sphinx-design's, on pages
  that use none of its components.
- ``course.css`` also keeps animations and wide outputs inside a phone's width.
- Error outputs show their message first, frames folded, no build path (``course_errors``).
- The course is served as one archive, linked from every notebook page (``course_download``).
- The output-size explorer runs in the page with all its sliders (``course_explorer``).
- The notes' wrong claims are quoted in one style, linked to the errata (``course_claims``).
- Pictures are stored as palette PNGs, a third of the bytes (``course_images``).
"""

from __future__ import annotations

import re
from pathlib import Path

import course_claims
import course_download
import course_errors
import course_explorer
import course_images
import course_skills
from docutils import nodes
from latex2mathml.converter import convert
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
# Sphinx's search scripts and index, which the theme loads on every page for search-as-you-type
# (off here): only the search page uses them.
_SEARCH_SCRIPTS = re.compile(
    r"[ \t]*<script src=\"[^\"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)\"></script>\n?"
)
_FONTAWESOME_JS = re.compile(r"[ \t]*<(?:script|link)[^>]*scripts/fontawesome\.js[^>]*>(?:</script>)?\n?")


def _mathml(latex: str, display: str, node: nodes.Node) -> str:
    try:
        return convert(latex, display=display)
    except Exception as error:  # keep the LaTeX visible rather than fail the page
        logger.warning("cannot convert math %r to MathML: %s", latex, error, location=node)
        return f"<code>{latex}</code>"


def visit_math(self, node: nodes.Node) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate"))
    self.body.append(_mathml(node.astext(), "inline", node))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.Node) -> None:
    latex = node.astext()
    if node.get("nowrap") or "\\begin{" not in latex:
        latex = latex.strip()
    self.body.append(self.starttag(node, "div", CLASS="math notranslate"))
    if node.get("number"):
        self.body.append(f'<span class="eqno">({node["number"]})</span>')
    self.body.append(_mathml(latex, "block", node))
    self.body.append("</div>\n")
    raise nodes.SkipNode


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


_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
_CSS_ESCAPE = re.compile(r"\\([ef][0-9a-fA-F]{3})\b")
_FA_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
_FA_RULE = re.compile(r"((?:\.fa-[a-z0-9-]+:{1,2}before,?)+)\{content:\s*\"\\([0-9a-f]{2,5}) ?\"\}")
_ICON_FONTS = ("fa-solid-900", "fa-regular-400", "fa-brands-400")
_WOFF2_SOURCE = re.compile(
    r"url\(([\"']?)([^)\"']*?)(" + "|".join(_ICON_FONTS) + r")\.woff2\1\)\s*format\(([\"'])woff2\4\)"
)


def classes_in_use(outdir: Path) -> set[str]:
    """Font Awesome class names (``fa-bars``) that a page or a script of the book names."""
    used = set()
    for page in [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]:
        used.update(_FA_CLASS.findall(page.read_text(encoding="utf-8", errors="replace")))
    return used


def icons_in_use(used: set[str], sheets: dict[Path, str]) -> set[int]:
    """Code points of the icons the book can show.

    Theme rules name icons as private-use characters; Font Awesome's class list (bundled in the
    theme's CSS) as ``.fa-name:before{content:"\\f0c9"}``, of which only classes that a page or
    a script uses count; ``course.css`` names its own.
    """
    codes = set()
    for sheet, text in sheets.items():
        codes |= {ord(c) for c in _PRIVATE_USE.findall(text)}
        if sheet.name == "course.css":
            codes |= {int(code, 16) for code in _CSS_ESCAPE.findall(text)}
        for selectors, code in _FA_RULE.findall(text):
            if used & set(_FA_CLASS.findall(selectors)):
                codes.add(int(code, 16))
    return codes


def subset_icon_fonts(app: Sphinx, exception: Exception | None) -> None:
    """Keep only the icons the book uses in Font Awesome's fonts and CSS, and point the CSS at them.

    Each font is cut to :func:`icons_in_use` and written as WOFF (zlib: no Brotli needed).
    """
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset

    static = Path(app.outdir) / "_static"
    sheets = {sheet: sheet.read_text(encoding="utf-8") for sheet in static.rglob("*.css")}
    used = classes_in_use(Path(app.outdir))
    codes = icons_in_use(used, sheets)
    fonts = static / "vendor" / "fontawesome" / "webfonts"
    made = set()
    for name in _ICON_FONTS:
        if not (fonts / f"{name}.ttf").is_file():
            continue
        options = subset.Options(flavor="woff", layout_features=[], name_IDs=[], notdef_outline=True)
        font = subset.load_font(str(fonts / f"{name}.ttf"), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codes & set(font.getBestCmap()))
        subsetter.subset(font)
        subset.save_font(font, str(fonts / f"{name}.course.woff"), options)
        made.add(name)
    for sheet, text in sheets.items():
        lighter = _WOFF2_SOURCE.sub(
            lambda m: f"url({m[1]}{m[2]}{m[3]}.course.woff{m[1]}) format({m[4]}woff{m[4]})" if m[3] in made else m[0],
            text,
        )
        # The theme bundles a rule per Font Awesome icon (~1800): keep those of icons in use.
        lighter = _FA_RULE.sub(lambda m: m[0] if used & set(_FA_CLASS.findall(m[1])) else "", lighter)
        if lighter != text:
            sheet.write_text(lighter, encoding="utf-8")


def drop_thebe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Leave sphinx-thebe's scripts and styles out of the page."""

    def is_thebe(asset) -> bool:
        return "thebe" in str(getattr(asset, "filename", "") or "") or "THEBE_JS_URL" in str(
            getattr(asset, "attributes", {}).get("body", "")
        )

    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not is_thebe(asset)]


def drop_unused_design(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Leave sphinx-design's style sheet (55 kB) and tab script out of pages that use none of it."""
    if re.search(r'class="[^"]*\bsd-', context.get("body", "")):
        return

    def is_design(asset) -> bool:
        name = str(getattr(asset, "filename", "") or "")
        return "sphinx-design" in name or "design-tabs" in name

    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not is_design(asset)]


def setup(app: Sphinx) -> dict:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    app.config.html_static_path.append(str(STATIC))
    app.add_css_file("course.css")
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("html-page-context", drop_unused_design, priority=900)
    app.connect("build-finished", drop_unused_scripts)
    app.connect("build-finished", subset_icon_fonts)
    course_claims.setup(app)
    course_errors.setup(app)
    course_images.setup(app)
    course_download.setup(app)
    course_explorer.setup(app)
    course_skills.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
