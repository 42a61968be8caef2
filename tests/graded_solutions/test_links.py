"""The solution pass covers every solution notebook, and its kernels start as the grader's do."""

import os
from pathlib import Path

from convlab.course import notebooks
from convlab.exercises.catalog import HIDDEN_CASES_VARIABLE

HERE = Path(__file__).parent


def test_every_solution_is_linked_once_and_nothing_else():
    solutions = notebooks.course_notebooks(notebooks.SOLUTIONS)
    links = notebooks.course_notebooks(HERE)
    assert [link.name for link in links] == [solution.name for solution in solutions]
    for link, solution in zip(links, solutions, strict=True):
        assert link.is_symlink() and link.resolve() == solution.resolve(), link


def test_this_folders_tests_run_with_the_hidden_cases_on():
    """The conftest's setup hook runs for every test here, nbval's notebooks included (and
    kernel-environment.ipynb, beside the links, shows that their kernels inherit it)."""
    assert os.environ.get(HIDDEN_CASES_VARIABLE) == "1"
