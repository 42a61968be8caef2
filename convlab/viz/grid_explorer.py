"""A grid explorer (:mod:`convlab.explorers.grid`) as a live Jupyter widget, drawn with matplotlib.

* :func:`draw_panel` draws one :class:`~convlab.explorers.grid.Panel` on an Axes;
* :func:`plot_frame` draws a whole frame, its panels side by side, its sentence as the title;
* :func:`grid_explorer_widget` puts the explorer's controls above it: each move redraws.

The HTML book draws the same frames from the same data (``book/_ext/static/course-grid-explorer.js``).
"""

from __future__ import annotations

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from convlab.explorers.grid import Frame, GridExplorer, Panel
from convlab.viz.grids import HIGHLIGHT_COLOR, PAD_COLOR, draw_grid
from convlab.viz.player import live_widget

__all__ = ["draw_panel", "grid_explorer_widget", "plot_frame"]

_CMAPS = {"blues": "Blues", "oranges": "Oranges", "greens": "Greens", "greys": "Greys", "gray": "gray",
          "signed": "RdBu"}
_MARK_COLOR = "#5b2a86"


def draw_panel(ax: Axes, panel: Panel) -> Axes:
    """Draw ``panel`` on ``ax``: a grid of (numbered) cells, or bars, with its outlines and marks."""
    if not isinstance(panel, Panel):
        raise TypeError(f"panel must be a convlab.explorers.grid.Panel, got {type(panel).__name__}")
    if panel.kind == "bars":
        return _draw_bars(ax, panel)
    values = np.array([[np.nan if v is None else v for v in row] for row in panel.values], dtype=float)
    if not panel.numbers and not panel.muted and values.size > 64:  # a picture: one image, not a cell per pixel
        return _draw_picture(ax, panel, values)
    draw_grid(ax, values, title=panel.title, cmap=_CMAPS[panel.colour], vmin=panel.vmin, vmax=panel.vmax,
              fmt=panel.text if panel.numbers else None, highlight=list(panel.outlines) or None)
    if panel.legend:
        _colour_bar(ax, panel, ScalarMappable(Normalize(panel.vmin, panel.vmax), _CMAPS[panel.colour]))
    muted = {(c - 0.5, r - 0.5) for r, c in panel.muted}
    for cell in ax.findobj(lambda artist: isinstance(artist, Rectangle) and artist.get_gid() == "cell"):
        if tuple(cell.get_xy()) in muted:
            cell.set_facecolor(PAD_COLOR)
    for text in ax.texts:
        if (text.get_position()[0] - 0.5, text.get_position()[1] - 0.5) in muted:
            text.set_color("#333333")
    for r, c in panel.marks:
        ax.add_patch(Rectangle((c - 0.4, r - 0.4), 0.8, 0.8, fill=False, edgecolor=_MARK_COLOR, linestyle="--",
                               linewidth=1.5))
    return ax


def _draw_picture(ax: Axes, panel: Panel, values: np.ndarray) -> Axes:
    ax.clear()
    shown = ax.imshow(values, cmap=_CMAPS[panel.colour], vmin=panel.vmin, vmax=panel.vmax, interpolation="nearest")
    if panel.legend:
        _colour_bar(ax, panel, shown)
    for r, c, h, w in panel.outlines:
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor=HIGHLIGHT_COLOR, linewidth=2))
    for r, c in panel.marks:
        ax.add_patch(Rectangle((c - 0.4, r - 0.4), 0.8, 0.8, fill=False, edgecolor=_MARK_COLOR, linestyle="--"))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(panel.title, fontsize=10)
    return ax


def _colour_bar(ax: Axes, panel: Panel, mappable) -> None:
    bar = ax.figure.colorbar(mappable, ax=ax, orientation="horizontal", fraction=0.06, pad=0.04)
    bar.set_ticks([panel.vmin, 0.0, panel.vmax] if panel.colour == "signed" else [panel.vmin, panel.vmax])
    bar.ax.tick_params(labelsize=8)


def _draw_bars(ax: Axes, panel: Panel) -> Axes:
    values = panel.values[0]
    chosen = {c for _, c, _, _ in panel.outlines}
    colours = [HIGHLIGHT_COLOR if i in chosen else "#6b9bd1" for i in range(len(values))]
    ax.clear()
    ax.bar(range(len(values)), values, color=colours)
    ax.set_xticks(range(len(values)), panel.labels)
    ax.set_ylim(panel.vmin, panel.vmax)
    ax.set_title(panel.title, fontsize=10)
    if panel.numbers:
        for i, value in enumerate(values):
            ax.text(i, value, panel.text(value), ha="center", va="bottom", fontsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def plot_frame(frame: Frame, *, width: float = 2.4, dpi: int = 72, columns: int = 4) -> Figure:
    """A figure with ``frame``'s panels, ``width`` inches each, at most ``columns`` to a row."""
    if not isinstance(frame, Frame):
        raise TypeError(f"frame must be a convlab.explorers.grid.Frame, got {type(frame).__name__}")
    n = len(frame.panels)
    across, down = min(n, columns), -(-n // columns)
    fig, axes = plt.subplots(down, across, figsize=(width * across, (width + 0.5) * down), dpi=dpi, squeeze=False)
    for ax, panel in zip(axes.flat, frame.panels, strict=False):
        draw_panel(ax, panel)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.tight_layout()
    return fig


def grid_explorer_widget(explorer: GridExplorer, *, width: float = 2.4, dpi: int = 72):
    """The explorer as live ipywidgets: a slider or drop-down per control; each move prints the
    setting's sentence and redraws its panels. The widget's ``result`` is the :class:`Frame` shown."""
    import ipywidgets

    if not isinstance(explorer, GridExplorer):
        raise TypeError(f"explorer must be a GridExplorer, got {type(explorer).__name__}")
    widgets = {}
    for control in explorer.controls:
        options = [(control.name_of(v), v) for v in control.values]
        kind = ipywidgets.Dropdown if control.menu else ipywidgets.SelectionSlider
        extra = {} if control.menu else {"continuous_update": False}
        widgets[control.name] = kind(options=options, value=control.initial, description=control.label,
                                     style={"description_width": "initial"}, **extra)

    def show(**setting):
        frame = explorer.frame(**setting)
        print(frame.text)
        plot_frame(frame, width=width, dpi=dpi)
        return frame

    return live_widget(show, **widgets)
