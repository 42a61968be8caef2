"""Checks of the graded exercises of chapter 7 (nn.Conv2d in practice)."""

from __future__ import annotations

import random

import numpy as np
import torch
from torch import nn

from convlab.exercises.checking import CheckFailed, exercise, hidden_seed
from convlab.exercises.expect import expect, expect_function, expect_shape
from convlab.exercises.rules import NO_COURSE_HELPERS, Rule

#: The stack of exercise 7.1's example: (out_channels, kernel_size, stride, padding) per layer.
STACK_7_1 = [(16, 3, 1, 1), (32, 3, 2, 1), (64, 5, 1, 0)]

NO_RUNNING = Rule("work the shapes out: running a layer or convlab's size helper is refused",
                  ops=("convolution",), names=NO_COURSE_HELPERS.names + ("Conv2d", "conv2d"))


def _shapes(input_shape, layers, *, stride=True, padding=True):
    n, c, h, w = input_shape
    shapes = []
    for out_channels, k, s, p in layers:
        s, p = (s if stride else 1), (p if padding else 0)
        h, w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        c = out_channels
        shapes.append((n, c, h, w))
    return shapes


def _shape_list(value, call):
    try:
        return [tuple(int(v) for v in shape) for shape in value]
    except (TypeError, ValueError):
        raise CheckFailed(f"{call} should return a list of (N, C, H, W) tuples, one per layer") from None


@exercise("7.1", answers=["shapes_through"])
def _check_shapes_through(shapes_through):
    def mistakes(input_shape, layers):
        n, c, h, w = input_shape
        return [(_shapes(input_shape, layers, stride=False), "you left out the stride: a stride-s layer keeps every "
                                                             "s-th window"),
                (_shapes(input_shape, layers, padding=False), "you left out the padding: it adds 2·padding to H and "
                                                              "W before the window slides"),
                ([(n, c, *shape[2:]) for shape in _shapes(input_shape, layers)], "C becomes each layer's "
                                                                                  "out_channels")]

    def hidden():
        rng = random.Random(hidden_seed(71))
        cases = []
        for _ in range(6):
            size = rng.randint(20, 64)
            layers = [(rng.randint(1, 32), rng.choice([1, 3, 5]), rng.randint(1, 2), rng.randint(0, 2))
                      for _ in range(rng.randint(1, 4))]
            cases.append(((rng.randint(1, 4), rng.randint(1, 3), size, size + rng.randint(0, 9)), layers))
        return cases

    expect_function(shapes_through, "shapes_through", [((1, 3, 64, 64), STACK_7_1), ((2, 1, 28, 20), STACK_7_1[:2])],
                    hidden, _shapes, mistakes=mistakes, convert=_shape_list, rule=NO_RUNNING,
                    signature="def shapes_through(input_shape, layers):",
                    hint="N stays; C becomes out_channels; H and W become ⌊(H + 2P − F)/S⌋ + 1, layer after layer")


@exercise("7.2", answers=["conv_down"])
def _check_conv_down(conv_down):
    one_solution = "stride=2, padding=1"
    expect(isinstance(conv_down, nn.Conv2d), "conv_down should be an nn.Conv2d")
    expect(tuple(conv_down.kernel_size) == (3, 3), f"the kernel size is {tuple(conv_down.kernel_size)}",
           hint="the task asks for 3×3 kernels", answer=one_solution)
    expect(conv_down.in_channels == 4, f"in_channels is {conv_down.in_channels}, but the input has 4 channels",
           answer=one_solution)
    with torch.no_grad():
        out = conv_down(torch.zeros(1, 4, 128, 128))
    if tuple(out.shape[2:]) == (63, 63):
        raise CheckFailed("the output is 63 × 63: without padding the last window does not fit", expected=one_solution)
    expect_shape(out, (1, 8, 64, 64), "the output", answer=one_solution,
                 hint="halve the size with the stride; the padding decides whether the last window fits")


_PUBLIC_ARRAYS = [("float32", (5, 7, 3), 0), ("uint8", (6, 4, 4), 1), ("float64", (3, 8, 1), 2)]


def _hidden_arrays():
    rng = random.Random(hidden_seed(73))
    return [(rng.choice(["uint8", "float32", "float64"]), (rng.randint(2, 9), rng.randint(2, 9), rng.choice([1, 3, 4])),
             10 + index) for index in range(6)]


def _array(dtype: str, shape: tuple[int, ...], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dtype == "uint8":
        return rng.integers(0, 256, size=shape, dtype=np.uint8)
    return rng.random(shape).astype(dtype)


def _to_nchw(array: np.ndarray, *, scale: bool = True, order=(2, 0, 1)) -> torch.Tensor:
    values = array.astype(np.float32) / (255 if scale and array.dtype == np.uint8 else 1)
    return torch.from_numpy(values).permute(*order).unsqueeze(0)


@exercise("7.3", answers=["hwc_to_nchw"])
def _check_hwc_to_nchw(hwc_to_nchw):
    def mistakes(array):
        return [(_to_nchw(array, scale=False), "a uint8 image must be divided by 255 to lie in [0, 1]"),
                (_to_nchw(array, order=(2, 1, 0)), "the axes are (C, W, H): use permute(2, 0, 1) to get (C, H, W)"),
                (_to_nchw(array) / (255 if array.dtype != np.uint8 else 1), "float images already lie in [0, 1]: "
                                                                            "only uint8 is scaled")]

    def float32_tensor(value, call):
        if not isinstance(value, torch.Tensor):
            raise CheckFailed(f"{call} should return a torch tensor", got=type(value).__name__,
                              hint="torch.from_numpy(...)")
        expect(value.dtype == torch.float32, f"{call} should be float32, not {value.dtype}", hint="use .float()")
        return value

    def cases(specs):
        return [(_array(*spec),) for spec in specs]

    expect_function(hwc_to_nchw, "hwc_to_nchw", cases(_PUBLIC_ARRAYS), lambda: cases(_hidden_arrays()), _to_nchw,
                    mistakes=mistakes, convert=float32_tensor, atol=1e-6, rtol=1e-6,
                    signature="def hwc_to_nchw(image):",
                    describe=lambda array: f"hwc_to_nchw of a {array.dtype} array of shape {array.shape}",
                    hint="(H, W, C) → permute(2, 0, 1) → unsqueeze(0); uint8 values 0…255 are divided by 255")
