"""Everything the receptive-field explorer of chapter 6 shows, for every setting of its sliders, as data.

The explorer stacks ``depth`` convolutions of ``kernel_size`` × ``kernel_size`` with one
``stride``, no padding and all weights 1, and shades each input pixel by how many paths lead
from it to one output pixel. An all-ones square kernel is a product of two 1-D ones, so that
map is the outer product of a 1-D path count with itself: this module computes the 1-D
counts by walking the windows back from the output (no autograd, no pictures) and the tests
check them against :func:`convlab.probes.dependence_map`. The HTML book's script only draws.
"""

from __future__ import annotations

import json
from itertools import product

import numpy as np

from convlab._validate import integer
from convlab.arith import conv_output_size, receptive_field

__all__ = ["RANGES", "path_counts", "receptive_view", "table", "table_json"]

# The sliders of convlab.viz.receptive.receptive_field_widget.
RANGES = {"depth": (1, 2, 3, 4, 5), "kernel_size": (1, 3, 5, 7), "stride": (1, 2, 3)}
MARGIN = 3  # pixels of input shown on each side of the field, as the explorer does
LEVELS = 63  # shades per pixel in the shipped table (a nonzero count never rounds to 0)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/"


def path_counts(layers, size: int, pixel: int) -> np.ndarray:
    """Paths from each of ``size`` input positions to output position ``pixel`` of a 1-D stack.

    ``layers`` are ``(kernel_size, stride[, dilation])`` tuples, first layer first; all weights
    are 1 and there is no padding. The 2-D map of square kernels is ``np.outer(c, c)``.

    >>> path_counts([(3, 1), (3, 1)], 7, 1).tolist()
    [0, 1, 2, 3, 2, 1, 0]
    """
    receptive_field(layers)  # validates the layers
    triples = [(int(layer[0]), int(layer[1]), int(layer[2]) if len(layer) == 3 else 1) for layer in layers]
    sizes = [integer("size", size, minimum=1)]
    for kernel_size, stride, dilation in triples:
        sizes.append(conv_output_size(sizes[-1], kernel_size, stride=stride, dilation=dilation))
    pixel = integer("pixel", pixel, minimum=0)
    if pixel >= sizes[-1]:
        raise ValueError(f"pixel must be below the output size {sizes[-1]}, got {pixel}")
    counts = np.zeros(sizes[-1], dtype=np.int64)
    counts[pixel] = 1
    for (kernel_size, stride, dilation), n_in in zip(reversed(triples), reversed(sizes[:-1]), strict=True):
        below = np.zeros(n_in, dtype=np.int64)
        for out, paths in enumerate(counts):
            if paths:
                below[out * stride : out * stride + dilation * (kernel_size - 1) + 1 : dilation] += paths
        counts = below
    return counts


def receptive_view(depth: int, kernel_size: int, stride: int) -> dict:
    """What the explorer shows for one setting, as :func:`convlab.viz.receptive.draw_receptive_field` picks it.

    ``canvas`` is the input side (the field plus a margin), ``pixel`` the output pixel whose
    field is nearest the middle, ``start`` where the formula puts that field, ``field`` the
    formula's side and ``measured`` the side of the pixels with a path, ``counts`` the 1-D counts.
    """
    depth = integer("depth", depth, minimum=1)
    layers = [(integer("kernel_size", kernel_size, minimum=1), integer("stride", stride, minimum=1))] * depth
    field = receptive_field(layers)
    canvas = field + 2 * MARGIN
    out_size, jump = canvas, 1
    for k, s in layers:
        out_size = conv_output_size(out_size, k, stride=s)
        jump *= s
    pixel = min(out_size - 1, round((canvas - field) / 2 / jump))
    counts = path_counts(layers, canvas, pixel)
    reached = np.nonzero(counts)[0]
    return {
        "canvas": canvas, "pixel": pixel, "start": pixel * jump, "field": field,
        "measured": int(reached[-1] - reached[0] + 1), "counts": counts,
    }


def _shades(counts: np.ndarray) -> str:
    levels = np.ceil(counts / counts.max() * LEVELS).astype(int)
    return "".join(_DIGITS[v] for v in levels)


def table() -> dict:
    """Every setting of the sliders: ``views[f"{depth},{kernel_size},{stride}"]`` is
    ``[canvas, start, field, measured, shades]``, ``shades`` one character per input position
    (``0`` no path, ``levels`` the most paths; the 2-D shade is the product of two)."""
    views = {}
    for depth, kernel_size, stride in product(*RANGES.values()):
        view = receptive_view(depth, kernel_size, stride)
        views[f"{depth},{kernel_size},{stride}"] = [
            view["canvas"], view["start"], view["field"], view["measured"], _shades(view["counts"]),
        ]
    return {"ranges": {k: list(v) for k, v in RANGES.items()}, "digits": _DIGITS, "levels": LEVELS, "views": views}


def table_json() -> str:
    """:func:`table` as compact JSON, for the HTML book."""
    return json.dumps(table(), separators=(",", ":"))
