"""The learner's answers as the grader's checks see them: stand-ins that ask the learner's kernel.

When grading, the checks run in the grader's own process, on stand-ins for the learner's
answers: a function answer is a :class:`RemoteFunction` (calling it sends the inputs to the
kernel, which calls the learner's function there and sends the output back as plain data), a
class of modules is a subclass of :class:`RemoteModule`, and a value answer is the value
itself, rebuilt from plain data. ``ask(request) -> reply`` carries one request of
:mod:`convlab.exercises.harness` to the kernel and back; the grader supplies it.

A call that the learner's code makes raise becomes :class:`LearnerError` (or
``NotImplementedError`` for the stub); a kernel that times out, dies or does not answer
raises :class:`KernelProblem`, which the checks do not catch.
"""

from __future__ import annotations

import json

import torch
from torch import nn

from convlab.exercises import harness
from convlab.exercises.rules import add_to_traces, tracing_wanted

__all__ = ["KernelProblem", "LearnerError", "Opaque", "RemoteFunction", "RemoteModule", "answers_from_kernel"]


class KernelProblem(BaseException):
    """The kernel timed out, died or gave no reply: ``status`` and ``feedback`` for the exercise.

    A ``BaseException``, so that a check's ``except Exception`` does not take it for a wrong answer."""

    def __init__(self, status: str, feedback: str) -> None:
        super().__init__(feedback)
        self.status, self.feedback = status, feedback


class LearnerError(Exception):
    """The learner's code raised in the kernel; ``description`` names the exception and the line."""

    def __init__(self, kind: str, message: str, where: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.description = f"{kind}: {message}" + (f" ({where})" if where else "")


class _NotDone(NotImplementedError, LearnerError):
    pass


class Opaque:
    """A value of a type that cannot travel as plain data; it equals nothing but itself."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<a {self.type_name} object>"


def _raise(error: dict) -> None:
    kind, message, where = str(error.get("type")), str(error.get("message")), str(error.get("where", ""))
    if error.get("harness"):
        raise LearnerError(kind, f"the answer cannot be sent to the grader as plain data ({message})")
    if kind == "NotImplementedError":
        raise _NotDone(kind, message, where)
    raise LearnerError(kind, message, where)


class _Link:
    """The kernel connection shared by the stand-ins of one notebook."""

    def __init__(self, ask) -> None:
        self.ask = ask

    def wrap(self, data: dict):
        if data.get("t") == "opaque":
            return Opaque(str(data.get("type")))
        if data.get("kind") == "class" and data.get("module_class"):
            return type(str(data["type"]), (RemoteModule,), {"_link": self, "_class_handle": str(data["h"])})
        if data.get("kind") == "module":
            cls = _remote_module_class(self, str(data["type"]))
            instance = cls.__new__(cls)
            nn.Module.__init__(instance)
            instance._handle = str(data["h"])
            return instance
        return RemoteFunction(self, str(data["h"]), str(data.get("type", "function")))

    def value(self, data: dict):
        return harness.decode(data, self.wrap)

    def request(self, handle: str, args: tuple, *, method: str | None = None) -> dict:
        encoded, after = _encode_arguments(args)
        return {"op": "call", "h": handle, "args": encoded, "method": method, "trace": tracing_wanted(),
                "no_grad": not torch.is_grad_enabled(), "after": after}

    def outcome(self, reply: dict, args: tuple, *, traced: bool = False):
        if not traced:
            add_to_traces(reply.get("ops", []))
        for index, data in reply.get("after", {}).items():
            _write_back(args[int(index)], self.value(data))
        if "error" in reply:
            _raise(reply["error"])
        return self.value(reply["value"])


def _remote_module_class(link: _Link, name: str) -> type:
    return type(name, (RemoteModule,), {"_link": link, "_class_handle": None})


class RemoteFunction:
    """A learner's function, called in the kernel."""

    def __init__(self, link: _Link, handle: str, name: str, source: str | None = None) -> None:
        self._link, self._handle, self.__name__, self.source = link, handle, name, source
        self._ready: dict[str, list] = {}  # outcomes fetched ahead, by the request's arguments

    def __call__(self, *args):
        request = self._link.request(self._handle, args)
        ready = self._ready.get(json.dumps(request["args"]))
        if ready:
            return ready.pop(0)()
        return self._link.outcome(self._link.ask(request), args)

    def prefetch(self, cases: list[tuple]) -> None:
        """Call the function on each case now, in one round trip; a later call with the same
        arguments returns that outcome (their operators count in the caller's obeying() block now)."""
        for args, outcome in zip(cases, self.call_many(cases), strict=True):
            key = json.dumps(self._link.request(self._handle, tuple(args))["args"])
            self._ready.setdefault(key, []).append(outcome)

    def call_many(self, cases: list[tuple]) -> list:
        """Call the function on each case in one round trip: per case, a function that returns
        the output or raises what the learner's code raised."""
        requests = [self._link.request(self._handle, tuple(args)) for args in cases]
        replies = self._link.ask({"op": "calls", "calls": requests}).get("results", [])
        if len(replies) != len(cases):
            raise KernelProblem("error", "the kernel's reply to the grader was garbled (did your code change it?)")
        for reply in replies:  # counted now, inside the caller's obeying() block
            add_to_traces(reply.get("ops", []))
        return [lambda reply=reply, args=args: self._link.outcome(reply, tuple(args), traced=True)
                for reply, args in zip(replies, cases, strict=True)]

    def __repr__(self) -> str:
        return f"<your function {self.__name__}>"


class RemoteModule(nn.Module):
    """A learner's module of their own class, run in the kernel. Subclasses stand for the class."""

    _link: _Link
    _class_handle: str | None

    def __init__(self, *args) -> None:
        super().__init__()
        if self._class_handle is None:
            raise TypeError("this module lives in the learner's kernel")
        reply = self._link.ask(self._link.request(self._class_handle, args))
        made = self._link.outcome(reply, args)
        if not isinstance(made, RemoteModule):
            raise LearnerError("TypeError", "the class did not make a module of its own")
        self._handle = made._handle

    def _method(self, name: str | None, *args):
        reply = self._link.ask(self._link.request(self._handle, args, method=name))
        return self._link.outcome(reply, args)

    def forward(self, *args):
        return self._method(None, *args)

    def parameters(self, recurse: bool = True):
        return iter(self._method("parameters"))

    def double(self):
        return self._method("double")

    def float(self):
        return self._method("float")

    def __deepcopy__(self, memo):
        return self._method("deepcopy")


def _encode_arguments(args: tuple) -> tuple[list, list[int]]:
    encoded, after = [], []
    for index, arg in enumerate(args):
        if isinstance(arg, torch.optim.Optimizer):
            owner = next((i for i, other in enumerate(args) if isinstance(other, nn.Module)
                          and {id(p) for p in other.parameters()} == {id(p) for g in arg.param_groups
                                                                       for p in g["params"]}), None)
            if owner is None or not isinstance(arg, torch.optim.SGD):
                raise TypeError("only an SGD optimizer of a module argument can be sent to the kernel")
            encoded.append({"t": "optimizer", "lr": float.hex(float(arg.param_groups[0]["lr"])), "of": owner})
        elif isinstance(arg, RemoteModule):
            encoded.append({"t": "handle", "h": arg._handle})
        else:
            encoded.append(harness.encode(arg))
            if isinstance(arg, nn.Module):
                after.append(index)
    return encoded, after


def _write_back(local: nn.Module, changed: nn.Module) -> None:
    """Copy the parameters (and gradients) a call changed in the kernel into the grader's module."""
    mine, theirs = dict(local.named_parameters()), dict(changed.named_parameters())
    if set(mine) != set(theirs):
        raise LearnerError("ValueError", "your code changed the model's layers")
    with torch.no_grad():
        for name, parameter in mine.items():
            if parameter.shape != theirs[name].shape:
                raise LearnerError("ValueError", f"your code changed the shape of {name}")
            parameter.copy_(theirs[name].to(parameter.dtype))
            grad = theirs[name].grad
            parameter.grad = None if grad is None else grad.to(parameter.dtype).clone()


def answers_from_kernel(ask, names, sources: dict[str, str] | None = None) -> dict:
    """``{name: answer}`` for each of ``names`` the learner's kernel defines, as stand-ins or values.

    ``sources`` gives a function's source text (the learner's cell, read by the grader), which
    the rules read for forbidden names."""
    link = _Link(ask)
    found = {}
    for name in names:
        reply = ask({"op": "get", "name": name})
        if "error" in reply:
            _raise(reply["error"])
        if reply.get("value", {}).get("t") == "missing":
            continue
        value = link.value(reply["value"])
        if isinstance(value, RemoteFunction):
            value.__name__, value.source = name, (sources or {}).get(name)
        elif isinstance(value, type) and issubclass(value, RemoteModule):
            value.source = (sources or {}).get(name)
        found[name] = value
    return found
