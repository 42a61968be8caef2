"""The theme's icons from Font Awesome's web font (shipped with the theme), cut down to the icons
the book's style sheets name (156 kB → a few kB per font); ``course.css`` draws them, so the
theme's 1.5 MB Font Awesome script is not needed (``pages`` drops it)."""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

from .metadata import extension_metadata

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


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", subset_icon_fonts)
    return extension_metadata()
