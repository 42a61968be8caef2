"""What the grader runs of a solved notebook: the solution's own code, without the course package.

The kernel gets every code cell of the solution notebook, in order, except that the set-up
cells lose their imports of ``convlab`` (the kernel has no course package) and the check
cells are not run there: the grader checks the exercise in their place. Grading every solution
with the real grader is tests/graded_solutions/.
"""

import ast

import pytest

from convlab.course import notebooks
from convlab.course.grading.assemble import assemble
from convlab.course.grading.grader import learner_slots, without_course_imports
from tests import grading_helpers as nb

NAMES = nb.names()


def solution_code_cells(name):
    solved = notebooks.read(notebooks.SOLUTIONS / f"{name}.ipynb")
    return [cell for cell in solved.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("name", NAMES)
def test_the_kernel_runs_the_solution_without_the_course_package(name):
    plan = assemble(nb.solution(name), name)
    slots = learner_slots(plan.slots)
    expected = [notebooks.source(cell) for cell in solution_code_cells(name)]
    assert [slot.source for slot in slots if slot.role != "check"] == [
        without_course_imports(text) for text in expected if not notebooks.CHECK_CALL.search(text)
    ]
    assert [slot.exercise for slot in slots if slot.role == "check"] == plan.exercises
    for slot in slots:
        if slot.role != "check":
            imported = {n.module or "" for n in ast.walk(ast.parse(slot.source)) if isinstance(n, ast.ImportFrom)}
            imported |= {a.name for n in ast.walk(ast.parse(slot.source)) if isinstance(n, ast.Import)
                         for a in n.names}
            assert not any(module.split(".")[0] == "convlab" for module in imported), slot.source


def test_only_the_course_imports_are_taken_out():
    source = "import torch\nfrom convlab.checking import check\nimport convlab.arith as arith\nx = 1\n"
    assert without_course_imports(source) == "import torch\nx = 1\n"
    assert without_course_imports("import convlab, torch\n") == "import convlab, torch\n"  # not only convlab
    assert without_course_imports("this is not python (") == "this is not python ("
