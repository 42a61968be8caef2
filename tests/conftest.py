"""How the suite is shared between the two xdist workers (``--dist loadgroup``).

Every file's tests stay together on one worker (a notebook's cells run in order in one
kernel; a file's session fixtures, such as the book build, are made once), except the
portability pass, where each notebook is its own job. The slowest jobs start first, so that
they overlap with everything else instead of starting last.
"""

import pytest

SLOWEST_FIRST = ("tests/test_book.py", "tests/test_portability.py", "tests/test_exercise_grading.py")


def pytest_collection_modifyitems(items):
    for item in items:
        group = item.nodeid.split("::")[0]
        if item.get_closest_marker("portability"):
            group = item.nodeid  # one notebook per job
        item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=lambda item: next((i for i, f in enumerate(SLOWEST_FIRST) if item.nodeid.startswith(f)), 99))
