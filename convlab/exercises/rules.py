"""Enforcing an exercise's rule ("don't call F.conv2d"): trace what the answer runs, and read its code.

    rule = Rule("write it with loops, not a convolution function", ops=("convolution", "im2col"))
    with obeying(rule, corr2d):
        got = corr2d(image, kernel)

Inside the block every ATen operator the answer runs, and every torch function it calls, is
recorded (:func:`convlab.exercises.harness.tracing`); every alias of a function ends in the
same operator (``F.conv2d``, ``torch.ops.aten.convolution``, a ``conv2d`` captured earlier: all
run ``convolution``). When grading, the answer runs in the learner's kernel, which traces the
call and sends the list back; :func:`add_to_traces` adds it here. Before the block, the answer's
source (its cell, as the grader read it, or ``inspect`` in a notebook) is searched for the names
in ``names`` (``conv2d``, ``pad``), which also covers NumPy and SciPy functions that no trace
of PyTorch sees. Either way the check fails with a status that names the rule, whatever the
learner's ``try/except`` made of the call.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import inspect
import textwrap
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from convlab.exercises.checking import CheckFailed
from convlab.exercises.harness import tracing

__all__ = ["NO_COURSE_HELPERS", "ForbiddenCall", "Rule", "add_to_traces", "names_used", "obeying",
           "recording_rules", "tracing_wanted"]


class ForbiddenCall(CheckFailed):
    """The learner's code used what the exercise's rule forbids."""

    def __init__(self, rule: str, used: str):
        super().__init__(f"rule broken: {rule} — your code used {used}", hint="follow the exercise's rule")
        self.rule, self.used = rule, used


class Rule(NamedTuple):
    """What an exercise forbids: ``ops``, ATen operators (``"convolution"``) or torch functions
    (``"torch.pad"``) traced at run time, and ``names`` read in the code."""

    text: str
    ops: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


# The operators seen in each obeying() block now open in this thread. A context variable: a
# grader may grade notebooks in threads.
_open: contextvars.ContextVar[tuple[set, ...]] = contextvars.ContextVar("convlab_rules", default=())


def tracing_wanted() -> bool:
    """Is a rule being enforced (so that a call in the learner's kernel should be traced)?"""
    return bool(_open.get())


def add_to_traces(ops) -> None:
    """Count ``ops``, traced in the learner's kernel, as run inside every open obeying() block."""
    for seen in _open.get():
        seen.update(str(op) for op in ops)


def names_used(answer: Callable | type, names: tuple[str, ...]) -> list[str]:
    """The names of ``names`` that the source of ``answer`` uses: as an attribute (``F.conv2d``),
    as a function it calls (``conv2d(...)``) or imports. A variable that merely shares a name
    (``pad = 2``) is not counted. The source is ``answer.source`` (a stand-in for an answer in
    the learner's kernel: its cell's text) or what ``inspect`` finds."""
    source = getattr(answer, "source", None)
    try:
        tree = ast.parse(textwrap.dedent(source if isinstance(source, str) else inspect.getsource(answer)))
    except (OSError, TypeError, SyntaxError):
        return []  # no source to read (a built-in, a lambda typed at a prompt): the trace remains
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in names:
            found.add(node.attr)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
            found.add(node.func.id)
        elif isinstance(node, ast.alias) and node.name.split(".")[-1] in names:
            found.add(node.name.split(".")[-1])
    return sorted(found)


_rule_recorders: list[list[str]] = []


@contextlib.contextmanager
def recording_rules() -> Iterator[list[str]]:
    """Collect the text of every rule the checks run inside the block enforce (for tests)."""
    recorded: list[str] = []
    _rule_recorders.append(recorded)
    try:
        yield recorded
    finally:
        _rule_recorders.remove(recorded)


def _broken(rule: Rule, seen: set) -> str | None:
    used = [op for op in rule.ops if op in seen]
    return ", ".join(used) if used else None


@contextlib.contextmanager
def obeying(rule: Rule, *answers: Any) -> Iterator[None]:
    """Fail if an answer's code names what ``rule`` forbids, or if the code run inside the block
    (here or, traced, in the learner's kernel) runs an operator it forbids."""
    if rule.ops or rule.names:
        for recorder in _rule_recorders:
            recorder.append(rule.text)
    for answer in answers:
        if callable(answer):
            found = names_used(answer, rule.names)
            if found:
                raise ForbiddenCall(rule.text, ", ".join(found))
    if not rule.ops:
        yield
        return
    seen: set = set()
    token = _open.set((*_open.get(), seen))
    try:
        with tracing(seen):
            yield
    except Exception:
        if _broken(rule, seen):  # whatever the learner's code made of the call, the rule was broken
            raise ForbiddenCall(rule.text, _broken(rule, seen)) from None
        raise
    finally:
        _open.reset(token)
    if _broken(rule, seen):
        raise ForbiddenCall(rule.text, _broken(rule, seen))


#: The course's helpers that compute a counting or size answer outright: refused in those exercises
#: (the grader's kernel has no course package; in a notebook, their names in the answer's code).
NO_COURSE_HELPERS = Rule(
    "work it out yourself: convlab's helpers that compute the answer are refused",
    names=("conv_output_size", "conv_params", "linear_params", "receptive_field", "measured_receptive_field",
           "pool_output_size", "count_layers", "arith"),
)

#: Every pooling operator of PyTorch, as ATen runs it.
POOLING_OPS = ("max_pool2d_with_indices", "max_pool2d", "avg_pool2d", "max_pool1d", "max_pool1d_with_indices",
               "avg_pool1d", "adaptive_avg_pool2d", "_adaptive_avg_pool2d", "adaptive_max_pool2d",
               "adaptive_avg_pool1d", "adaptive_max_pool1d", "max_pool3d_with_indices", "avg_pool3d",
               "fractional_max_pool2d", "mkldnn_max_pool2d", "torch.lp_pool2d", "torch.lp_pool1d")
