"""Run the slowest file first: with two xdist workers, the book build and browser test then
overlap with everything else instead of starting last."""

SLOWEST_FIRST = "tests/test_book.py"


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.nodeid.startswith(SLOWEST_FIRST))
