"""Error outputs as a learner needs them in the HTML book (the notebooks keep their real tracebacks).

An executed cell that raised shows IPython's full traceback: 20-40 lines of library internals,
with the path of the environment the book was built in. In the HTML the exception type and
message come first, in full and wrapped; the frames are folded into a ``<details>`` box, with
every file path cut back to what a reader can look up (``torch/nn/modules/conv.py``, not
``/…/site-packages/torch/nn/modules/conv.py``); an error that goes down the same library frames as
an earlier one of the page says so instead of folding them again. Other outputs (stderr,
warnings) lose build paths too.
"""

from __future__ import annotations

import html
import re

from docutils import nodes
from sphinx.application import Sphinx

from .metadata import extension_metadata

# ".../lib/python3.11/site-packages/torch/x.py" -> "torch/x.py"; likewise the standard library.
_LIBRARY_PATH = re.compile(r"(?:/[^\s/:,'\"]+)+/(?:site-packages|dist-packages|lib/python3\.\d+)/")
# A kernel's own cell files ("/tmp/ipykernel_12/3456.py") and any other temporary or home path.
_OTHER_PATH = re.compile(r"(?:/tmp|/var/folders|/root|/home/[^/\s]+|/Users/[^/\s]+)(?:/[^\s:,'\"]+)+")
_HEADER = re.compile(r"^-{20,}\n(?P<ename>[\w.]+)\s+Traceback \(most recent call last\)\n", re.M)


def strip_build_paths(text: str) -> str:
    """``text`` with file paths of the build machine shortened to library-relative ones."""
    return _OTHER_PATH.sub("<file>", _LIBRARY_PATH.sub("", text))


def split_traceback(text: str) -> tuple[str, str]:
    """``(message, frames)`` of an IPython traceback: the final ``Type: message`` and what leads there."""
    header = _HEADER.search(text)
    if header is None:
        lines = text.rstrip().splitlines()
        return (lines[-1] if lines else text), "\n".join(lines[:-1])
    ename = header.group("ename")
    body = text[header.end() :]
    starts = [m.start() for m in re.finditer(rf"^{re.escape(ename)}(?::|$)", body, re.M)]
    if not starts:
        return ename, body.rstrip()
    return body[starts[-1] :].strip(), body[: starts[-1]].rstrip()


def _frame_count(frames: str) -> int:
    return len(re.findall(r"^(?:File |Cell In\[)", frames, re.M))


def library_frames(frames: str) -> str:
    """The frames below the learner's own cell: from the first ``File …`` line on."""
    first = re.search(r"^File ", frames, re.M)
    return frames[first.start() :] if first else ""


def _error_node(traceback: str, source: nodes.Node, seen: set[str]) -> nodes.container:
    """The error as a box: its message, then its frames folded, unless an earlier error of the page
    went down the same library frames (then one line says so, and the reader unfolds those)."""
    message, frames = split_traceback(strip_build_paths(traceback))
    box = nodes.container(classes=["output", "course-error"])
    shown = nodes.literal_block(message, message, classes=["course-error-message"], language="none")
    box += shown
    library = library_frames(frames)
    if library and library in seen:
        box += nodes.paragraph("", "Traceback: the same library frames as the first error above.",
                               classes=["course-error-same"])
    elif frames:
        seen.add(library)
        count = _frame_count(frames)
        summary = f"Traceback: {count} frame{'s' * (count != 1)}, from your cell down into the library"
        box += nodes.raw("", f'<details class="course-error-frames"><summary>{html.escape(summary)}</summary>',
                         format="html")
        box += nodes.literal_block(frames, frames, language="ipythontb", classes=["course-error-trace"])
        box += nodes.raw("", "</details>", format="html")
    box.source, box.line = source.source, source.line
    return box


def readable_errors(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Rewrite every notebook error output (and strip build paths from stderr) in ``doctree``."""
    seen: set[str] = set()
    for block in list(doctree.findall(nodes.literal_block)):
        classes = block.get("classes", [])
        if "traceback" in classes and "output" in classes:
            block.replace_self(_error_node(block.astext(), block, seen))
        elif "output" in classes and {"stderr", "stream"} & set(classes):
            text = block.astext()
            cleaned = strip_build_paths(text)
            if cleaned != text:
                block.children = [nodes.Text(cleaned)]
                block.rawsource = cleaned


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", readable_errors)
    return extension_metadata()
