"""Exercise checks: one friendly line per exercise, for learners and for the grader.

A chapter's checks live in ``convlab/exercises/chNN.py`` and are registered with
:func:`exercise`; ids, titles and points come from :mod:`convlab.exercises.catalog`.
A notebook's check cell is one line, ``check("1.2")``: it reads the
exercise's answer names from the notebook's namespace, runs the registered check, and shows
one line — ✅ passed, ❌ failed (a diagnosis, what the answer gave, a hint), ⏳ not attempted or
💥 error. It never raises, so *Run All* carries on.
Feedback teaches without telling: a failed check names the input, the learner's own output and
the likely mistake, never the expected value. The expected value of a failing comparison is
passed through :func:`secret` (the ``expect_*`` helpers do it), so that a test can record it
and prove that no feedback contains it.

Hidden cases: a function answer is checked on public cases in the notebook and, when graded
(inside :func:`grading`), also on further random cases the notebook never shows, drawn from a
fresh seed on every run — see :func:`with_hidden` and :func:`hidden_seed`. The grader runs the
checks in its own process, on stand-ins for the learner's answers
(:mod:`convlab.exercises.remote`); a notebook's ``check("N.k")`` runs them on the answers
themselves, for instant feedback that never decides a grade.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import inspect
import secrets
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from IPython.display import display

from convlab.exercises import catalog
from convlab.exercises.status import HIDDEN_CASE, Status

__all__ = [
    "HIDDEN_CASE",
    "CheckFailed",
    "Exercise",
    "check",
    "exercise",
    "exercises_of_chapter",
    "get_exercise",
    "grading",
    "hidden_cases",
    "hidden_seed",
    "recording_secrets",
    "secret",
    "with_hidden",
]

# None in a learner's notebook; when grading, whether the hidden cases' seeds are fresh. One per
# thread (a context variable): a grader may grade two notebooks at once in threads.
_grading: contextvars.ContextVar[bool | None] = contextvars.ContextVar("convlab_grading", default=None)


@contextlib.contextmanager
def grading(*, fresh: bool = True) -> Iterator[None]:
    """Inside the block the checks add their hidden cases, drawn from a new random seed at every
    :func:`hidden_seed` call (``fresh=False``: from the checks' fixed seeds, for tests)."""
    token = _grading.set(fresh)
    try:
        yield
    finally:
        _grading.reset(token)


def hidden_cases() -> bool:
    """Are the hidden cases on (grading), or only the public ones (a learner's notebook)?"""
    return _grading.get() is not None


def hidden_seed(fixed: int) -> int:
    """The seed of a hidden case generator: a fresh random one when grading, else ``fixed``."""
    return secrets.randbits(31) if _grading.get() else fixed


def with_hidden(public: list, hidden: Callable[[], list]) -> list[tuple[Any, bool]]:
    """``(case, is_hidden)`` pairs: the public cases, then ``hidden()``'s when grading."""
    return [(case, False) for case in public] + ([(case, True) for case in hidden()] if hidden_cases() else [])


_recorders: list[list] = []


def secret(value: Any) -> Any:
    """Mark ``value`` as an expected answer that no feedback may show; return it unchanged."""
    for recorder in _recorders:
        recorder.append(value)
    return value


@contextlib.contextmanager
def recording_secrets() -> Iterator[list]:
    """Collect every value the checks run inside the block pass to :func:`secret` (for tests)."""
    recorded: list = []
    _recorders.append(recorded)
    try:
        yield recorded
    finally:
        _recorders.remove(recorded)

PASSED, FAILED, NOT_ATTEMPTED, ERROR = Status.PASSED, Status.FAILED, Status.NOT_ATTEMPTED, Status.ERROR


class CheckFailed(Exception):
    """Raised inside a check when the answer is wrong; carries the learner-facing message.

    ``expected`` is accepted for older checks but never shown: it is only recorded as a
    :func:`secret`. ``got`` (the learner's own value) is shown.
    """

    def __init__(self, message: str, *, expected: Any = None, got: Any = None, hint: str = ""):
        super().__init__(message)
        if expected is not None:
            secret(expected)
        self.message, self.got, self.hint = message, got, hint

    def feedback(self) -> str:
        parts = [self.message]
        if self.got is not None:
            parts.append(f"your answer gave {_short(self.got)}")
        if self.hint:
            parts.append(f"Hint: {self.hint}")
        return " — ".join(parts)


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: its id (``"1.2"``), title, points, answer names and check."""

    id: str
    title: str
    answers: tuple[str, ...]
    points: float
    run: Callable[..., None] = field(repr=False)

    @property
    def chapter(self) -> int:
        return int(self.id.split(".")[0])


_REGISTRY: dict[str, Exercise] = {}


def exercise(
    exercise_id: str, title: str | None = None, *, answers: tuple[str, ...] | list[str], points: float | None = None
):
    """Register the decorated function as the check of ``exercise_id``.

    The function receives the learner's answers (looked up by ``answers``, in order) and
    raises :class:`CheckFailed` when they are wrong. Title and points come from the catalog;
    only an exercise outside it (a test's own) passes ``title`` and ``points`` here.
    """
    if not isinstance(exercise_id, str) or len(exercise_id.split(".")) != 2:
        raise ValueError(f"exercise_id must look like '1.2', got {exercise_id!r}")
    listed = [item for item in catalog.CATALOG if item.id == exercise_id]
    if listed and (title is not None or points is not None):
        raise ValueError(f"exercise {exercise_id} takes its title and points from the catalog; do not repeat them")
    if not listed and (title is None or points is None):
        raise ValueError(f"exercise {exercise_id} is not in the catalog: no answer cell's metadata names it")
    title, points = (listed[0].title, listed[0].points) if listed else (title, points)

    def register(run: Callable[..., None]) -> Callable[..., None]:
        if exercise_id in _REGISTRY and _REGISTRY[exercise_id].run.__qualname__ != run.__qualname__:
            raise ValueError(f"exercise {exercise_id} is registered twice")
        _REGISTRY[exercise_id] = Exercise(exercise_id, title, tuple(answers), float(points), run)
        return run

    return register


def _load_chapter(chapter: int) -> None:
    module = f"convlab.exercises.ch{chapter:02d}"
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise


def get_exercise(exercise_id: str) -> Exercise:
    """Return the registered exercise ``exercise_id``, loading its chapter's checks."""
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a string like '1.2', got {exercise_id!r}")
    try:
        chapter = int(exercise_id.split(".")[0])
    except ValueError:
        raise ValueError(f"exercise_id must look like '1.2', got {exercise_id!r}") from None
    _load_chapter(chapter)
    if exercise_id not in _REGISTRY:
        raise ValueError(f"there is no exercise {exercise_id!r} in the course")
    return _REGISTRY[exercise_id]


def exercises_of_chapter(chapter: int) -> list[Exercise]:
    """All exercises of ``chapter``, in id order."""
    _load_chapter(chapter)
    found = [ex for ex in _REGISTRY.values() if ex.chapter == chapter]
    return sorted(found, key=lambda ex: tuple(int(part) for part in ex.id.split(".")))


@dataclass(frozen=True)
class CheckResult:
    """What one check found; shows as one line in a notebook."""

    exercise_id: str
    status: Status
    feedback: str
    points: float
    max_points: float

    def line(self) -> str:
        icon = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳", ERROR: "💥"}[self.status]
        return f"{icon} Exercise {self.exercise_id} {self.status}: {self.feedback}"

    def __repr__(self) -> str:
        return self.line()


def _checks_left_out(exercise_id: Any) -> bool:
    """Is ``exercise_id`` an exercise of the course whose check is absent (the instructor's release)?"""
    if not isinstance(exercise_id, str) or exercise_id not in {item.id for item in catalog.CATALOG}:
        return False
    _load_chapter(int(exercise_id.split(".")[0]))
    return exercise_id not in _REGISTRY


def run_check(exercise_id: str, namespace: dict[str, Any]) -> CheckResult:
    """Run the check of ``exercise_id`` against the answers found in ``namespace``; in the instructor's
    release, which leaves the checks out, replay its recorded public cases instead."""
    if _checks_left_out(exercise_id):
        return importlib.import_module("convlab.exercises.replay").replay_check(exercise_id, namespace)
    ex = get_exercise(exercise_id)

    def result(status: str, feedback: str) -> CheckResult:
        return CheckResult(ex.id, status, feedback, ex.points if status == PASSED else 0.0, ex.points)

    missing = [name for name in ex.answers if name not in namespace]
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        return result(NOT_ATTEMPTED, f"{names} not defined yet — write your answer and run its cell.")
    try:
        ex.run(*(namespace[name] for name in ex.answers))
    except NotImplementedError:
        return result(NOT_ATTEMPTED, "the answer still raises NotImplementedError — replace the stub.")
    except CheckFailed as failure:
        return result(FAILED, failure.feedback())
    except Exception as error:  # the learner's code raised: name it and point at their line
        return result(ERROR, describe_error(error))
    return result(PASSED, ex.title)


def check(exercise_id: str) -> None:
    """Check exercise ``exercise_id`` with the answers defined in the calling notebook.

    Shows one line and never raises, so the rest of the notebook still runs.
    """
    caller = inspect.currentframe().f_back
    namespace = dict(caller.f_globals) if caller is not None else {}
    try:
        outcome = run_check(exercise_id, namespace)
    except (TypeError, ValueError) as error:
        outcome = CheckResult(str(exercise_id), ERROR, f"cannot check: {error}", 0.0, 0.0)
    display(outcome)


def describe_error(error: BaseException) -> str:
    """``"ZeroDivisionError: division by zero (your line 3: x = 1 / 0)"``."""
    if hasattr(error, "description"):  # raised in the learner's kernel, described there
        return str(error.description)
    text = f"{type(error).__name__}: {error}"
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        filename = str(frame.filename)
        if _is_learner_code(filename):
            where = f"your line {frame.lineno}"
            if frame.line:
                where += f": {frame.line.strip()}"
            return f"{text} ({where})"
    return text


def _is_learner_code(filename: str) -> bool:
    """Notebook cells run from ``<ipython-input-…>`` or ``…/ipykernel_…/….py`` files."""
    if filename.startswith("<ipython-input") or "ipykernel_" in filename:
        return True
    return False


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
