"""Write the instructor's release: what learners get, and nothing that holds an expected answer.

    python -m convlab.release OUT                 # every chapter
    python -m convlab.release OUT --chapters 1,2  # some chapters only

``OUT`` gets the chapters, the exercise notebooks, the ``convlab`` package without the checks
(``convlab/exercises/chNN.py``, where the reference answers and hidden cases live), without the
grader and the tools that need the solutions, a ``replay.json`` that the instant feedback
replays (see :mod:`convlab.exercises.replay`), ``pyproject.toml``, ``requirements.txt`` and a
learner's README. It holds no ``solutions/`` and no ``tests/``. The self-study archive that the
book's set-up page offers is another download, and keeps its solutions.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from convlab.course import notebooks

__all__ = ["LEFT_OUT", "build", "main", "plan"]

#: Modules of convlab that a release leaves out, as patterns on their dotted names: the checks
#: and the tools that need the solutions or the checks (the grader runs from the full course).
LEFT_OUT = (
    r"convlab\.exercises\.ch\d\d", r"convlab\.exercises\.record", r"convlab\.course\.(release|make_exercises|grade)",
    r"convlab\.course\.grading(\..*)?", r"convlab\.(release|make_exercises|grade)",
)
#: The pinned requirements a learner needs (the rest build the book and run the test suite).
LEARNER_PACKAGES = ("torch", "numpy", "scikit-learn", "matplotlib", "fonttools", "ipywidgets", "ipykernel",
                    "jupyterlab")
NOTEBOOK_IMPORT = re.compile(r"^from (convlab\.exercises\.ch\d\d) import (.+)$", re.MULTILINE)
CONSTANTS_DOC = '"""Data the exercise notebook of chapter {chapter} imports. Its checks are not in this release."""\n'


def _module_name(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def _left_out(module: str) -> bool:
    return any(re.fullmatch(pattern, module) for pattern in LEFT_OUT)


def _imports(source: str) -> tuple[set[str], set[str]]:
    """The modules that ``source`` imports absolutely, and the ``module.name`` of each name it
    imports from one (which may be a module too: ``from convlab.exercises import ch01``)."""
    modules, names = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules, names


def _copy_package(out: Path) -> None:
    """Copy ``convlab`` without :data:`LEFT_OUT`."""
    root = notebooks.REPO_ROOT
    for path in sorted((root / "convlab").rglob("*.py")):
        if "__pycache__" in path.parts or _left_out(_module_name(path, root)):
            continue
        target = out / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _check_imports(out: Path) -> None:
    """Refuse a release whose modules or notebooks import a module of convlab that it does not hold."""
    held = {_module_name(path, out) for path in (out / "convlab").rglob("*.py")}
    sources = {path: path.read_text(encoding="utf-8") for path in sorted((out / "convlab").rglob("*.py"))}
    for path in sorted(out.glob("*/*.ipynb")):
        cells = [notebooks.source(c) for c in notebooks.read(path).cells if c.cell_type == "code"]
        sources[path] = "\n".join(line for cell in cells for line in cell.splitlines()
                                   if not line.lstrip().startswith(("%", "!")))
    for path, source in sources.items():
        modules, names = _imports(source)
        missing = {m for m in modules if m.startswith("convlab.") and m not in held}
        missing |= {n for n in names if _left_out(n) and n not in held}
        if missing:
            raise RuntimeError(f"{path.relative_to(out)} imports {min(missing)}, which the release leaves out")


def _chapter_of(path: Path) -> int:
    return int(path.name[:2])


def _code_cells(path: Path, *, checks: bool) -> list[str]:
    cells = [c for c in notebooks.read(path).cells if c.cell_type == "code"]
    return [notebooks.source(c) for c in cells if checks or not notebooks.CHECK_CALL.search(notebooks.source(c))]


def _wrong_answers(chapter: int) -> dict[str, list[str]]:
    """The sources of ``tests/wrong_answers/chNN.py``'s plausible wrong answers, by exercise id."""
    path = notebooks.REPO_ROOT / "tests" / "wrong_answers" / f"ch{chapter:02d}.py"
    if not path.exists():
        return {}
    space: dict = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), space)  # noqa: S102 - the course's own file
    found = {}
    for exercise_id, value in space.get("WRONG_ANSWERS", {}).items():
        items = [value] if isinstance(value, str) else list(value)
        found[exercise_id] = [item if isinstance(item, str) else item[0] for item in items]
    return found


def plan(chapters: list[int], exercise_notebooks: list[Path]) -> dict:
    """What :mod:`convlab.exercises.record` runs: per chapter, the solved notebook's code cells and
    the wrong answers; and the constants the exercise notebooks import from a chapter's checks."""
    solutions = {_chapter_of(p): p for p in notebooks.course_notebooks(notebooks.SOLUTIONS)}
    wanted: dict[str, list[str]] = {}
    for path in exercise_notebooks:
        for module, names in NOTEBOOK_IMPORT.findall("\n".join(_code_cells(path, checks=False))):
            wanted.setdefault(module, []).extend(name.strip() for name in names.split(","))
    return {
        "salt": secrets.token_hex(16),
        "chapters": [{"chapter": chapter, "cells": _code_cells(solutions[chapter], checks=False),
                      "wrong": _wrong_answers(chapter)} for chapter in chapters],
        "constants": wanted,
    }


def _record(plan_data: dict) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONVLAB_HIDDEN")}
    run = subprocess.run([sys.executable, "-m", "convlab.exercises.record"], input=json.dumps(plan_data),
                         capture_output=True, text=True, env={**env, "MPLBACKEND": "Agg"},
                         cwd=notebooks.REPO_ROOT, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"recording the checks failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout)


def _write_constants(out: Path, constants: dict[str, dict[str, str]]) -> None:
    for module, values in constants.items():
        lines = [CONSTANTS_DOC.format(chapter=int(module[-2:])), ""]
        for name, text in values.items():
            ast.literal_eval(text)  # plain data only: a constant that is code stays out
            lines.append(f"{name} = {text}")
        (out / Path(*module.split("."))).with_suffix(".py").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _requirements() -> str:
    kept = ["# What a learner needs, pinned exactly. Python 3.11."]
    for line in (notebooks.REPO_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.split("==")[0].strip() in LEARNER_PACKAGES:
            kept.append(line)
    return "\n".join([*kept, "-e .", ""])


PYPROJECT = """[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "convlab"
version = "0.1.0"
description = "Helpers for the course 'Convolution, from the notes' (learner's release)"
requires-python = ">=3.11"

[tool.setuptools.packages.find]
include = ["convlab*"]

[tool.setuptools.package-data]
"convlab.exercises" = ["replay.json"]
"""

README = """# Convolution, from the notes — the exercises

A short course on convolutional layers with PyTorch. `chapters/` holds the teaching notebooks,
`exercises/` the graded exercises, and `convlab/` the small package both import.

With Python 3.11, in this folder:

```bash
python3.11 -m venv .venv && source .venv/bin/activate
python -m pip install -r requirements.txt
jupyter lab
```

In an exercise notebook, replace each `raise NotImplementedError(...)` line with your answer and
run the `check("N.k")` cell below it. You get one line: ✅ passed, ❌ failed (the input, what
your answer gave, the likely mistake or a hint — never the right answer), ⏳ not attempted or
💥 error.

This copy holds no solutions and no checks. The instant feedback replays the public cases that
your notebook shows, recorded from the course's checks: it compares your outputs with the
course's answer's, recognises the course's list of plausible mistakes, and otherwise gives a hint.
It is feedback, not your grade. Your instructor grades the notebook you hand in with the full
course: on further hidden cases, with each exercise's rule ("not `F.conv2d`") enforced. Where an
exercise has more than one right answer, this copy knows only the course's; the grader accepts
every right one.

What this copy ships, plainly: for a function answer, the public inputs and the course's
answer's outputs on them (the notebook shows those inputs anyway); for an answer that is a
value, such as `hand_output`, only a salted hash of it, which a guess can still be tested
against. An exercise whose check cannot be recorded (a class, a training step) has no instant
feedback here; its check cell says so.
"""


def build(out: Path, chapters: list[int] | None = None) -> dict:
    """Write the release into ``out`` (new or empty); return the record's notes and the exercises it
    could not record, for the report."""
    out = Path(out)
    if out.resolve().is_relative_to(notebooks.REPO_ROOT):  # its notebooks and modules would join the course's
        raise ValueError(f"{out} is inside the course: give a folder outside it for the release")
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"{out} is not empty: give a new folder for the release")
    exercise_notebooks = [p for p in notebooks.course_notebooks(notebooks.EXERCISES)
                          if chapters is None or _chapter_of(p) in chapters]
    chapters = [_chapter_of(p) for p in exercise_notebooks]
    recorded = _record(plan(chapters, exercise_notebooks))
    out.mkdir(parents=True, exist_ok=True)
    for folder, paths in (("chapters", notebooks.course_notebooks(notebooks.CHAPTERS)),
                          ("exercises", exercise_notebooks)):
        (out / folder).mkdir()
        for path in paths:
            if _chapter_of(path) in chapters:
                shutil.copyfile(path, out / folder / path.name)
    _copy_package(out)
    _write_constants(out, recorded["constants"])
    _check_imports(out)
    data = {"salt": recorded["salt"], "exercises": recorded["exercises"]}
    (out / "convlab" / "exercises" / "replay.json").write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    (out / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (out / "requirements.txt").write_text(_requirements(), encoding="utf-8")
    (out / "README.md").write_text(README, encoding="utf-8")
    missing = {key: value["reason"] for key, value in recorded["exercises"].items() if value["kind"] == "none"}
    return {"notes": recorded["notes"], "not replayable": missing}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m convlab.release", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a new (or empty) folder for the release")
    parser.add_argument("--chapters", help="comma-separated chapter numbers (default: all)")
    args = parser.parse_args(argv)
    chapters = [int(part) for part in args.chapters.split(",")] if args.chapters else None
    try:
        report = build(args.out, chapters)
    except (ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for note in report["notes"]:
        print(f"note: {note}", file=sys.stderr)
    for exercise_id, reason in report["not replayable"].items():
        print(f"no instant feedback for {exercise_id}: {reason}", file=sys.stderr)
    print(f"wrote the release to {args.out}")
    return 0
