"""The sandbox's command line, the forgery scan, the gradebook and the CLI's refusals: no kernels."""

import csv
import json
import os
import sys

import pytest

from convlab import grade
from convlab.course.grading import forgery, gradebook, sandbox
from convlab.course.grading.assemble import Slot
from convlab.course.grading.classroom import LearnerResult, _Progress, find_learners
from convlab.course.grading.report import ExerciseResult, NotebookResult


def options_of(cmd: list[str], flag: str) -> list[str]:
    """Every argument that follows ``flag`` in ``cmd``."""
    return [cmd[i + 1] for i, arg in enumerate(cmd[:-1]) if arg == flag]


@pytest.fixture
def command(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: "/usr/bin/bwrap")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("SECRET_TOKEN", "do not pass me on")
    limits = sandbox.Limits(address_space=2**31, cpu_seconds=5, processes=7, file_size=2**20)
    box = sandbox.Sandbox(limits, hidden=(str(tmp_path / "class"),))
    (tmp_path / "class").mkdir()
    cmd = box.command(["python", "-m", "ipykernel_launcher"], workdir="/tmp/w", sockdir="/tmp/s", uid=123456)
    return cmd, home, tmp_path


def test_limits_network_and_privileges(command):
    cmd, _, _ = command
    assert cmd[-3:] == ["python", "-m", "ipykernel_launcher"]
    for option in ("--as=2147483648", "--cpu=5", "--nproc=7", "--fsize=1048576", "--core=0"):
        assert option in cmd
    for flag in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in cmd
    assert "--reuid=123456" in cmd and "--no-new-privs" in cmd and "--inh-caps=-all" in cmd


def test_filesystem_read_only_with_home_and_submissions_hidden(command):
    cmd, home, tmp_path = command
    assert options_of(cmd, "--ro-bind")[0] == "/" and "--bind" not in cmd[: cmd.index("--ro-bind")]
    hidden = options_of(cmd, "--tmpfs")
    for folder in (str(home), str(tmp_path / "class"), "/tmp", "/root", "/run"):
        assert os.path.realpath(folder) in hidden
    assert options_of(cmd, "--bind") == ["/tmp/s"]  # the socket folder is the only host folder it may write
    assert options_of(cmd, "--chdir") == ["/tmp/w"] and "/tmp/w" in hidden  # a private tmpfs


def test_python_under_a_hidden_folder_is_bound_back_read_only(command):
    cmd, _, _ = command
    python_home = os.path.realpath(sys.base_prefix)
    if any(python_home.startswith(folder + "/") for folder in options_of(cmd, "--tmpfs")):
        assert python_home in options_of(cmd, "--ro-bind")


def test_environment_is_cleared_but_for_what_the_kernel_needs(command):
    cmd, _, _ = command
    names = options_of(cmd, "--setenv")
    assert "SECRET_TOKEN" not in names and "HOME" in names and "PATH" in names


def test_bad_limits_are_refused():
    with pytest.raises(ValueError, match="Limits.processes"):
        sandbox.Limits(processes=0)


@pytest.mark.parametrize(
    ("source", "finding"),
    [
        ("check = lambda exercise_id: None", "rebinds `check`"),
        ("def check(exercise_id):\n    pass", "redefines `check`"),
        ("import convlab.checking as c", "imports convlab.checking"),
        ("from convlab import exercises", "convlab.checking or convlab.exercises"),
        ("import convlab\nconvlab.checking.run_check = print", "touches convlab.checking"),
        ("import sys\nsys.modules['convlab.checking'] = None", "sys.modules"),
        ("globals()['check'] = print", "rebinds `check` by name"),
        ("meta = {'convlab_check': {}}", "result key"),
        ("get_ipython().events.register('post_run_cell', print)", "events"),
        ("from convlab.checking import run_check", "imports from convlab.checking"),
    ],
)
def test_forgery_is_spotted(source, finding):
    assert any(finding in found for found in forgery.suspicious(source)), forgery.suspicious(source)


@pytest.mark.parametrize(
    "source",
    [
        "from convlab.checking import check",
        "def corr2d(image, kernel):\n    return image",
        "hand_output = torch.tensor([[1, 2], [3, 4]])\nprint(check)",
        "this is not python (",
    ],
)
def test_honest_answers_are_not_flagged(source):
    assert forgery.suspicious(source) == []


def test_review_marks_the_checks_after_a_suspicious_cell():
    slots = [
        Slot("x = 1", "answer", "1.1"),
        Slot('check("1.1")', "check", "1.1"),
        Slot("check = print", "answer", "1.2"),
        Slot('check("1.2")', "check", "1.2"),
        Slot('check("1.3")', "check", "1.3"),
    ]
    results = [ExerciseResult(ex, "passed", 1.0, 1.0, "ok") for ex in ("1.1", "1.2", "1.3")]
    reviewed = forgery.review(slots, results)
    assert [(r.status, r.points) for r in reviewed] == [("passed", 1.0), ("needs review", 0.0), ("needs review", 0.0)]


def test_gradebook_counts_missing_notebooks_as_zero(tmp_path):
    first = NotebookResult(
        "a/01.ipynb", [ExerciseResult("1.1", "passed", 1.0, 1.0, ""), ExerciseResult("1.2", "failed", 0.0, 2.0, "")]
    )
    second = NotebookResult("b/02.ipynb", [ExerciseResult("2.1", "passed", 3.0, 3.0, "")])
    learners = [LearnerResult("ann", [first]), LearnerResult("+ben", [second]), LearnerResult("cy", [])]
    csv_path, json_path = gradebook.write(learners, tmp_path / "out")
    rows = list(csv.reader(csv_path.open(newline="")))
    assert rows == [
        ["learner", "1.1", "1.2", "2.1", "total"],
        ["ann", "1", "0", "0", "1"],
        ["'+ben", "0", "0", "3", "3"],  # a spreadsheet formula, defused
        ["cy", "0", "0", "0", "0"],
    ]
    report = json.loads(json_path.read_text())
    assert [(e["learner"], e["score"], e["max_score"]) for e in report["learners"]] == [
        ("ann", 1.0, 6.0), ("+ben", 3.0, 6.0), ("cy", 0.0, 6.0)
    ]  # fmt: skip


def test_progress_lines_count_learners_and_give_an_eta():
    lines = []
    progress = _Progress({"ann": ["x", "y"], "ben": ["z"]}, lines.append)
    progress.notebook_done("ann")
    progress.notebook_done("ben")
    assert lines[0].startswith("learners 0/2, notebooks 1/3, elapsed 0:00, ETA")
    assert lines[1].startswith("learners 1/2, notebooks 2/3")


def test_class_is_refused_without_bubblewrap_unless_no_sandbox(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    (tmp_path / "class").mkdir()
    with pytest.raises(SystemExit) as refused:
        grade.main(["--class", str(tmp_path / "class"), "--out", str(tmp_path)])
    assert refused.value.code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "bubblewrap" in line and "--no-sandbox" in line
    assert grade.main(["--class", str(tmp_path / "class"), "--no-sandbox", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "gradebook.csv").read_text().strip() == "learner,total"


def test_learners_are_folders_and_links_are_skipped(tmp_path):
    name = "02-convolution-operation.ipynb"
    for learner in ("ann", "ben", ".hidden"):
        (tmp_path / learner).mkdir()
    (tmp_path / "ann" / name).write_text("{}")
    (tmp_path / "ann" / "notes.ipynb").write_text("{}")  # not named as in exercises/
    (tmp_path / "ben" / name).symlink_to(tmp_path / "ann" / name)  # another learner's work
    (tmp_path / "cy").symlink_to(tmp_path / "ann")
    assert find_learners(tmp_path) == {"ann": [tmp_path / "ann" / name], "ben": []}


def test_a_sandbox_that_cannot_start_is_one_line(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: "/bin/false")  # as if namespaces were forbidden
    problem = sandbox.Sandbox().problem()
    assert problem.startswith("bubblewrap cannot make its sandbox") and "\n" not in problem


def test_no_answer_of_the_course_is_flagged():
    """Every solution and every plausible wrong answer reads as honest code."""
    from tests import grading_helpers as nb

    for name in nb.names():
        sources = [cell.source for cell in nb.answer_cells(nb.solution(name)).values()]
        for source in sources + list(nb.wrong_answers(name).values()):
            assert forgery.suspicious(source) == [], (name, source)
