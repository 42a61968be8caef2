"""Formulas as MathML, converted while the book is built (latex2mathml).

Pages need no MathJax, no CDN and no JavaScript to show formulas: browsers render MathML
natively. A formula latex2mathml cannot convert stays visible as LaTeX, with a warning.
"""

from __future__ import annotations

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.application import Sphinx
from sphinx.util import logging

from .metadata import extension_metadata

logger = logging.getLogger(__name__)


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


def setup(app: Sphinx) -> dict:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    return extension_metadata()
