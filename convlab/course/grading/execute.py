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
from convlab.course.grading.kernel import KernelChannel

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


def run_cells(
    slots: list[Slot], *, cell_timeout: float, notebook_timeout: float, progress=None, sandbox=None, judge=None
) -> list[CellRun]:
    """Execute ``slots`` in order in one fresh kernel started in an empty temporary folder.

    A cell that runs past ``cell_timeout`` is interrupted and the next one runs; once the
    whole notebook has used ``notebook_timeout`` seconds, the remaining cells are not run.
    If a cell kills the kernel, a new kernel replays the cells before it (their outputs are
    not kept) and the next cell runs, so one cell costs one exercise; at most
    ``_KERNEL_LIVES`` kernels are started. ``sandbox`` (a :class:`convlab.course.grading.sandbox.Sandbox`)
    confines each kernel.

    A check slot (role ``"check"``) is not run in the kernel: ``judge(channel, exercise_id,
    runs)`` is called in its place, with a :class:`~convlab.course.grading.kernel.KernelChannel`
    to the live kernel, so that each exercise is checked right after its cells, as in the
    notebook. If the kernel dies under it, the slot counts as a cell that killed the kernel.
    """
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(slot.source) for slot in slots])
    runs = [CellRun(slot, "not run") for slot in slots]
    with tempfile.TemporaryDirectory(prefix="convlab-grade-") as workdir:
        start = time.monotonic()
        first = 0
        for _life in range(_KERNEL_LIVES):
            with tempfile.TemporaryDirectory(prefix="convlab-conn-") as conndir:
                client = _client(notebook, cell_timeout, workdir, sandbox, conndir)
                with client.setup_kernel(env=dict(os.environ)):
                    channel = KernelChannel(client, wait_until_idle=lambda c: _wait_until_idle(c, len(runs)))
                    channel.deadline = start + notebook_timeout
                    _replay(client, runs[:first])
                    first = _execute(client, notebook, runs, first, start, cell_timeout, notebook_timeout,
                                     progress, judge, channel)
            if first >= len(runs):
                break
    return runs


_KERNEL_LIVES = 4


def _client(notebook, cell_timeout: float, workdir: str, sandbox, conndir: str) -> NotebookClient:
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
        shutdown_kernel="immediate",  # a grading kernel is thrown away: a graceful stop costs 2–3 s in bwrap
    )
    if sandbox is not None:
        client.km = sandbox.kernel_manager(conndir=conndir)
    return client


def _replay(client: NotebookClient, earlier: list[CellRun]) -> None:
    """Run again, in a new kernel, the earlier cells that neither timed out nor killed the kernel."""
    for index, run in enumerate(earlier):
        if run.state in ("ok", "error") and run.slot.role != "check":
            try:
                client.execute_cell(nbformat.v4.new_code_cell(run.slot.source), index, store_history=False)
            except DeadKernelError:
                return


def _execute(client, notebook, runs, first, start, cell_timeout, notebook_timeout, progress, judge, channel) -> int:
    """Run cells from ``first`` (judging at each check slot); return the index to go on from,
    ``len(runs)`` when done."""
    for index in range(first, len(runs)):
        cell, run = notebook.cells[index], runs[index]
        if time.monotonic() - start > notebook_timeout:
            return len(runs)
        if progress:
            progress(index, len(runs), run.slot)
        if run.slot.role == "check":
            run.state = "ok"
            if judge is not None:
                judge(channel, run.slot.exercise, runs)
            run.state = "kernel died" if channel.dead else "ok"
            if channel.dead:
                return index + 1
            continue
        began = time.monotonic()
        try:
            client.execute_cell(cell, index)
        except DeadKernelError:
            run.state, run.seconds = "kernel died", time.monotonic() - began
            run.outputs = list(cell.outputs)
            return index + 1
        run.seconds = time.monotonic() - began
        run.outputs = list(cell.outputs)
        if run.seconds >= cell_timeout:
            run.state = "timed out"
            _wait_until_idle(client, len(runs))
        else:
            run.state = "error" if run.error() else "ok"
    return len(runs)


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
