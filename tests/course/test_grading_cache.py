"""The result cache under ``--out``: what its key depends on, and that it reads back what it wrote."""

import json
from pathlib import Path

import pytest

from convlab.course.grading import cache
from convlab.course.grading.classroom import Options
from convlab.course.grading.report import ExerciseResult, NotebookResult

OPTIONS = Options(cell_timeout=60, notebook_timeout=600, sandbox=None)
NAME = "01-why-not-fully-connected.ipynb"


def graded(path: Path, status: str = "passed") -> NotebookResult:
    points = 1.0 if status == "passed" else 0.0
    return NotebookResult(str(path), [ExerciseResult("1.1", status, points, 1.0, "a <b>message</b> — ünïcode")])


@pytest.fixture
def handed_in(tmp_path):
    path = tmp_path / "class" / "alice" / NAME
    path.parent.mkdir(parents=True)
    path.write_text('{"cells": [], "one": 1}')
    return path


def test_the_key_changes_with_the_learner_the_notebook_the_course_and_the_options():
    key = cache.result_key("alice", b"notebook", OPTIONS, "v1")
    assert key == cache.result_key("alice", b"notebook", OPTIONS, "v1")
    others = {
        cache.result_key("bob", b"notebook", OPTIONS, "v1"),
        cache.result_key("alice", b"notebook ", OPTIONS, "v1"),
        cache.result_key("alice", b"notebook", OPTIONS, "v2"),
        cache.result_key("alice", b"notebook", Options(30, 600, None), "v1"),
        cache.result_key("alice", b"notebook", Options(60, 300, None), "v1"),
        cache.result_key("alice", b"notebook", Options(60, 600, object()), "v1"),
    }
    assert key not in others and len(others) == 6


def test_the_course_version_is_a_hash_of_the_package_and_the_solutions_code():
    version = cache.course_version()
    assert len(version) == 64 and int(version, 16) >= 0
    assert cache.result_key("alice", b"x", OPTIONS) == cache.result_key("alice", b"x", OPTIONS, version)


def test_a_stored_result_reads_back_unchanged_while_the_notebook_is_unchanged(handed_in, tmp_path):
    out = tmp_path / "out"
    first = cache.ResultCache(out, OPTIONS)
    assert first.load("alice", handed_in) is None
    first.store("alice", handed_in, graded(handed_in))
    (stored,) = (out / "cache" / "alice").iterdir()  # no temporary file left beside it
    assert stored.name == "01-why-not-fully-connected.json"
    again = cache.ResultCache(out, OPTIONS)
    assert again.load("alice", handed_in) == graded(handed_in) and again.reused == 1
    assert cache.ResultCache(out, OPTIONS).load("bob", handed_in) is None  # another learner's key
    handed_in.write_text('{"cells": [], "one": 2}')
    changed = cache.ResultCache(out, OPTIONS)
    assert changed.load("alice", handed_in) is None and changed.reused == 0


def test_fresh_reuses_nothing_but_stores_again(handed_in, tmp_path):
    out = tmp_path / "out"
    first = cache.ResultCache(out, OPTIONS)
    first.load("alice", handed_in)
    first.store("alice", handed_in, graded(handed_in, "failed"))
    fresh = cache.ResultCache(out, OPTIONS, fresh=True)
    assert fresh.load("alice", handed_in) is None
    fresh.store("alice", handed_in, graded(handed_in))
    assert cache.ResultCache(out, OPTIONS).load("alice", handed_in).exercises[0].status == "passed"


def test_the_result_is_kept_under_the_key_of_the_bytes_read_before_grading(handed_in, tmp_path):
    """A notebook handed in again while it was being graded is graded again on the next run."""
    results = cache.ResultCache(tmp_path / "out", OPTIONS)
    results.load("alice", handed_in)
    handed_in.write_text('{"cells": [], "resubmitted": true}')
    results.store("alice", handed_in, graded(handed_in))
    assert cache.ResultCache(tmp_path / "out", OPTIONS).load("alice", handed_in) is None


def test_a_notebook_the_grader_could_not_take_apart_is_not_kept(handed_in, tmp_path):
    results = cache.ResultCache(tmp_path / "out", OPTIONS)
    results.load("alice", handed_in)
    died = NotebookResult(str(handed_in), [ExerciseResult("notebook", "error", 0.0, 0.0, "the worker died")])
    results.store("alice", handed_in, died)
    assert not (tmp_path / "out" / "cache").exists()


@pytest.mark.parametrize("content", ["", "{not json", '{"key": 1}', '{"key": "k", "result": {"path": 1}}'])
def test_a_damaged_cache_file_means_grading_again(handed_in, tmp_path, content):
    results = cache.ResultCache(tmp_path / "out", OPTIONS)
    results.load("alice", handed_in)
    results.store("alice", handed_in, graded(handed_in))
    stored = tmp_path / "out" / "cache" / "alice" / "01-why-not-fully-connected.json"
    key = json.loads(stored.read_text())["key"]
    stored.write_text(content.replace('"k"', json.dumps(key)))
    assert cache.ResultCache(tmp_path / "out", OPTIONS).load("alice", handed_in) is None


def test_a_result_reused_from_a_moved_class_names_the_notebook_where_it_is_now(handed_in, tmp_path):
    results = cache.ResultCache(tmp_path / "out", OPTIONS)
    results.load("alice", handed_in)
    results.store("alice", handed_in, graded(handed_in))
    moved = tmp_path / "moved" / "alice" / NAME
    moved.parent.mkdir(parents=True)
    moved.write_bytes(handed_in.read_bytes())
    assert cache.ResultCache(tmp_path / "out", OPTIONS).load("alice", moved).path == str(moved)
