"""The one data format of the grid explorers: controls, and per setting a few panels and a sentence.

A builder (``convlab.explorers.chNN_*``) enumerates every combination of an explorer's
controls and returns a :class:`GridExplorer`: per setting a :class:`Frame`, that is a few
:class:`Panel` (a small grid of numbers, or bars) and one sentence stating the result in words.
The live notebook explorer (:mod:`convlab.viz.grid_explorer`) draws these frames with
matplotlib; the HTML book ships :meth:`GridExplorer.to_json` and a small script draws the same
frames as SVG. Neither computes anything: every number is here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import product

__all__ = ["COLOURS", "Control", "Frame", "GridExplorer", "Panel", "enumerate_frames", "minus_signs"]

COLOURS = ("blues", "oranges", "greens", "greys", "gray", "signed")  # greys: 0 white; gray: 0 black


@dataclass(frozen=True)
class Control:
    """One control: its ``name`` (a builder's keyword), the ``label`` a reader sees, its ``values``
    and the ``initial`` one. ``names`` (optional) are the values as a reader reads them (e.g.
    kernel names). A control is a slider, or with ``menu=True`` a drop-down list."""

    name: str
    label: str
    values: tuple
    initial: object
    names: tuple[str, ...] | None = None
    menu: bool = False

    def __post_init__(self):
        if not self.values:
            raise ValueError(f"control {self.name!r} needs at least one value")
        if self.initial not in self.values:
            raise ValueError(f"control {self.name!r}: initial value {self.initial!r} is not one of {self.values}")
        if self.names is not None and len(self.names) != len(self.values):
            raise ValueError(f"control {self.name!r}: {len(self.names)} names for {len(self.values)} values")

    def name_of(self, value) -> str:
        """What a reader reads for ``value``."""
        return self.names[self.values.index(value)] if self.names else str(value)


@dataclass(frozen=True)
class Panel:
    """One picture of a frame.

    ``values`` is a 2-D grid (a tuple of equal rows; ``None`` draws a blank cell) or, with
    ``kind="bars"``, one row of bar heights with ``labels`` under them. Cells are shaded by
    ``colour`` (one of :data:`COLOURS`) from ``vmin`` to ``vmax``; ``numbers`` prints each value
    rounded to ``digits`` decimals. ``outlines`` are ``(row, col, height, width)`` rectangles
    drawn in red (the window, the bar chosen), ``marks`` single ``(row, col)`` cells outlined in
    a second colour, and ``muted`` cells drawn grey (padding, inserted zeros).
    """

    title: str
    values: tuple[tuple[float | None, ...], ...]
    kind: str = "grid"
    colour: str = "blues"
    vmin: float = 0.0
    vmax: float = 1.0
    numbers: bool = True
    digits: int = 0
    outlines: tuple[tuple[int, int, int, int], ...] = ()
    marks: tuple[tuple[int, int], ...] = ()
    muted: tuple[tuple[int, int], ...] = ()
    labels: tuple[str, ...] = ()
    legend: bool = False

    def __post_init__(self):
        if self.kind not in ("grid", "bars"):
            raise ValueError(f"kind must be 'grid' or 'bars', got {self.kind!r}")
        if self.colour not in COLOURS:
            raise ValueError(f"colour must be one of {COLOURS}, got {self.colour!r}")
        if not self.values or len({len(row) for row in self.values}) != 1 or not self.values[0]:
            raise ValueError(f"panel {self.title!r}: values must be a non-empty grid of equal rows")
        if self.kind == "bars" and (len(self.values) != 1 or len(self.labels) != len(self.values[0])):
            raise ValueError(f"panel {self.title!r}: bars need one row of values and one label per bar")
        if not self.vmax > self.vmin:
            raise ValueError(f"panel {self.title!r}: vmax must exceed vmin, got {self.vmin}, {self.vmax}")
        object.__setattr__(self, "values", tuple(tuple(self._round(v) for v in row) for row in self.values))

    def _round(self, value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        rounded = round(float(value), self.digits)
        return int(rounded) if self.digits == 0 else rounded + 0.0  # + 0.0: no "-0.0"

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.values), len(self.values[0])

    def text(self, value) -> str:
        """A value as the panel prints it."""
        return "" if value is None else f"{value:.{self.digits}f}"


@dataclass(frozen=True)
class Frame:
    """What one setting shows: its panels and one sentence that states the result."""

    panels: tuple[Panel, ...]
    text: str


# A panel in the JSON is a list in this order (no key repeated per panel); its values are whole
# numbers, each value times 10**digits (-0.13 with 2 digits is -13: a lighter page).
_PANEL_FIELDS = ("title", "kind", "colour", "vmin", "vmax", "numbers", "digits", "values", "outlines", "marks",
                 "muted", "labels", "legend")
_VALUES = _PANEL_FIELDS.index("values")


@dataclass(frozen=True)
class GridExplorer:
    """An explorer: its controls and the :class:`Frame` of every setting (in ``product`` order)."""

    title: str
    controls: tuple[Control, ...]
    frames: tuple[Frame, ...] = field(repr=False)

    def __post_init__(self):
        count = math.prod(len(c.values) for c in self.controls)
        if len(self.frames) != count:
            raise ValueError(f"{count} settings but {len(self.frames)} frames")
        if len({c.name for c in self.controls}) != len(self.controls):
            raise ValueError("control names must differ")

    @property
    def initial(self) -> dict:
        return {c.name: c.initial for c in self.controls}

    def index(self, **setting) -> int:
        """The position of ``setting``'s frame (mixed radix over the controls, the last fastest)."""
        unknown = set(setting) - {c.name for c in self.controls}
        if unknown:
            names = [c.name for c in self.controls]
            raise ValueError(f"unknown control(s) {sorted(unknown)}; this explorer has {names}")
        index = 0
        for control in self.controls:
            value = setting.get(control.name, control.initial)
            if value not in control.values:
                raise ValueError(f"{control.name} must be one of {control.values}, got {value!r}")
            index = index * len(control.values) + control.values.index(value)
        return index

    def frame(self, **setting) -> Frame:
        """The frame of ``setting`` (controls not named keep their initial value)."""
        return self.frames[self.index(**setting)]

    def to_data(self) -> dict:
        """Plain, compact data for the book's script: every distinct panel once (its values as whole
        numbers times ``10**digits``), and per frame its sentence and its panels' indexes."""
        panels: list[list] = []
        seen: dict[str, int] = {}
        frames = []
        for frame in self.frames:
            refs = []
            for panel in frame.panels:
                row = [_json_value(getattr(panel, name)) for name in _PANEL_FIELDS]
                row[_VALUES] = [[None if v is None else round(v * 10**panel.digits) for v in r] for r in panel.values]
                key = json.dumps(row)
                if key not in seen:
                    seen[key] = len(panels)
                    panels.append(row)
                refs.append(seen[key])
            frames.append([frame.text, *refs])
        controls = []
        for c in self.controls:
            entry = {"name": c.name, "label": c.label, "values": list(c.values), "initial": c.values.index(c.initial)}
            if c.names:
                entry["names"] = list(c.names)
            if c.menu:
                entry["menu"] = 1
            controls.append(entry)
        return {"title": self.title, "controls": controls, "panel_fields": list(_PANEL_FIELDS), "panels": panels,
                "frames": frames}

    def to_json(self) -> str:
        """:meth:`to_data` as JSON without spaces, safe inside an HTML ``<script>`` element."""
        text = json.dumps(self.to_data(), ensure_ascii=False, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json_value(value):
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, bool) or (isinstance(value, float) and value.is_integer()):
        return int(value)  # 2, not 2.0: a shorter page
    return value


def minus_signs(text: str) -> str:
    """``text`` with a true minus sign (−) before each negative number, as typeset text has it."""
    return re.sub(r"-(?=\d)", "−", text)


def enumerate_frames(controls: Sequence[Control], make_frame: Callable[..., Frame]) -> tuple[Frame, ...]:
    """``make_frame(**setting)`` for every setting of ``controls``, in :class:`GridExplorer` order."""
    names = [c.name for c in controls]
    settings = product(*(c.values for c in controls))
    return tuple(make_frame(**dict(zip(names, values, strict=True))) for values in settings)
