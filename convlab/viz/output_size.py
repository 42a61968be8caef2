"""The output-size explorer of chapters 3 and 4: input size, kernel, padding, stride, dilation.

One setting, three pictures and a formula:

* the padded input, a dot at the centre of every window the kernel visits and the last
  window outlined;
* the output grid, each cell showing how many *real* (not padding) pixels its window read;
* the coverage map: how many windows read each input pixel (0s outlined in red);
* the formula with the numbers put in, checked against a real ``nn.Conv2d``.

Two ways to move it: :func:`output_size_widget` returns live ipywidgets sliders (Jupyter), and
:func:`output_size_player` renders an HTML player over one parameter (the HTML book).
Sizes all come from :func:`convlab.arith.conv_output_size`, and the formula's text and the
"impossible" message from :mod:`convlab.arith` (``formula`` and ``notes_formula`` are its).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import torch
from IPython.display import HTML
from matplotlib import pyplot as plt
from matplotlib.figure import Figure, FigureBase

from convlab._validate import pair
from convlab.arith import FORMULA_NUMBERS, conv_output_size, kernel_too_wide, notes_formula
from convlab.arith import output_size_formula as formula
from convlab.coverage import coverage_map, real_pixels_per_window, window_starts
from convlab.viz.grids import draw_coverage, draw_grid, window_cells
from convlab.viz.player import MAX_FRAMES, html_player, live_widget

__all__ = [
    "Setting",
    "View",
    "describe",
    "draw_output_size",
    "formula",
    "notes_formula",
    "output_size_player",
    "output_size_widget",
    "show_output_size",
    "torch_output_shape",
]

FIGSIZE = (6.4, 2.9)
DPI = 66


@dataclass(frozen=True)
class Setting:
    """One convolution setting, every field an ``(h, w)`` pair (``padding`` is per side)."""

    size: tuple[int, int]
    kernel_size: tuple[int, int]
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int] = (0, 0)
    dilation: tuple[int, int] = (1, 1)

    @classmethod
    def make(cls, size, kernel_size, stride=1, padding=0, dilation=1) -> Setting:
        """Build a setting from ints or ``(h, w)`` pairs, checking each argument."""
        return cls(
            pair("size", size, minimum=1),
            pair("kernel_size", kernel_size, minimum=1),
            pair("stride", stride, minimum=1),
            pair("padding", padding, minimum=0),
            pair("dilation", dilation, minimum=1),
        )

    def axis(self, i: int) -> tuple[int, int, int, int, int]:
        """``(size, kernel_size, stride, padding, dilation)`` of axis ``i`` (0 = height, 1 = width).

        That is the argument order of :func:`convlab.arith.conv_output_size`.
        """
        return self.size[i], self.kernel_size[i], self.stride[i], self.padding[i], self.dilation[i]

    def pairs(self) -> tuple[tuple[int, int], ...]:
        """``(size, kernel_size, stride, padding, dilation)``: the argument order of :mod:`convlab.coverage`."""
        return self.size, self.kernel_size, self.stride, self.padding, self.dilation

    @property
    def square(self) -> bool:
        return all(a == b for a, b in (self.size, self.kernel_size, self.stride, self.padding, self.dilation))

    def label(self) -> str:
        def show(name: str, value: tuple[int, int]) -> str:
            return f"{name}={value[0]}" if value[0] == value[1] else f"{name}={value[0]}×{value[1]}"

        size = f"{self.size[0]}×{self.size[1]} input"
        named = (("F", self.kernel_size), ("P", self.padding), ("S", self.stride), ("D", self.dilation))
        rest = ", ".join(show(n, v) for n, v in named)
        return f"{size}, {rest}"


@dataclass
class View:
    """What the explorer shows for one setting.

    ``output_shape`` is ``(h, w)`` from :func:`convlab.arith.conv_output_size` and
    ``torch_shape`` the last two dims of a real ``nn.Conv2d``'s output (both ``None`` when the
    setting is impossible, and then ``message`` says why). ``text`` is the printed report.
    """

    setting: Setting
    output_shape: tuple[int, int] | None
    torch_shape: tuple[int, int] | None
    text: str
    message: str = ""
    figure: FigureBase | None = None

    @property
    def possible(self) -> bool:
        return not self.message


def torch_output_shape(setting: Setting) -> tuple[int, int]:
    """Height and width of a real ``nn.Conv2d``'s output for ``setting`` (raises as PyTorch does).

    The layer is built inside ``torch.random.fork_rng``, so the global random state is untouched.
    """
    if not isinstance(setting, Setting):
        raise TypeError(f"setting must be a Setting, got {type(setting).__name__}")
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        conv = torch.nn.Conv2d(
            1, 1, setting.kernel_size, stride=setting.stride, padding=setting.padding, dilation=setting.dilation,
            bias=False,
        )
        out = conv(torch.zeros(1, 1, *setting.size))
    return int(out.shape[-2]), int(out.shape[-1])


def _impossible(setting: Setting) -> str:
    """Why the kernel does not fit, along the first axis where it does not ("" when it fits)."""
    for i, name in enumerate(("height", "width")):
        n, k, _, p, d = setting.axis(i)
        message = kernel_too_wide(name, n, k, padding=p, dilation=d)
        if message:
            return message
    return ""


def describe(setting: Setting) -> View:
    """Compute the output size, the formula text and PyTorch's answer for ``setting`` (no drawing)."""
    if not isinstance(setting, Setting):
        raise TypeError(f"setting must be a Setting, got {type(setting).__name__}")
    lines = [setting.label()]
    axes = [("", 0)] if setting.square else [("height: ", 0), ("width:  ", 1)]
    for prefix, i in axes:
        lines.append(prefix + "N = " + formula(*setting.axis(i)))
    message = _impossible(setting)
    if message:
        lines.append(message)
        try:
            torch_output_shape(setting)
        except RuntimeError as error:
            lines.append(f"nn.Conv2d refuses too: {str(error).splitlines()[0]}")
        return View(setting, None, None, "\n".join(lines), message)
    if setting.dilation == (1, 1):
        for prefix, i in axes:
            n, k, s, p, _ = setting.axis(i)
            lines.append(prefix + "notes: " + notes_formula(n, k, s, p))
    shape = tuple(conv_output_size(*setting.axis(i)) for i in (0, 1))
    got = torch_output_shape(setting)
    verdict = "agrees ✓" if got == shape else "DISAGREES ✗"
    lines.append(f"output {shape[0]}×{shape[1]}; nn.Conv2d gives {got[0]}×{got[1]}: {verdict}")
    return View(setting, shape, got, "\n".join(lines))


def _window_centres(setting: Setting) -> tuple[np.ndarray, np.ndarray]:
    centres = []
    for i in (0, 1):
        n, k, s, p, d = setting.axis(i)
        centres.append(np.array(window_starts(n, k, s, p, d)) + d * (k - 1) / 2)
    return np.meshgrid(centres[0], centres[1], indexing="ij")


def draw_output_size(fig: FigureBase, setting: Setting, *, coverage_vmax: float | None = None) -> View:
    """Clear ``fig`` and draw the explorer's three panels for ``setting``; return its :class:`View`.

    ``fig`` is a matplotlib Figure or SubFigure (``fig.subfigures`` puts settings side by side).
    An impossible setting draws its message instead of the panels. ``coverage_vmax`` fixes the
    colour scale of the coverage map (useful when frames are compared).
    """
    if not isinstance(fig, FigureBase):
        raise TypeError(f"fig must be a matplotlib Figure or SubFigure, got {type(fig).__name__}")
    view = describe(setting)
    fig.clear()
    view.figure = fig
    if not view.possible:
        fig.text(0.5, 0.6, setting.label(), ha="center", va="center", fontsize=10)
        fig.text(0.5, 0.4, "impossible: the kernel does not fit\nin the padded input", ha="center", va="center",
                 fontsize=11, color="#d62728")
        return view
    ax_in, ax_out, ax_cov = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.25, 1, 1]})
    (top, left) = (window_starts(*setting.axis(i))[-1] for i in (0, 1))
    last = (
        (top, left, *setting.kernel_size)
        if setting.dilation == (1, 1)
        else window_cells(top, left, setting.kernel_size, setting.dilation)
    )
    draw_grid(
        ax_in, np.ones(setting.size), padding=setting.padding, highlight=last, fmt=None, vmin=0, vmax=4,
        title="input (grey: padding)",
    )
    rows, cols = _window_centres(setting)
    ax_in.scatter(cols.ravel(), rows.ravel(), s=14, color="black", zorder=5, gid="centre")
    shape = view.output_shape
    draw_grid(
        ax_out, real_pixels_per_window(*setting.pairs()), cmap="Greens", vmin=0,
        vmax=setting.kernel_size[0] * setting.kernel_size[1], title=f"output {shape[0]}×{shape[1]}",
        highlight=(shape[0] - 1, shape[1] - 1, 1, 1),
    )
    draw_coverage(ax_cov, coverage_map(*setting.pairs()), title="coverage", vmax=coverage_vmax)
    fig.suptitle(_title(setting, shape), fontsize=9)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.8, wspace=0.08)
    return view


def _title(setting: Setting, shape: tuple[int, int]) -> str:
    parts = []
    for i, name in enumerate(("H", "W")):
        n, k, s, p, d = setting.axis(i)
        numbers = FORMULA_NUMBERS.format(size=n, kernel_size=k, stride=s, padding=p, dilation=d)
        parts.append(f"{name}: {numbers} = {shape[i]}")
    if setting.square:
        parts = [parts[0][3:]]
    return setting.label() + "\n" + "    ".join(parts)


def _new_figure() -> Figure:
    return plt.figure(figsize=FIGSIZE, dpi=DPI)


def show_output_size(W=5, F=3, P=1, S=1, D=1, H=None, F_h=None) -> View:
    """Print the report and display the figure for one setting; the function the sliders call.

    ``H`` and ``F_h`` (input and kernel height) default to ``W`` and ``F``: a square setting.
    Impossible settings print a message, never a traceback.
    """
    try:
        setting = Setting.make((W if H is None else H, W), (F if F_h is None else F_h, F), S, P, D)
    except (TypeError, ValueError) as error:
        print(f"Cannot draw this: {error}")
        return View(Setting((1, 1), (1, 1)), None, None, str(error), str(error))
    fig = _new_figure()
    view = draw_output_size(fig, setting)
    print(view.text)
    return view


def output_size_widget(W=5, F=3, P=1, S=1, D=1, H=5, F_h=3):
    """Live sliders (ipywidgets) for width ``W``, height ``H``, kernel ``F`` × ``F_h``, ``P``, ``S``, ``D``.

    Returns the ``ipywidgets.interactive`` widget: display it in Jupyter; its ``result`` is the
    current :class:`View`, and setting a slider's ``value`` redraws.
    """
    import ipywidgets as widgets

    def slider(value, low, high, description):
        return widgets.IntSlider(value=value, min=low, max=high, description=description, continuous_update=False)

    return live_widget(
        show_output_size,
        W=slider(W, 1, 12, "W (width)"),
        H=slider(H, 1, 12, "H (height)"),
        F=slider(F, 1, 7, "F (width)"),
        F_h=slider(F_h, 1, 7, "F (height)"),
        P=slider(P, 0, 4, "P (padding)"),
        S=slider(S, 1, 5, "S (stride)"),
        D=slider(D, 1, 3, "D (dilation)"),
    )


_VARIED = ("size", "kernel_size", "stride", "padding", "dilation")


def output_size_player(vary: str, values: Sequence, *, size=5, kernel_size=3, stride=1, padding=0, dilation=1) -> HTML:
    """A scrubbable animation (no kernel needed) of the explorer as ``vary`` takes ``values``.

    ``vary`` is one of ``"size"``, ``"kernel_size"``, ``"stride"``, ``"padding"``,
    ``"dilation"``; the other settings are fixed by the keyword arguments. At most 16 frames.
    """
    if vary not in _VARIED:
        raise ValueError(f"vary must be one of {_VARIED}, got {vary!r}")
    values = list(values)
    if not 1 <= len(values) <= MAX_FRAMES:
        raise ValueError(f"values must hold 1 to {MAX_FRAMES} settings, got {len(values)}")
    base = Setting.make(size, kernel_size, stride, padding, dilation)
    settings = [replace(base, **{vary: pair(vary, v, minimum=0 if vary == "padding" else 1)}) for v in values]
    vmax = max(
        (int(coverage_map(*s.pairs()).max()) for s in settings if not _impossible(s)),
        default=1,
    )
    fig = _new_figure()

    def frame(i: int) -> None:
        draw_output_size(fig, settings[i], coverage_vmax=vmax)

    return html_player(fig, frame, len(settings))
