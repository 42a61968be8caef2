"""Graded notebooks kept under ``--out``, so that a rerun grades only what changed.

A result is reused when the learner, the notebook's bytes, the course's version and the grading
options (time limits, sandbox or not) are all the same as when it was graded. The course's
version is a hash of what decides a grade: every Python source of the ``convlab`` package (the
grader, the checks, and the core maths the checks compare against) and the code cells of the
course's ``solutions/`` notebooks (which exercises a notebook has, and its setup cells). A
hash rather than the package's version number: a fix to a check changes the grades it gives
whether or not anyone remembers to bump the version. Outputs stored in the solutions are left
out, so re-executing them keeps the cache.

Each result is one file, ``<out>/cache/<learner>/<notebook>.json``, written atomically (a
temporary file renamed over it) as soon as the notebook is graded: an interrupted run loses
only the notebooks in flight.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

import convlab
from convlab.course import notebooks
from convlab.course.grading.report import ExerciseResult, NotebookResult

FOLDER = "cache"
_FORMAT = 1  # bump when the layout of a cached file changes


@functools.cache
def course_version() -> str:
    """A hash of the ``convlab`` package's Python sources and the code of the course's solutions."""
    digest = hashlib.sha256()
    package = Path(convlab.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        _add(digest, path.relative_to(package).as_posix(), path.read_bytes())
    for path in notebooks.course_notebooks(notebooks.SOLUTIONS):
        code = [cell.source for cell in notebooks.read(path).cells if cell.cell_type == "code"]
        _add(digest, path.name, json.dumps(code).encode())
    return digest.hexdigest()


def _add(digest, name: str, content: bytes) -> None:
    digest.update(f"{name}\0{len(content)}\0".encode())
    digest.update(content)


def result_key(learner: str, content: bytes, options, version: str | None = None) -> str:
    """The key of one graded notebook: learner, notebook bytes, course version, grading options."""
    parts = {
        "format": _FORMAT,
        "learner": learner,
        "notebook": hashlib.sha256(content).hexdigest(),
        "course": version or course_version(),
        "cell_timeout": float(options.cell_timeout),
        "notebook_timeout": float(options.notebook_timeout),
        "sandboxed": options.sandbox is not None,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def to_dict(result: NotebookResult) -> dict:
    """A result as plain JSON data (every field, so that it reads back unchanged)."""
    return asdict(result)


def from_dict(data: dict) -> NotebookResult:
    """The inverse of :func:`to_dict`."""
    exercises = [ExerciseResult(**exercise) for exercise in data["exercises"]]
    return NotebookResult(data["path"], exercises, data.get("problem", ""), data.get("unreadable", False))


def graded_anything(result: NotebookResult) -> bool:
    """False for a notebook the grader could not take apart (one ``notebook`` row: not a course
    notebook, or the grader or its worker failed). Those are not kept: the failure may be the
    grader's, and finding such a notebook again costs no kernel."""
    return any(exercise.id != "notebook" for exercise in result.exercises)


class ResultCache:
    """The results of one class under ``out_dir/cache``; ``reused`` counts the results handed back.

    ``fresh=True`` ignores what is stored (every notebook is graded again, and overwrites it).
    """

    def __init__(self, out_dir: Path, options, *, fresh: bool = False) -> None:
        self.folder = Path(out_dir) / FOLDER
        self.options = options
        self.fresh = fresh
        self.reused = 0
        self._keys: dict[tuple[str, str], str] = {}  # the key of the bytes read when looking up

    def _file(self, learner: str, path: Path) -> Path:
        return self.folder / learner / (Path(path).stem + ".json")

    def load(self, learner: str, path: Path) -> NotebookResult | None:
        """The stored result of ``learner``'s notebook at ``path`` if its key still matches, else None."""
        try:
            key = self._keys[learner, str(path)] = result_key(learner, Path(path).read_bytes(), self.options)
        except OSError:
            return None
        if self.fresh:
            return None
        try:
            stored = json.loads(self._file(learner, path).read_text(encoding="utf-8"))
            if stored["key"] != key:
                return None
            result = from_dict(stored["result"])
        except (OSError, ValueError, KeyError, TypeError):  # missing, half-written by hand, or another format
            return None
        result.path = str(path)  # the class folder may have moved since
        self.reused += 1
        return result

    def store(self, learner: str, path: Path, result: NotebookResult) -> None:
        """Keep ``result`` (if :func:`graded_anything`) for ``learner``'s notebook at ``path``, atomically,
        under the key of the bytes :meth:`load` read: a notebook handed in again while it was being
        graded is graded again next time."""
        key = self._keys.get((learner, str(path)))
        if key is None or not graded_anything(result):
            return
        target = self._file(learner, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"key": key, "result": to_dict(result)}, indent=1, ensure_ascii=False)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text + "\n")
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
