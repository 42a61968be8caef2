"""Building learner notebooks for the grader's tests: copies of the course's, edited."""

from __future__ import annotations

import copy
import importlib
from pathlib import Path

import nbformat

from convlab.course import notebooks
from convlab.course.make_exercises import to_exercises


def solution(name: str) -> nbformat.NotebookNode:
    """The solution notebook ``name`` as a learner who got everything right would hand it in:
    the generated exercise notebook with each answer cell holding the solution's code."""
    solved = notebooks.read(notebooks.SOLUTIONS / f"{name}.ipynb")
    learner = to_exercises(copy.deepcopy(solved), f"{name}.ipynb")
    code = [c for c in solved.cells if c.cell_type == "code"]
    mine = [c for c in learner.cells if c.cell_type == "code"]
    for theirs, ours in zip(code, mine, strict=True):
        if ours.metadata.get("convlab", {}).get("role") == "answer":
            ours.source = notebooks.source(theirs)  # the solution markers are only comments
    return learner


def exercises(name: str) -> nbformat.NotebookNode:
    """The untouched exercise notebook ``name``."""
    return notebooks.read(notebooks.EXERCISES / f"{name}.ipynb")


def answer_cells(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """Answer cells by exercise id."""
    return {
        c.metadata["convlab"]["exercise"]: c
        for c in notebook.cells
        if c.get("metadata", {}).get("convlab", {}).get("role") == "answer"
    }


def check_cells(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """Check cells by exercise id."""
    return {
        c.metadata["convlab"]["exercise"]: c
        for c in notebook.cells
        if c.get("metadata", {}).get("convlab", {}).get("role") == "check"
    }


def wrong_answer_list(name: str) -> dict[str, list[tuple[str, str | None]]]:
    """The chapter's plausible wrong answers, from ``tests/wrong_answers/chNN.py``, as
    ``(source, diagnosis or None)`` pairs per exercise (see ``tests/wrong_answers/__init__.py``)."""
    module = importlib.import_module(f"tests.wrong_answers.ch{name[:2]}")
    found = {}
    for exercise_id, value in module.WRONG_ANSWERS.items():
        items = [value] if isinstance(value, str) else list(value)
        found[exercise_id] = [(item, None) if isinstance(item, str) else tuple(item) for item in items]
    return found


def wrong_answers(name: str) -> dict[str, str]:
    """The first plausible wrong answer to each exercise of the chapter."""
    return {exercise_id: items[0][0] for exercise_id, items in wrong_answer_list(name).items()}


def rule_breakers(name: str) -> dict[str, str]:
    """Answers that break an exercise's stated rule, by exercise id (may be empty)."""
    module = importlib.import_module(f"tests.wrong_answers.ch{name[:2]}")
    return dict(getattr(module, "RULE_BREAKERS", {}))


def save(notebook: nbformat.NotebookNode, path: Path) -> Path:
    """Write ``notebook`` to ``path`` and return the path."""
    notebooks.write(notebook, path)
    return path


def names() -> list[str]:
    """Every exercise notebook of the course."""
    return [p.stem for p in notebooks.course_notebooks(notebooks.SOLUTIONS)]
