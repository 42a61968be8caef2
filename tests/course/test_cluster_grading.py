"""A class graded on a real Dask cluster on loopback (a scheduler and two single-threaded workers,
each its own process): the same gradebook as a local run, a rerun that grades only the changed
notebook, feedback pages, retries, and one line of error for a scheduler that is not there."""

import contextlib
import io
import os
import socket
from pathlib import Path
from types import SimpleNamespace

import pytest

from convlab.course import grade
from convlab.course.grading import cache, cluster
from convlab.course.grading.report import ExerciseResult, NotebookResult
from convlab.course.grading.sandbox import bwrap_path
from tests import grading_helpers as nb
from tests.dask_cluster import loopback_cluster

NAME = "01-why-not-fully-connected"
SANDBOX = [] if bwrap_path() else ["--no-sandbox"]


def make_class(folder: Path) -> None:
    """alice solved everything, carol too but with a typo in 1.1."""
    carol = nb.solution(NAME)
    nb.answer_cells(carol)["1.1"].source = "retrun 1\n"
    for learner, notebook in {"alice": nb.solution(NAME), "carol": carol}.items():
        (folder / learner).mkdir(parents=True)
        nb.save(notebook, folder / learner / f"{NAME}.ipynb")


def cli(*args: str) -> dict:
    """``python -m convlab.grade`` in this process: its exit status and standard output."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = grade.main(["--timeout", "30", *SANDBOX, *args])
    return {"status": status, "out": out.getvalue()}


def written(out: Path) -> dict:
    """The gradebook, the report and the feedback pages as text; the cached results' times."""
    files = {name: (out / name).read_text() for name in ("gradebook.csv", "report.json")}
    files |= {f"feedback/{page.name}": page.read_text() for page in (out / "feedback").iterdir()}
    times = {path.parent.name: path.stat().st_mtime_ns for path in (out / "cache").glob("*/*.json")}
    return {"files": files, "cache times": times}


@pytest.fixture(scope="module")
def address():
    with loopback_cluster(2) as scheduler:
        yield scheduler


@pytest.fixture(scope="module")
def graded(address, tmp_path_factory):
    """The class graded locally (-j 1: no pool to start) and on the cluster, then on the cluster
    again after carol fixed her typo: what each run printed and wrote."""
    base = tmp_path_factory.mktemp("cluster")
    class_dir, local, remote = base / "class", base / "local", base / "remote"
    make_class(class_dir)
    runs = {"local": cli("--class", str(class_dir), "-j", "1", "--out", str(local))}
    runs["cluster"] = cli("--class", str(class_dir), "--scheduler", address, "--out", str(remote))
    files = {"local": written(local), "cluster": written(remote)}
    nb.save(nb.solution(NAME), class_dir / "carol" / f"{NAME}.ipynb")
    runs["rerun"] = cli("--class", str(class_dir), "--scheduler", address, "--out", str(remote))
    files["rerun"] = written(remote)
    return {"runs": runs, "files": files}


def test_the_cluster_writes_the_local_runs_gradebook_report_and_feedback(graded):
    assert {run["status"] for run in graded["runs"].values()} == {0}
    local, remote = graded["files"]["local"]["files"], graded["files"]["cluster"]["files"]
    assert local == remote
    assert local["gradebook.csv"].splitlines() == [
        "learner,1.1,1.2,1.3,1.4,total", "alice,1,1,1,2,5", "carol,0,1,1,2,4"
    ]  # fmt: skip
    assert "SyntaxError" in local["feedback/carol.html"]


def test_a_rerun_grades_only_the_changed_notebook(graded):
    assert "0 results reused" in graded["runs"]["cluster"]["out"]
    assert "1 result reused" in graded["runs"]["rerun"]["out"]
    before, after = graded["files"]["cluster"]["cache times"], graded["files"]["rerun"]["cache times"]
    assert set(before) == set(after) == {"alice", "carol"}
    assert before["alice"] == after["alice"]
    assert before["carol"] != after["carol"]
    rerun = graded["files"]["rerun"]["files"]
    assert rerun["gradebook.csv"].splitlines()[2] == "carol,1,1,1,2,5"  # the whole gradebook, written again
    assert sorted(rerun) == ["feedback/alice.html", "feedback/carol.html", "gradebook.csv", "report.json"]


def test_an_unreachable_scheduler_is_one_line_and_exit_status_2(tmp_path, capsys, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 0.5)
    (tmp_path / "class" / "alice").mkdir(parents=True)
    with pytest.raises(SystemExit) as exit_:
        grade.main(["--class", str(tmp_path / "class"), "--scheduler", f"tcp://127.0.0.1:{port}",
                    "--out", str(tmp_path / "out"), "--no-sandbox"])  # fmt: skip
    captured = capsys.readouterr()
    assert exit_.value.code == 2 and captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"convlab.grade: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}: ")
    assert not (tmp_path / "out").exists()


def one_notebook_on_the_cluster(address: str, folder, task, options=None):
    """Grade one placeholder notebook of learner alice on the cluster with ``task``: its result."""
    notebook = folder / "alice" / f"{NAME}.ipynb"
    notebook.parent.mkdir()
    notebook.write_text("{}")
    finished = []
    with cluster.connect(address) as client:
        cluster.grade_on_cluster(client, [("alice", notebook)], options, lambda *done: finished.append(done),
                                 task=task)  # fmt: skip
    ((learner, path, result),) = finished
    assert (learner, path) == ("alice", notebook)
    return result


def raise_and_count(filename: str, content: bytes, options) -> dict:
    """A grading task that fails: one line in ``options.tries`` per attempt."""
    with open(options.tries, "a") as tries:
        tries.write(f"{filename}\n")
    raise RuntimeError("the grader broke")


def test_a_task_that_raises_is_tried_twice_then_marked_with_the_reason(address, tmp_path):
    options = SimpleNamespace(tries=str(tmp_path / "tries.txt"))
    result = one_notebook_on_the_cluster(address, tmp_path, raise_and_count, options)
    assert (tmp_path / "tries.txt").read_text() == f"{NAME}.ipynb\n" * 2
    assert result.exercises[0].status == "error" and "RuntimeError: the grader broke" in result.problem


def graded_by_another_course(filename: str, content: bytes, options) -> dict:
    """What a worker with another version of the checks would send back: full marks."""
    result = NotebookResult(filename, [ExerciseResult("1.1", "passed", 1.0, 1.0, "well done")])
    return {"course": "another version", "result": cache.to_dict(result)}


def test_a_result_from_a_worker_with_another_course_is_marked_not_used(address, tmp_path):
    result = one_notebook_on_the_cluster(address, tmp_path, graded_by_another_course)
    assert [ex.status for ex in result.exercises] == ["error"] and "another version of the course" in result.problem


def exit_the_worker(filename: str, content: bytes, options) -> dict:
    """A grading task that kills the worker running it, as running out of memory would."""
    with open(options.tries, "a") as tries:
        tries.write(f"{filename}\n")
    os._exit(1)


def test_a_worker_that_dies_has_its_notebook_retried_once_then_marked(address, tmp_path):
    """Last in this file: both workers die once (their nannies start new ones)."""
    options = SimpleNamespace(tries=str(tmp_path / "tries.txt"))
    result = one_notebook_on_the_cluster(address, tmp_path, exit_the_worker, options)
    assert (tmp_path / "tries.txt").read_text() == f"{NAME}.ipynb\n" * 2
    assert result.exercises[0].status == "error" and "worker died twice" in result.problem
