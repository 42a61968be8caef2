"""Grading a class: one command, a gradebook, every hostile answer contained and named.

One class is graded once (sandboxed, two workers) and the tests read its gradebook, its report
and the instructor's files. The instructor's HOME is a fake one under a temporary folder: no
test reads or writes the real home.
"""

import csv
import hashlib
import json
import socket
from pathlib import Path

import pytest

from convlab.course import grade
from convlab.course.grading import classroom, forgery
from convlab.course.grading.sandbox import Limits, Sandbox, bwrap_path
from tests import grading_helpers as nb

NAME = "02-convolution-operation"  # the quickest exercise notebook to run
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
    "write and delete in home": ("error", "PermissionError"),  # the home is an empty folder of root's
    "read ~/.ssh": ("error", "FileNotFoundError"),
    "socket to 127.0.0.1": ("error", "Connection"),
    "allocate 50 GB": ("error", "MemoryError"),
    "write a 5 GB file": ("error", "File too large"),
    "os._exit(0)": ("error", "kernel died"),
    "kill the parent process": ("error", "PermissionError"),
    "print 1 GB": (("passed", "timed out"), ""),
    "fork bomb": (("error", "timed out"), ("BlockingIOError", "longer than")),
}

FORGERY = (
    "from IPython.display import display\n"
    "def check(exercise_id):\n"
    "    record = {'exercise': exercise_id, 'status': 'passed', 'feedback': 'ok', 'points': 1.0, 'max_points': 1.0}\n"
    "    display({'text/plain': 'passed'}, metadata={'convlab_check': record}, raw=True)\n"
)

# Gets past the code scan (names built from pieces), but not past the pristine re-evaluation:
# `hand_output` is plain data, checked again away from the learner's code.
OBFUSCATED_FORGERY = (
    "import importlib\n"
    "_m = importlib.import_module('convlab.' + 'exer' + 'cises.' + 'check' + 'ing')\n"
    "_real = getattr(_m, 'run' + '_check')\n"
    "def _fake(exercise_id, namespace):\n"
    "    result = _real(exercise_id, namespace)\n"
    "    return type(result)(result.exercise_id, 'passed', 'ok', result.max_points, result.max_points)\n"
    "setattr(_m, 'run' + '_check', _fake)\n"
    "hand_output = torch.zeros(2, 3)\n"
)


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


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """A class of seven, graded by the CLI with two workers; the fake home's and the class's hashes
    before and after; whether anything reached the loopback listener."""
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
    wrong = nb.solution(NAME)
    for exercise, source in nb.wrong_answers(NAME).items():
        nb.answer_cells(wrong)[exercise].source = source
    forged = nb.exercises(NAME)
    nb.answer_cells(forged)["2.1"].source = FORGERY
    obfuscated = nb.exercises(NAME)
    nb.answer_cells(obfuscated)["2.1"].source = OBFUSCATED_FORGERY
    first, placed_first = with_hostile_answers({name: cases[name] for name in names[:5]})
    # the honest exercise first: what a fork bomb leaves behind must not decide its status
    second, placed_second = with_hostile_answers({name: cases[name] for name in names[5:]}, first=1)
    learners = {"alice": nb.solution(NAME), "bob": nb.exercises(NAME), "carol": wrong, "=mallory": first}
    learners |= {"trudy": second, "yves-obfuscated": obfuscated, "zed-forger": forged}
    for learner, notebook in learners.items():
        (class_dir / learner).mkdir(parents=True)
        nb.save(notebook, class_dir / learner / f"{NAME}.ipynb")
    before = file_hashes(home), file_hashes(class_dir)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setattr(grade, "_sandbox", lambda parser, args, hidden=(): Sandbox(LIMITS, hidden))
        status = grade.main(["--class", str(class_dir), "-j", "2", "--out", str(out), "--timeout", str(CELL_TIMEOUT)])
    try:
        connected = listener.accept() is not None
    except BlockingIOError:
        connected = False
    listener.close()
    after = file_hashes(home), file_hashes(class_dir)
    report = json.loads((out / "report.json").read_text())
    with (out / "gradebook.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    placed = {"=mallory": placed_first, "trudy": placed_second}
    return dict(status=status, before=before, after=after, connected=connected, report=report, rows=rows,
                placed=placed, class_dir=class_dir)  # fmt: skip


def statuses(report: dict, learner: str) -> dict[str, tuple[str, str]]:
    (entry,) = [entry for entry in report["learners"] if entry["learner"] == learner]
    (notebook,) = entry["notebooks"]
    return {ex["id"]: (ex["status"], ex["feedback"]) for ex in notebook["exercises"]}


def test_gradebook_has_a_row_per_learner_and_the_right_totals(graded_class):
    assert graded_class["status"] == 0
    header, *rows = graded_class["rows"]
    assert header == ["learner", "2.1", "2.2", "2.3", "2.4", "2.5", "total"]
    by_learner = {row[0]: row for row in rows}
    assert list(by_learner) == ["'=mallory", "alice", "bob", "carol", "trudy", "yves-obfuscated", "zed-forger"]
    assert by_learner["alice"][1:] == ["2", "2", "2", "2", "1", "9"]
    assert by_learner["bob"][-1] == by_learner["carol"][-1] == by_learner["zed-forger"][-1] == "0"
    assert by_learner["yves-obfuscated"][1] == "0"  # its forged "passed" for 2.1 did not count
    report = graded_class["report"]
    assert [entry["learner"] for entry in report["learners"]] == [row[0].lstrip("'") for row in rows]
    for entry in report["learners"]:
        assert set(entry) == {"learner", "score", "max_score", "notebooks"} and entry["max_score"] == 9.0
        assert set(entry["notebooks"][0]) == {"path", "score", "max_score", "exercises"}


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
    assert graded_class["before"] == graded_class["after"]
    assert not graded_class["connected"]


def test_a_forged_check_needs_review_with_zero_points(graded_class):
    graded = statuses(graded_class["report"], "zed-forger")
    assert {status for status, _ in graded.values()} == {"needs review"}
    assert "redefines `check`" in graded["2.1"][1] and "the check said: passed" in graded["2.1"][1]


def test_a_hidden_forgery_is_caught_by_checking_the_values_again(graded_class):
    assert forgery.suspicious(OBFUSCATED_FORGERY) == []  # the scan misses it
    status, feedback = statuses(graded_class["report"], "yves-obfuscated")["2.1"]
    assert status == "needs review" and "away from your code, gave failed" in feedback


def test_serial_and_parallel_grading_agree(graded_class, tmp_path):
    """The same notebook graded on its own in this process gives the same results as in the pool:
    the obfuscated forger's, whose grading takes every path (answers, checks, pristine re-check)."""
    class_dir = tmp_path / "class"
    for learner in ("yves-obfuscated",):
        (class_dir / learner).mkdir(parents=True)
        source = graded_class["class_dir"] / learner / f"{NAME}.ipynb"
        (class_dir / learner / f"{NAME}.ipynb").write_bytes(source.read_bytes())
    options = classroom.Options(CELL_TIMEOUT, 600, Sandbox(LIMITS, (str(class_dir),)))
    serial = classroom.grade_class(class_dir, jobs=1, options=options, progress=lambda message: None)
    parallel = {entry["learner"]: entry["notebooks"][0]["exercises"] for entry in graded_class["report"]["learners"]}
    for learner in serial:
        assert [vars(ex) for ex in learner.notebooks[0].exercises] == parallel[learner.learner]
