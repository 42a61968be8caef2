"""Judge one exercise in the grader's own process, on the learner's answers in their kernel.

The check of the exercise runs here, with its hidden cases drawn from a fresh seed; the
learner's answers are stand-ins that ask the kernel (:mod:`convlab.exercises.remote`), so the
expected values never leave this process.
"""

from __future__ import annotations

from convlab.exercises import checking
from convlab.exercises.remote import KernelProblem, LearnerError, answers_from_kernel
from convlab.exercises.status import Status


def judge(exercise_id: str, ask, sources: dict[str, str] | None = None) -> tuple[Status, str]:
    """``(status, feedback)`` of ``exercise_id`` for the answers that ``ask`` reaches in the kernel;
    ``sources`` maps an answer's name to the learner's source text that defines it."""
    exercise = checking.get_exercise(exercise_id)
    try:
        with checking.grading():
            answers = answers_from_kernel(ask, exercise.answers, sources)
            result = checking.run_check(exercise_id, answers)
    except KernelProblem as problem:
        return Status(problem.status), problem.feedback
    except LearnerError as error:
        return Status.ERROR, error.description
    return Status(result.status), result.feedback
