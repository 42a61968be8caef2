"""Grade exercise notebooks: one honest status per exercise, whatever the file holds."""

from __future__ import annotations

import re
from pathlib import Path

from convlab.course import notebooks
from convlab.course.grading import forgery, pristine
from convlab.course.grading.assemble import NotGradable, assemble, canonical, identify, read_learner_notebook
from convlab.course.grading.execute import CellRun, run_cells, traceback_text
from convlab.course.grading.report import ExerciseResult, NotebookResult
from convlab.exercises.catalog import RESULT_KEY, entry

_LINE = re.compile(r"(?:line|Line) (\d+)")
_CELL_FILE = re.compile(r"\s*\((?:[^()]*\.py|<\w+>), line \d+\)")  # "(1709462748.py, line 1)" in SyntaxErrors


def grade_paths(paths: list[Path]) -> list[Path]:
    """Expand folders to their exercise notebooks, in order; keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(notebooks.course_notebooks(path) or sorted(path.glob("*.ipynb")))
        else:
            found.append(path)
    return found


def grade_notebook(
    path: Path, *, cell_timeout: float = 60, notebook_timeout: float = 600, progress=None, sandbox=None
) -> NotebookResult:
    """Grade the notebook at ``path`` in a fresh kernel; the file itself is only read.

    ``sandbox`` (a :class:`convlab.course.grading.sandbox.Sandbox`) confines the kernel; answers that
    tamper with the checks are marked "needs review" (:mod:`convlab.course.grading.forgery`).
    """
    result = NotebookResult(str(path))
    try:
        learner = read_learner_notebook(path)
    except NotGradable as problem:
        result.unreadable = True
        return _ungradable(result, path, problem)
    try:
        name, note = identify(learner, path)
    except NotGradable as problem:
        return _ungradable(result, path, problem)
    try:
        plan = assemble(learner, name, note)
    except NotGradable as problem:
        return _ungradable(result, path, problem)
    result.problem = plan.note
    if sandbox is not None:  # issue 16: save answer values after each check, to re-check them away from the learner
        plan.slots = pristine.with_dump_cells(plan.slots)
    runs = run_cells(
        plan.slots, cell_timeout=cell_timeout, notebook_timeout=notebook_timeout, progress=progress, sandbox=sandbox
    )
    result.exercises = grade_runs(plan.exercises, runs, cell_timeout)
    result.exercises = forgery.review(plan.slots, result.exercises)  # issue 16
    if sandbox is not None:
        result.exercises = pristine.confirm(result.exercises, runs, sandbox)
    return result


def grade_runs(exercise_ids: list[str], runs: list[CellRun], cell_timeout: float = 60) -> list[ExerciseResult]:
    """Each exercise's result, from what its answer and check cells did in the kernel.

    ``cell_timeout`` is only quoted in the feedback of a cell that was stopped.
    """
    return [_grade_exercise(exercise_id, runs, cell_timeout) for exercise_id in exercise_ids]


def _ungradable(result: NotebookResult, path: Path, problem: NotGradable) -> NotebookResult:
    """Every exercise of the notebook (if known by its file name) fails with the reason."""
    result.problem = str(problem)
    name = Path(path).stem if Path(path).stem in _course_names() else None
    if name is None:
        result.exercises = [ExerciseResult("notebook", "error", 0.0, 0.0, str(problem))]
    else:
        result.exercises = [
            ExerciseResult(ex, "error", 0.0, _max_points(ex), str(problem)) for ex in _exercise_ids(name)
        ]
    return result


def _course_names() -> list[str]:
    return [p.stem for p in notebooks.course_notebooks(notebooks.SOLUTIONS)]


def _exercise_ids(name: str) -> list[str]:
    try:
        return list(canonical(name).metadata["convlab"]["exercises"])
    except NotGradable:
        return []


def _max_points(exercise_id: str) -> float:
    return entry(exercise_id).points


def _grade_exercise(exercise_id: str, runs: list[CellRun], cell_timeout: float) -> ExerciseResult:
    points = _max_points(exercise_id)

    def verdict(status: str, feedback: str) -> ExerciseResult:
        return ExerciseResult(exercise_id, status, points if status == "passed" else 0.0, points, feedback)

    mine = [run for run in runs if run.slot.exercise == exercise_id]
    for run in mine:
        if run.slot.role in ("answer", "extra") and run.state == "timed out":
            where = "your answer cell" if run.slot.role == "answer" else "a cell you added"
            return verdict(
                "timed out", f"{where} ran longer than {cell_timeout:g} s and was stopped — look for an endless loop."
            )
        if run.slot.role in ("answer", "extra") and run.state == "kernel died":  # issue 16: os._exit, a signal
            return verdict("error", "the Python kernel died while running your code (os._exit, a signal, or memory?).")
        if run.slot.role == "answer" and run.state == "error":
            error = run.error()
            if error.get("ename") == "NotImplementedError":
                return verdict("not attempted", "the answer cell still raises NotImplementedError — replace the stub.")
            return verdict("error", _describe_cell_error(run))
    check = next((run for run in mine if run.slot.role == "check"), None)
    if check is None:
        return verdict("error", "the course has no check cell for this exercise.")
    if check.state == "timed out":
        return verdict(
            "timed out", f"checking your answer took longer than {cell_timeout:g} s — look for an endless loop."
        )
    if check.state == "not run":
        return verdict("timed out", "the notebook's time limit ran out before this exercise was checked.")
    if check.state == "kernel died":
        return verdict("error", "the Python kernel died while checking this exercise (out of memory, or os._exit?).")
    record = next((out["metadata"][RESULT_KEY] for out in check.outputs if RESULT_KEY in out.get("metadata", {})), None)
    if record is None or record.get("exercise") != exercise_id:
        return verdict(
            "error",
            "the check did not report a result: " + (_describe_cell_error(check) if check.error() else "no output."),
        )
    return verdict(record["status"], record["feedback"])


def _describe_cell_error(run: CellRun) -> str:
    """``"SyntaxError: invalid syntax (your line 2: retrun x)"``, from an error output."""
    error = run.error() or {}
    evalue = _CELL_FILE.sub("", str(error.get("evalue", "")))
    text = f"{error.get('ename', 'Error')}: {evalue}".strip()
    numbers = _LINE.findall(traceback_text(error))
    lines = run.slot.source.splitlines()
    if numbers and run.slot.role != "check":
        number = int(numbers[-1])
        if 1 <= number <= len(lines):
            text += f" (your line {number}: {lines[number - 1].strip()})"
    return text
