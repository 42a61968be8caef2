"""A class's grades as files: ``gradebook.csv`` for a spreadsheet, ``report.json`` for programs."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from convlab.course.grading.classroom import LearnerResult
from convlab.course.grading.report import to_json

_EXERCISE_ID = re.compile(r"^\d+\.\d+$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


def exercise_columns(learners: list[LearnerResult]) -> dict[str, float]:
    """Every exercise graded for anyone, in course order, with its maximum points."""
    points: dict[str, float] = {}
    for learner in learners:
        for notebook in learner.notebooks:
            for ex in notebook.exercises:
                if _EXERCISE_ID.match(ex.id):
                    points.setdefault(ex.id, ex.max_points)
    return {ex: points[ex] for ex in sorted(points, key=lambda ex: tuple(int(part) for part in ex.split(".")))}


def learner_points(learner: LearnerResult) -> dict[str, float]:
    """``{exercise id: points}`` for the exercises this learner handed in."""
    return {ex.id: ex.points for nb in learner.notebooks for ex in nb.exercises if _EXERCISE_ID.match(ex.id)}


def report(learners: list[LearnerResult]) -> dict:
    """``{"learners": [{"learner", "score", "max_score", "notebooks": [...]}]}``; each notebook in
    the ``--json`` schema. ``max_score`` counts every exercise in the gradebook, handed in or not."""
    columns = exercise_columns(learners)
    entries = []
    for learner in learners:
        mine = learner_points(learner)
        entries.append(
            {
                "learner": learner.learner,
                "score": float(sum(mine.get(ex, 0.0) for ex in columns)),
                "max_score": float(sum(columns.values())),
                "notebooks": json.loads(to_json(learner.notebooks))["notebooks"],
            }
        )
    return {"learners": entries}


def write(learners: list[LearnerResult], out_dir: Path) -> tuple[Path, Path]:
    """Write ``gradebook.csv`` and ``report.json`` into ``out_dir``; return both paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    columns = exercise_columns(learners)
    csv_path, json_path = out_dir / "gradebook.csv", out_dir / "report.json"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", *columns, "total"])
        for learner in learners:
            mine = learner_points(learner)
            row = [_cell(learner.learner)] + [_points(mine.get(ex, 0.0)) for ex in columns]
            writer.writerow(row + [_points(sum(mine.get(ex, 0.0) for ex in columns))])
    json_path.write_text(json.dumps(report(learners), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return csv_path, json_path


def _points(value: float) -> str:
    return f"{value:g}"


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text
