"""Run assembled cells in a fresh kernel, with a time limit per cell and per notebook."""

from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass, field

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from convlab.course.grading.assemble import Slot
from convlab.exercises.catalog import HIDDEN_CASES_VARIABLE

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class CellRun:
    """What happened when one cell ran."""

    slot: Slot
    state: str  # "ok", "error", "timed out", "not run", "kernel died"
    outputs: list = field(default_factory=list)
    seconds: float = 0.0

    def error(self) -> dict | None:
        """The cell's error output, if it raised."""
        return next((out for out in self.outputs if out.get("output_type") == "error"), None)


def run_cells(slots: list[Slot], *, cell_timeout: float, notebook_timeout: float, progress=None) -> list[CellRun]:
    """Execute ``slots`` in order in one fresh kernel started in an empty temporary folder.

    A cell that runs past ``cell_timeout`` is interrupted and the next one runs; once the
    whole notebook has used ``notebook_timeout`` seconds, the remaining cells are not run.
    The kernel's environment has ``CONVLAB_HIDDEN_CASES=1``: the checks add their hidden cases.
    """
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(slot.source) for slot in slots])
    runs = [CellRun(slot, "not run") for slot in slots]
    with tempfile.TemporaryDirectory(prefix="convlab-grade-") as workdir:
        client = NotebookClient(
            notebook,
            timeout=max(1, int(round(cell_timeout))),
            kernel_name="python3",
            extra_arguments=["--log-level=ERROR"],  # not the kernel's start-up warnings
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout={"ename": "TimeoutError", "evalue": "cell timed out", "traceback": []},
            resources={"metadata": {"path": workdir}},
            store_widget_state=False,
        )
        start = time.monotonic()
        with client.setup_kernel(env={**os.environ, HIDDEN_CASES_VARIABLE: "1"}):
            for index, (cell, run) in enumerate(zip(notebook.cells, runs, strict=True)):
                if time.monotonic() - start > notebook_timeout:
                    break
                if progress:
                    progress(index, len(runs), run.slot)
                began = time.monotonic()
                try:
                    client.execute_cell(cell, index)
                except DeadKernelError:
                    run.state, run.seconds = "kernel died", time.monotonic() - began
                    break
                run.seconds = time.monotonic() - began
                run.outputs = list(cell.outputs)
                if run.seconds >= cell_timeout:
                    run.state = "timed out"
                    _wait_until_idle(client, len(runs))
                else:
                    run.state = "error" if run.error() else "ok"
    return runs


def _wait_until_idle(client: NotebookClient, index: int) -> None:
    """After an interrupt, run an empty cell so that the kernel is idle before the next one."""
    probe = nbformat.v4.new_code_cell("pass")
    try:
        client.execute_cell(probe, index, store_history=False)
    except Exception:  # a kernel that does not recover shows up in the next cell's result
        pass


def traceback_text(error_output: dict) -> str:
    """The plain text of an error output's traceback."""
    return _ANSI.sub("", "\n".join(error_output.get("traceback", [])))
