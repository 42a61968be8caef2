"""The grader's results: per exercise, per notebook, and as a table or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from convlab.exercises.status import Status

__all__ = ["ExerciseResult", "NotebookResult", "Status", "to_json", "to_table"]


@dataclass
class ExerciseResult:
    """One exercise's grade."""

    id: str
    status: Status
    points: float
    max_points: float
    feedback: str

    def __post_init__(self) -> None:
        if self.status not in set(Status):
            raise ValueError(f"status must be one of {[str(s) for s in Status]}, got {self.status!r}")
        self.status = Status(self.status)
        self.feedback = " ".join(str(self.feedback).split())  # one line


@dataclass
class NotebookResult:
    """One notebook's grade; ``problem`` says why it could not be graded normally, if so."""

    path: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    problem: str = ""
    unreadable: bool = False  # the file is not a notebook at all: a usage error

    @property
    def score(self) -> float:
        return float(sum(ex.points for ex in self.exercises))

    @property
    def max_score(self) -> float:
        return float(sum(ex.max_points for ex in self.exercises))


def to_json(results: list[NotebookResult]) -> str:
    """The machine-readable report (exactly the documented keys)."""
    report = {
        "score": float(sum(nb.score for nb in results)),
        "max_score": float(sum(nb.max_score for nb in results)),
        "notebooks": [
            {
                "path": nb.path,
                "score": nb.score,
                "max_score": nb.max_score,
                "exercises": [
                    {key: asdict(ex)[key] for key in ("id", "status", "points", "max_points", "feedback")}
                    for ex in nb.exercises
                ],
            }
            for nb in results
        ],
    }
    return json.dumps(report, indent=2, ensure_ascii=False)


def _points(value: float) -> str:
    return f"{value:g}"


def to_table(results: list[NotebookResult], width: int = 100) -> str:
    """A table per notebook and a total, for a terminal."""
    lines: list[str] = []
    for nb in results:
        lines.append(nb.path)
        if nb.problem:
            lines.append(f"  ! {nb.problem}")
        lines.append(f"  {'exercise':<9} {'points':>7}  {'status':<14} feedback")
        for ex in nb.exercises:
            points = f"{_points(ex.points)}/{_points(ex.max_points)}"
            feedback = ex.feedback if len(ex.feedback) <= width else ex.feedback[: width - 1] + "…"
            lines.append(f"  {ex.id:<9} {points:>7}  {ex.status:<14} {feedback}")
        lines.append(f"  {'score':<9} {_points(nb.score) + '/' + _points(nb.max_score):>7}")
        lines.append("")
    total = sum(nb.score for nb in results)
    maximum = sum(nb.max_score for nb in results)
    count = f"{len(results)} notebook" + ("s" if len(results) != 1 else "")
    lines.append(f"Total: {_points(total)}/{_points(maximum)} over {count}")
    return "\n".join(lines)
