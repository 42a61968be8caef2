"""Grading a class: one command, a gradebook, every hostile answer contained, every forgery worth 0.

One class is graded by the CLI (sandboxed, two workers) and the tests read its gradebook, its
report and the instructor's files; the forgers and an honest learner are graded once more, one
notebook at a time, and get the same points. The instructor's HOME is a fake one under a
temporary folder: no test reads or writes the real home.
"""

import csv
import hashlib
import json
import socket
import tempfile
from pathlib import Path

import pytest

from convlab.course import grade
from convlab.course.grading.sandbox import Limits, Sandbox, bwrap_path
from tests import grading_helpers as nb
from tests.course import forgers

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


def grade_with_the_cli(class_dir: Path, out: Path, home: Path, jobs: int) -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setattr(grade, "_sandbox", lambda parser, args, hidden=(): Sandbox(LIMITS, hidden))
        return grade.main(["--class", str(class_dir), "-j", str(jobs), "--out", str(out), "--timeout",
                           str(CELL_TIMEOUT)])


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """A class of four (an honest learner, two hostile ones and a forger), graded by the CLI with
    two workers; the fake home's and the class's hashes before and after; whether anything
    reached the loopback listener; the host's temporary folder before and after; and the forger
    and the honest learner graded again with one worker."""
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
    learners = {"alice": [nb.solution(FIRST)], "=mallory": [first], "trudy": [second],
                "forger": [forged(FIRST, forgers.CHAPTER_1), forged(NAME, forgers.CHAPTER_2)]}
    for learner, handed_in in learners.items():
        (class_dir / learner).mkdir(parents=True)
        for notebook in handed_in:
            nb.save(notebook, class_dir / learner / f"{notebook.metadata['convlab']['notebook']}.ipynb")
    before = file_hashes(home), file_hashes(class_dir), temp_files()

    status = grade_with_the_cli(class_dir, out, home, jobs=2)
    try:
        connected = listener.accept() is not None
    except BlockingIOError:
        connected = False
    listener.close()
    after = file_hashes(home), file_hashes(class_dir), temp_files()
    report = json.loads((out / "report.json").read_text())
    with (out / "gradebook.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))

    again = base / "again"
    for learner in ("alice", "forger"):
        (again / learner).mkdir(parents=True)
        for path in (class_dir / learner).iterdir():
            (again / learner / path.name).write_bytes(path.read_bytes())
    grade_with_the_cli(again, base / "grades-serial", home, jobs=1)
    with (base / "grades-serial" / "gradebook.csv").open(newline="") as handle:
        serial_rows = list(csv.reader(handle))
    placed = {"=mallory": placed_first, "trudy": placed_second}
    return dict(status=status, before=before, after=after, connected=connected, report=report, rows=rows,
                placed=placed, class_dir=class_dir, serial_rows=serial_rows)  # fmt: skip


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


def test_serial_and_parallel_grading_agree(graded_class):
    """The forgers and the honest learner, graded again one notebook at a time: the same points."""
    header, *serial = graded_class["serial_rows"]
    parallel = {row[0]: row for row in graded_class["rows"][1:]}
    assert header == graded_class["rows"][0]
    assert serial == [parallel["alice"], parallel["forger"]]


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
