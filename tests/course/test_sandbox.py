"""The sandbox's command line and what it confines, the gradebook and the CLI's refusals: no kernels."""

import csv
import json
import os
import sys

import pytest

from convlab import grade
from convlab.course import notebooks
from convlab.course.grading import gradebook, sandbox
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
    cmd = box.command(["python", "-m", "ipykernel_launcher"], conndir="/tmp/c", ipcdir="/tmp/.ipc", uid=123456)
    return cmd, home, tmp_path


def test_limits_network_and_privileges(command):
    cmd, _, _ = command
    assert cmd[-3:] == ["python", "-m", "ipykernel_launcher"]
    for option in ("--as=2147483648", "--cpu=5", "--nproc=7", "--fsize=1048576", "--core=0"):
        assert option in cmd
    for flag in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in cmd
    assert "--reuid=123456" in cmd and "--no-new-privs" in cmd and "--inh-caps=-all" in cmd


def test_filesystem_read_only_with_home_submissions_and_course_hidden(command):
    cmd, home, tmp_path = command
    assert options_of(cmd, "--ro-bind")[0] == "/" and "--bind" not in cmd  # no host folder is writable
    hidden = options_of(cmd, "--tmpfs")
    for folder in (str(home), str(tmp_path / "class"), str(notebooks.REPO_ROOT), "/tmp", "/root", "/run"):
        assert os.path.realpath(folder) in hidden
    assert "/tmp/c" in options_of(cmd, "--ro-bind")  # the connection file, read-only
    assert options_of(cmd, "--chdir") == [sandbox.WORKDIR] and sandbox.WORKDIR.startswith("/tmp/")
    assert {sandbox.WORKDIR, "/tmp/.ipc"} <= set(options_of(cmd, "--dir"))  # inside the one size-limited /tmp
    assert options_of(cmd, "--size") == [str(sandbox.Limits().workdir_size)]


def test_the_course_package_cannot_be_imported(command):
    """The course folder is hidden (a venv inside it is bound back read-only), and so is whatever
    in site-packages makes ``import convlab`` work (an editable install's finder, an installed copy)."""
    cmd, _, _ = command
    for path in sandbox._needed_paths():
        assert not notebooks.REPO_ROOT.resolve().is_relative_to(path), path
    covered = set(options_of(cmd, "--tmpfs")) | {cmd[i + 2] for i, arg in enumerate(cmd) if arg == "--ro-bind"
                                                 and cmd[i + 1] == "/dev/null"}
    import convlab

    package = os.path.realpath(os.path.dirname(convlab.__file__))
    assert any(package == folder or package.startswith(folder + "/") for folder in covered) or all(
        "convlab" not in name for name in os.listdir(os.path.dirname(package))
    )
    for path in sandbox._course_package_files():
        assert path in covered


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


@pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed")
def test_writing_400_mb_fails_and_the_host_temp_folder_does_not_grow(tmp_path):
    """The sandbox's one writable space is its /tmp, a tmpfs of Limits.workdir_size (256 MB): a
    process that writes 400 MB in 50 MB files gets "No space left on device", and nothing lands
    in the host's temporary folder (no kernel: a bare Python in the same sandbox)."""
    import subprocess
    import tempfile

    box = sandbox.Sandbox(hidden=(str(tmp_path),))
    writer = (
        "import os\n"
        "try:\n"
        "    for part in range(8):\n"
        "        with open(f'part{part}.bin', 'wb') as f:\n"
        "            f.write(bytes(50 * 2**20))\n"
        "    print('wrote 400 MB')\n"
        "except OSError as error:\n"
        "    print(os.getcwd(), error.strerror)\n"
    )
    host_tmp = tempfile.gettempdir()
    before = _free_bytes(host_tmp)
    with tempfile.TemporaryDirectory() as conndir:
        cmd = box.command([sys.executable, "-S", "-c", writer], conndir=conndir, ipcdir=None,
                          uid=box.uid_for_this_process())
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=conndir)
    assert run.stdout.strip() == f"{sandbox.WORKDIR} No space left on device", run.stdout + run.stderr
    assert before - _free_bytes(host_tmp) < 50 * 2**20  # other processes may write a little meanwhile


def _free_bytes(folder: str) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize
