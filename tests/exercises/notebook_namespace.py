"""Run a course notebook's setup and answer cells in this process, as a kernel would, to call
the checks on the resulting namespace without starting a kernel (fast)."""

from __future__ import annotations

import contextlib
import io
import linecache

from tests import grading_helpers as nb

_counter = [0]


def run_source(source: str, namespace: dict) -> None:
    """Execute ``source`` in ``namespace`` under an IPython-like file name, so that the checks'
    error messages point at "your line" and ``inspect.getsource`` finds the functions."""
    _counter[0] += 1
    filename = f"<ipython-input-{_counter[0]}-test>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - the course's own notebook code


def namespace(name: str, *, solved: bool) -> dict:
    """The namespace after running the solved (or the untouched exercise) notebook ``name``,
    without its check cells; an answer cell that raises (a stub) is skipped like in Run All."""
    notebook = nb.solution(name) if solved else nb.exercises(name)
    space: dict = {"__name__": "__main__"}
    for cell in notebook.cells:
        role = cell.get("metadata", {}).get("convlab", {}).get("role")
        if cell.cell_type != "code" or role == "check":
            continue
        try:
            run_source(cell.source, space)
        except NotImplementedError:
            if role != "answer":
                raise
    return space


def exercise_ids(name: str) -> list[str]:
    return list(nb.answer_cells(nb.exercises(name)))
