"""The suite's tiers (tests/conftest.py) and which runs start xdist workers (tests/quick_start.py)."""

from pathlib import Path
from types import SimpleNamespace

from tests.conftest import tier
from tests.quick_start import names_only_files, workers_asked_for

ROOT = Path(__file__).resolve().parent.parent


def item(nodeid: str, *fixtures: str) -> SimpleNamespace:
    return SimpleNamespace(path=ROOT / nodeid.split("::")[0], nodeid=nodeid, fixturenames=list(fixtures))


def test_every_test_gets_the_tier_of_its_file_or_its_fixtures():
    assert tier(item("tests/portability/03-padding.ipynb::Cell 0")) == "notebooks"
    assert tier(item("tests/graded_solutions/01-why-not-fully-connected.ipynb::Cell 2")) == "notebooks"
    assert tier(item("tests/test_book.py::TestPages::test_x", "built_book", "site", "chromium")) == "browser"
    assert tier(item("tests/test_reader_html.py::test_no_page_shows_a_build_path", "built_book")) == "book"
    assert tier(item("tests/course/test_grader.py::test_x", "tmp_path")) == "grading"
    assert tier(item("tests/exercises/test_checking.py::test_x")) == "grading"
    assert tier(item("tests/test_arith.py::test_x")) == "unit"


def test_only_a_run_of_named_files_stays_in_one_process():
    assert names_only_files(["tests/test_arith.py"], ROOT)
    assert names_only_files(["tests/test_arith.py::test_notes_example_and_floor", "chapters/03-padding.ipynb"], ROOT)
    assert not names_only_files([], ROOT)  # the testpaths: the whole suite
    assert not names_only_files(["tests/course"], ROOT)  # a folder
    assert not names_only_files(["tests/test_arith.py", "tests/viz"], ROOT)
    assert workers_asked_for(["-n", "2"]) and workers_asked_for(["-n2"]) and workers_asked_for(["--numprocesses=2"])
    assert not workers_asked_for(["--nbval", "-q", "tests/test_arith.py"])
