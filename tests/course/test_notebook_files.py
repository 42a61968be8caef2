"""The notebooks as committed: names, labels, executed cells, and the table of contents."""

import re
from pathlib import Path

import pytest
import yaml

from convlab.course import notebooks

ROOT = notebooks.REPO_ROOT
FOLDERS = {"chapters": "chapter", "solutions": "solutions", "exercises": "exercises"}
ALL = [path for folder in FOLDERS for path in notebooks.course_notebooks(ROOT / folder)]


# A chapter page without an exercise notebook of its own, and the chapter whose exercises it shares.
SHARED_EXERCISES = {"11": "10"}


def test_the_same_notebooks_in_every_folder():
    names = {folder: [p.name for p in notebooks.course_notebooks(ROOT / folder)] for folder in FOLDERS}
    assert names["solutions"] == names["exercises"]
    assert [n for n in names["chapters"] if n[:2] not in SHARED_EXERCISES] == names["solutions"]
    assert [name[:2] for name in names["chapters"]] == [f"{n:02d}" for n in range(1, 12)]
    stray = [
        p.name
        for folder in FOLDERS
        for p in (ROOT / folder).glob("*.ipynb")
        if not notebooks.NOTEBOOK_NAME.match(p.name)
    ]
    assert stray == [], "notebooks must be named NN-kebab-slug.ipynb"


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_page_starts_with_its_label(path):
    first = notebooks.read(path).cells[0]
    label = f"({FOLDERS[path.parent.name]}-{path.name[:2]})="
    assert first.cell_type == "markdown" and notebooks.source(first).startswith(label)


@pytest.mark.parametrize(
    "path", [p for p in ALL if p.parent.name != "exercises"], ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_every_code_cell_was_executed(path):
    """nbval silently skips a cell with no stored execution, so it would go unchecked."""
    unexecuted = [
        index
        for index, cell in enumerate(notebooks.read(path).cells)
        if cell.cell_type == "code" and notebooks.source(cell).strip() and cell.get("execution_count") is None
    ]
    assert unexecuted == [], (
        f"cells {unexecuted} were never executed: python -m convlab.run_notebooks {path.relative_to(ROOT)}"
    )


@pytest.mark.parametrize(
    "path", [p for p in ALL if p.parent.name != "exercises"], ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_no_trailing_semicolon_hides_output(path):
    """nbval runs without history: a trailing ';' does not hide output there."""
    cells = [c for c in notebooks.read(path).cells if c.cell_type == "code"]
    assert not [c for c in cells if notebooks.source(c).rstrip().endswith(";")]


def test_toc_lists_every_page_and_only_existing_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [ch["file"] for part in toc["parts"] for ch in part["chapters"]]
    for file in files:
        assert list(ROOT.glob(file + ".*")), f"_toc.yml names {file}, which does not exist"
    listed = {Path(f).with_suffix("").as_posix() for f in files}
    pages = {p.relative_to(ROOT).with_suffix("").as_posix() for p in ALL} | {
        p.relative_to(ROOT).with_suffix("").as_posix() for p in (ROOT / "book").glob("*.md")
    }
    assert pages - listed == set(), "pages missing from _toc.yml"


def test_cross_references_use_labels_not_paths():
    pattern = re.compile(r"\]\((?!https?://|#)[^)]*\.(?:ipynb|md)\)")
    for path in ALL + sorted((ROOT / "book").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert not pattern.search(text), f"{path.name} links to a file path; use {{ref}} with a label"


@pytest.mark.parametrize("path", notebooks.course_notebooks(ROOT / "chapters"), ids=lambda p: p.name)
def test_chapter_links_glossary_and_its_exercises(path):
    cells = [notebooks.source(c) for c in notebooks.read(path).cells if c.cell_type == "markdown"]
    number = SHARED_EXERCISES.get(path.name[:2], path.name[:2])
    assert "{term}`" in "".join(cells), "a chapter links the notes' terms to the glossary"
    assert f"{{ref}}`exercises-{number}`" in cells[-1], "the last cell links to the chapter's exercises"


@pytest.mark.parametrize(
    "path",
    [p for folder in ("exercises", "solutions") for p in notebooks.course_notebooks(ROOT / folder)],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_exercise_pages_link_back_to_their_chapter(path):
    first = notebooks.source(notebooks.read(path).cells[0])
    assert f"{{ref}}`chapter-{path.name[:2]}`" in first
    sharing = [chapter for chapter, owner in SHARED_EXERCISES.items() if owner == path.name[:2]]
    assert all(f"{{ref}}`chapter-{chapter}`" in first for chapter in sharing)


def test_every_exercise_heading_reads_exercise_number_dot_title():
    """One form, "Exercise N.k · Title", so that the table of contents finds an exercise by topic."""
    headings = [
        line
        for path in notebooks.course_notebooks(ROOT / "solutions")
        for cell in notebooks.read(path).cells
        if cell.cell_type == "markdown"
        for line in notebooks.source(cell).splitlines()
        if line.startswith("## Exercise")
    ]
    assert len(headings) > 40
    assert [h for h in headings if not re.fullmatch(r"## Exercise \d+\.\d+ · \S.*", h)] == []


@pytest.mark.parametrize("path", notebooks.course_notebooks(ROOT / "chapters"), ids=lambda p: p.name)
def test_live_widgets_stay_out_of_the_html(path):
    """A live ipywidgets cell is a dead control in the book: it must be removed there."""
    for cell in notebooks.read(path).cells:
        views = [
            out for out in cell.get("outputs", []) if "application/vnd.jupyter.widget-view+json" in out.get("data", {})
        ]
        if views:
            tags = cell.metadata.get("tags", [])
            assert "remove-cell" in tags and "nbval-ignore-output" in tags, notebooks.source(cell)[:80]
