"""The book's Sphinx extension (book/_ext/course_book): one package, a module per job, each of
which declares its metadata to Sphinx; what it does to the pages is checked on the built book."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from types import SimpleNamespace
from unittest.mock import MagicMock

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from tests.book_fixtures import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import course_book  # noqa: E402
from course_book import pages  # noqa: E402
from course_book.metadata import extension_metadata  # noqa: E402


def test_every_module_declares_its_version_and_parallel_safety():
    metadata = extension_metadata()
    assert metadata["parallel_read_safe"] and metadata["parallel_write_safe"] and metadata["version"]
    app = MagicMock()
    app.config.html_static_path = []
    modules = [name for _, name, _ in pkgutil.iter_modules(course_book.__path__) if name != "metadata"]
    assert len(modules) >= 9
    for name in modules:
        assert importlib.import_module(f"course_book.{name}").setup(app) == metadata, name
    assert course_book.setup(app) == metadata


def _doctree(classes: list[str]) -> nodes.document:
    document = new_document("page", get_default_settings(Parser))
    document += nodes.container(classes=classes)
    return document


def test_sphinx_design_loads_only_on_pages_that_use_it():
    design = SimpleNamespace(filename="_static/sphinx-design.min.css")
    other = SimpleNamespace(filename="_static/course.css")
    for classes, kept in ((["sd-card"], [design, other]), (["cell"], [other])):
        context = {"css_files": [design, other], "script_files": []}
        pages.drop_unused_design(None, "page", "page.html", context, _doctree(classes))
        assert context["css_files"] == kept, classes
