"""Every exercise notebook grades honestly in a real kernel: solved scores full marks with the
hidden cases on. (The untouched notebooks, the wrong answers, the rules and the hidden cases
are proven exercise by exercise, in-process, in tests/exercises/test_feedback.py: one kernel
run per notebook here.)"""

import pytest

from convlab.course import notebooks
from convlab.course.grading import grade_notebook
from convlab.course.grading.assemble import Slot
from convlab.course.grading.execute import run_cells
from tests import grading_helpers as nb

NAMES = nb.names()


@pytest.mark.parametrize("name", NAMES)
def test_solutions_score_full_marks(name):
    result = grade_notebook(notebooks.SOLUTIONS / f"{name}.ipynb")
    assert result.exercises, "no exercises graded"
    assert [(e.id, e.status) for e in result.exercises] == [(e.id, "passed") for e in result.exercises], (
        result.exercises
    )
    assert result.score == result.max_score > 0


def test_the_graders_kernel_turns_the_hidden_cases_on():
    source = "from convlab.exercises.checking import hidden_cases\nprint(hidden_cases())"
    (run,) = run_cells([Slot(source, "setup")], cell_timeout=60, notebook_timeout=120)
    assert run.state == "ok" and run.outputs[0]["text"].strip() == "True", run.outputs
