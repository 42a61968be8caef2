"""Enforcing an exercise's rule ("don't call F.conv2d"): refuse the call, and read the answer's code.

    rule = Rule("write it with loops, not a convolution function", calls=("torch.nn.functional.conv2d",))
    with obeying(rule, corr2d):
        got = corr2d(image, kernel)

Inside the block each function of ``calls`` raises :class:`ForbiddenCall`; before it, the
answer's source (when Python can find it, as for a notebook cell) is searched for the names in
``names`` (``conv2d``, ``unfold``), which catches ``from torch.nn.functional import conv2d``
too. Either way the check fails with a status that names the rule. A learner's ``try/except``
around the forbidden call does not hide it: the call is remembered and reported at the end.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import textwrap
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from convlab.exercises.checking import CheckFailed

__all__ = ["NO_COURSE_HELPERS", "ForbiddenCall", "Rule", "names_used", "obeying", "recording_rules", "refusing"]


class ForbiddenCall(CheckFailed):
    """The learner's code used what the exercise's rule forbids."""

    def __init__(self, rule: str, used: str):
        super().__init__(f"rule broken: {rule} — your code used {used}", hint="follow the exercise's rule")
        self.rule, self.used = rule, used


class Rule(NamedTuple):
    """What an exercise forbids: ``calls`` (dotted paths) refused at run time, ``names`` in the code."""

    text: str
    calls: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


def _owner(path: str) -> tuple[Any, str]:
    """``"torch.nn.functional.conv2d"`` → (the module ``torch.nn.functional``, ``"conv2d"``)."""
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:-1]:
            owner = getattr(owner, attribute)
        return owner, parts[-1]
    raise ValueError(f"cannot find {path!r}: give a dotted path like 'torch.nn.functional.conv2d'")


@contextlib.contextmanager
def refusing(rule: str, calls: tuple[str, ...]) -> Iterator[None]:
    """Make each function in ``calls`` raise :class:`ForbiddenCall` inside the block."""
    saved, used = [], []
    try:
        for path in calls:
            owner, name = _owner(path)
            own = name in vars(owner)

            def refuse(*args, _path=path, **kwargs):
                used.append(_path)
                raise ForbiddenCall(rule, _path)

            saved.append((owner, name, vars(owner).get(name), own))
            setattr(owner, name, refuse)
        try:
            yield
        except Exception:
            if used:  # whatever the learner's code made of the refusal, the rule was broken
                raise ForbiddenCall(rule, used[0]) from None
            raise
    finally:
        for owner, name, original, own in reversed(saved):
            if own:
                setattr(owner, name, original)
            else:
                delattr(owner, name)  # it was inherited (torch.Tensor.unfold): uncover it again
    if used:  # the learner's code caught the refusal and went on
        raise ForbiddenCall(rule, used[0])


def names_used(answer: Callable | type, names: tuple[str, ...]) -> list[str]:
    """The names of ``names`` that the source of ``answer`` uses: as an attribute (``F.conv2d``),
    as a function it calls (``conv2d(...)``) or imports. A variable that merely shares a name
    (``pad = 2``) is not counted."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(answer)))
    except (OSError, TypeError, SyntaxError):
        return []  # no source to read (a built-in, a lambda typed at a prompt): the run-time refusal remains
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


@contextlib.contextmanager
def obeying(rule: Rule, *answers: Any) -> Iterator[None]:
    """Fail if an answer's code names what ``rule`` forbids; inside the block, refuse its calls."""
    if rule.calls or rule.names:
        for recorder in _rule_recorders:
            recorder.append(rule.text)
    for answer in answers:
        if callable(answer):
            found = names_used(answer, rule.names)
            if found:
                raise ForbiddenCall(rule.text, ", ".join(found))
    with refusing(rule.text, rule.calls):
        yield


#: The course's helpers that compute a counting or size answer outright: refused in those exercises.
NO_COURSE_HELPERS = Rule(
    "work it out yourself: convlab's helpers that compute the answer are refused",
    calls=("convlab.arith.conv_output_size", "convlab.arith.conv_params", "convlab.arith.linear_params",
           "convlab.arith.receptive_field", "convlab.arith.pool_output_size", "convlab.arith.count_layers",
           "convlab.probes.measured_receptive_field"),
    names=("conv_output_size", "conv_params", "linear_params", "receptive_field", "measured_receptive_field",
           "pool_output_size", "count_layers", "arith"),
)
