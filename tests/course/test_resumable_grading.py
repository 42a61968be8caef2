"""Rerunning ``--class``: only new or changed notebooks are graded, ``--fresh`` grades all, and an
interrupted run keeps what it finished. The grader is replaced by a counter (no kernels)."""

import contextlib
import io
from pathlib import Path

import pytest

from convlab.course import grade
from convlab.course.grading import classroom
from convlab.course.grading.report import ExerciseResult, NotebookResult

NAME = "01-why-not-fully-connected.ipynb"


@pytest.fixture
def graded(tmp_path, monkeypatch):
    """A class of three; ``graded(*args)`` runs the CLI (-j 1, in this process) and returns the
    learners whose notebooks were graded and what it printed."""
    for learner in ("ann", "ben", "cas"):
        (tmp_path / "class" / learner).mkdir(parents=True)
        (tmp_path / "class" / learner / NAME).write_text('{"cells": []}')
    calls: list[str] = []

    def fake_grade_one(path: Path, options) -> NotebookResult:
        calls.append(Path(path).parent.name)
        if Path(path).read_text() == "interrupt":
            raise KeyboardInterrupt
        return NotebookResult(str(path), [ExerciseResult("1.1", "passed", 1.0, 1.0, "well done")])

    monkeypatch.setattr(classroom, "_grade_one", fake_grade_one)

    def run(*args: str) -> tuple[list[str], str]:
        calls.clear()
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            status = grade.main(["--class", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "-j", "1",
                                 "--no-sandbox", *args])  # fmt: skip
        assert status == 0
        return list(calls), out.getvalue()

    run.class_dir = tmp_path / "class"
    run.out = tmp_path / "out"
    return run


def test_a_rerun_grades_only_new_and_changed_notebooks(graded):
    assert graded()[0] == ["ann", "ben", "cas"]
    calls, printed = graded()
    assert calls == [] and "3 results reused" in printed
    (graded.class_dir / "ben" / NAME).write_text('{"cells": [], "again": 1}')
    (graded.class_dir / "dee").mkdir()
    (graded.class_dir / "dee" / NAME).write_text('{"cells": []}')
    calls, printed = graded()
    assert calls == ["ben", "dee"] and "2 results reused" in printed
    everyone = ("ann", "ben", "cas", "dee")
    assert (graded.out / "gradebook.csv").read_text().splitlines()[1:] == [f"{name},1,1" for name in everyone]
    assert sorted(page.name for page in (graded.out / "feedback").iterdir()) == [f"{name}.html" for name in everyone]


def test_fresh_grades_everything_again(graded):
    graded()
    calls, printed = graded("--fresh")
    assert calls == ["ann", "ben", "cas"] and "0 results reused" in printed
    assert graded()[0] == []


def test_an_interrupted_run_loses_only_the_notebook_in_flight(graded):
    (graded.class_dir / "ben" / NAME).write_text("interrupt")
    with pytest.raises(KeyboardInterrupt):
        graded()
    (graded.class_dir / "ben" / NAME).write_text('{"cells": []}')
    calls, printed = graded()
    assert calls == ["ben", "cas"] and "1 result reused" in printed


def test_scheduler_and_fresh_need_a_class(tmp_path, capsys):
    for option in (["--fresh"], ["--scheduler", "tcp://127.0.0.1:8786"]):
        with pytest.raises(SystemExit) as refused:
            grade.main([str(tmp_path), *option])
        assert refused.value.code == 2
        assert capsys.readouterr().err.strip() == "convlab.grade: --scheduler and --fresh are for --class DIR"
