"""Everything the output-size explorer shows, for every setting of its sliders, as data.

The HTML book has no Python kernel, so its explorer (chapters 3 and 4) cannot compute; it
looks up. A 2-D convolution is two independent 1-D ones — the height axis and the width axis —
so one table of *axis views* covers every slider combination: a window grid is (row starts) ×
(column starts), a coverage map is the outer product of the two axes' coverage counts, and so
is the count of real pixels per output cell (see :mod:`convlab.coverage`). The browser only
draws what the table holds, and fills in the texts written in :mod:`convlab.arith`.

Every number comes from :func:`convlab.arith.conv_output_size` and :mod:`convlab.coverage`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import product

from convlab._validate import integer, pair
from convlab.arith import (
    FORMULA,
    FORMULA_END,
    KERNEL_TOO_WIDE,
    NOTES_FORMULA,
    conv_output_size,
    kernel_too_wide,
    notes_value,
)
from convlab.coverage import coverage_map, never_visited, real_pixels_per_window, window_starts
from convlab.explorers.digits import DIGITS
from convlab.explorers.digits import encode as digits

__all__ = ["ANNOUNCE", "RANGES", "AxisView", "announcement", "axis_view", "encode", "table", "table_json"]

# The explorer's sliders (convlab.viz.output_size.output_size_widget): the per-axis ones and the shared ones.
RANGES = {"size": (1, 12), "kernel_size": (1, 7), "padding": (0, 4), "stride": (1, 5), "dilation": (1, 3)}
# What a screen reader announces after each move.
ANNOUNCE = {
    "possible": "output {rows} by {cols}; {unread} of {pixels} input pixels never read",
    "impossible": "impossible: along the {axis}, the kernel does not fit in the padded input",
}
HEAD = 7  # numbers before a view's lists: out, top, notes (two), span, padded, doubled centre offset


@dataclass(frozen=True)
class AxisView:
    """What one axis of the explorer shows.

    ``out`` is the output length (0 when the kernel does not fit), ``top`` the numerator
    ``size + 2·padding − dilation·(kernel_size − 1) − 1`` of the formula, ``span`` the pixels
    one window covers, ``padded`` the padded length and ``centre2`` twice the distance from a
    window's first pixel to its centre. ``starts`` are the windows' first padded indices,
    ``coverage`` how many windows read each real pixel, ``real`` how many real (not padding)
    pixels each window reads, and ``last`` the padded indices the last window reads.
    """

    out: int
    top: int
    span: int
    padded: int
    centre2: int
    starts: tuple[int, ...] = ()
    coverage: tuple[int, ...] = ()
    real: tuple[int, ...] = ()
    last: tuple[int, ...] = ()

    @property
    def possible(self) -> bool:
        return self.out > 0


def axis_view(size, kernel_size, stride=1, padding=0, dilation=1) -> AxisView:
    """The :class:`AxisView` of one axis.

    >>> axis_view(5, 3, padding=1).coverage
    (2, 3, 3, 3, 2)
    """
    n = integer("size", size, minimum=1)
    k = integer("kernel_size", kernel_size, minimum=1)
    s = integer("stride", stride, minimum=1)
    p = integer("padding", padding, minimum=0)
    d = integer("dilation", dilation, minimum=1)
    span, padded = d * (k - 1) + 1, n + 2 * p
    top = padded - span
    if top < 0:
        return AxisView(0, top, span, padded, span - 1)
    # One axis is a 1-pixel-high image: row 0 of the 2-D maps.
    one_high = ((1, n), (1, k), (1, s), (0, p), (1, d))
    starts = tuple(window_starts(n, k, s, p, d))
    return AxisView(
        out=conv_output_size(n, k, stride=s, padding=p, dilation=d),
        top=top,
        span=span,
        padded=padded,
        centre2=span - 1,
        starts=starts,
        coverage=tuple(int(c) for c in coverage_map(*one_high)[0]),
        real=tuple(int(c) for c in real_pixels_per_window(*one_high)[0]),
        last=tuple(range(starts[-1], starts[-1] + span, d)),
    )


def encode(view: AxisView, top_offset: int, notes: int = 0) -> str:
    """One view as characters: ``out``, ``top + top_offset``, ``notes`` in two characters (1 +
    the index of the notes' value in the table's list, 0 for none), ``span``, ``padded`` and
    ``centre2``; then, when possible, the window starts (``out`` of them), the real pixels per
    window (``out``), the last window's pixels (one per kernel tap) and the coverage counts (one
    per pixel)."""
    head = digits([view.out, view.top + top_offset, *divmod(notes, len(DIGITS)), view.span, view.padded, view.centre2])
    if not view.possible:
        return head
    return head + digits(view.starts) + digits(view.real) + digits(view.last) + digits(view.coverage)


def announcement(size, kernel_size, stride=1, padding=0, dilation=1) -> str:
    """What the explorer announces for one setting (ints or ``(h, w)`` pairs), in words.

    >>> announcement(5, 3, stride=2)
    'output 2 by 2; 0 of 25 input pixels never read'
    """
    sizes, kernels = pair("size", size, minimum=1), pair("kernel_size", kernel_size, minimum=1)
    strides, paddings = pair("stride", stride, minimum=1), pair("padding", padding, minimum=0)
    dilations = pair("dilation", dilation, minimum=1)
    for i, axis in enumerate(("height", "width")):
        if kernel_too_wide(axis, sizes[i], kernels[i], paddings[i], dilations[i]):
            return ANNOUNCE["impossible"].format(axis=axis)
    rows, cols = (conv_output_size(sizes[i], kernels[i], strides[i], paddings[i], dilations[i]) for i in (0, 1))
    unread = never_visited(sizes, kernels, strides, paddings, dilations)
    return ANNOUNCE["possible"].format(rows=rows, cols=cols, unread=unread, pixels=sizes[0] * sizes[1])


def table(ranges: dict[str, tuple[int, int]] = RANGES) -> dict:
    """Every axis view of the sliders' ranges, encoded by :func:`encode`, and how to decode them.

    ``notes_values`` lists the notes' formula's values (``encode``'s ``notes`` indexes it).
    ``views`` joins the encoded views with ``|`` in the order of ``product(size, kernel_size,
    padding, stride, dilation)`` (each from its low to its high end), so a setting's index is a
    mixed-radix number over ``order``; ``digits`` maps characters back to numbers.
    """
    order = ("size", "kernel_size", "padding", "stride", "dilation")
    spans = [range(ranges[name][0], ranges[name][1] + 1) for name in order]
    top_offset = ranges["dilation"][1] * (ranges["kernel_size"][1] - 1) + 1  # the widest window
    notes_values: list[str] = []
    views = []
    for n, k, p, s, d in product(*spans):
        view = axis_view(n, k, s, p, d)
        notes = 0
        if view.possible and d == 1:
            value = notes_value(n, k, s, p)
            if value not in notes_values:
                notes_values.append(value)
            notes = notes_values.index(value) + 1
        views.append(encode(view, top_offset, notes))
    return {
        "order": list(order),
        "ranges": {name: list(ranges[name]) for name in order},
        "digits": DIGITS,
        "head": HEAD,
        "top_offset": top_offset,
        "formula": FORMULA,
        "formula_end": FORMULA_END,
        "impossible": KERNEL_TOO_WIDE,
        "notes": NOTES_FORMULA,
        "announce": ANNOUNCE,
        "notes_values": notes_values,
        "views": "|".join(views),
    }


def table_json(ranges: dict[str, tuple[int, int]] = RANGES) -> str:
    """:func:`table` as compact JSON (no spaces), for the HTML book."""
    return json.dumps(table(ranges), ensure_ascii=False, separators=(",", ":"))
