"""Everything the receptive-field explorer of chapter 6 shows, for every setting of its sliders, as data.

The explorer stacks ``depth`` convolutions of ``kernel_size`` × ``kernel_size``, each with its
own stride and dilation, no padding and all weights 1, and shades each input pixel by how many
paths lead from it to one output pixel; a red square is the formula's field and a dashed one the
field of the next output pixel, ``jump`` pixels further (:func:`convlab.arith.field_layout`).
An all-ones square kernel is a product of two 1-D ones, so that map is the outer product of a
1-D path count with itself: this module computes the 1-D counts by walking the windows back from
the output (no autograd, no pictures) and the tests check them against
:func:`convlab.probes.dependence_map`. The HTML book's script only draws.
"""

from __future__ import annotations

import json
from itertools import product

import numpy as np

from convlab._validate import integer
from convlab.arith import conv_output_size, field_layout, receptive_field
from convlab.explorers.digits import DIGITS, encode

__all__ = ["ANNOUNCE", "LAYER_RANGES", "RANGES", "announcement", "path_counts", "receptive_view", "table",
           "table_json"]

# The sliders of convlab.viz.receptive.receptive_field_widget: depth and kernel size, then a
# stride and a dilation for each layer up to the deepest.
RANGES = {"depth": (1, 2, 3), "kernel_size": (1, 3, 5, 7)}
LAYER_RANGES = {"stride": (1, 2, 3), "dilation": (1, 2, 3)}
MARGIN = 3  # pixels of input shown on each side of the two fields
LEVELS = 63  # shades per pixel in the shipped table (a nonzero count never rounds to 0)
ANNOUNCE = "each output pixel sees {field} by {field} input pixels; the next one's field starts {jump} pixels further"
# A view's numbers and how many characters each takes.
FIELDS = (("profile", 2), ("canvas", 2), ("start", 1), ("field", 2), ("jump", 1))


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


def receptive_view(layers) -> dict:
    """What the explorer shows for a stack of ``(kernel_size, stride, dilation)`` layers.

    The geometry is :func:`convlab.arith.field_layout`'s (``canvas``, ``pixel``, ``start``,
    ``field``, ``jump``), as :func:`convlab.viz.receptive.draw_receptive_field` draws it;
    ``measured`` is the side of the pixels with a path and ``counts`` the 1-D path counts.
    """
    layout = field_layout(layers, MARGIN)
    counts = path_counts(layers, layout.canvas, layout.pixel)
    reached = np.nonzero(counts)[0]
    return {
        "canvas": layout.canvas, "pixel": layout.pixel, "start": layout.start, "field": layout.field,
        "jump": layout.jump, "measured": int(reached[-1] - reached[0] + 1), "counts": counts,
    }


def announcement(layers) -> str:
    """What the explorer announces for a stack, in words.

    >>> announcement([(3, 2, 1), (3, 1, 1)])
    "each output pixel sees 7 by 7 input pixels; the next one's field starts 2 pixels further"
    """
    layout = field_layout(layers, MARGIN)
    return ANNOUNCE.format(field=layout.field, jump=layout.jump)


def settings(depth: int):
    """Every setting of a ``depth``-layer stack, in the table's order: ``(kernel_size, layers)``.

    The order is ``product(kernel_size, stride₁, dilation₁, …, stride_depth, dilation_depth)``,
    each over its values in :data:`RANGES` and :data:`LAYER_RANGES`, so a setting's index is a
    mixed-radix number.
    """
    per_layer = [LAYER_RANGES["stride"], LAYER_RANGES["dilation"]] * depth
    for kernel_size, *values in product(RANGES["kernel_size"], *per_layer):
        yield kernel_size, [(kernel_size, s, d) for s, d in zip(values[::2], values[1::2], strict=True)]


def _shades(counts: np.ndarray) -> str:
    return encode(np.ceil(counts / counts.max() * LEVELS).astype(int))


def _number(value: int, width: int) -> str:
    """``value`` in ``width`` characters of :data:`DIGITS`, most significant first."""
    if not 0 <= value < len(DIGITS) ** width:
        raise ValueError(f"cannot write {value} in {width} characters")
    places = []
    for _ in range(width):
        value, place = divmod(value, len(DIGITS))
        places.append(place)
    return encode(reversed(places))


def table() -> dict:
    """Every setting of the sliders, and how to read it.

    ``views[depth - 1]`` holds one entry per setting of :func:`settings`: the numbers of
    ``fields``, each in as many characters as it says (most significant first). ``profiles[profile]``
    is one shade per input position from the first with a path (at ``start``) to the last, so its
    length is the measured field (``0`` no path, ``levels`` the most paths; the 2-D shade is the
    product of two).
    """
    profiles: dict[str, int] = {}
    views = []
    for depth in RANGES["depth"]:
        entries = []
        for _, layers in settings(depth):
            view = receptive_view(layers)
            shades = _shades(view["counts"])[view["start"] :][: view["measured"]]
            values = {**view, "profile": profiles.setdefault(shades, len(profiles))}
            entries.append("".join(_number(values[name], width) for name, width in FIELDS))
        views.append("".join(entries))
    return {
        "ranges": {k: list(v) for k, v in RANGES.items()},
        "layer_ranges": {k: list(v) for k, v in LAYER_RANGES.items()},
        "digits": DIGITS, "fields": [list(f) for f in FIELDS], "levels": LEVELS, "announce": ANNOUNCE,
        "profiles": list(profiles), "views": views,
    }


def table_json() -> str:
    """:func:`table` as compact JSON, for the HTML book."""
    return json.dumps(table(), separators=(",", ":"))
