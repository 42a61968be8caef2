"""Everything the output-size explorer shows, for every setting of its sliders, as data.

The HTML book has no Python kernel, so its explorer (chapters 3 and 4) cannot compute; it
looks up. A 2-D convolution is two independent 1-D ones — the height axis and the width axis —
so one table of *axis views* covers every slider combination: a window grid is (row starts) ×
(column starts), a coverage map is the outer product of the two axes' coverage counts, and so
is the count of real pixels per output cell (see :mod:`convlab.coverage`). The browser only
draws what the table holds.

Every number comes from :func:`convlab.arith.conv_output_size` and :mod:`convlab.coverage`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

from convlab._validate import integer
from convlab.arith import conv_output_size
from convlab.coverage import coverage_map, real_pixels_per_window, window_starts

__all__ = [
    "FORMULA",
    "IMPOSSIBLE",
    "NOTES",
    "RANGES",
    "AxisView",
    "axis_view",
    "encode",
    "formula_text",
    "notes_value",
    "table",
    "table_json",
]

# The explorer's sliders (convlab.viz.output_size.output_size_widget): the per-axis ones and the shared ones.
RANGES = {"size": (1, 12), "kernel_size": (1, 7), "padding": (0, 4), "stride": (1, 5), "dilation": (1, 3)}
# PyTorch's formula with the numbers put in, as convlab.viz.output_size.formula writes it.
FORMULA = (
    "⌊(W + 2P − D·(F − 1) − 1)/S⌋ + 1 = ⌊({size} + 2·{padding} − {dilation}·({kernel_size} − 1) − 1)/{stride}⌋"
    " + 1 = ⌊{top}/{stride}⌋ + 1"
)
FORMULA_END = {True: " = {out}", False: " < 1: impossible"}
# The notes' floor-free formula, as convlab.viz.output_size.notes_formula writes it (shown when D = 1).
NOTES = "(W − F + 2P)/S + 1 = ({size} − {kernel_size} + 2·{padding})/{stride} + 1 = {notes}"
IMPOSSIBLE = (
    "Impossible setting: along the {axis}, a kernel of {kernel_size} with dilation {dilation} spans {span} "
    "pixels, but the padded input has only {size} + 2·{padding} = {padded}. Use a smaller kernel or dilation, "
    "or more padding."
)
# One character per small number (a count, a position or an offset numerator); "|" separates views.
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/"


@dataclass(frozen=True)
class AxisView:
    """What one axis of the explorer shows.

    ``out`` is the output length (0 when the kernel does not fit), ``top`` the numerator
    ``size + 2·padding − dilation·(kernel_size − 1) − 1`` of the formula, ``span`` the pixels
    one window covers and ``padded`` the padded length. ``starts`` are the windows' first
    padded indices, ``coverage`` how many windows read each real pixel, and ``real`` how many
    real (not padding) pixels each window reads.
    """

    out: int
    top: int
    span: int
    padded: int
    starts: tuple[int, ...] = ()
    coverage: tuple[int, ...] = ()
    real: tuple[int, ...] = ()

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
        return AxisView(0, top, span, padded)
    # One axis is a 1-pixel-high image: row 0 of the 2-D maps.
    one_high = ((1, n), (1, k), (1, s), (0, p), (1, d))
    return AxisView(
        out=conv_output_size(n, k, stride=s, padding=p, dilation=d),
        top=top,
        span=span,
        padded=padded,
        starts=tuple(window_starts(n, k, s, p, d)),
        coverage=tuple(int(c) for c in coverage_map(*one_high)[0]),
        real=tuple(int(c) for c in real_pixels_per_window(*one_high)[0]),
    )


def formula_text(size, kernel_size, stride=1, padding=0, dilation=1) -> str:
    """The formula line of one axis, filled in from :func:`axis_view` (as the browser fills it).

    >>> formula_text(7, 3, stride=2, padding=1)
    '⌊(W + 2P − D·(F − 1) − 1)/S⌋ + 1 = ⌊(7 + 2·1 − 1·(3 − 1) − 1)/2⌋ + 1 = ⌊6/2⌋ + 1 = 4'
    """
    view = axis_view(size, kernel_size, stride, padding, dilation)
    values = dict(size=size, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation)
    return (FORMULA + FORMULA_END[view.possible]).format(**values, top=view.top, out=view.out)


def notes_value(size, kernel_size, stride=1, padding=0) -> str:
    """The value of the notes' ``(W − F + 2P)/S + 1``, unrounded, as the explorer shows it.

    >>> notes_value(6, 3, stride=2)
    '2.5 — not a whole number'
    """
    value = Fraction(size - kernel_size + 2 * padding, stride) + 1
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g} — not a whole number"


def _digits(values) -> str:
    if any(not 0 <= v < len(_DIGITS) for v in values):
        raise ValueError(f"cannot encode {values} with one character each")
    return "".join(_DIGITS[v] for v in values)


def encode(view: AxisView, top_offset: int, notes: int = 0) -> str:
    """One view as characters: ``out``, ``top + top_offset``, ``notes`` in two characters (1 +
    the index of the notes' value in the table's list, 0 for none), then, when possible, the window starts
    (``out`` of them), the real pixels per window (``out``) and the coverage counts (one per
    pixel); when impossible, ``span`` and ``padded``."""
    head = _digits([view.out, view.top + top_offset, *divmod(notes, len(_DIGITS))])
    if not view.possible:
        return head + _digits([view.span, view.padded])
    return head + _digits(view.starts) + _digits(view.real) + _digits(view.coverage)


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
        "digits": _DIGITS,
        "top_offset": top_offset,
        "formula": FORMULA,
        "formula_end": {"possible": FORMULA_END[True], "impossible": FORMULA_END[False]},
        "impossible": IMPOSSIBLE,
        "notes": NOTES,
        "notes_values": notes_values,
        "views": "|".join(views),
    }


def table_json(ranges: dict[str, tuple[int, int]] = RANGES) -> str:
    """:func:`table` as compact JSON (no spaces), for the HTML book."""
    return json.dumps(table(ranges), ensure_ascii=False, separators=(",", ":"))
