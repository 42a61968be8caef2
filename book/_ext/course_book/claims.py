"""The notes' wrong claims, marked wherever the book quotes them, and linked to their errata entry.

Inline, in a sentence::

    Question 6 holds that {notes-claim}`the kernel's weights are shared across all input channels <errata-q6>`.

As a block, for a longer quotation::

    ```{notes-claim} errata-q6
    The kernel's weights are shared across all input channels.
    ```

Both show a label (:data:`LABEL`) that links to the errata entry, then the quotation, struck
through (``course.css``). The label is resolved as a ``{ref}`` of Sphinx's std domain, so a
label that does not exist is a warning, and the book's ``-W -n`` build fails on it.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.utils import unescape
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import split_explicit_title

from .metadata import extension_metadata

LABEL = "the notes say ✗"
ERRATA_PREFIX = "errata-"


def _errata_link(label: str) -> addnodes.pending_xref:
    """A ``{ref}`` to the errata entry ``label`` that reads :data:`LABEL`."""
    link = addnodes.pending_xref(
        "", refdomain="std", reftype="ref", reftarget=label.lower(), refexplicit=True, refwarn=True
    )
    link += nodes.inline(LABEL, LABEL)
    return link


def _bad_label(label: str) -> str | None:
    if not label.startswith(ERRATA_PREFIX):
        return f"the label must name an errata entry ({ERRATA_PREFIX}…), got {label!r}"
    return None


def notes_claim_role(name, rawtext, text, lineno, inliner, options=None, content=()):
    """``{notes-claim}`quoted claim <errata-label>``: the label, then the claim in quotes, struck through."""
    has_label, quote, label = split_explicit_title(unescape(text))
    problem = None if has_label else f"write the claim then its errata label in <>, got {text!r}"
    problem = problem or _bad_label(label) or (None if quote.strip() else "the quoted claim is empty")
    if problem:
        message = inliner.reporter.error(f"notes-claim: {problem}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    claim = nodes.inline(rawtext, "", classes=["notes-claim"])
    claim += _errata_link(label)
    claim += nodes.Text(" “")
    claim += nodes.inline(quote, quote, classes=["notes-claim-text"])
    claim += nodes.Text("”")
    return [claim], []


class NotesClaim(SphinxDirective):
    """A quoted passage of the notes that is wrong: the label linking to ``errata-…``, then the quote."""

    required_arguments = 1
    has_content = True
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        label = self.arguments[0]
        problem = _bad_label(label) or (None if self.content else "the quotation is empty")
        if problem:
            raise self.error(f"notes-claim: {problem}")
        box = nodes.container(classes=["notes-claim", "notes-claim-block", *self.options.get("class", [])])
        heading = nodes.paragraph(classes=["notes-claim-label"])
        heading += _errata_link(label)
        box += heading
        quote = nodes.block_quote(classes=["notes-claim-text"])
        self.state.nested_parse(self.content, self.content_offset, quote)
        box += quote
        return [box]


def setup(app: Sphinx) -> dict:
    app.add_role("notes-claim", notes_claim_role)
    app.add_directive("notes-claim", NotesClaim)
    return extension_metadata()
