"""The statuses an exercise can get, in notebooks and from the grader (torch-free)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """One exercise's status; a ``str``, so reports and JSON hold the plain words."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_ATTEMPTED = "not attempted"
    ERROR = "error"
    TIMED_OUT = "timed out"


#: Said after a case the notebook never shows (it is checked only when grading).
HIDDEN_CASE = " (a hidden case, checked only when grading)"
