"""The suite's tiers, and how the suite is shared between the two xdist workers.

Every test gets one tier mark, from where it lives or what it needs, so that each tier also
runs alone (``python -m pytest -m grading``); the tiers are listed, with their meaning, under
``markers`` in pyproject.toml.

Sharing (``--dist loadscope``): a scope is a file (a notebook's cells run in order in one
kernel; a file's fixtures, such as the book build, are made once) or a test class. The slowest
jobs start first, so that they overlap with everything else instead of starting last
(``--no-loadscope-reorder`` keeps this order).
"""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.book_fixtures"]  # the built book and the browser, shared by every module

GRADING_FOLDERS = ("tests/course/", "tests/exercises/", "tests/graded_solutions/")


def tier(item) -> str:
    """The one tier of a collected test: by its file (notebooks, grading folders) or its fixtures."""
    if item.path.suffix == ".ipynb":
        return "notebooks"
    if "chromium" in getattr(item, "fixturenames", ()):
        return "browser"
    if "built_book" in getattr(item, "fixturenames", ()):
        return "book"
    if item.nodeid.startswith(GRADING_FOLDERS):
        return "grading"
    return "unit"


# The book is built by the first test that needs it, so the other worker starts with class
# grading, which does not; then the slow jobs, so that they overlap with everything else; the
# notebooks (5–10 s each) before the many small test files, which fill the gaps at the end.
SLOWEST_FIRST = (
    "tests/test_book.py::test_",  # builds the book
    "tests/course/test_class_grading.py",
    "tests/test_book.py::Test",  # the page pass, in two halves
    "tests/test_reader_html.py",
    "tests/portability/",
    "tests/course/test_grader.py",
    "tests/graded_solutions/",
    "tests/exercises/test_feedback.py",
)


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by mark
def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(getattr(pytest.mark, tier(item)))
    items.sort(key=lambda item: next((i for i, f in enumerate(SLOWEST_FIRST) if item.nodeid.startswith(f)), 99))
