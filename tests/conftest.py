"""How the suite is shared between the two xdist workers (``--dist loadscope``).

A scope is a file (a notebook's cells run in order in one kernel; a file's fixtures, such as the
book build, are made once) or a test class. The portability pass (tests/portability/, a link to
each chapter) is therefore shared out notebook by notebook. The slowest jobs
start first, so that they overlap with everything else instead of starting last
(``--no-loadscope-reorder`` keeps this order).
"""

pytest_plugins = ["tests.book_fixtures"]  # the built book and the browser, shared by every module

# The book is built by the first test that needs it, so the other worker starts with class
# grading, which does not; then the slow jobs, so that they overlap with everything else; the
# notebooks (5–10 s each) before the many small test files, which fill the gaps at the end.
SLOWEST_FIRST = (
    "tests/test_book.py::test_",  # builds the book
    "tests/course/test_class_grading.py",
    "tests/course/test_cluster_grading.py",  # a Dask cluster's processes, then kernels
    "tests/test_book.py::Test",  # the page pass, in two halves
    "tests/test_reader_html.py",
    "tests/portability/",
    "tests/course/test_grader.py",
    "chapters/",
    "tests/graded_solutions/",
    "tests/exercises/test_feedback.py",
)


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: next((i for i, f in enumerate(SLOWEST_FIRST) if item.nodeid.startswith(f)), 99))
