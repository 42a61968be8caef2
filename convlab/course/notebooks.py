"""Where the course's notebooks live, and reading/writing them the same way everywhere."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat


def _course_root() -> Path:
    """The course checkout: ``$CONVLAB_COURSE``, else the one holding this package, else the
    nearest folder at or above the current one that has ``solutions/`` (an installed package)."""
    if os.environ.get("CONVLAB_COURSE"):
        return Path(os.environ["CONVLAB_COURSE"]).resolve()
    here = Path(__file__).resolve().parents[2]
    if (here / "solutions").is_dir():
        return here
    cwd = Path.cwd().resolve()
    return next((folder for folder in (cwd, *cwd.parents) if (folder / "solutions").is_dir()), here)


REPO_ROOT = _course_root()
CHAPTERS, SOLUTIONS, EXERCISES = (REPO_ROOT / name for name in ("chapters", "solutions", "exercises"))
NOTEBOOK_NAME = re.compile(r"^(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$")
CHECK_CALL = re.compile(r"""^\s*check\(\s*["'](\d+\.\d+)["']\s*\)\s*$""", re.MULTILINE)


def read(path: Path) -> nbformat.NotebookNode:
    """Read a notebook as nbformat 4."""
    return nbformat.read(str(path), as_version=4)


def dumps(notebook: nbformat.NotebookNode) -> str:
    """The exact text a notebook is saved as (one format for every tool of the course)."""
    return nbformat.writes(notebook) + "\n"


def write(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Save ``notebook`` to ``path`` in the course's one format."""
    Path(path).write_text(dumps(notebook), encoding="utf-8")


def course_notebooks(folder: Path) -> list[Path]:
    """The ``NN-slug.ipynb`` notebooks of ``folder``, in chapter order."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))


KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
_AUTHORING_CELL_KEYS = ("lines_to_next_cell", "execution", "collapsed", "scrolled")


def normalise(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop authoring-tool metadata (jupytext, timings) and set the course's kernel."""
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    for cell in notebook.cells:
        for key in _AUTHORING_CELL_KEYS:
            cell.metadata.pop(key, None)
    return notebook


def source(cell) -> str:
    """A cell's source as one string."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text
