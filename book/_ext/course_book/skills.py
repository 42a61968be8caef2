"""The skills table of the grading page, made at build time from the exercises' cell metadata.

In a page::

    ```{exercise-skills}
    ```

becomes the table of :func:`convlab.exercises.catalog.skills_table`: each exercise, the skill it
tests, its points, and the share of the points that counting and size formulas carry. The page
is rebuilt when an exercise notebook changes.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from .metadata import extension_metadata


class ExerciseSkills(SphinxDirective):
    """``{exercise-skills}``: the skills table, parsed as the page's own Markdown."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        source = str(self.env.srcdir)  # this course's convlab and exercises/, not another installed copy
        if source not in sys.path:
            sys.path.insert(0, source)
        catalog = importlib.import_module("convlab.exercises.catalog")
        for path in sorted((Path(source) / "exercises").glob("[0-9][0-9]-*.ipynb")):
            self.env.note_dependency(str(path))
        entries = catalog.read_catalog(Path(source) / "exercises")
        holder = nodes.container()
        lines = StringList(catalog.skills_table(entries).splitlines(), source=self.get_source_info()[0])
        self.state.nested_parse(lines, self.content_offset, holder)
        return holder.children


def setup(app: Sphinx) -> dict:
    app.add_directive("exercise-skills", ExerciseSkills)
    return extension_metadata()
