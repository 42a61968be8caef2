"""Every exercise notebook grades honestly: solved, it scores full marks with the hidden cases on.

The proof runs one kernel per solution, not two. Grading a solved exercise notebook runs, in a
fresh kernel with the hidden cases on, the code cells the grader assembles; here, for every
chapter, those are exactly the solution notebook's code cells, in order. The solution pass
(tests/graded_solutions/) runs those cells in such a kernel and proves, with strict nbval, that
each cell's output equals the stored one. So the grader's verdict on the stored outputs, worked
out here, is its verdict on a real run. (The untouched notebooks, the wrong answers, the rules
and the hidden cases are proven exercise by exercise, in-process, in
tests/exercises/test_feedback.py; the grader's own kernel runs in tests/course/test_grader.py
and test_class_grading.py.)
"""

import copy

import pytest

from convlab.course import notebooks
from convlab.course.grading import grade_runs
from convlab.course.grading.assemble import Slot, assemble
from convlab.course.grading.execute import CellRun, run_cells
from convlab.exercises.catalog import RESULT_KEY
from tests import grading_helpers as nb

NAMES = nb.names()


def solution_code_cells(name):
    solved = notebooks.read(notebooks.SOLUTIONS / f"{name}.ipynb")
    return [cell for cell in solved.cells if cell.cell_type == "code"]


def stored_runs(name, slots):
    """The grader's record of a run whose outputs are the solution notebook's stored ones."""
    cells = solution_code_cells(name)
    runs = []
    for slot, cell in zip(slots, cells, strict=True):
        outputs = copy.deepcopy(cell.outputs)
        failed = any(out.get("output_type") == "error" for out in outputs)
        runs.append(CellRun(slot, "error" if failed else "ok", outputs))
    return runs


@pytest.mark.parametrize("name", NAMES)
def test_the_grader_runs_exactly_the_solution_notebooks_code(name):
    plan = assemble(nb.solution(name), name)
    assert [slot.source for slot in plan.slots] == [notebooks.source(cell) for cell in solution_code_cells(name)]
    assert plan.exercises and [slot.exercise for slot in plan.slots if slot.role == "check"] == plan.exercises


@pytest.mark.parametrize("name", NAMES)
def test_the_stored_solution_run_scores_full_marks(name):
    plan = assemble(nb.solution(name), name)
    results = grade_runs(plan.exercises, stored_runs(name, plan.slots))
    assert [(r.id, r.status) for r in results] == [(ex, "passed") for ex in plan.exercises], results
    assert all(r.points == r.max_points > 0 for r in results)


def test_the_stored_verdict_can_fail():
    """A check output that says failed (as a hidden case would make it) costs that exercise."""
    name = NAMES[0]
    plan = assemble(nb.solution(name), name)
    runs = stored_runs(name, plan.slots)
    check = next(run for run in runs if run.slot.role == "check")
    record = next(out["metadata"][RESULT_KEY] for out in check.outputs if RESULT_KEY in out.get("metadata", {}))
    record["status"] = "failed"
    results = {r.id: r.status for r in grade_runs(plan.exercises, runs)}
    assert results[check.slot.exercise] == "failed"
    assert [status for ex, status in results.items() if ex != check.slot.exercise] == ["passed"] * (len(results) - 1)


def test_the_graders_kernel_turns_the_hidden_cases_on():
    source = "from convlab.exercises.checking import hidden_cases\nprint(hidden_cases())"
    (run,) = run_cells([Slot(source, "setup")], cell_timeout=60, notebook_timeout=120)
    assert run.state == "ok" and run.outputs[0]["text"].strip() == "True", run.outputs
