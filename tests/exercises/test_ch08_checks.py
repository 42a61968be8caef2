"""Chapter 8's exercise checks: each likely mistake gets its own diagnosis, the functions a check
switches off (its rules) come back afterwards, and no feedback gives the expected value away."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as nnf
from torch import nn

from convlab.exercises.checking import run_check


def _run(exercise_id: str, source: str):
    namespace = {"math": math, "torch": torch, "nnf": nnf, "nn": nn}
    exec(source, namespace)  # noqa: S102 - a learner's answer, as the grader runs it
    return run_check(exercise_id, namespace)


MISTAKES = [
    ("8.1", 'def pool(x, kernel_size, stride, mode="max"):\n'
            '    if mode == "max":\n'
            '        return nnf.max_pool2d(x, kernel_size, stride)\n'
            '    return nnf.avg_pool2d(x, kernel_size, stride)\n',
     "used max_pool2d"),
    ("8.1", 'def pool(x, kernel_size, stride, mode="max"):\n'
            '    layer = nn.MaxPool2d if mode == "max" else nn.AvgPool2d\n'
            '    return layer(kernel_size, stride)(x)\n',
     "from scratch"),
    ("8.1", 'def pool(x, kernel_size, stride, mode="max"):\n'
            '    w = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)\n'
            '    return w.mean(dim=(-2, -1)) if mode == "max" else w.amax(dim=(-2, -1))\n',
     "other kind of pooling"),
    ("8.2", 'def pool_out(size, kernel_size, stride, padding=0, ceil_mode=False):\n'
            '    return (size + 2 * padding - kernel_size) // stride + 1\n',
     "the division is rounded up"),
    ("8.2", 'def pool_out(size, kernel_size, stride, padding=0, ceil_mode=False):\n'
            '    room = size - kernel_size  # padding forgotten\n'
            '    return (math.ceil(room / stride) if ceil_mode else room // stride) + 1\n',
     "2P in all"),
    ("8.2", 'def pool_out(size, kernel_size, stride, padding=0, ceil_mode=False):\n'
            '    layer = nn.MaxPool1d(kernel_size, stride, padding, ceil_mode=ceil_mode)\n'
            '    return layer(torch.zeros(1, 1, size)).shape[-1]\n',
     "not from a real layer"),
    ("8.3", 'def max_pool_grad(x, grad_output, kernel_size, stride):\n'
            '    x = x.clone().requires_grad_()\n'
            '    with torch.enable_grad():\n'
            '        nnf.max_pool2d(x, kernel_size, stride).backward(grad_output)\n'
            '    return x.grad\n',
     "without autograd"),
    ("8.3", 'def max_pool_grad(x, grad_output, kernel_size, stride):\n'
            '    _, w = nnf.max_pool2d(x, kernel_size, stride, return_indices=True)\n'
            '    n, c, h, ww = x.shape\n'
            '    g = torch.zeros(n, c, h * ww, dtype=x.dtype)\n'
            '    g.scatter_add_(2, w.flatten(2), torch.ones_like(grad_output).flatten(2))\n'
            '    return g.view(n, c, h, ww)\n',
     "not a 1"),
    ("8.3", 'def max_pool_grad(x, grad_output, kernel_size, stride):\n'
            '    x = x.clone()\n'
            '    k2 = kernel_size * kernel_size\n'
            '    up = grad_output.repeat_interleave(kernel_size, 2).repeat_interleave(kernel_size, 3) / k2\n'
            '    g = torch.zeros_like(x)\n'
            '    g[..., :up.shape[2], :up.shape[3]] = up\n'
            '    return g\n',
     "average pooling's rule"),
    ("8.4", 'def stack_shapes(size):\n'
            '    c1 = size - 4; p1 = c1 // 2; c2 = p1 - 4; p2 = math.ceil(c2 / 2)\n'
            '    return [(6, c1, c1), (6, p1, p1), (16, c2, c2), (16, p2, p2)]\n',
     "how many does this padding give back"),
    ("8.4", 'def stack_shapes(size):\n'
            '    m = nn.Conv2d(1, 6, 5, padding=2)\n'
            '    return [tuple(m(torch.zeros(1, 1, size, size)).shape[1:])] * 4\n',
     "not from running the layers"),
    ("8.5", 'def avg_pool_conv(channels, kernel_size):\n'
            '    return nn.Conv2d(channels, channels, kernel_size, stride=kernel_size, groups=channels)\n',
     "adds something to it"),
    ("8.5", 'def avg_pool_conv(channels, kernel_size):\n'
            '    conv = nn.Conv2d(channels, channels, kernel_size, groups=channels, bias=False)\n'
            '    nn.init.constant_(conv.weight, 1 / kernel_size**2)\n'
            '    return conv\n',
     "compare your stride and padding"),
    ("8.5", 'def avg_pool_conv(channels, kernel_size):\n'
            '    conv = nn.Conv2d(channels, channels, kernel_size, stride=kernel_size, groups=channels, bias=False)\n'
            '    nn.init.constant_(conv.weight, 1 / kernel_size)\n'
            '    return conv\n',
     "sum to"),
]


@pytest.mark.parametrize(("exercise_id", "source", "diagnosis"), MISTAKES, ids=[m[2] for m in MISTAKES])
def test_each_mistake_gets_its_diagnosis(exercise_id, source, diagnosis):
    result = _run(exercise_id, source)
    assert result.status == "failed", result.feedback
    assert diagnosis in result.feedback
    assert "expected" not in result.feedback  # never the expected value


def test_the_trace_ends_with_each_check():
    _run("8.1", MISTAKES[0][1])
    _run("8.3", MISTAKES[6][1])
    _run("8.4", MISTAKES[10][1])
    assert torch._C._len_torch_dispatch_stack() == 0
    assert nnf.max_pool2d(torch.arange(4.0).view(1, 1, 2, 2), 2).item() == 3.0


def test_a_loop_solution_passes_8_1():
    source = '''def pool(x, kernel_size, stride, mode="max"):
    n, c, h, w = x.shape
    oh, ow = (h - kernel_size) // stride + 1, (w - kernel_size) // stride + 1
    out = torch.empty(n, c, oh, ow, dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            window = x[:, :, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
            out[:, :, i, j] = window.amax(dim=(2, 3)) if mode == "max" else window.mean(dim=(2, 3))
    return out
'''
    assert _run("8.1", source).status == "passed"
