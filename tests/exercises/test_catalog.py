"""The exercise catalog, read from the exercise notebooks' cell metadata: one entry per check and per
check cell, importable without torch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from convlab.course import notebooks
from convlab.exercises import catalog
from convlab.exercises.checking import exercise, exercises_of_chapter, get_exercise

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted({entry.chapter for entry in catalog.CATALOG})


def test_ids_are_unique_and_points_positive():
    ids = [entry.id for entry in catalog.CATALOG]
    assert len(ids) == len(set(ids))
    assert all(entry.points > 0 and entry.title for entry in catalog.CATALOG)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_entry_has_its_check_and_every_check_an_entry(chapter):
    registered = {ex.id: ex for ex in exercises_of_chapter(chapter)}
    listed = {entry.id: entry for entry in catalog.CATALOG if entry.chapter == chapter}
    assert set(registered) == set(listed)
    for exercise_id, entry in listed.items():
        assert (registered[exercise_id].title, registered[exercise_id].points) == (entry.title, entry.points)
        assert get_exercise(exercise_id).points == catalog.entry(exercise_id).points


def test_every_check_cell_of_the_solutions_is_in_the_catalog_and_back():
    cells = set()
    for path in notebooks.course_notebooks(notebooks.SOLUTIONS):
        for cell in notebooks.read(path).cells:
            cells.update(notebooks.CHECK_CALL.findall(notebooks.source(cell)))
    assert cells == {entry.id for entry in catalog.CATALOG}


def test_a_check_outside_the_catalog_or_repeating_it_is_refused():
    with pytest.raises(ValueError, match="not in the catalog"):
        exercise("97.9", answers=["x"])
    with pytest.raises(ValueError, match="from the catalog"):
        exercise("1.1", "another title", answers=["fc_params"], points=3)
    with pytest.raises(ValueError, match="no exercise"):
        catalog.entry("97.9")


def test_the_catalog_imports_no_torch():
    code = "import sys, convlab.exercises.catalog; print('torch' in sys.modules, 'matplotlib' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "False False", run.stderr


def test_every_exercise_names_its_skill_and_formulas_carry_at_most_a_third():
    assert [entry.id for entry in catalog.CATALOG if not entry.skill.strip()] == []
    total = sum(entry.points for entry in catalog.CATALOG)
    counting = sum(entry.points for entry in catalog.CATALOG if entry.counting)
    assert counting <= total / 3, f"counting and size formulas carry {counting} of {total} points"


def test_the_grading_page_makes_its_skills_table_from_the_catalog():
    text = (ROOT / "book" / "grading.md").read_text(encoding="utf-8")
    assert "```{exercise-skills}\n```" in text and "| 1.1 |" not in text  # made at build time, never copied
    table = catalog.skills_table()
    assert all(f"| {entry.id} | {entry.skill} | {entry.points:g} |" in table for entry in catalog.CATALOG)


def test_the_built_grading_page_shows_every_exercise_and_the_formulas_share(built_book):
    page = (built_book / "book" / "grading.html").read_text(encoding="utf-8")
    total = sum(entry.points for entry in catalog.CATALOG)
    counting = sum(entry.points for entry in catalog.CATALOG if entry.counting)
    assert f"Counting and size formulas carry {counting:g} of the {total:g} points" in page
    assert all(f"<td><p>{entry.id}</p></td>" in page for entry in catalog.CATALOG), "a row is missing"
