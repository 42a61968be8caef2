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
import zipfile
from pathlib import Path

from sphinx.application import Sphinx

ARCHIVE = "convolution-from-the-notes.zip"
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


def banner(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Put a link to the archive and to the set-up page at the top of every notebook page."""
    if doctree is None or "body" not in context or not str(app.env.doc2path(pagename)).endswith(".ipynb"):
        return
    pathto = context["pathto"]
    megabytes = getattr(app, "course_archive_bytes", 0) / 1e6
    note = (
        '<p class="course-download-banner">To run this notebook you need the course\'s <code>convlab</code> '
        f'package too: <a class="course-download" href="{html.escape(pathto(ARCHIVE, 1))}" download>download '
        f"the course</a> (zip, {megabytes:.1f} MB: every notebook, the package, the grader) and follow "
        f'<a href="{html.escape(pathto("book/setup"))}">Set-up</a>.</p>\n'
    )
    body = context["body"]
    title_end = body.find("</h1>")
    at = title_end + len("</h1>") if title_end >= 0 else 0
    context["body"] = body[:at] + "\n" + note + body[at:]


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", make_archive)
    app.connect("html-page-context", banner)
