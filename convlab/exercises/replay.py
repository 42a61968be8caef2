"""Instant feedback in the instructor's release, which holds no checks: replay recorded public cases.

The release (``python -m convlab.release OUT``) runs every real check once, in record mode, and
stores in ``replay.json`` beside this module, per exercise:

- a *function* answer: each call the check made on its public cases (the arguments), the
  course's answer's output, and the outputs and the diagnosis line of each plausible wrong
  answer of ``tests/wrong_answers``;
- a *value* answer (``hand_output = …``): salted hashes of a canonical rounding of the course's
  answer and of each wrong answer, with the wrong answers' diagnosis lines; never the values.

``check("N.k")`` then calls the learner's function on the recorded inputs and compares the
outputs within a tolerance (integers exactly). It shows ✅ when every output agrees with the
course's answer's, the recorded diagnosis when they agree with a known wrong answer's, and else
the failing call, the learner's own output and the exercise's hint — never the expected value.
It is feedback, not a grade: hidden cases and rules ("not ``F.conv2d``") are the grader's.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from convlab.exercises import catalog
from convlab.exercises.checking import ERROR, FAILED, NOT_ATTEMPTED, PASSED, CheckResult, describe_error
from convlab.exercises.expect import describe_value
from convlab.exercises.plain import NotPlain, canonical_hash, from_plain, matches

__all__ = ["DATA_FILE", "Unchecked", "load", "replay", "replay_check"]

DATA_FILE = Path(__file__).with_name("replay.json")


@functools.cache
def load(path: Path = DATA_FILE) -> dict:
    """The recorded data of the release, by exercise id (empty in the full course, which has no file)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"exercises": {}}


def _call_text(name: str, args: list, kwargs: dict) -> str:
    def argument(value):
        if isinstance(value, (torch.Tensor, np.ndarray)):
            return "×".join(map(str, value.shape)) + " tensor"
        text = repr(value)
        return text if len(text) <= 40 else text[:39] + "…"

    parts = [argument(a) for a in args] + [f"{key}={argument(v)}" for key, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _copy(value: Any) -> Any:
    if isinstance(value, (torch.Tensor, nn.Module)):
        return copy.deepcopy(value) if isinstance(value, nn.Module) else value.clone()
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


class Unchecked(CheckResult):
    """An exercise whose check could not be recorded: said plainly, with neither ✅ nor ❌."""

    def line(self) -> str:
        return f"ℹ️ Exercise {self.exercise_id}: {self.feedback}"


class _Answers:
    """The learner's functions, called on the recorded inputs; each output computed once."""

    def __init__(self, functions: list, calls: list[dict]):
        self.functions, self.calls, self.outputs = functions, calls, []

    def output(self, index: int) -> Any:
        while len(self.outputs) <= index:
            call = self.calls[len(self.outputs)]
            args, kwargs = from_plain(call["args"]), from_plain(call["kwargs"])
            with torch.random.fork_rng(devices=[]):  # the learner's own random numbers stay as they were
                if "rng" in call:  # the check's seed, which the answer drew from when recorded
                    torch.set_rng_state(torch.tensor(call["rng"], dtype=torch.uint8))
                self.outputs.append(self.functions[call["answer"]](*map(_copy, args),
                                                                    **{k: _copy(v) for k, v in kwargs.items()}))
        return self.outputs[index]

    def agree(self, recorded: list, *, same_dtype: bool = False) -> bool:
        """Do the learner's outputs agree with ``recorded``, call by call (an error is a disagreement)?"""
        try:
            return all(matches(self.output(i), from_plain(out), same_dtype=same_dtype)
                       for i, out in enumerate(recorded))
        except Exception:  # the learner's code raised on a later call: it is not that wrong answer
            return False


def _replay_calls(names: list[str], functions: list, record: dict) -> tuple[str, str]:
    calls = record["calls"]
    for index, function in enumerate(functions):
        if not callable(function):
            return FAILED, f"{names[index]} should be a function, not {type(function).__name__}"
    answers = _Answers(functions, calls)
    for index, call in enumerate(calls):
        got = answers.output(index)  # the learner's errors propagate to the caller
        if matches(got, from_plain(call["output"]), same_dtype=record.get("same_dtype", False)):
            continue
        candidates = [wrong for wrong in record["wrong"] if wrong["diverges"] == index]
        for same_dtype in (True, False):  # the mistake that agrees to the dtype, else to the values
            for wrong in candidates:
                if answers.agree(wrong["outputs"], same_dtype=same_dtype):
                    return FAILED, wrong["feedback"]
        name = names[call["answer"]]
        text = (f"{_call_text(name, from_plain(call['args']), from_plain(call['kwargs']))} returned "
                f"{describe_value(got)}, which does not match the course's answer")
        return FAILED, text + (f" — Hint: {record['hint']}" if record.get("hint") else "")
    return PASSED, ""


def _replay_values(names: list[str], values: list, record: dict, salt: str, exercise_id: str) -> tuple[str, str]:
    try:
        digest = canonical_hash(tuple(values), salt, exercise_id)
    except NotPlain as error:
        return FAILED, f"{', '.join(names)}: {error} is not an answer this exercise takes"
    if digest == record["solution"]:
        return PASSED, ""
    known = record["wrong"].get(digest)
    if known:
        return FAILED, known
    gave = ", ".join(describe_value(value) for value in values)
    text = f"{', '.join(names)} does not match the course's answer — your answer gave {gave}"
    return FAILED, text + (f" — Hint: {record['hint']}" if record.get("hint") else "")


def replay(exercise_id: str, namespace: dict[str, Any], data: dict | None = None) -> CheckResult:
    """Check ``exercise_id`` against its recorded public cases, with the answers found in ``namespace``."""
    item = catalog.entry(exercise_id)
    data = load() if data is None else data
    record = data["exercises"].get(exercise_id)

    def result(status: str, feedback: str) -> CheckResult:
        return CheckResult(item.id, status, feedback, item.points if status == PASSED else 0.0, item.points)

    if record is None:
        return result(ERROR, "this copy of the course has neither the checks nor their recorded cases")
    names = record["answers"]
    missing = [name for name in names if name not in namespace]
    if missing:
        return result(NOT_ATTEMPTED, f"{', '.join(f'`{n}`' for n in missing)} not defined yet — write your answer "
                                     "and run its cell.")
    answers = [namespace[name] for name in names]
    if record["kind"] == "none":
        text = (f"this release has no instant feedback for it ({record['reason']}); the grader checks it when you "
                "hand the notebook in.")
        return Unchecked(item.id, NOT_ATTEMPTED, text, 0.0, item.points)
    try:
        if record["kind"] == "calls":
            status, feedback = _replay_calls(names, answers, record)
        else:
            status, feedback = _replay_values(names, answers, record, data["salt"], exercise_id)
    except NotImplementedError:
        return result(NOT_ATTEMPTED, "the answer still raises NotImplementedError — replace the stub.")
    except Exception as error:  # the learner's code raised: name it and point at their line
        return result(ERROR, describe_error(error))
    return result(status, feedback or item.title)


def replay_check(exercise_id: str, namespace: dict[str, Any]) -> CheckResult:
    """:func:`replay` with the release's recorded data; what ``check()`` runs when the checks are absent."""
    return replay(exercise_id, namespace)
