"""Kept for learners' notebooks (``from convlab.checking import check``); see :mod:`convlab.exercises.checking`."""

from convlab.exercises.checking import CheckFailed, check, exercise, get_exercise, run_check

__all__ = ["CheckFailed", "check", "exercise", "get_exercise", "run_check"]
