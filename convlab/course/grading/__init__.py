"""The grader behind ``python -m convlab.grade``: assemble, execute, report."""

from convlab.course.grading.grader import grade_notebook, grade_paths

__all__ = ["grade_notebook", "grade_paths"]
