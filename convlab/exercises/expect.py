"""Small assertions for exercise checks; each raises :class:`~convlab.exercises.checking.CheckFailed`.

None of them shows the expected value: a failure names the learner's own value and, when it
matches one of the plausible mistakes the check knows (``mistakes``), diagnoses it; otherwise
it gives the generic ``hint``. The expected value of a failing comparison passes through
:func:`~convlab.exercises.checking.secret`, so that a test can prove no feedback shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import torch

from convlab.exercises.checking import HIDDEN_CASE, CheckFailed, secret, with_hidden
from convlab.exercises.rules import Rule, obeying

__all__ = [
    "describe_value",
    "expect",
    "expect_close",
    "expect_equal",
    "expect_function",
    "expect_integer",
    "expect_shape",
    "expect_tensor",
    "prefetch",
    "same",
]

Mistakes = Iterable[tuple[Any, str]]  # (the value a plausible mistake gives, its diagnosis)


def expect(condition: bool, message: str, *, hint: str = "", answer: Any = None) -> None:
    """Fail with ``message`` unless ``condition`` holds; ``answer``, the value the condition wanted,
    is recorded as a :func:`~convlab.exercises.checking.secret` (never shown)."""
    if not condition:
        raise CheckFailed(message, expected=answer, hint=hint)


def expect_integer(value: Any, what: str, *, hint: str = "") -> int:
    """Fail unless ``value`` is an integer (numpy and 0-d tensor integers included)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_floating_point():
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise CheckFailed(f"{what} should be an integer, not {type(value).__name__}", got=value,
                          hint=hint or "use integer division // and int(...)")
    return int(value)


def same(got: Any, want: Any, *, atol: float = 1e-5, rtol: float = 1e-4) -> bool:
    """Do two answers agree: equal numbers or sequences, or tensors/arrays equal within tolerance."""
    if isinstance(want, (torch.Tensor, np.ndarray)) or isinstance(got, (torch.Tensor, np.ndarray)):
        try:
            have, ref = _as_tensor(got), _as_tensor(want)
        except (TypeError, ValueError, RuntimeError):
            return False
        return have.shape == ref.shape and bool(torch.allclose(have, ref, atol=atol, rtol=rtol))
    if isinstance(want, Real) and not isinstance(want, bool):
        return isinstance(got, Real) and not isinstance(got, bool) and abs(got - want) <= atol + rtol * abs(want)
    if isinstance(want, (tuple, list)) and isinstance(got, (tuple, list, torch.Size)):
        return len(got) == len(want) and all(same(g, w, atol=atol, rtol=rtol) for g, w in zip(got, want, strict=True))
    return got == want


def _as_tensor(value: Any) -> torch.Tensor:
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(value)
    if not isinstance(value, torch.Tensor):
        value = torch.tensor(value)
    return value.detach().to(torch.float64)


def _diagnose(got: Any, mistakes: Mistakes, **tolerance) -> str | None:
    for value, diagnosis in mistakes:
        if value is not None and same(got, value, **tolerance):
            return diagnosis
    return None


def expect_equal(got: Any, expected: Any, what: str, *, hint: str = "", mistakes: Mistakes = ()) -> None:
    """Fail unless ``got == expected`` (integers are compared as integers), diagnosing known mistakes."""
    if isinstance(expected, Integral) and not isinstance(expected, bool):
        got = expect_integer(got, what, hint=hint)
    if not same(got, expected, atol=0, rtol=0):
        secret(expected)
        diagnosis = _diagnose(got, mistakes, atol=0, rtol=0)
        raise CheckFailed(f"{what} is not right" + (f": {diagnosis}" if diagnosis else ""), got=got,
                          hint="" if diagnosis else hint)


def expect_tensor(value: Any, what: str, *, hint: str = "") -> torch.Tensor:
    """Fail unless ``value`` is a tensor, an array or nested lists of numbers; return it as a float64 tensor."""
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(value)
    if isinstance(value, (list, tuple)):
        try:
            value = torch.tensor(value, dtype=torch.float64)
        except (TypeError, ValueError):
            raise CheckFailed(f"{what} should be a tensor (or nested lists) of numbers", hint=hint) from None
    if not isinstance(value, torch.Tensor):
        raise CheckFailed(f"{what} should be a torch.Tensor, not {type(value).__name__}", hint=hint)
    return value.detach().to(torch.float64)


def expect_shape(value: Any, shape: tuple[int, ...], what: str, *, hint: str = "", answer: Any = None
                 ) -> torch.Tensor:
    """Fail unless ``value`` is a tensor of ``shape``; return it as float64. The shape is not shown;
    ``answer``, the value wanted, is recorded as a secret on failure."""
    tensor = expect_tensor(value, what, hint=hint)
    if tuple(tensor.shape) != tuple(shape):
        raise CheckFailed(f"{what} has the wrong shape {tuple(tensor.shape)}", expected=answer, hint=hint)
    return tensor


def expect_close(got: Any, expected: Any, what: str, *, atol: float = 1e-5, rtol: float = 1e-4, hint: str = "",
                 mistakes: Mistakes = (), tell_error: bool = True) -> None:
    """Fail unless ``got`` matches ``expected`` within tolerance (numbers, arrays or tensors).

    ``tell_error=False`` keeps the size of the largest error out of the feedback (a by-hand answer,
    where it would help guessing)."""
    if same(got, expected, atol=atol, rtol=rtol):
        return
    secret(expected)
    diagnosis = _diagnose(got, mistakes, atol=atol, rtol=rtol)
    if isinstance(expected, Real) and not isinstance(expected, bool):
        raise CheckFailed(f"{what} is not right" + (f": {diagnosis}" if diagnosis else ""), got=got,
                          hint="" if diagnosis else hint)
    if diagnosis:
        raise CheckFailed(f"{what} is not right: {diagnosis}")
    want = _as_tensor(expected)
    have = expect_shape(got, tuple(want.shape), what, hint=hint)
    worst = f" (off by up to {(have - want).abs().max().item():.3g} somewhere)" if tell_error else ""
    raise CheckFailed(f"{what} is not right{worst}; your output: {describe_value(got)}", hint=hint)


def describe_value(value: Any, limit: int = 120) -> str:
    """The learner's value in a few words: small tensors in full, big ones by shape."""
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(value)
    if isinstance(value, torch.Tensor):
        shape = "×".join(map(str, value.shape)) or "0-d"
        if value.numel() <= 12:
            numbers = value.detach().to(torch.float64).numpy().round(4).tolist()
            return f"a {shape} tensor {numbers}"
        return f"a {shape} {str(value.dtype).removeprefix('torch.')} tensor"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def expect_function(
    answer: Any,
    name: str,
    public: Sequence[tuple],
    hidden: Callable[[], list[tuple]],
    reference: Callable[..., Any],
    *,
    signature: str,
    hint: str,
    mistakes: Callable[..., Mistakes] = lambda *args: (),
    describe: Callable[..., str] | None = None,
    convert: Callable[[Any, str], Any] | None = None,
    atol: float = 0.0,
    rtol: float = 0.0,
    rule: Rule | None = None,
) -> None:
    """Check the learner's function ``answer`` on the public cases, and on the hidden ones when grading.

    ``reference(*args)`` is the right output, ``mistakes(*args)`` the (output, diagnosis) pairs of
    plausible mistakes; ``describe(*args)`` names a case (default: the call with its arguments);
    ``convert(value, call)`` turns the learner's output into a comparable value (or fails);
    ``rule``, if given, is enforced on the learner's code and calls (not on the reference's).
    The feedback names the failing call, the learner's output and a diagnosis or the ``hint``.
    """
    if not callable(answer):
        raise CheckFailed(f"{name} should be a function: {signature}", got=type(answer).__name__)
    rule = rule or Rule("")
    with obeying(rule, answer):
        pass  # reads the answer's code for forbidden names before anything runs
    cases = with_hidden(list(public), hidden)
    outcomes = None
    if hasattr(answer, "call_many"):  # an answer in the learner's kernel: every case in one round trip
        with obeying(rule._replace(names=())):
            outcomes = answer.call_many([tuple(_copy(arg) for arg in args) for args, _ in cases])
    for index, (args, is_hidden) in enumerate(cases):
        call = describe(*args) if describe else f"{name}({', '.join(map(_argument, args))})"
        if is_hidden:
            call += HIDDEN_CASE
        want = reference(*args)
        if outcomes is not None:
            got = outcomes[index]()
        else:
            with obeying(rule._replace(names=())):
                got = answer(*(_copy(arg) for arg in args))
        if convert is not None:
            try:
                got = convert(got, call)
            except CheckFailed:
                secret(want)
                raise
        if same(got, want, atol=atol, rtol=rtol):
            continue
        secret(want)  # the failing case's answer: the one feedback must not show
        diagnosis = _diagnose(got, mistakes(*args), atol=atol, rtol=rtol)
        raise CheckFailed(f"{call} returned {describe_value(got)}, which is not right"
                          + (f": {diagnosis}" if diagnosis else ""), hint="" if diagnosis else hint)


def prefetch(answer: Any, cases: Sequence[tuple], rule: Rule | None = None) -> None:
    """Ask an answer in the learner's kernel for its outputs on all ``cases`` in one round trip,
    with ``rule`` traced (nothing for a function of this process): a check that calls it case by
    case then makes no round trip per case."""
    if hasattr(answer, "prefetch"):
        with obeying((rule or Rule(""))._replace(names=())):
            answer.prefetch([tuple(_copy(arg) for arg in args) for args in cases])


def _copy(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.clone()
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


def _argument(value: Any) -> str:
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return "×".join(map(str, value.shape)) + " tensor"
    return repr(value)
