"""The solution pass: strict nbval of every solution notebook, with the grader's hidden cases on.

This folder holds a link to each notebook of solutions/; their kernels start with
``CONVLAB_HIDDEN_CASES=1``, as the grader's do, so every check runs its public and its hidden
cases, and a stored "passed" that a hidden case breaks fails here. Grading a solved exercise
notebook runs exactly the solution notebook's code cells (tests/course/test_exercise_grading.py
proves it and scores the stored outputs), so this pass is the grader's real-kernel run of every
solution, done once.
"""

from __future__ import annotations

from convlab.exercises.catalog import HIDDEN_CASES_VARIABLE
from tests.kernel_env import kernel_environment_hooks

# Before nbval starts a notebook's kernel (in its first cell's setup): hidden cases on; after
# each cell (the kernel keeps its own copy): the worker's environment as it was.
pytest_runtest_setup, pytest_runtest_teardown = kernel_environment_hooks({HIDDEN_CASES_VARIABLE: "1"})
