"""Answers as plain data: stored as JSON, compared within tolerance, and hashed, for the release's replay.

- :func:`to_plain` / :func:`from_plain`: numbers, strings, lists, tuples, dicts, tensors and
  arrays (with dtype and shape), and torch.nn layers (a layer with its weights, a model with
  its layers and the shapes of its weights), to JSON data and back;
- :func:`matches`: does a learner's output agree with a recorded one (integers exactly, other
  numbers within ``ATOL`` and ``RTOL``);
- :func:`canonical_hash`: the salted hash of a value answer, rounded so that equal answers
  (a tensor and the same nested list) share it.
"""

from __future__ import annotations

import ast
import hashlib
import json
from numbers import Integral, Real
from typing import Any, NamedTuple

import numpy as np
import torch
from torch import nn

__all__ = ["ATOL", "RTOL", "NotPlain", "RecordedModule", "canonical_hash", "from_plain", "matches", "to_plain"]

ATOL, RTOL = 1e-4, 1e-4  # floats agree within this; integers must be equal


class NotPlain(TypeError):
    """A value that cannot be stored as plain data (an optimizer, a class, a learner's own module, …)."""


def to_plain(value: Any) -> Any:
    """``value`` as JSON data: numbers, strings, lists, and tagged dicts for tuples, dicts, tensors,
    arrays and torch.nn layers (a layer with its weights, a model with its weights' shapes)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.integer, Integral)):
        return int(value)
    if isinstance(value, (np.floating, Real)):
        return float(value)
    if isinstance(value, torch.Tensor):
        if value.requires_grad or value.is_sparse:
            raise NotPlain("a tensor that requires grad")
        return {"tensor": value.detach().cpu().tolist(), "dtype": str(value.dtype).removeprefix("torch."),
                "shape": list(value.shape)}
    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "dtype": str(value.dtype), "shape": list(value.shape)}
    if isinstance(value, (tuple, torch.Size)):
        return {"tuple": [to_plain(item) for item in value]}
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {"dict": {key: to_plain(item) for key, item in value.items()}}
    if isinstance(value, nn.Module) and all(_is_torch_layer(m) for m in value.modules()):
        if any(True for _ in value.children()):  # a model: its layers and their shapes, not its random weights
            return {"module": repr(value), "shapes": {key: list(t.shape) for key, t in value.state_dict().items()}}
        return {"module": repr(value), "state": {key: to_plain(t) for key, t in value.state_dict().items()}}
    raise NotPlain(f"a {type(value).__name__}")


def _is_torch_layer(module: nn.Module) -> bool:
    return type(module).__module__.startswith("torch.nn.")


class RecordedModule(NamedTuple):
    """A layer as recorded, its configuration (``repr``) and its weights; or a model, its layers'
    configuration and the shapes of its weights (a tuple in place of each tensor)."""

    config: str
    state: dict[str, torch.Tensor | tuple[int, ...]]


def _layer(config: str) -> nn.Module | None:
    """Rebuild one torch.nn layer from its ``repr`` (``Conv2d(1, 2, kernel_size=(3, 3), …)``), or None."""
    try:
        call = ast.parse(config, mode="eval").body
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and hasattr(nn, call.func.id)):
            return None
        args = [ast.literal_eval(arg) for arg in call.args]
        kwargs = {item.arg: ast.literal_eval(item.value) for item in call.keywords}
        return getattr(nn, call.func.id)(*args, **kwargs)
    except (SyntaxError, ValueError, TypeError):
        return None


def _module(data: dict) -> nn.Module | RecordedModule:
    if "shapes" in data:
        return RecordedModule(data["module"], {key: tuple(shape) for key, shape in data["shapes"].items()})
    state = {key: from_plain(t) for key, t in data["state"].items()}
    layer = _layer(data["module"])
    if layer is None or set(layer.state_dict()) != set(state):
        return RecordedModule(data["module"], state)
    with torch.no_grad():
        layer.load_state_dict(state)
    return layer


def _module_view(value: Any) -> RecordedModule | None:
    if isinstance(value, RecordedModule):
        return value
    if isinstance(value, nn.Module):
        return RecordedModule(repr(value), {key: t.detach() for key, t in value.state_dict().items()})
    return None


def from_plain(data: Any) -> Any:
    """The Python value that :func:`to_plain` stored (tensors and arrays with their dtype and shape)."""
    if isinstance(data, list):
        return [from_plain(item) for item in data]
    if not isinstance(data, dict):
        return data
    if "tensor" in data:
        return torch.tensor(data["tensor"], dtype=getattr(torch, data["dtype"])).reshape(data["shape"])
    if "array" in data:
        return np.array(data["array"], dtype=data["dtype"]).reshape(data["shape"])
    if "tuple" in data:
        return tuple(from_plain(item) for item in data["tuple"])
    if "module" in data:
        return _module(data)
    return {key: from_plain(item) for key, item in data["dict"].items()}


def _numbers(value: Any) -> torch.Tensor | None:
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(value)
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().to(torch.float64)
    return None


def matches(got: Any, want: Any, *, same_dtype: bool = False) -> bool:
    """Does the learner's output ``got`` agree with the recorded ``want``: integers equal, floats and
    tensors within tolerance (and of the same dtype, if ``same_dtype``), tuples and lists alike, dicts
    key by key, layers by configuration and weights?"""
    want_module, got_module = _module_view(want), _module_view(got)
    if want_module is not None or got_module is not None:
        if want_module is None or got_module is None or want_module.config != got_module.config:
            return False
        mine, theirs = got_module.state, want_module.state
        return set(mine) == set(theirs) and all(
            tuple(mine[key].shape) == value if isinstance(value, tuple) else matches(mine[key], value)
            for key, value in theirs.items())
    want_numbers, got_numbers = _numbers(want), _numbers(got)
    if want_numbers is not None or got_numbers is not None:
        try:
            have = got_numbers if got_numbers is not None else torch.tensor(got, dtype=torch.float64)
            ref = want_numbers if want_numbers is not None else torch.tensor(want, dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError):
            return False
        if same_dtype and str(getattr(got, "dtype", "")) != str(getattr(want, "dtype", "")):
            return False
        return have.shape == ref.shape and bool(torch.allclose(have, ref, atol=ATOL, rtol=RTOL))
    if isinstance(want, (bool, np.bool_)) or isinstance(got, (bool, np.bool_)):
        return isinstance(want, (bool, np.bool_)) and isinstance(got, (bool, np.bool_)) and bool(got) == bool(want)
    if isinstance(want, Integral):
        return isinstance(got, Real) and not isinstance(got, bool) and got == want
    if isinstance(want, Real):
        return isinstance(got, Real) and not isinstance(got, bool) and abs(got - want) <= ATOL + RTOL * abs(want)
    if isinstance(want, (tuple, list)):
        return (isinstance(got, (tuple, list, torch.Size)) and len(got) == len(want)
                and all(matches(g, w, same_dtype=same_dtype) for g, w in zip(got, want, strict=True)))
    if isinstance(want, dict):
        return (isinstance(got, dict) and set(got) == set(want)
                and all(matches(got[k], want[k], same_dtype=same_dtype) for k in want))
    return got == want


def _canonical(value: Any) -> Any:
    """A rounding that equal answers share: numbers to 4 decimals (whole ones as ints), tensors and
    tuples as lists."""
    numbers = _numbers(value) if not isinstance(value, (tuple, list, torch.Size)) else _nested_numbers(value)
    if numbers is not None and numbers.dim() == 0:
        return _canonical(numbers.item())
    if numbers is not None:
        return {"shape": list(numbers.shape), "values": [_canonical(v) for v in numbers.flatten().tolist()]}
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, str):
        return value if not isinstance(value, np.bool_) else bool(value)
    if isinstance(value, Real):
        rounded = round(float(value), 4)
        return int(rounded) if rounded == int(rounded) else rounded
    if isinstance(value, (tuple, list, torch.Size)):
        return [_canonical(item) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, nn.Module) and all(_is_torch_layer(m) for m in value.modules()):
        return {"module": repr(value)}  # a layer answer is known by its configuration, not its random weights
    raise NotPlain(f"a {type(value).__name__}")


def _nested_numbers(value: Any) -> torch.Tensor | None:
    """Nested lists of numbers as a tensor (a check takes them for one), else None."""
    def numeric(item):
        if isinstance(item, (tuple, list, torch.Size)):
            return all(numeric(part) for part in item)
        return isinstance(item, (Real, np.number)) and not isinstance(item, (bool, np.bool_))

    if not numeric(value):
        return None
    try:
        return torch.tensor(value, dtype=torch.float64)
    except (TypeError, ValueError):  # ragged
        return None


def canonical_hash(values: tuple, salt: str, exercise_id: str) -> str:
    """The salted SHA-256 of the canonical rounding of an exercise's value answers."""
    text = json.dumps([salt, exercise_id, [_canonical(v) for v in values]], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
