"""Grade exercise notebooks: one honest status per exercise, whatever the file holds.

The learner's cells run in a kernel (in a sandbox when grading from the command line) that
holds no course code: the course's set-up cells run there without their imports of the course
package, and its check cells not at all. Then each exercise's check runs here, in the grader's
own process, with hidden cases drawn from a fresh seed, on stand-ins that ask the kernel to
call the learner's answers and send back plain data (:mod:`convlab.exercises.judge`). The
checks and their expected values never enter the kernel; nothing from the kernel is
unpickled, evaluated or imported here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from convlab.course import notebooks
from convlab.course.grading.assemble import (
    NotGradable,
    Slot,
    assemble,
    canonical,
    course_names,
    identify,
    read_learner_notebook,
)
from convlab.course.grading.execute import CellRun, run_cells, traceback_text
from convlab.course.grading.kernel import Unanswered
from convlab.course.grading.report import ExerciseResult, NotebookResult, Status
from convlab.exercises.catalog import entry

_LINE = re.compile(r"(?:line|Line) (\d+)")
_CELL_FILE = re.compile(r"\s*\((?:[^()]*\.py|<\w+>), line \d+\)")  # "(1709462748.py, line 1)" in SyntaxErrors
NO_COURSE_PACKAGE = (
    "the grader's kernel has no course package: your code imports convlab, which only your own notebook has — "
    "write the answer with Python, NumPy and PyTorch"
)


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

    ``sandbox`` (a :class:`convlab.course.grading.sandbox.Sandbox`) confines the kernel and hides
    the course's files from it. ``progress(index, total, slot)`` hears of each cell run and of
    each exercise checked (a slot of role ``"check"``). ``cell_timeout`` limits each cell, and
    the check of each exercise, all its calls of the learner's code together.
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
    verdicts: dict[str, ExerciseResult] = {}

    def judge(channel, exercise_id: str, runs: list[CellRun]) -> None:
        verdicts[exercise_id] = _cell_verdict(exercise_id, runs, cell_timeout) or _judge(
            exercise_id, runs, channel, cell_timeout
        )

    runs = run_cells(
        learner_slots(plan.slots), cell_timeout=cell_timeout, notebook_timeout=notebook_timeout, progress=progress,
        sandbox=sandbox, judge=judge,
    )  # fmt: skip
    result.exercises = [
        verdicts.get(ex)
        or _cell_verdict(ex, runs, cell_timeout)
        or _verdict(ex, Status.ERROR, "the grader could not check this exercise: the Python kernel died too often.")
        for ex in plan.exercises
    ]
    return result


def learner_slots(slots: list[Slot]) -> list[Slot]:
    """What the learner's kernel runs: the learner's cells, the course's set-up cells without
    their imports of the course package (the kernel has none), and, in place of each check cell,
    the exercise's check (run by the grader, see :func:`convlab.course.grading.execute.run_cells`)."""
    kept = []
    for slot in slots:
        if slot.role == "setup":
            slot = Slot(without_course_imports(slot.source), slot.role, slot.exercise)
        kept.append(slot)
    return kept


def without_course_imports(source: str) -> str:
    """``source`` without its top-level ``import convlab…`` and ``from convlab… import …`` statements."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    lines = source.splitlines(keepends=True)
    for node in reversed(tree.body):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        if all(module == "convlab" or module.startswith("convlab.") for module in modules):
            del lines[node.lineno - 1 : node.end_lineno]
    return "".join(lines)


def answer_sources(runs: list[CellRun]) -> dict[str, str]:
    """The learner's source text of each top-level function or class in the cells that ran (the last wins)."""
    found: dict[str, str] = {}
    for run in runs:
        if run.slot.role not in ("answer", "extra") or run.state != "ok":
            continue
        try:
            tree = ast.parse(run.slot.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found[node.name] = ast.get_source_segment(run.slot.source, node) or ""
    return found


def _judge(exercise_id: str, runs: list[CellRun], channel, cell_timeout: float) -> ExerciseResult:
    """Check ``exercise_id`` here, on the learner's answers in the kernel that ``channel`` reaches."""
    from convlab.exercises.judge import judge  # the checks need PyTorch: imported only to grade
    from convlab.exercises.remote import KernelProblem

    def ask(request: dict) -> dict:
        try:
            return channel.ask(request)
        except Unanswered as problem:
            raise KernelProblem(problem.status, problem.feedback) from None

    channel.start_exercise(cell_timeout)
    status, feedback = judge(exercise_id, ask, answer_sources(runs))
    if status == Status.ERROR and "No module named 'convlab" in feedback:
        feedback = NO_COURSE_PACKAGE
    return _verdict(exercise_id, status, feedback)


def _cell_verdict(exercise_id: str, runs: list[CellRun], cell_timeout: float) -> ExerciseResult | None:
    """The exercise's result if its own cells decide it (a stub, an error, a time-out), else None."""
    for run in runs:
        if run.slot.exercise != exercise_id or run.slot.role not in ("answer", "extra"):
            continue
        where = "your answer cell" if run.slot.role == "answer" else "a cell you added"
        if run.state == "timed out":
            return _verdict(
                exercise_id, Status.TIMED_OUT,
                f"{where} ran longer than {cell_timeout:g} s and was stopped — look for an endless loop.",
            )  # fmt: skip
        if run.state == "kernel died":
            return _verdict(
                exercise_id, Status.ERROR,
                "the Python kernel died while running your code (os._exit, a signal, or memory?).",
            )  # fmt: skip
        if run.slot.role == "answer" and run.state == "error":
            if run.error().get("ename") == "NotImplementedError":
                return _verdict(exercise_id, Status.NOT_ATTEMPTED,
                                "the answer cell still raises NotImplementedError — replace the stub.")
            return _verdict(exercise_id, Status.ERROR, _describe_cell_error(run))
    if any(run.state == "not run" for run in runs if run.slot.exercise == exercise_id):
        return _verdict(exercise_id, Status.TIMED_OUT,
                        "the notebook's time limit ran out before this exercise was checked.")
    return None


def _verdict(exercise_id: str, status: Status, feedback: str) -> ExerciseResult:
    points = _max_points(exercise_id)
    return ExerciseResult(exercise_id, status, points if status == Status.PASSED else 0.0, points, feedback)


def _ungradable(result: NotebookResult, path: Path, problem: NotGradable) -> NotebookResult:
    """Every exercise of the notebook (if known by its file name) fails with the reason."""
    result.problem = str(problem)
    name = Path(path).stem if Path(path).stem in _course_names() else None
    if name is None:
        result.exercises = [ExerciseResult("notebook", Status.ERROR, 0.0, 0.0, str(problem))]
    else:
        result.exercises = [
            ExerciseResult(ex, Status.ERROR, 0.0, _max_points(ex), str(problem)) for ex in _exercise_ids(name)
        ]
    return result


def _course_names() -> list[str]:
    return course_names()


def _exercise_ids(name: str) -> list[str]:
    try:
        return list(canonical(name).metadata["convlab"]["exercises"])
    except NotGradable:
        return []


def _max_points(exercise_id: str) -> float:
    return entry(exercise_id).points


def _describe_cell_error(run: CellRun) -> str:
    """``"SyntaxError: invalid syntax (your line 2: retrun x)"``, from an error output."""
    error = run.error() or {}
    if error.get("ename") == "ModuleNotFoundError" and "convlab" in str(error.get("evalue", "")):
        return NO_COURSE_PACKAGE
    evalue = _CELL_FILE.sub("", str(error.get("evalue", "")))
    text = f"{error.get('ename', 'Error')}: {evalue}".strip()
    numbers = _LINE.findall(traceback_text(error))
    lines = run.slot.source.splitlines()
    if numbers:
        number = int(numbers[-1])
        if 1 <= number <= len(lines):
            text += f" (your line {number}: {lines[number - 1].strip()})"
    return text
