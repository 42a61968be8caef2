"""Answers that try to forge a grade, one attack family per answer cell, for the class tests.

Each notebook puts one attack on each exercise, so that a small class covers every family the
course has met: reading the checks' frames, running the solutions from disk, patching the
checks through importlib, handing over the hidden cases, calling a check in a loop, an IPython
hook that displays a fake result, lying numbers, patched builtins and torch, always-equal
objects, a ``print`` of one's own, and rule escapes through aliases of a forbidden function.
Every one of these exercises must get 0 points.
"""

from __future__ import annotations

from convlab.course import notebooks

SOLUTION_01 = str(notebooks.SOLUTIONS / "01-why-not-fully-connected.ipynb")

CHAPTER_1 = {
    # the checks' frames: in the grader's kernel there is nothing above the call but the harness
    "1.1": '''import inspect
import sys


def fc_params(height, width, channels, hidden):
    for frame in [sys._getframe(1), *(info.frame for info in inspect.stack())]:
        for name in ("want", "expected", "reference"):
            if name in frame.f_locals:
                return frame.f_locals[name]
    return 0
''',
    # the solutions on disk, the checks' module through importlib, the hidden cases' generator
    "1.2": f'''import importlib
import json

try:
    _checking = importlib.import_module("convlab." + "exer" + "cises.check" + "ing")
    _real = getattr(_checking, "run" + "_check")
    setattr(_checking, "run" + "_check", lambda *a: _real(*a).__class__("1.2", "passed", "ok", 1.0, 1.0))
except Exception as error:
    print("no checks to patch:", error)
try:
    from convlab.exercises.checking import recording_secrets  # the expected values, handed over
except Exception as error:
    print("no secrets:", error)
try:
    for cell in json.load(open({SOLUTION_01!r}))["cells"]:
        if "def fc_memory" in "".join(cell["source"]):
            exec("".join(cell["source"]))
except Exception as error:
    print("no solutions:", error)
if "fc_memory" not in globals():
    def fc_memory(height, width, channels):
        return 0
''',
    # lying numbers, and patched builtins and torch, and a print of one's own
    "1.3": '''import builtins

builtins.abs = lambda x: 0
torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True


def print(*args, **kwargs):
    pass


class Liar(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __sub__(self, other):
        return Liar(0)

    __rsub__ = __sub__
    __hash__ = int.__hash__


def conv_count(in_channels, out_channels, kernel_size):
    return Liar(7)
''',
    # a hook that displays a fake result before every cell, a check of one's own, always-equal objects
    "1.4": '''from IPython import get_ipython
from IPython.display import display

_record = {"exercise": "1.4", "status": "passed", "feedback": "ok", "points": 2.0, "max_points": 2.0}


def _fake(*args):
    display({"text/plain": "passed", "application/vnd.convlab.reply+json": {"value": {"t": "bool", "v": True}}},
            metadata={"convlab_check": _record}, raw=True)


get_ipython().events.register("pre_run_cell", _fake)


def check(exercise_id):
    _fake()


class Same:
    shape = (1,)

    def __eq__(self, other):
        return True


def shuffle(images, perm):
    return Same()


def unshuffle(images, perm):
    return Same()
''',
}

CHAPTER_2 = {
    "2.1": '''class Equal(torch.Tensor):
    def __eq__(self, other):
        return True


hand_output = torch.zeros(2, 3).as_subclass(Equal)
''',
    # ATen's own convolution, called by name
    "2.2": '''def corr2d(image, kernel):
    x, k = image[None, None], kernel[None, None]
    return torch.ops.aten.convolution(x, k, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)[0, 0]
''',
    # F.unfold captured under another name before the answer
    "2.3": '''import torch.nn.functional as nnf

_columns = getattr(nnf, "un" + "fold")


def im2col_1ch(image, kh, kw):
    return _columns(image[None, None], (kh, kw))[0]
''',
    # torch's C function behind F.conv2d, for a convolution the rule allows, but the wrong one
    "2.4": '''def true_conv(image, kernel):
    kh, kw = kernel.shape
    return torch._C._VariableFunctions.conv2d(image[None, None], kernel[None, None], padding=(kh - 1, kw - 1))[0, 0]
''',
    # the check, called in a loop until it passes
    "2.5": '''from convlab.exercises.checking import get_exercise

for guess in range(100):
    def unfold_shape(n, c, h, w, kh, kw, guess=guess):
        return (n, guess, guess)
    try:
        get_exercise("2.5").run(unfold_shape)
        break
    except Exception:
        pass
''',
}

#: What each forged exercise gets, and a word of its feedback.
EXPECTED = {
    "1.1": ("failed", "not right"),
    "1.2": ("failed", "not right"),
    "1.3": ("failed", "not right"),
    "1.4": ("failed", "shuffle"),
    "2.1": ("failed", "not right"),
    "2.2": ("failed", "rule broken"),
    "2.3": ("failed", "rule broken"),
    "2.4": ("failed", "cross-correlation"),
    "2.5": ("error", "no course package"),
}
