"""Every exercise notebook grades honestly: solved scores full marks, untouched scores zero
("not attempted"), and plausible wrong answers fail with a friendly message."""

import pytest

from convlab.course import notebooks
from convlab.course.grading import grade_notebook
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


@pytest.mark.parametrize("name", NAMES)
def test_untouched_exercises_score_zero(name):
    result = grade_notebook(notebooks.EXERCISES / f"{name}.ipynb")
    assert result.score == 0 and result.max_score > 0
    assert {e.status for e in result.exercises} == {"not attempted"}, result.exercises


@pytest.mark.parametrize("name", NAMES)
def test_wrong_answers_fail_with_a_friendly_message(name, tmp_path):
    learner = nb.solution(name)
    wrong = nb.wrong_answers(name)
    answers = nb.answer_cells(learner)
    assert set(wrong) == set(answers), "tests/wrong_answers must give one wrong answer per exercise"
    for exercise_id, source in wrong.items():
        answers[exercise_id].source = source
    result = grade_notebook(nb.save(learner, tmp_path / f"{name}.ipynb"))
    assert result.score == 0
    for ex in result.exercises:
        assert ex.status == "failed", (ex.id, ex.status, ex.feedback)
        assert "Traceback" not in ex.feedback and 10 < len(ex.feedback) < 400
