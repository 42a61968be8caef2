"""Check passed answers a second time, away from the learner's code.

A check runs in the learner's kernel, where an answer could have changed what it reports.
Right after each check cell, a cell the grader adds saves the exercise's answer values — those
that are plain data (tensors, numbers, strings, and tuples, lists and dicts of them) — with
``torch.save`` and prints them. A second, sandboxed Python process that never ran the
learner's code loads them with ``torch.load(weights_only=True)`` (which builds data, never
objects with code) and runs the course's checks again. A "passed" that this pristine
evaluation does not confirm becomes "needs review". Answers that are functions cannot be
carried over: for them the scan in :mod:`convlab.course.grading.forgery` is the only guard.

The grader itself imports no torch: it only passes text between the two processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import replace

from convlab.course.grading.assemble import Slot
from convlab.course.grading.report import ExerciseResult

_PREFIX = "convlab-answer-values:"
_DUMP = """\
def _convlab_dump(exercise_id):
    import base64, io, torch
    from convlab.checking import get_exercise
    def plain(value):
        if isinstance(value, (list, tuple)):
            return all(plain(item) for item in value)
        if isinstance(value, dict):
            return all(isinstance(k, (str, int)) and plain(v) for k, v in value.items())
        return value is None or isinstance(value, (bool, int, float, complex, str, torch.Tensor))
    names = get_exercise(exercise_id).answers
    if all(name in globals() and plain(globals()[name]) for name in names):
        buffer = io.BytesIO()
        torch.save({name: globals()[name] for name in names}, buffer)
        print(%r + base64.b64encode(buffer.getvalue()).decode())
_convlab_dump(%r)
del _convlab_dump
"""
_REEVALUATE = """\
import base64, io, json, sys, torch
from convlab.checking import run_check
out = {}
for exercise_id, encoded in json.load(sys.stdin).items():
    values = torch.load(io.BytesIO(base64.b64decode(encoded)), weights_only=True)
    out[exercise_id] = run_check(exercise_id, values).status
print(json.dumps(out))
"""


def with_dump_cells(slots: list[Slot]) -> list[Slot]:
    """``slots`` with a cell after each check that prints the exercise's answer values."""
    out: list[Slot] = []
    for slot in slots:
        out.append(slot)
        if slot.role == "check" and slot.exercise:
            out.append(Slot(_DUMP % (_PREFIX, slot.exercise), "dump", slot.exercise))
    return out


def dumped_values(runs) -> dict[str, str]:
    """``{exercise id: base64 of the saved answer values}`` from the dump cells' outputs."""
    found: dict[str, str] = {}
    for run in runs:
        if run.slot.role != "dump" or run.state != "ok":
            continue
        text = "".join(out.get("text", "") for out in run.outputs if out.get("output_type") == "stream")
        lines = [line for line in text.splitlines() if line.startswith(_PREFIX)]
        if len(lines) == 1:
            found[run.slot.exercise] = lines[0][len(_PREFIX) :]
    return found


def confirm(results: list[ExerciseResult], runs, sandbox, timeout: float = 120) -> list[ExerciseResult]:
    """Re-check each passed exercise whose values were saved; "needs review" where it disagrees."""
    values = dumped_values(runs)
    todo = {result.id: values[result.id] for result in results if result.status == "passed" and result.id in values}
    if not todo:
        return results
    statuses = reevaluate(todo, sandbox, timeout)
    doubted = {exercise for exercise in todo if statuses.get(exercise) != "passed"}
    return [_unconfirmed(r, statuses.get(r.id, "error")) if r.id in doubted else r for r in results]


def reevaluate(values: dict[str, str], sandbox, timeout: float = 120) -> dict[str, str]:
    """Run the course's checks on saved answer values in a fresh sandboxed process: ``{id: status}``."""
    with (
        tempfile.TemporaryDirectory(prefix="convlab-pristine-") as workdir,
        tempfile.TemporaryDirectory(prefix="convlab-sock-") as sockdir,
    ):
        uid = sandbox.uid_for_this_process()
        if uid is not None:
            os.chown(sockdir, uid, uid)
        cmd = sandbox.command([sys.executable, "-c", _REEVALUATE], workdir=workdir, sockdir=sockdir, uid=uid)
        try:
            done = subprocess.run(
                cmd, input=json.dumps(values), capture_output=True, text=True, timeout=timeout, cwd=workdir
            )
            return json.loads(done.stdout.strip().splitlines()[-1])
        except (subprocess.TimeoutExpired, json.JSONDecodeError, IndexError):
            return {}


def _unconfirmed(result: ExerciseResult, status: str) -> ExerciseResult:
    feedback = (
        f"the check in your kernel reported passed, but checking your answer values again, away from your code, "
        f"gave {status}: zero points until an instructor has looked."
    )
    return replace(result, status="needs review", points=0.0, feedback=feedback)
