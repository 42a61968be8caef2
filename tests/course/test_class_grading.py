"""Grading a class: one command, a gradebook, every hostile answer contained, every forgery worth 0.

One class is graded by the CLI (sandboxed, two notebooks at a time) and the tests read its
gradebook, its report and the instructor's files. Then the forger and the honest learner are
graded again on a real Dask cluster on loopback (a scheduler and one single-threaded worker, so
one notebook at a time), and get the same points, report and feedback pages; a rerun there grades
only the notebook that changed. The instructor's HOME is a fake one under a temporary folder: no
test reads or writes the real home.
"""

import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
import socket
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from convlab.course import grade
from convlab.course.grading import cache, cluster
from convlab.course.grading.report import ExerciseResult, NotebookResult
from convlab.course.grading.sandbox import Limits, Sandbox, bwrap_path
from tests import grading_helpers as nb
from tests.course import forgers
from tests.dask_cluster import loopback_cluster

NAME = "02-convolution-operation"  # the quickest exercise notebooks to run
FIRST = "01-why-not-fully-connected"
CELL_TIMEOUT = 20  # the fork bomb may cost this much: its stray children can stall the kernel
LIMITS = Limits(processes=64)  # small, so that the fork bomb hits the limit at once

pytestmark = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap (bwrap) is not installed")


def hostile_cases(home: Path, port: int) -> dict[str, str]:
    """Each escape attempt the issue lists, as the first lines of an answer cell."""
    notes, key = home / "notes.txt", home / ".ssh" / "id_rsa"
    return {
        "write and delete in home": f"open({str(notes)!r}, 'a').write('pwned')\nimport os\nos.remove({str(notes)!r})\n",
        "read ~/.ssh": f"stolen = open({str(key)!r}).read()\n",
        "socket to 127.0.0.1": f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=5)\n",
        "allocate 50 GB": "big = bytearray(50 * 2**30)\n",
        "write a 5 GB file": "with open('big.bin', 'wb') as f:\n    for _ in range(5 * 1024):\n"
        "        f.write(bytes(2**20))\n",
        "write 400 MB in files": "for part in range(8):\n    with open(f'part{part}.bin', 'wb') as f:\n"
        "        f.write(bytes(50 * 2**20))\n",
        "os._exit(0)": "import os\nos._exit(0)\n",
        "kill the parent process": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
        "print 1 GB": "print('x' * 2**30)\n",
        "fork bomb": "import os\nwhile True:\n    os.fork()\n",
    }


# Each case's status, and a word its feedback must hold. Cells that raise are "error"; the rest of
# the answer (the solution) then never runs. "kill the parent" is refused (the kernel's parent is
# the sandbox's init, owned by another user). The 1 GB print reaches no one (the grader drops
# messages over 64 MB), so the solution after it passes, unless the print alone outlasts the cell
# time limit on a loaded machine. The fork bomb stops at the process limit: its cell raises
# BlockingIOError, or, when the forked copies of the kernel steal its wake-ups, it is timed out.
EXPECTED = {
    # the home is hidden: an empty folder of root's, or not there at all when it lies in the host's /tmp
    "write and delete in home": ("error", ("PermissionError", "FileNotFoundError")),
    "read ~/.ssh": ("error", "FileNotFoundError"),
    "socket to 127.0.0.1": ("error", "Connection"),
    "allocate 50 GB": ("error", "MemoryError"),
    "write a 5 GB file": ("error", "File too large"),
    "write 400 MB in files": ("error", "No space left"),  # the sandbox's one writable space is full
    "os._exit(0)": ("error", "kernel died"),
    "kill the parent process": ("error", "PermissionError"),
    "print 1 GB": (("passed", "timed out"), ""),
    "fork bomb": (("error", "timed out"), ("BlockingIOError", "longer than")),
}


def with_hostile_answers(cases: dict[str, str], *, first: int = 0) -> tuple:
    """The solved notebook with each case's code before one exercise's solution, from exercise
    number ``first`` on (the exercises before it keep their honest answers)."""
    learner = nb.solution(NAME)
    answers = nb.answer_cells(learner)
    placed = dict(zip(cases, list(answers)[first:], strict=False))
    for case, exercise in placed.items():
        answers[exercise].source = cases[case] + answers[exercise].source
    return learner, placed


def file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def forged(name: str, attacks: dict[str, str]):
    learner = nb.exercises(name)
    for exercise, source in attacks.items():
        nb.answer_cells(learner)[exercise].source = source
    return learner


def grade_with_the_cli(class_dir: Path, out: Path, home: Path, *how: str) -> dict:
    """``python -m convlab.grade --class`` in this process, with ``how`` (``-j 2``, ``--scheduler …``):
    its exit status and standard output."""
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
        patch.setenv("HOME", str(home))
        patch.setattr(grade, "_sandbox", lambda parser, args, hidden=(): Sandbox(LIMITS, hidden))
        status = grade.main(["--class", str(class_dir), *how, "--out", str(out), "--timeout", str(CELL_TIMEOUT)])
    return {"status": status, "out": printed.getvalue()}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """A class of four (an honest learner, two hostile ones and a forger), graded by the CLI with
    two workers: what it wrote (:func:`written`); the fake home's and the class's hashes before
    and after; whether anything reached the loopback listener; and the host's temporary folder
    before and after."""
    base = tmp_path_factory.mktemp("class16")
    home, class_dir, out = base / "home", base / "class", base / "grades"
    (home / ".ssh").mkdir(parents=True)
    (home / "notes.txt").write_text("the instructor's notes")
    (home / ".ssh" / "id_rsa").write_text("not a real key")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    cases = hostile_cases(home, listener.getsockname()[1])
    names = list(cases)
    first, placed_first = with_hostile_answers({name: cases[name] for name in names[:5]})
    second, placed_second = with_hostile_answers({name: cases[name] for name in names[5:]})  # the fork bomb last
    # (untouched notebooks, wrong answers and every solution are graded in test_grader.py,
    # tests/exercises/test_remote.py and tests/graded_solutions/)
    learners = {
        "alice": [nb.solution(FIRST)],
        "=mallory": [first],
        "trudy": [second],
        "forger": [forged(FIRST, forgers.CHAPTER_1), forged(NAME, forgers.CHAPTER_2)],
    }
    for learner, handed_in in learners.items():
        (class_dir / learner).mkdir(parents=True)
        for notebook in handed_in:
            nb.save(notebook, class_dir / learner / f"{notebook.metadata['convlab']['notebook']}.ipynb")
    before = file_hashes(home), file_hashes(class_dir), temp_files()

    run = grade_with_the_cli(class_dir, out, home, "-j", "2")
    try:
        connected = listener.accept() is not None
    except BlockingIOError:
        connected = False
    listener.close()
    after = file_hashes(home), file_hashes(class_dir), temp_files()
    placed = {"=mallory": placed_first, "trudy": placed_second}
    return dict(status=run["status"], before=before, after=after, connected=connected, placed=placed,
                class_dir=class_dir, home=home, **written(out))  # fmt: skip


def written(out: Path) -> dict:
    """What a grading run wrote to ``out``: the gradebook's rows, the report, the feedback pages
    (as text) and each cached result's modification time."""
    with (out / "gradebook.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    return {
        "rows": rows,
        "report": json.loads((out / "report.json").read_text()),
        "pages": {page.name: page.read_text() for page in (out / "feedback").iterdir()},
        "cache times": {
            str(path.relative_to(out / cache.FOLDER)): path.stat().st_mtime_ns
            for path in (out / cache.FOLDER).glob("*/*.json")
        },
    }


def temp_files() -> dict[str, int]:
    """The files over a megabyte in the host's temporary folder that a sandbox user (a kernel)
    owns, and their sizes (other programs, other gradings, may write small files there meanwhile)."""
    found = {}
    for path in Path(tempfile.gettempdir()).rglob("*"):
        try:
            stat = path.lstat()
            if path.is_file() and stat.st_uid >= 100_000 and stat.st_size > 2**20:
                found[str(path)] = stat.st_size
        except OSError:
            pass
    return found


def statuses(report: dict, learner: str) -> dict[str, tuple[str, str]]:
    (entry,) = [entry for entry in report["learners"] if entry["learner"] == learner]
    return {ex["id"]: (ex["status"], ex["feedback"]) for notebook in entry["notebooks"] for ex in notebook["exercises"]}


def test_gradebook_has_a_row_per_learner_and_the_right_totals(graded_class):
    assert graded_class["status"] == 0
    header, *rows = graded_class["rows"]
    assert header == ["learner", "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "2.5", "total"]
    by_learner = {row[0]: row for row in rows}
    assert list(by_learner) == ["'=mallory", "alice", "forger", "trudy"]
    assert by_learner["alice"][1:] == ["1", "1", "1", "2", "0", "0", "0", "0", "0", "5"]  # chapter 2 not handed in
    assert by_learner["forger"][-1] == "0"
    report = graded_class["report"]
    assert [entry["learner"] for entry in report["learners"]] == [row[0].lstrip("'") for row in rows]
    for entry in report["learners"]:
        assert set(entry) == {"learner", "score", "max_score", "notebooks"} and entry["max_score"] == 14.0
        assert set(entry["notebooks"][0]) == {"path", "score", "max_score", "exercises"}


@pytest.mark.parametrize("exercise", list(forgers.EXPECTED))
def test_every_forgery_gets_zero_points(graded_class, exercise):
    status, feedback = statuses(graded_class["report"], "forger")[exercise]
    expected_status, word = forgers.EXPECTED[exercise]
    assert (status, word in feedback) == (expected_status, True), feedback
    assert "Traceback" not in feedback


@pytest.mark.parametrize("case", list(EXPECTED))
def test_each_hostile_cell_gets_an_honest_status(graded_class, case):
    learner = next(name for name, placed in graded_class["placed"].items() if case in placed)
    exercise = graded_class["placed"][learner][case]
    status, feedback = statuses(graded_class["report"], learner)[exercise]
    expected_status, word = EXPECTED[case]
    assert status in (expected_status if isinstance(expected_status, tuple) else (expected_status,)), feedback
    assert any(w in feedback for w in (word if isinstance(word, tuple) else (word,))), feedback


def test_the_other_exercises_are_still_graded(graded_class):
    for learner in ("=mallory", "trudy"):
        graded = statuses(graded_class["report"], learner)
        untouched = set(graded) - set(graded_class["placed"][learner].values())
        assert all(graded[exercise][0] == "passed" for exercise in untouched), graded
    assert len(graded_class["placed"]["=mallory"]) + len(graded_class["placed"]["trudy"]) == len(EXPECTED)


def test_nothing_outside_the_sandbox_changed(graded_class):
    """The home and the class are as they were, nothing reached the network, and no large file
    appeared in the host's temporary folder (the kernel's files and sockets live in its own tmpfs)."""
    assert graded_class["before"] == graded_class["after"]
    assert not graded_class["connected"]


# The same class on a Dask cluster: one worker, so one notebook at a time.
ON_THE_CLUSTER = ("alice", "forger")


@pytest.fixture(scope="module")
def address():
    with loopback_cluster(1) as scheduler:
        yield scheduler


@pytest.fixture(scope="module")
def on_the_cluster(graded_class, address, tmp_path_factory):
    """The honest learner and the forger, copied from the class and graded on the cluster; then
    graded there again after the forger handed in chapter 2 solved: what each run printed and wrote."""
    base = tmp_path_factory.mktemp("cluster")
    class_dir, out = base / "class", base / "grades"
    for learner in ON_THE_CLUSTER:
        shutil.copytree(graded_class["class_dir"] / learner, class_dir / learner)
    runs = {"cluster": grade_with_the_cli(class_dir, out, graded_class["home"], "--scheduler", address)}
    files = {"cluster": written(out)}
    nb.save(nb.solution(NAME), class_dir / "forger" / f"{NAME}.ipynb")
    runs["rerun"] = grade_with_the_cli(class_dir, out, graded_class["home"], "--scheduler", address)
    files["rerun"] = written(out)
    return {"runs": runs, "files": files, "class_dir": class_dir}


def as_in_the_class(text: str, graded_class: dict, on_the_cluster: dict) -> str:
    """``text`` written by the cluster's run, with its class folder's path replaced by the class's."""
    return text.replace(str(on_the_cluster["class_dir"]), str(graded_class["class_dir"]))


def test_one_at_a_time_on_the_cluster_gives_the_pools_points_report_and_feedback(graded_class, on_the_cluster):
    """Serial and parallel, on a cluster and in a local pool: the same grades."""
    assert {run["status"] for run in on_the_cluster["runs"].values()} == {0}
    remote = on_the_cluster["files"]["cluster"]
    header, *rows = graded_class["rows"]
    assert remote["rows"] == [header] + [row for row in rows if row[0] in ON_THE_CLUSTER]
    local_entries = [entry for entry in graded_class["report"]["learners"] if entry["learner"] in ON_THE_CLUSTER]
    remote_entries = json.loads(as_in_the_class(json.dumps(remote["report"]), graded_class, on_the_cluster))
    assert remote_entries["learners"] == local_entries
    assert {name: as_in_the_class(page, graded_class, on_the_cluster) for name, page in remote["pages"].items()} == {
        f"{learner}.html": graded_class["pages"][f"{learner}.html"] for learner in ON_THE_CLUSTER
    }


def test_a_rerun_grades_only_the_changed_notebook(on_the_cluster):
    assert "0 results reused" in on_the_cluster["runs"]["cluster"]["out"]
    assert "2 results reused" in on_the_cluster["runs"]["rerun"]["out"]
    before = on_the_cluster["files"]["cluster"]["cache times"]
    after = on_the_cluster["files"]["rerun"]["cache times"]
    changed = f"forger/{NAME}.json"
    assert set(before) == set(after) == {f"alice/{FIRST}.json", f"forger/{FIRST}.json", changed}
    assert {key: time for key, time in before.items() if key != changed} == {
        key: time for key, time in after.items() if key != changed
    }
    assert before[changed] != after[changed]
    rerun = on_the_cluster["files"]["rerun"]
    (forger,) = [entry for entry in rerun["report"]["learners"] if entry["learner"] == "forger"]
    first, second = forger["notebooks"]
    assert first["score"] == 0 and second["score"] == second["max_score"] > 0  # chapter 2, graded again
    assert sorted(rerun["pages"]) == ["alice.html", "forger.html"]


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
    notebook = folder / "alice" / f"{FIRST}.ipynb"
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
    assert (tmp_path / "tries.txt").read_text() == f"{FIRST}.ipynb\n" * 2
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
    """Last in this file: the worker dies twice (its nanny starts a new one each time)."""
    options = SimpleNamespace(tries=str(tmp_path / "tries.txt"))
    result = one_notebook_on_the_cluster(address, tmp_path, exit_the_worker, options)
    assert (tmp_path / "tries.txt").read_text() == f"{FIRST}.ipynb\n" * 2
    assert result.exercises[0].status == "error" and "worker died twice" in result.problem
