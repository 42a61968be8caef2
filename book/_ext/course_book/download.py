"""The course as one download: an archive served with the book, linked from every notebook page.

A notebook downloaded on its own imports ``convlab``, which a reader would not have. The
archive holds what running the notebooks and grading the exercises needs: the package, the
chapters, the exercises, the solutions (the grader takes the course's own check cells from
them), ``requirements.txt``, ``pyproject.toml`` (``pip install -r requirements.txt`` installs
the package from it) and the README. It is written into the book's root before the pages, so
every notebook page can say how large it is; the set-up page (``book/setup.md``) walks through
using it.
"""

from __future__ import annotations

import html
import posixpath
import zipfile
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from .metadata import extension_metadata

ARCHIVE = "convolution-from-the-notes.zip"
SETUP_PAGE = "book/setup"  # the page that walks through using the archive
FOLDER = "convolution-from-the-notes"  # the archive unpacks into this one folder
FILES = ("README.md", "requirements.txt", "pyproject.toml")
TREES = {"convlab": "*.py", "chapters": "*.ipynb", "exercises": "*.ipynb", "solutions": "*.ipynb"}
_FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # the same files give the same archive, byte for byte


def course_files(root: Path) -> list[Path]:
    """The files of the archive, relative to the course's root, sorted."""
    files = [Path(name) for name in FILES]
    for folder, pattern in TREES.items():
        files += [p.relative_to(root) for p in (root / folder).rglob(pattern) if "__pycache__" not in p.parts]
    missing = [str(f) for f in files if not (root / f).is_file()]
    if missing:
        raise FileNotFoundError(f"the course archive needs {', '.join(missing)} in {root}")
    return sorted(files)


def write_archive(root: Path, target: Path) -> int:
    """Write the course archive of ``root`` to ``target``; return its size in bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for file in course_files(root):
            info = zipfile.ZipInfo(f"{FOLDER}/{file.as_posix()}", date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (root / file).read_bytes())
    return target.stat().st_size


def make_archive(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    app.course_archive_bytes = write_archive(Path(app.srcdir), Path(app.outdir) / ARCHIVE)


def banner(app: Sphinx, docname: str) -> nodes.paragraph:
    """The note that links the archive and the set-up page, for the page of ``docname``."""
    megabytes = getattr(app, "course_archive_bytes", 0) / 1e6
    archive = posixpath.relpath(ARCHIVE, posixpath.dirname(docname) or ".")
    note = nodes.paragraph(classes=["course-download-banner"])
    note += nodes.Text("To run this notebook you need the course's ")
    note += nodes.literal("convlab", "convlab")
    note += nodes.Text(" package too: ")
    # raw, for the ``download`` attribute that docutils' references do not have
    link = f'<a class="course-download" href="{html.escape(archive)}" download>download the course</a>'
    note += nodes.raw("", link, format="html")
    note += nodes.Text(f" (zip, {megabytes:.1f} MB: every notebook, the package, the grader) and follow ")
    note += nodes.reference("", "Set-up", internal=True, refuri=app.builder.get_relative_uri(docname, SETUP_PAGE))
    note += nodes.Text(".")
    return note


def add_banner(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put :func:`banner` under the title of every notebook page."""
    if app.builder.format != "html" or not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    title = next(doctree.findall(nodes.title), None)
    if title is None:
        doctree.insert(0, banner(app, docname))
    else:
        title.parent.insert(title.parent.index(title) + 1, banner(app, docname))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", make_archive)
    app.connect("doctree-resolved", add_banner)
    return extension_metadata()
