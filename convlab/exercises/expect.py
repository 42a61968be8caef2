"""Small assertions for exercise checks; each raises :class:`~convlab.exercises.checking.CheckFailed`."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
import torch

from convlab.exercises.checking import CheckFailed

__all__ = ["expect", "expect_close", "expect_equal", "expect_integer", "expect_shape", "expect_tensor"]


def expect(condition: bool, message: str, *, hint: str = "") -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message, hint=hint)


def expect_integer(value: Any, what: str, *, hint: str = "") -> int:
    """Fail unless ``value`` is an integer (numpy and 0-d tensor integers included)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_floating_point():
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise CheckFailed(f"{what} should be an integer", expected="an int", got=value, hint=hint)
    return int(value)


def expect_equal(got: Any, expected: Any, what: str, *, hint: str = "") -> None:
    """Fail unless ``got == expected`` (integers are compared as integers)."""
    if isinstance(expected, Integral) and not isinstance(expected, bool):
        got = expect_integer(got, what, hint=hint)
    if got != expected:
        raise CheckFailed(f"{what} is not right", expected=expected, got=got, hint=hint)


def expect_tensor(value: Any, what: str, *, hint: str = "") -> torch.Tensor:
    """Fail unless ``value`` is a tensor or an array; return it as a float64 tensor."""
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(value)
    if not isinstance(value, torch.Tensor):
        raise CheckFailed(f"{what} should be a tensor", expected="a torch.Tensor", got=type(value).__name__, hint=hint)
    return value.detach().to(torch.float64)


def expect_shape(value: Any, shape: tuple[int, ...], what: str, *, hint: str = "") -> torch.Tensor:
    """Fail unless ``value`` is a tensor of ``shape``; return it as float64."""
    tensor = expect_tensor(value, what, hint=hint)
    if tuple(tensor.shape) != tuple(shape):
        raise CheckFailed(f"{what} has the wrong shape", expected=tuple(shape), got=tuple(tensor.shape), hint=hint)
    return tensor


def expect_close(got: Any, expected: Any, what: str, *, atol: float = 1e-5, rtol: float = 1e-4, hint: str = "") -> None:
    """Fail unless ``got`` matches ``expected`` within tolerance (numbers, arrays or tensors)."""
    if isinstance(expected, Real) and not isinstance(expected, bool):
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.item()
        if isinstance(got, bool) or not isinstance(got, Real):
            raise CheckFailed(f"{what} should be a number", expected=expected, got=got, hint=hint)
        if abs(float(got) - float(expected)) > atol + rtol * abs(float(expected)):
            raise CheckFailed(f"{what} is not right", expected=expected, got=got, hint=hint)
        return
    want = expect_tensor(expected, "the reference")
    have = expect_shape(got, tuple(want.shape), what, hint=hint)
    if not torch.allclose(have, want, atol=atol, rtol=rtol):
        worst = (have - want).abs().max().item()
        raise CheckFailed(f"{what} differs from the reference by up to {worst:.3g}", hint=hint)
