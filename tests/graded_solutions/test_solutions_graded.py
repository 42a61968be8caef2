"""Every solution notebook, graded by the real grader in its sandbox: full marks.

One learner hands in the solved exercise notebooks, and the class is graded once, one notebook
at a time in this process, as ``python -m convlab.grade --class -j 1`` grades it: each kernel
sandboxed, without the course package, every check run by the grader with hidden cases from a
fresh seed. Chapters 1 and 2 are graded so elsewhere already (tests/course/test_class_grading.py,
whose honest learner hands in chapter 1, two at a time and on a cluster; tests/course/test_grader.py,
chapter 2's solution).
"""

import pytest

from convlab.course.grading import classroom
from convlab.course.grading.sandbox import Sandbox, bwrap_path
from tests import grading_helpers as nb

SOLVED = [name for name in nb.names() if name[:2] not in ("01", "02")]
pytestmark = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap (bwrap) is not installed")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    class_dir = tmp_path_factory.mktemp("solutions")
    (class_dir / "solver").mkdir()
    for name in SOLVED:
        nb.save(nb.solution(name), class_dir / "solver" / f"{name}.ipynb")
    options = classroom.Options(cell_timeout=120, notebook_timeout=900, sandbox=Sandbox(hidden=(str(class_dir),)))
    (learner,) = classroom.grade_class(class_dir, jobs=1, options=options, progress=lambda message: None)
    return {notebook.path.rsplit("/", 1)[-1].removesuffix(".ipynb"): notebook for notebook in learner.notebooks}


@pytest.mark.parametrize("name", SOLVED)
def test_the_solution_scores_full_marks(graded, name):
    notebook = graded[name]
    assert [(ex.id, ex.status) for ex in notebook.exercises] == [(ex.id, "passed") for ex in notebook.exercises]
    assert notebook.exercises and notebook.score == notebook.max_score > 0
