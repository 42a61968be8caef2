"""Build the notebook the grader runs: the learner's answers, the course's own checks.

The learner's file is only read. Cells the course owns (setup and check cells, known from the
canonical exercise notebook generated from ``solutions/``) are always taken from the course, so
an edited or deleted check cell changes nothing; answer cells, and any cells the learner added,
are taken from the learner, in the learner's order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from convlab.course import notebooks
from convlab.course.make_exercises import SolutionError, to_exercises


class NotGradable(Exception):
    """The file cannot be graded; the message says why in one line."""


@dataclass
class Slot:
    """One cell to run, and what it is for."""

    source: str
    role: str  # "setup", "answer", "check" or "extra" (a cell the learner added)
    exercise: str | None = None


@dataclass
class Assembly:
    """What to run for one notebook and which course notebook it is."""

    name: str  # the course notebook's stem, e.g. "01-why-not-fully-connected"
    exercises: list[str]
    slots: list[Slot] = field(default_factory=list)
    note: str = ""


def read_learner_notebook(path: Path) -> nbformat.NotebookNode:
    """Read ``path`` as a notebook without changing it, or raise :class:`NotGradable`."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise NotGradable(f"cannot read the file: {error.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotGradable(f"the file is not valid notebook JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotGradable("the file is JSON but not a Jupyter notebook (no list of cells)")
    try:
        return nbformat.reads(json.dumps(data), as_version=4)
    except Exception as error:  # nbformat raises many kinds for malformed notebooks
        raise NotGradable(f"the notebook is malformed ({type(error).__name__}: {error})") from None


def course_names() -> list[str]:
    """The stems of the course's exercise notebooks, from ``solutions/`` (or, in a release
    without solutions, from ``exercises/``)."""
    return [path.stem for path in notebooks.course_notebooks(_source_folder())]


def _source_folder():
    return notebooks.SOLUTIONS if notebooks.SOLUTIONS.is_dir() else notebooks.EXERCISES


def identify(notebook: nbformat.NotebookNode, path: Path) -> tuple[str, str]:
    """Return the course notebook this is (metadata first, then the file name) and a note."""
    names = course_names()
    claimed = notebook.metadata.get("convlab", {}).get("notebook")
    if claimed in names:
        stem = Path(path).stem
        note = (
            f"this file holds the exercises of {claimed}, not {stem}: graded as {claimed}"
            if stem in names and stem != claimed
            else ""
        )
        return claimed, note
    if Path(path).stem in names:
        return Path(path).stem, ""
    raise NotGradable(
        "this notebook does not belong to the course (no course metadata, and its name is not an exercise notebook's)"
    )


def canonical(name: str) -> nbformat.NotebookNode:
    """The exercise notebook ``name`` as the course generates it from ``solutions/`` (in a release
    without solutions: as ``exercises/`` holds it, generated the same way)."""
    try:
        if not notebooks.SOLUTIONS.is_dir():
            return notebooks.read(notebooks.EXERCISES / f"{name}.ipynb")
        return to_exercises(notebooks.read(notebooks.SOLUTIONS / f"{name}.ipynb"), f"{name}.ipynb")
    except (SolutionError, OSError, ValueError) as error:
        raise NotGradable(f"the course's own notebook {name} is broken: {error}") from None


def _role(cell) -> tuple[str | None, str | None]:
    info = cell.get("metadata", {}).get("convlab", {})
    return (info.get("role"), info.get("exercise")) if isinstance(info, dict) else (None, None)


def assemble(learner: nbformat.NotebookNode, name: str, note: str = "") -> Assembly:
    """Interleave the learner's answer and extra cells with the course's setup and check cells."""
    course = [cell for cell in canonical(name).cells if cell.cell_type == "code"]
    exercise_ids = [ex for role, ex in map(_role, course) if role == "check"]
    index_of = {}
    for index, cell in enumerate(course):
        role, exercise = _role(cell)
        index_of.setdefault((role, exercise) if role != "setup" else ("setup", notebooks.source(cell).strip()), index)

    # Attach each learner cell to the course cell it belongs to; extra cells follow the last anchor.
    answers: dict[int, list[Slot]] = {}
    extras: dict[int, list[Slot]] = {}
    anchor = 0
    for cell in learner.cells:
        if cell.cell_type != "code":
            continue
        role, exercise = _role(cell)
        text = notebooks.source(cell)
        if role == "answer" and ("answer", exercise) in index_of:
            anchor = index_of[("answer", exercise)]
            answers.setdefault(anchor, []).append(Slot(text, "answer", exercise))
        elif role == "check" and ("check", exercise) in index_of:
            anchor = index_of[("check", exercise)]
        elif role == "setup" or ("setup", text.strip()) in index_of:  # the course's own cell, unchanged
            anchor = index_of.get(("setup", text.strip()), anchor)
        elif text.strip():
            extras.setdefault(anchor, []).append(Slot(text, "extra", _exercise_at(course, anchor)))

    slots: list[Slot] = []
    for index, cell in enumerate(course):
        role, exercise = _role(cell)
        if role == "answer":
            slots.extend(answers.get(index, []))
        else:
            slots.append(Slot(notebooks.source(cell), role or "setup", exercise))
        slots.extend(extras.get(index, []))
    return Assembly(name, exercise_ids, slots, note)


def _exercise_at(course: list, index: int) -> str | None:
    """The exercise a learner cell placed after course cell ``index`` works towards."""
    start = index + 1 if _role(course[index])[0] == "check" else index
    for cell in course[start:]:
        exercise = _role(cell)[1]
        if exercise:
            return exercise
    return None
