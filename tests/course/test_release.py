"""The instructor's release: a folder holding only it gives instant feedback from recorded public
cases (the course's answer passes, a known wrong answer gets its diagnosis), and it holds no
solutions, no checks, no wrong answers and no hidden cases."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from convlab.course import notebooks, release
from tests import grading_helpers as nb

CHAPTERS = ("01-why-not-fully-connected", "02-convolution-operation")  # functions, and a value answer (2.1)

# Runs in the release folder, with only the release importable: each case's cells, then check's dispatch.
PROBE = """
import contextlib, io, json, sys
import convlab
from convlab.checking import run_check
try:
    import convlab.exercises.ch01
    course_checks = True
except ModuleNotFoundError:
    course_checks = False
found = {"convlab": convlab.__file__, "course_checks": course_checks, "results": []}
for case in json.load(sys.stdin):
    space = {"__name__": "__main__"}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for number, source in enumerate(case["cells"]):
                exec(compile(source, f"<ipython-input-{number}>", "exec"), space)
    except NotImplementedError:
        pass
    result = run_check(case["exercise"], space)
    found["results"].append([case["exercise"], case["what"], result.status, result.feedback])
print(json.dumps(found))
"""


def _setup_cells(name: str) -> list[str]:
    return [c.source for c in nb.exercises(name).cells
            if c.cell_type == "code" and c.metadata.get("convlab", {}).get("role") == "setup"]


def _cases() -> list[dict]:
    cases = []
    for name in CHAPTERS:
        setup, stubs = _setup_cells(name), nb.answer_cells(nb.exercises(name))
        solved = nb.answer_cells(nb.solution(name))
        for exercise_id, cell in solved.items():
            cases.append({"exercise": exercise_id, "what": "solution", "cells": [*setup, cell.source]})
            cases.append({"exercise": exercise_id, "what": "stub", "cells": [*setup, stubs[exercise_id].source]})
        for exercise_id, items in nb.wrong_answer_list(name).items():
            for source, diagnosis in items:
                cases.append({"exercise": exercise_id, "what": diagnosis or "", "cells": [*setup, source]})
    return cases


def _shipped_by_the_course() -> str:
    """The text of what a release may hold: chapters, exercises and the package's modules it keeps
    (a chapter shows how a convolution loops; convlab.data shuffles pixels for chapter 1)."""
    root = notebooks.REPO_ROOT
    paths = [*notebooks.course_notebooks(notebooks.CHAPTERS), *notebooks.course_notebooks(notebooks.EXERCISES)]
    paths += [p for p in (root / "convlab").rglob("*.py")
              if not release._left_out(".".join(p.relative_to(root).with_suffix("").parts))]
    return "\n".join(path.read_text(encoding="utf-8") for path in paths)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("learner") / "release"
    report = release.build(out, chapters=[int(name[:2]) for name in CHAPTERS])
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONVLAB")}
    # PYTHONDONTWRITEBYTECODE: no __pycache__ is written into the release, whose files the tests read
    env.update(PYTHONPATH=str(out), MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    run = subprocess.run([sys.executable, "-c", PROBE], input=json.dumps(_cases()), cwd=out, capture_output=True,
                         text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    return out, {"report": report, **json.loads(run.stdout)}


def test_only_the_release_is_importable(built):
    out, found = built
    assert Path(found["convlab"]).resolve() == (out / "convlab" / "__init__.py").resolve()
    assert not found["course_checks"]


def test_the_solution_passes_the_stub_is_not_attempted(built):
    _, found = built
    outcomes = {(ex, what): status for ex, what, status, _ in found["results"] if what in ("solution", "stub")}
    assert outcomes and found["report"]["not replayable"] == {}
    for (exercise_id, what), status in outcomes.items():
        assert status == ("passed" if what == "solution" else "not attempted"), (exercise_id, what)


def test_a_known_wrong_answer_fails_with_its_diagnosis(built):
    _, found = built
    wrong = [(ex, what, status, feedback) for ex, what, status, feedback in found["results"]
             if what not in ("solution", "stub")]
    assert {ex for ex, *_ in wrong} >= {"1.1", "1.2", "2.1", "2.2"}
    for exercise_id, diagnosis, status, feedback in wrong:
        assert status == "failed", (exercise_id, feedback)
        assert diagnosis in feedback, (exercise_id, diagnosis, feedback)
        assert feedback.startswith(f"{exercise_id}") is False  # one line: the ❌ prefix is the result's


def test_the_release_holds_no_solutions_checks_or_wrong_answers(built):
    out, _ = built
    names = {path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()}
    assert not any(name.startswith(("solutions/", "tests/")) for name in names)
    assert not [name for name in names if re.fullmatch(r"convlab/exercises/ch\d\d\.py", name)]
    assert "convlab/exercises/replay.json" in names and "requirements.txt" in names and "pyproject.toml" in names
    text = "\n".join((out / name).read_text(encoding="utf-8") for name in sorted(names))
    secrets = ["### BEGIN SOLUTION", "@exercise(", "_sizes(8, 1101, 60)", "def _hidden_pairs", "WRONG_ANSWERS"]
    for name in CHAPTERS:  # every line of a solution, and of a wrong answer, that only they hold
        for cell in nb.answer_cells(nb.solution(name)).values():
            body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            secrets += [line.strip() for line in body.splitlines() if len(line.strip()) > 24]
        for items in nb.wrong_answer_list(name).values():
            secrets += [line.strip() for source, _ in items for line in source.splitlines()
                        if len(line.strip()) > 24 and not line.startswith("def ")]
    secrets = [secret for secret in secrets if secret not in _shipped_by_the_course()]
    assert len(secrets) > 20 and [secret for secret in secrets if secret in text] == []
    assert "3, -2, 5" not in text.replace("[", "").replace("]", "")  # 2.1's value answer ships only as a hash


def test_the_checks_are_left_out_and_nothing_kept_imports_them(tmp_path):
    root = notebooks.REPO_ROOT
    modules = {".".join(p.relative_to(root).with_suffix("").parts) for p in (root / "convlab").rglob("*.py")}
    left = {m for m in modules if release._left_out(m)}
    assert {"convlab.exercises.ch01", "convlab.exercises.ch10", "convlab.exercises.record"} <= left
    assert not left & {"convlab.exercises.replay", "convlab.exercises.checking", "convlab.checking",
                       "convlab.exercises.catalog", "convlab.data", "convlab.viz.player"}
    with pytest.raises(ValueError, match="inside the course"):
        release.build(root / "class-release")
    for package in ("convlab", "convlab/exercises"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    with pytest.raises(ValueError, match="not empty"):
        release.build(tmp_path)
    release._check_imports(tmp_path)
    for bad in ("from convlab.exercises import ch01", "import convlab.exercises.record", "import convlab.nowhere"):
        (tmp_path / "convlab" / "bad.py").write_text(bad + "\n")
        with pytest.raises(RuntimeError, match="which the release leaves out"):
            release._check_imports(tmp_path)


def test_a_notebook_done_in_the_release_is_graded_as_the_course_grades_it(built):
    """The release's exercise notebooks are the course's own, so the instructor's grader takes a
    learner's notebook from the release exactly as it takes one from the course."""
    from convlab.course.grading.assemble import assemble, identify, read_learner_notebook

    out, _ = built
    for name in CHAPTERS:
        handed_in = out / "exercises" / f"{name}.ipynb"
        assert handed_in.read_bytes() == (notebooks.REPO_ROOT / "exercises" / f"{name}.ipynb").read_bytes()
        learner = read_learner_notebook(handed_in)
        course_name, _ = identify(learner, handed_in)
        plan = assemble(learner, course_name)
        assert course_name == name and plan.exercises == list(nb.check_cells(nb.solution(name)))
