"""The grader's requests to a learner's kernel, and the replies it accepts.

:class:`KernelChannel` sends the harness (:mod:`convlab.exercises.harness`, as source text:
the kernel has no course package) once, then one request per cell it executes. A reply counts
only if it is display data of the harness's type carrying this request's random nonce, and
exactly one such reply came. A request that outlasts its time is interrupted; a kernel that
dies or does not reply is reported as :class:`convlab.exercises.remote.KernelProblem` by the
caller's code (here, as :class:`Unanswered`).
"""

from __future__ import annotations

import importlib.util
import json
import math
import secrets
import time
from pathlib import Path

import nbformat
from nbclient.exceptions import DeadKernelError

from convlab.exercises.status import Status

MIME = "application/vnd.convlab.reply+json"  # convlab.exercises.harness.MIME (imported there with torch)
_HARNESS = "_convlab_harness"


class Unanswered(BaseException):
    """A request got no valid reply: ``status`` ("timed out" or "error") and ``feedback`` say why."""

    def __init__(self, status: Status, feedback: str, *, dead: bool = False) -> None:
        super().__init__(feedback)
        self.status, self.feedback, self.dead = status, feedback, dead


def harness_source() -> str:
    """The harness's source text, read from the file (not imported: it needs torch)."""
    spec = importlib.util.find_spec("convlab.exercises.harness")
    return Path(spec.origin).read_text(encoding="utf-8")


class KernelChannel:
    """Requests to the harness in one live kernel, within a time budget."""

    def __init__(self, client, *, wait_until_idle) -> None:
        self.client, self.wait_until_idle = client, wait_until_idle
        self.deadline = math.inf  # time.monotonic() at which the notebook's time is up
        self.budget = self.limit = math.inf  # seconds left for the exercise being checked, and its limit
        self.dead = False
        self.started = False

    def start_exercise(self, seconds: float) -> None:
        """Give the checks of the next exercise ``seconds`` of the kernel's time, in all."""
        self.budget = self.limit = seconds

    def start(self) -> None:
        """Load the harness into the kernel as a module of its own (not in the learner's namespace)."""
        self.started = True
        module = f"__import__('sys').modules.setdefault({_HARNESS!r}, __import__('types').ModuleType({_HARNESS!r}))"
        source = f"exec(compile({harness_source()!r}, '<convlab harness>', 'exec'), {module}.__dict__)"  # binds no name
        self._execute(source, timeout=120)

    def ask(self, request: dict) -> dict:
        """Send ``request``; return the harness's reply (a dict), or raise :class:`Unanswered`."""
        if not self.started:
            self.start()
        nonce = secrets.token_hex(16)
        text = json.dumps({**request, "nonce": nonce})
        source = f"__import__('sys').modules[{_HARNESS!r}].serve({text!r}, get_ipython().user_ns)"
        timeout = min(self.budget, self.deadline - time.monotonic())
        if timeout <= 0:
            raise Unanswered(Status.TIMED_OUT, "the notebook's time limit ran out before this exercise was checked.")
        outputs = self._execute(source, timeout=timeout)
        replies = [out["data"][MIME] for out in outputs
                   if out.get("output_type") == "display_data" and MIME in out.get("data", {})]
        mine = [reply for reply in replies if isinstance(reply, dict) and reply.get("nonce") == nonce]
        if len(mine) != 1:
            raise Unanswered(Status.ERROR, "the grader got no clear reply from your kernel (did your code change what "
                                      "the kernel displays or runs?).")
        return mine[0]

    def _execute(self, source: str, *, timeout: float) -> list:
        cell = nbformat.v4.new_code_cell(source)
        self.client.timeout = max(1, math.ceil(min(timeout, 3600)))
        began = time.monotonic()
        try:
            self.client.execute_cell(cell, 0, store_history=False)
        except DeadKernelError:
            self.dead = True
            raise Unanswered(Status.ERROR, "the Python kernel died while checking this exercise (out of memory, "
                                      "os._exit, or a signal?).", dead=True) from None
        if time.monotonic() - began >= self.client.timeout:
            self.wait_until_idle(self.client)
            raise Unanswered(Status.TIMED_OUT, f"checking your answer took longer than {self.limit:g} s — look for an "
                                          "endless loop.")
        self.budget -= time.monotonic() - began
        return list(cell.outputs)
