"""Checks of the graded exercises of chapter 7 (nn.Conv2d in practice)."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from convlab.exercises.checking import CheckFailed, exercise
from convlab.exercises.expect import expect, expect_close, expect_equal, expect_shape


def _stack() -> nn.Sequential:
    """The stack of exercise 7.1."""
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1),
        nn.Conv2d(16, 32, 3, stride=2, padding=1),
        nn.Conv2d(32, 64, 5),
    )


@exercise("7.1", answers=["shapes"])
def _check_shapes(shapes):
    expect(isinstance(shapes, (list, tuple)), "shapes should be a list of three shapes")
    expect_equal(len(shapes), 3, "the number of shapes", hint="one output shape per layer")
    x = torch.zeros(1, 3, 64, 64)
    with torch.no_grad():
        for index, layer in enumerate(_stack()):
            x = layer(x)
            got = tuple(shapes[index]) if isinstance(shapes[index], (tuple, list, torch.Size)) else shapes[index]
            if got != tuple(x.shape):
                raise CheckFailed(f"the output shape of layer {index + 1} is not right", expected=tuple(x.shape),
                                  got=got, hint="N stays 1, C becomes out_channels, H and W follow conv_output_size")


@exercise("7.2", answers=["conv_down"])
def _check_conv_down(conv_down):
    expect(isinstance(conv_down, nn.Conv2d), "conv_down should be an nn.Conv2d")
    expect_equal(tuple(conv_down.kernel_size), (3, 3), "the kernel size", hint="the task asks for 3×3 kernels")
    if conv_down.in_channels != 4:
        raise CheckFailed("in_channels is not right", expected=4, got=conv_down.in_channels)
    with torch.no_grad():
        out = conv_down(torch.zeros(1, 4, 128, 128))
    expect_shape(out, (1, 8, 64, 64), "the output",
                 hint="halve the size with stride=2; padding=1 keeps the last window inside")


@exercise("7.3", answers=["params_stem"])
def _check_params_stem(params_stem):
    layer = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
    expect_equal(params_stem, sum(p.numel() for p in layer.parameters()), "the parameter count",
                 hint="out × in × kH × kW; stride and padding add no parameters, and bias=False")


@exercise("7.4", answers=["params_stack"])
def _check_params_stack(params_stack):
    stack = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.Conv2d(16, 32, 3), nn.ReLU(), nn.Conv2d(32, 10, 1))
    expect_equal(params_stack, sum(p.numel() for p in stack.parameters()), "the parameter count of the stack",
                 hint="add the layers' counts (weights and one bias per output channel); ReLU has none")


_ARRAYS = [
    ("float32", (5, 7, 3)),
    ("uint8", (6, 4, 4)),
    ("float64", (3, 8, 1)),
    ("uint8", (9, 2, 3)),
]


@exercise("7.5", answers=["hwc_to_nchw"])
def _check_hwc_to_nchw(hwc_to_nchw):
    expect(callable(hwc_to_nchw), "hwc_to_nchw should be a function")
    rng = np.random.default_rng(7)
    for dtype, shape in _ARRAYS:
        if dtype == "uint8":
            image = rng.integers(0, 256, size=shape, dtype=np.uint8)
            expected = torch.from_numpy(image.astype(np.float32) / 255)
        else:
            image = rng.random(shape).astype(dtype)
            expected = torch.from_numpy(image.astype(np.float32))
        expected = expected.permute(2, 0, 1).unsqueeze(0)
        got = hwc_to_nchw(image.copy())
        what = f"the result for a {dtype} array of shape {shape}"
        if not isinstance(got, torch.Tensor):
            raise CheckFailed(f"{what} should be a torch tensor", got=type(got).__name__, hint="torch.from_numpy(...)")
        expect_shape(got, tuple(expected.shape), what, hint="permute(2, 0, 1) then unsqueeze(0)")
        expect(got.dtype == torch.float32, f"{what} should be float32, got {got.dtype}", hint="use .float()")
        expect_close(got, expected, what, atol=1e-6,
                     hint="uint8 values 0…255 must be divided by 255; floats stay as they are")
