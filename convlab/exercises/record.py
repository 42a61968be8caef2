"""Record, by running the real checks, what the release's instant feedback replays (see :mod:`.replay`).

Run by :mod:`convlab.course.release` in a child process (it needs torch, the course tools do
not): a JSON plan on standard input names, per chapter, the solved notebook's code cells and the
plausible wrong answers; the record comes out on standard output::

    python -m convlab.exercises.record < plan.json > replay.json

Each check runs on its public cases only, with the course's answer and with each wrong answer,
its answers wrapped so that every call they get is written down: the arguments and the output.
An exercise is recorded only when replaying the record gives the course's answer ✅ and each
kept wrong answer the very line the real check gave it; otherwise it is listed as not replayable,
with the reason.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import io
import json
import linecache
import sys
from typing import Any

import numpy as np
import torch

from convlab.exercises import plain
from convlab.exercises.checking import ERROR, FAILED, PASSED, CheckFailed, describe_error, exercises_of_chapter
from convlab.exercises.replay import replay

__all__ = ["record_chapter", "main"]


class _Sentinel:
    """An output no check accepts (when no output of the right kind can be made up)."""

    def __repr__(self) -> str:
        return "<no answer>"


def _off(value: Any) -> Any:
    """A value of the same kind as ``value`` but off, so that the check's failure carries the
    exercise's general hint rather than a message about the kind of answer."""
    if isinstance(value, bool) or value is None:
        return _Sentinel()
    if isinstance(value, int):
        return value + 7919
    if isinstance(value, float):
        return value * 1.5 + 7.25
    if isinstance(value, torch.Tensor):
        return value + 7 if value.numel() else _Sentinel()
    if isinstance(value, np.ndarray):
        return value + 7 if value.size else _Sentinel()
    if isinstance(value, (tuple, list)) and value:
        return type(value)([_off(value[0]), *value[1:]])
    if isinstance(value, dict) and value:
        first = next(iter(value))
        return {**value, first: _off(value[first])}
    return _Sentinel()


def run_source(source: str, namespace: dict, label: str) -> None:
    """Execute a cell's ``source`` in ``namespace`` under a file name as IPython gives one, so that
    ``inspect.getsource`` finds its functions and error messages point at "your line"."""
    filename = f"<ipython-input-{label}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - the course's own cells and wrong answers


def _run(exercise, answers: list) -> tuple[str, str, BaseException | None]:
    torch.manual_seed(0)  # every run starts from one state: the course's answer's and a wrong answer's draws agree
    try:
        exercise.run(*answers)
    except CheckFailed as failure:
        return FAILED, failure.feedback(), failure
    except Exception as error:
        return ERROR, describe_error(error), error
    return PASSED, "", None


def _other_dtype(value: Any) -> Any:
    """``value`` with its floating tensors in the other float precision (float32 ↔ float64)."""
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        return value.to(torch.float64 if value.dtype != torch.float64 else torch.float32)
    if isinstance(value, (tuple, list)):
        return type(value)(_other_dtype(item) for item in value)
    return value


def _recording(index: int, function, calls: list, problems: list, alter=None):
    @functools.wraps(function)  # the rules read the answer's source through __wrapped__
    def recorded(*args, **kwargs):
        try:
            entry = {"answer": index, "args": plain.to_plain(list(args)), "kwargs": plain.to_plain(kwargs)}
        except plain.NotPlain as error:
            problems.append(str(error))
            entry = {"answer": index}
        before = torch.get_rng_state()
        output = function(*args, **kwargs)
        if not torch.equal(before, torch.get_rng_state()):  # the answer drew random numbers: replay them
            entry["rng"] = before.tolist()
        try:
            entry["output"] = plain.to_plain(output)
        except plain.NotPlain as error:
            problems.append(str(error))
        calls.append(entry)
        return alter(len(calls) - 1, output) if alter else output

    return recorded


def _recorded_run(exercise, answers: list, alter=None):
    """Run the check with each answer's calls recorded, and their outputs passed through ``alter(index, output)``."""
    calls, problems = [], []
    wrapped = [_recording(i, a, calls, problems, alter) for i, a in enumerate(answers)]
    status, feedback, error = _run(exercise, wrapped)
    return status, feedback, error, calls, problems


def _args_key(call: dict) -> str:
    return json.dumps([call.get("answer"), call.get("args"), call.get("kwargs")], sort_keys=True)


def _record_calls(exercise, solved: dict, wrong_spaces: list[dict]) -> tuple[dict, list[str]]:
    status, _, _, calls, problems = _recorded_run(exercise, [solved[n] for n in exercise.answers])
    if problems:
        return {"kind": "none", "reason": f"its check works on {problems[0]}, not on plain data"}, []
    if status != PASSED or not calls:
        return {"kind": "none", "reason": "its check cannot be replayed from recorded cases"}, [
            f"{exercise.id}: the course's answer gets {status} when recorded, with {len(calls)} calls"]
    record = {"kind": "calls", "answers": list(exercise.answers), "calls": calls, "wrong": [], "hint": ""}
    hints, notes = [], []
    answers = [solved[n] for n in exercise.answers]
    _, _, error, _, _ = _recorded_run(exercise, answers, alter=lambda i, out: _off(out) if i == 0 else out)
    hints.append(getattr(error, "hint", ""))
    # does the check care for float32 against float64? Ask it, with the course's outputs in the other one
    record["same_dtype"] = _recorded_run(exercise, answers, alter=lambda i, out: _other_dtype(out))[0] != PASSED
    for number, space in enumerate(wrong_spaces):
        status, feedback, error, wrong_calls, problems = _recorded_run(exercise, [space[n] for n in exercise.answers])
        hints.append(getattr(error, "hint", ""))
        same_inputs = all(_args_key(a) == _args_key(b) for a, b in zip(wrong_calls, calls, strict=False))
        if status != FAILED or problems or not same_inputs or not wrong_calls or len(wrong_calls) > len(calls):
            notes.append(f"{exercise.id}: wrong answer {number + 1} is not replayable")
            continue
        outputs = [call["output"] for call in wrong_calls]
        diverges = next((i for i, (got, want) in enumerate(zip(outputs, calls, strict=False))
                         if not plain.matches(plain.from_plain(got), plain.from_plain(want["output"]))),
                        None)
        if diverges is None:
            notes.append(f"{exercise.id}: wrong answer {number + 1} fails on a rule, not on its outputs")
            continue
        record["wrong"].append({"diverges": diverges, "outputs": outputs, "feedback": feedback})
    record["hint"] = next((hint for hint in hints if hint), "")
    return record, notes


def _record_values(exercise, solved: dict, wrong_spaces: list[dict], salt: str) -> tuple[dict, list[str]]:
    values = [solved[n] for n in exercise.answers]
    try:
        solution = plain.canonical_hash(tuple(values), salt, exercise.id)
    except plain.NotPlain as error:
        return {"kind": "none", "reason": f"its answer is {error}, not plain data"}, []
    if _run(exercise, values)[0] != PASSED:
        return {"kind": "none", "reason": "the course's answer does not pass its check"}, []
    record = {"kind": "values", "answers": list(exercise.answers), "solution": solution, "wrong": {}, "hint": ""}
    hints, notes = [getattr(_run(exercise, [_off(values[0]), *values[1:]])[2], "hint", "")], []
    for number, space in enumerate(wrong_spaces):
        wrong = [space[n] for n in exercise.answers]
        status, feedback, error = _run(exercise, wrong)
        hints.append(getattr(error, "hint", ""))
        try:
            digest = plain.canonical_hash(tuple(wrong), salt, exercise.id)
        except plain.NotPlain:
            digest = None
        if status != FAILED or digest in (None, solution):
            notes.append(f"{exercise.id}: wrong answer {number + 1} is not replayable")
            continue
        record["wrong"][digest] = feedback
    record["hint"] = next((hint for hint in hints if hint), "")
    return record, notes


def _verified(exercise, record: dict, solved: dict, wrong_spaces: list[dict], salt: str) -> list[str]:
    """What replaying ``record`` gets wrong: the course's answer must pass, a wrong answer whose
    line was recorded must get that very line, and no wrong answer may pass."""
    data = {"salt": salt, "exercises": {exercise.id: record}}
    problems = []
    if replay(exercise.id, dict(solved), data).status != PASSED:
        problems.append("the course's answer does not pass when replayed")
    wrong = record["wrong"]
    recorded = [w["feedback"] for w in wrong] if record["kind"] == "calls" else list(wrong.values())
    for space in wrong_spaces:
        result = replay(exercise.id, space, data)
        real = _run(exercise, [space[name] for name in exercise.answers])[1]
        if result.status == PASSED:
            problems.append("a wrong answer passes when replayed")
        elif real in recorded and result.feedback != real:
            problems.append(f"a wrong answer gets another line when replayed: {result.feedback}")
    return problems


def record_chapter(chapter: int, cells: list[str], wrong: dict[str, list[str]], salt: str) -> tuple[dict, list]:
    """The record of every exercise of ``chapter``: its solved notebook's code ``cells`` (no check
    cells) run first, then each check with the course's answer and with each of ``wrong``'s sources."""
    solved: dict[str, Any] = {"__name__": "__main__"}
    for number, source in enumerate(cells):
        run_source(source, solved, f"{chapter}-{number}")
    records, notes = {}, []
    for exercise in exercises_of_chapter(chapter):
        spaces = []
        for number, source in enumerate(wrong.get(exercise.id, [])):
            space = dict(solved)
            run_source(source, space, f"{exercise.id}-wrong-{number}")
            spaces.append(space)
        answers = [solved[name] for name in exercise.answers]
        if all(inspect.isfunction(answer) for answer in answers):
            record, found = _record_calls(exercise, solved, spaces)
        elif not any(inspect.isfunction(answer) or inspect.isclass(answer) for answer in answers):
            record, found = _record_values(exercise, solved, spaces, salt)
        else:
            record, found = {"kind": "none", "reason": "its answer is a class, not plain data"}, []
        if record["kind"] != "none":
            problems = _verified(exercise, record, solved, spaces, salt)
            if problems:
                record = {"kind": "none", "reason": "its check cannot be replayed from recorded cases"}
                notes.append(f"{exercise.id}: {problems[0]}")
        records[exercise.id] = {"answers": list(exercise.answers), **record}
        notes.extend(found)
    return records, notes


def constants(names: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """``repr`` of each named plain constant of each module (data the exercise notebooks import)."""
    found = {}
    for module, attributes in names.items():
        loaded = __import__(module, fromlist=attributes)
        found[module] = {name: repr(getattr(loaded, name)) for name in attributes}
    return found


def main() -> int:
    """Read the plan on standard input, write the record on standard output."""
    plan = json.load(sys.stdin)
    exercises, notes = {}, []
    for chapter in plan["chapters"]:
        records, found = record_chapter(chapter["chapter"], chapter["cells"], chapter["wrong"], plan["salt"])
        exercises.update(records)
        notes.extend(found)
    json.dump({"salt": plan["salt"], "exercises": exercises, "notes": notes,
               "constants": constants(plan.get("constants", {}))}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
