"""Generate ``exercises/`` from ``solutions/``, the single source of the graded exercises.

    python -m convlab.make_exercises          # write exercises/NN-*.ipynb
    python -m convlab.make_exercises --check  # exit 1 if exercises/ is stale

In a solution notebook, code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes
a stub that raises ``NotImplementedError`` naming the exercise; markdown between
``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->`` is dropped. A code cell holding a
solution is an *answer* cell of the exercise whose ``check("N.k")`` cell comes next; check
cells and all other code cells are the course's own (*check* and *setup*), which the grader
restores from the generated notebook. Outputs are cleared and each cell's role is written to
its metadata. An answer cell's metadata holds its exercise's facts (``"convlab": {"exercise":
"3.1", "title": …, "points": 1, "skill": …, "counting": true}``); they are checked and copied,
and :mod:`convlab.exercises.catalog` reads them there.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

from convlab.course import notebooks
from convlab.exercises import catalog

CODE_REGION = re.compile(
    r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*(\n|$)", re.DOTALL | re.MULTILINE
)
MARKDOWN_REGION = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->\n?", re.DOTALL)
STUB = '{indent}raise NotImplementedError("Exercise {exercise}: replace this line with your answer")\n'
ANSWER_TAG = "raises-exception"  # the stub raises: Run All, nbval and the book carry on past it


class SolutionError(ValueError):
    """A solution notebook that the generator cannot turn into exercises."""


def _check_id(cell) -> str | None:
    found = notebooks.CHECK_CALL.findall(notebooks.source(cell))
    return found[0] if cell.cell_type == "code" and len(found) == 1 else None


def _is_answer(cell) -> bool:
    return cell.cell_type == "code" and "### BEGIN SOLUTION" in notebooks.source(cell)


def _title(text: str) -> str:
    """Turn the solutions page's label and heading into the exercises page's."""
    text = re.sub(r"^\(solutions-", "(exercises-", text, flags=re.MULTILINE)
    return re.sub(r"^# Solutions\b", "# Exercises", text, count=1, flags=re.MULTILINE)


def to_exercises(solution: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Return the exercise notebook generated from the solution notebook ``solution``."""
    notebook = copy.deepcopy(solution)
    cells = notebook.cells
    pending: list[int] = []  # answer cells waiting for their check cell
    for index, cell in enumerate(cells):
        cell.setdefault("metadata", {})
        text = notebooks.source(cell)
        if cell.cell_type == "markdown":
            text = MARKDOWN_REGION.sub("", text)
            cell.source = _title(text) if index == 0 else text
            cell.metadata["convlab"] = {"role": "text"}
            continue
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        exercise_id = _check_id(cell)
        if _is_answer(cell):
            if exercise_id:
                raise SolutionError(f"{name}: cell {index} holds both a solution and a check")
            pending.append(index)
        elif exercise_id:
            if not pending:
                raise SolutionError(f"{name}: check('{exercise_id}') has no answer cell before it")
            if len(pending) > 1:
                raise SolutionError(f"{name}: exercise {exercise_id} has {len(pending)} answer cells; use one")
            for answer in pending:
                _make_answer(cells[answer], exercise_id)
            pending = []
            cell.metadata["convlab"] = {"role": "check", "exercise": exercise_id}
        else:
            cell.metadata["convlab"] = {"role": "setup"}
    if pending:
        raise SolutionError(f"{name}: the solution in cell {pending[0]} has no check('N.k') cell after it")
    exercise_ids = [
        c.metadata["convlab"]["exercise"] for c in cells if c.metadata.get("convlab", {}).get("role") == "check"
    ]
    if len(set(exercise_ids)) != len(exercise_ids):
        raise SolutionError(f"{name}: an exercise is checked twice: {exercise_ids}")
    notebook.metadata["convlab"] = {"notebook": Path(name).stem, "exercises": exercise_ids}
    notebook.metadata.pop("widgets", None)
    return notebook


def _facts(cell, exercise_id: str) -> dict:
    """The exercise's facts from the answer cell's metadata, checked."""
    facts = dict(cell.metadata.get(catalog.METADATA_KEY, {}))
    facts.pop("role", None)
    if facts.get("exercise") != exercise_id:
        raise SolutionError(f"exercise {exercise_id}: its answer cell's metadata should hold "
                            f'"convlab": {{"exercise": "{exercise_id}", "title": …, "points": …, "skill": …}}')
    for key, kind in (("title", str), ("skill", str), ("points", (int, float))):
        if not isinstance(facts.get(key), kind) or not facts[key] or isinstance(facts[key], bool):
            raise SolutionError(f"exercise {exercise_id}: its answer cell's metadata has no {key}")
    if not isinstance(facts.setdefault("counting", False), bool):
        raise SolutionError(f"exercise {exercise_id}: 'counting' in its answer cell's metadata is true or false")
    return facts


def _make_answer(cell, exercise_id: str) -> None:
    facts = _facts(cell, exercise_id)
    text = notebooks.source(cell)
    cell.source = CODE_REGION.sub(lambda m: STUB.format(indent=m.group(1), exercise=exercise_id), text).rstrip("\n")
    if "### BEGIN SOLUTION" in cell.source:
        raise SolutionError(f"exercise {exercise_id}: a BEGIN SOLUTION marker has no END SOLUTION")
    tags = cell.metadata.setdefault("tags", [])
    tags[:] = [t for t in tags if t not in ("hide-input", "hide-cell", "remove-input")]
    if ANSWER_TAG not in tags:
        tags.append(ANSWER_TAG)
    cell.metadata["convlab"] = {"role": "answer", **facts}


def generate(
    solutions: Path = notebooks.SOLUTIONS, exercises: Path = notebooks.EXERCISES
) -> tuple[dict[Path, str], list[str]]:
    """Map each exercise notebook path to the text it should have; also return the errors.

    A solution notebook that cannot be converted is reported, and the others still are; so is
    an exercise id that two answer cells claim.
    """
    wanted, errors, ids = {}, [], []
    for path in notebooks.course_notebooks(solutions):
        try:
            notebook = to_exercises(notebooks.read(path), path.name)
        except SolutionError as error:
            errors.append(str(error))
            continue
        wanted[exercises / path.name] = notebooks.dumps(notebook)
        ids.extend(item.id for item in catalog.entries_of(notebook.cells))
    twice = sorted({exercise_id for exercise_id in ids if ids.count(exercise_id) > 1})
    if twice:
        errors.append(f"exercises {twice} each have more than one answer cell in solutions/")
    return wanted, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m convlab.make_exercises", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether exercises/ is up to date")
    args = parser.parse_args(argv)
    wanted, errors = generate()
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    existing = set(notebooks.course_notebooks(notebooks.EXERCISES))
    stale = sorted(p for p, text in wanted.items() if not p.exists() or p.read_text(encoding="utf-8") != text)
    extra = sorted(existing - set(wanted))
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(notebooks.REPO_ROOT)}")
        for path in extra:
            print(f"no solution notebook for: {path.relative_to(notebooks.REPO_ROOT)}")
        if stale or extra or errors:
            print("run: python -m convlab.make_exercises", file=sys.stderr)
            return 1
        print(f"exercises/ is up to date ({len(wanted)} notebooks)")
        return 0
    notebooks.EXERCISES.mkdir(exist_ok=True)
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print(f"wrote {path.relative_to(notebooks.REPO_ROOT)}")
    for path in extra:
        print(f"warning: {path.relative_to(notebooks.REPO_ROOT)} has no solution notebook", file=sys.stderr)
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
