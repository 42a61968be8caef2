"""The course's graded exercises: id, title, points and skill — read from the notebooks, torch-free.

An exercise's facts live in one place: the metadata of its answer cell in
``solutions/NN-….ipynb``, as nbgrader keeps points in cell metadata::

    "convlab": {"exercise": "3.1", "title": "…", "points": 1, "skill": "…", "counting": true}

``python -m convlab.make_exercises`` copies them into ``exercises/``, which both the full course
and the instructor's release hold, so the catalog reads ``exercises/`` and works in either. The
grader reads points here, the checks read titles here, without importing any chapter's checks
(which need torch), and the book makes the skills table of its grading page from here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["CATALOG", "Entry", "entries_of", "entry", "read_catalog", "skills_table"]

METADATA_KEY = "convlab"  # the cell metadata key that holds an exercise's facts


class Entry(NamedTuple):
    """One graded exercise: what the learner sees (title), what it measures (skill), what it is worth."""

    id: str  # "chapter.number", e.g. "1.2"
    title: str
    points: float
    skill: str = ""  # the skill it tests, for the skills table of book/grading.md
    counting: bool = False  # a counting or size formula (at most a third of the course's points)

    @property
    def chapter(self) -> int:
        return int(self.id.split(".")[0])


def _order(item: Entry) -> tuple[int, ...]:
    return tuple(int(part) for part in item.id.split("."))


def entries_of(cells: Iterable[dict[str, Any]]) -> list[Entry]:
    """The entries that a notebook's cells (as JSON dicts or nbformat nodes) carry in their metadata:
    one per cell whose ``convlab`` metadata names an exercise and its points."""
    found = []
    for cell in cells:
        facts = cell.get("metadata", {}).get(METADATA_KEY, {})
        if "exercise" in facts and "points" in facts:
            found.append(Entry(str(facts["exercise"]), str(facts.get("title", "")), facts["points"],
                               str(facts.get("skill", "")), bool(facts.get("counting", False))))
    return found


def _exercise_folder() -> Path:
    """``$CONVLAB_COURSE/exercises``, else the ``exercises/`` beside this package, else (an installed
    package) the nearest at or above the current folder."""
    if os.environ.get("CONVLAB_COURSE"):
        return Path(os.environ["CONVLAB_COURSE"]) / "exercises"
    cwd = Path.cwd().resolve()
    for root in (Path(__file__).resolve().parents[2], cwd, *cwd.parents):
        if any((root / "exercises").glob("[0-9][0-9]-*.ipynb")):
            return root / "exercises"
    return Path(__file__).resolve().parents[2] / "exercises"


def read_catalog(folder: Path | None = None) -> tuple[Entry, ...]:
    """Every exercise of the notebooks in ``folder`` (default: the course's ``exercises/``), in id order."""
    found: list[Entry] = []
    for path in sorted(Path(folder or _exercise_folder()).glob("[0-9][0-9]-*.ipynb")):
        found.extend(entries_of(json.loads(path.read_text(encoding="utf-8"))["cells"]))
    return tuple(sorted(found, key=_order))


CATALOG: tuple[Entry, ...] = read_catalog()

_BY_ID = {item.id: item for item in CATALOG}

def skills_table(entries: Iterable[Entry] = CATALOG) -> str:
    """The skills table of book/grading.md, in Markdown: each exercise, the skill it tests, its points,
    and the share of the points that counting and size formulas carry (the book makes it at build
    time, with the ``{exercise-skills}`` directive of ``book/_ext/course_book/skills.py``)."""
    entries = list(entries)
    rows = ["| exercise | skill it tests | points | counting / size formula |", "|---|---|---|---|"]
    for item in entries:
        rows.append(f"| {item.id} | {item.skill} | {item.points:g} | {'yes' if item.counting else ''} |")
    total = sum(item.points for item in entries)
    counting = sum(item.points for item in entries if item.counting)
    rows.append("")
    rows.append(f"Counting and size formulas carry {counting:g} of the {total:g} points "
                f"({100 * counting / total:.0f} %); the rest is computing by hand, writing the operation, "
                "designing a layer and reasoning about what it does.")
    return "\n".join(rows)


def entry(exercise_id: str) -> Entry:
    """The catalog entry of ``exercise_id`` (``"1.2"``); ``ValueError`` if there is none."""
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a string like '1.2', got {exercise_id!r}")
    if exercise_id not in _BY_ID:
        raise ValueError(f"there is no exercise {exercise_id!r} in the course")
    return _BY_ID[exercise_id]
