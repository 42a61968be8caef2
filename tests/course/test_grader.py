"""The grader on notebooks in every state a learner hands in: the right status, a clear
message, and the learner's file byte-for-byte unchanged."""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from convlab.course import grade
from convlab.course.grading import grade_notebook
from tests import grading_helpers as nb

NAME = "01-why-not-fully-connected"
OTHER = "02-convolution-operation"
TIMEOUT = 20  # seconds per cell: generous for a loaded machine
LOOP_TIMEOUT = 10  # for the endless loop, which waits it out: still 3× the slowest cell of NAME's solution


def graded(notebook, tmp_path, filename=f"{NAME}.ipynb", **kwargs):
    """Grade ``notebook`` saved to a file; assert the file is unchanged; return the result."""
    path = nb.save(notebook, tmp_path / filename)
    before = path.read_bytes()
    result = grade_notebook(path, **{"cell_timeout": TIMEOUT, **kwargs})
    assert path.read_bytes() == before, "the grader changed the learner's file"
    return result


def graded_with_first_answer(source, tmp_path, exercise_ids, **kwargs):
    """Grade the solved notebook with the first exercise's answer replaced by ``source``."""
    learner = nb.solution(NAME)
    nb.answer_cells(learner)[exercise_ids[0]].source = source
    return graded(learner, tmp_path, **kwargs), exercise_ids[0]


def statuses(result):
    return {ex.id: ex.status for ex in result.exercises}


@pytest.fixture(scope="module")
def exercise_ids():
    return list(nb.answer_cells(nb.solution(NAME)))


def _three_faults(folder, exercise_ids):
    syntax, loop, wrong = exercise_ids[:3]
    learner = nb.solution(NAME)
    answers = nb.answer_cells(learner)
    answers[syntax].source = "value = (1 +\nprint('oops')"
    answers[loop].source = "import time\nwhile True:\n    time.sleep(0.01)"  # endless, but leaves the CPU to the suite
    answers[wrong].source = nb.wrong_answers(NAME)[wrong]
    return graded(learner, folder, cell_timeout=LOOP_TIMEOUT)


def _over_the_notebook_limit(folder, exercise_ids):
    # 6 s: past the notebook's limit, well within a cell's, so only the notebook's limit stops it
    return graded_with_first_answer("import time\ntime.sleep(6)", folder, exercise_ids, notebook_timeout=5)[0]


@pytest.fixture(scope="module", autouse=True)
def waiting_gradings(tmp_path_factory, exercise_ids):
    """The two gradings that mostly wait out a time limit, started in the background when this
    module starts, so that the module's other tests run meanwhile; each test takes its result."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {
            job.__name__: pool.submit(job, tmp_path_factory.mktemp(job.__name__), exercise_ids)
            for job in (_three_faults, _over_the_notebook_limit)
        }


def test_deleted_and_emptied_check_cells_change_nothing(tmp_path, exercise_ids):
    learner = nb.solution(NAME)
    checks = nb.check_cells(learner)
    learner.cells.remove(checks[exercise_ids[0]])
    checks[exercise_ids[1]].source = "pass"
    nb.answer_cells(learner)[exercise_ids[1]].source = nb.wrong_answers(NAME)[exercise_ids[1]]
    result = graded(learner, tmp_path)
    assert statuses(result)[exercise_ids[0]] == "passed"
    assert statuses(result)[exercise_ids[1]] == "failed"  # the course's check ran, not `pass`


def test_corrupted_file_is_reported_not_raised(tmp_path):
    path = tmp_path / f"{NAME}.ipynb"
    path.write_bytes(b'{"cells": [{"cell_type": "code", "sour')
    result = grade_notebook(path)
    assert result.unreadable and path.read_bytes() == b'{"cells": [{"cell_type": "code", "sour'
    assert {ex.status for ex in result.exercises} == {"error"} and len(result.exercises) >= 3
    assert "not valid notebook JSON" in result.exercises[0].feedback


def test_empty_notebook_is_not_attempted(tmp_path):
    empty = nb.exercises(NAME)
    empty.cells = []
    result = graded(empty, tmp_path)
    assert result.max_score > 0 and set(statuses(result).values()) == {"not attempted"}


def test_notebook_from_another_chapter_is_graded_as_what_it_is(tmp_path):
    result = graded(nb.solution(OTHER), tmp_path)  # saved under chapter 1's file name
    assert OTHER in result.problem
    assert set(statuses(result)) == set(nb.answer_cells(nb.solution(OTHER)))
    assert set(statuses(result).values()) == {"passed"}


def test_foreign_notebook_is_reported(tmp_path):
    foreign = nb.exercises(NAME)
    foreign.metadata.pop("convlab")
    result = graded(foreign, tmp_path, filename="homework.ipynb")
    assert statuses(result) == {"notebook": "error"}
    assert "does not belong to the course" in result.exercises[0].feedback


def test_tens_of_megabytes_of_output(tmp_path, exercise_ids):
    learner = nb.solution(NAME)
    answer = nb.answer_cells(learner)[exercise_ids[0]]
    answer.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 30_000_000)]
    answer.source += "\nprint('y' * 20_000_000)"
    result = graded(learner, tmp_path)
    assert set(statuses(result).values()) == {"passed"}


def test_cli_json_report_has_exactly_the_documented_keys(tmp_path, capsys):
    path = nb.save(nb.exercises(NAME), tmp_path / f"{NAME}.ipynb")
    assert grade.main([str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"score", "max_score", "notebooks"}
    (notebook,) = report["notebooks"]
    assert set(notebook) == {"path", "score", "max_score", "exercises"}
    for ex in notebook["exercises"]:
        assert set(ex) == {"id", "status", "points", "max_points", "feedback"}
        assert ex["status"] == "not attempted" and isinstance(ex["points"], float)


def test_cli_table_and_folder(tmp_path, capsys):
    folder = tmp_path / "submission"
    folder.mkdir()
    nb.save(nb.exercises(NAME), folder / f"{NAME}.ipynb")
    assert grade.main([str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"{NAME}.ipynb" in out and "not attempted" in out and out.rstrip().splitlines()[-1].startswith("Total: 0/")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.ipynb", "no such file"),
        (lambda tmp: (tmp / "notes.txt").write_text("hi") and tmp / "notes.txt", "not a notebook"),
        (lambda tmp: (tmp / f"{NAME}.ipynb").write_text("{oops") and tmp / f"{NAME}.ipynb", "not valid notebook JSON"),
    ],
)
def test_cli_usage_errors_exit_2_with_one_line(tmp_path, make, message):
    path = make(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "convlab.grade", str(path)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 2
    errors = [line for line in run.stderr.splitlines() if line.startswith("convlab.grade:")]
    assert len(errors) == 1 and message in errors[0]
    assert "Traceback" not in run.stderr


# Last in the module: by now the background gradings have had the other tests' time to finish.
def test_syntax_error_endless_loop_and_wrong_answer_in_one_notebook(waiting_gradings, exercise_ids):
    """One kernel run for three faults: each exercise gets its own status and grading goes on."""
    syntax, loop, wrong = exercise_ids[:3]
    result = waiting_gradings["_three_faults"].result()
    expected = {syntax: "error", loop: "timed out", wrong: "failed"}
    assert statuses(result) == {ex: expected.get(ex, "passed") for ex in exercise_ids}
    feedback = {ex.id: ex.feedback for ex in result.exercises}
    assert feedback[syntax].startswith("SyntaxError") and "your line" in feedback[syntax]
    assert "Traceback" not in feedback[syntax]
    assert "endless loop" in feedback[loop]
    assert "not right" in feedback[wrong] and "expected" not in feedback[wrong]  # a diagnosis, never the answer


def test_notebook_time_limit_marks_the_rest_timed_out(waiting_gradings):
    result = waiting_gradings["_over_the_notebook_limit"].result()
    assert set(statuses(result).values()) == {"timed out"}
    assert all("time limit" in ex.feedback for ex in result.exercises), result.exercises
