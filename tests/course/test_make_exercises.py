"""The exercise generator: stubs, roles, cleared outputs, and exercises/ kept in sync."""

import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from convlab.course import make_exercises, notebooks
from convlab.exercises import catalog


def facts(exercise_id, points, counting=False):
    return {"exercise": exercise_id, "title": f"title {exercise_id}", "points": points,
            "skill": f"skill {exercise_id}", "counting": counting}


def solution_notebook():
    answer = new_code_cell(
        "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
        metadata={"tags": ["hide-input"], "convlab": facts("98.1", 2)},
    )
    answer.outputs = [new_output("stream", name="stdout", text="hi\n")]
    answer.execution_count = 3
    return new_notebook(
        cells=[
            new_markdown_cell(
                "(solutions-98)=\n# Solutions · Chapter 98: test\n\n"
                "<!-- BEGIN SOLUTION -->\nsecret\n<!-- END SOLUTION -->\nkept"
            ),
            new_code_cell("from convlab.checking import check"),
            answer,
            new_code_cell('check("98.1")'),
            new_code_cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION",
                          metadata={"convlab": facts("98.2", 1, True)}),
            new_code_cell("check('98.2')"),
        ]
    )


def test_stubs_roles_and_cleared_outputs():
    nb = make_exercises.to_exercises(solution_notebook(), "98-test.ipynb")
    title, setup, answer, check1, value, check2 = nb.cells
    assert title.source.startswith("(exercises-98)=\n# Exercises · Chapter 98")
    assert "secret" not in title.source and "kept" in title.source
    assert (
        answer.source
        == 'def double(x):\n    raise NotImplementedError("Exercise 98.1: replace this line with your answer")'
    )
    assert value.source.startswith('raise NotImplementedError("Exercise 98.2')
    text = nbformat.writes(nb)
    assert "return 2 * x" not in text and "answer = 42" not in text and "secret" not in text
    assert answer.outputs == [] and answer.execution_count is None
    assert answer.metadata.tags == ["raises-exception"]  # hide-input is for the solutions page only
    assert [c.metadata.convlab.get("role") for c in nb.cells] == ["text", "setup", "answer", "check", "answer", "check"]
    assert (answer.metadata.convlab.exercise, value.metadata.convlab.exercise) == ("98.1", "98.2")
    assert answer.metadata.convlab == {"role": "answer", **facts("98.1", 2)}  # the catalog reads it there
    assert nb.metadata.convlab == {"notebook": "98-test", "exercises": ["98.1", "98.2"]}


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (lambda nb: nb.cells.pop(3), "2 answer cells"),
        (lambda nb: nb.cells.pop(5), "no check"),
        (lambda nb: nb.cells.insert(2, new_code_cell('check("98.3")')), "no answer cell"),
        (lambda nb: setattr(nb.cells[2], "source", "### BEGIN SOLUTION\nx = 1"), "no END SOLUTION"),
        (lambda nb: nb.cells[2].metadata.convlab.pop("points"), "metadata has no points"),
        (lambda nb: nb.cells[2].metadata.convlab.update(exercise="98.7"), "metadata should hold"),
        (lambda nb: nb.cells[2].metadata.pop("convlab"), "metadata should hold"),
    ],
)
def test_malformed_solutions_are_reported(cells, message):
    nb = solution_notebook()
    cells(nb)
    with pytest.raises(make_exercises.SolutionError, match=message):
        make_exercises.to_exercises(nb, "98-test.ipynb")


def test_generation_is_deterministic():
    solution = solution_notebook()
    first = notebooks.dumps(make_exercises.to_exercises(solution, "98-test.ipynb"))
    second = notebooks.dumps(make_exercises.to_exercises(solution, "98-test.ipynb"))
    assert first == second


def test_check_detects_stale_and_missing(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    exercises.mkdir()
    notebooks.write(solution_notebook(), solutions / "98-test.ipynb")
    wanted, errors = make_exercises.generate(solutions, exercises)
    assert errors == [] and list(wanted) == [exercises / "98-test.ipynb"]


def test_the_catalog_and_the_skills_table_come_from_the_answer_cells(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    notebooks.write(solution_notebook(), solutions / "98-test.ipynb")
    wanted, errors = make_exercises.generate(solutions, exercises)
    assert errors == []
    exercises.mkdir()
    (exercises / "98-test.ipynb").write_text(wanted[exercises / "98-test.ipynb"], encoding="utf-8")
    entries = catalog.read_catalog(exercises)
    assert entries == (catalog.Entry("98.1", "title 98.1", 2, "skill 98.1", False),
                       catalog.Entry("98.2", "title 98.2", 1, "skill 98.2", True))
    table = catalog.skills_table(entries)
    assert "| 98.1 | skill 98.1 | 2 |  |" in table and "| 98.2 | skill 98.2 | 1 | yes |" in table
    assert "carry 1 of the 3 points (33 %)" in table


def test_an_exercise_claimed_by_two_answer_cells_is_reported(tmp_path):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    for name in ("98-test.ipynb", "99-test.ipynb"):
        notebooks.write(solution_notebook(), solutions / name)
    assert "['98.1', '98.2']" in make_exercises.generate(solutions, tmp_path / "exercises")[1][0]


def test_committed_exercises_are_up_to_date():
    result = subprocess.run([sys.executable, "-m", "convlab.make_exercises", "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_solution_notebook_has_exercises_and_hidden_answers():
    for path in notebooks.course_notebooks(notebooks.SOLUTIONS):
        nb = make_exercises.to_exercises(notebooks.read(path), path.name)
        assert nb.metadata.convlab["exercises"], f"{path.name} has no graded exercise"
        for cell in notebooks.read(path).cells:
            if cell.cell_type == "code" and "### BEGIN SOLUTION" in notebooks.source(cell):
                assert "hide-input" in cell.metadata.get("tags", []), f"{path.name}: an answer cell is not collapsed"
