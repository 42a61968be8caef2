"""convlab.viz.grid_explorer: the live explorer draws the frame its controls select."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib import pyplot as plt

from convlab.explorers import ch02_window, ch10_transposed
from convlab.explorers.grid import Frame, Panel
from convlab.viz.grid_explorer import draw_panel, grid_explorer_widget, plot_frame


def test_the_widget_shows_the_frame_of_its_controls():
    explorer = ch02_window.build()
    widget = grid_explorer_widget(explorer)
    kernel, position = widget.children[:2]
    assert kernel.options[0][0] == "vertical edges (k3)" and position.value == 0
    assert widget.result == explorer.frame()
    position.value = 5
    kernel.value = "box: the window's sum"
    assert widget.result == explorer.frame(kernel="box: the window's sum", position=5)
    assert plt.get_fignums() == []  # each drawing is shown and closed


def test_a_frame_is_drawn_panel_by_panel_with_its_numbers_and_marks():
    frame = ch10_transposed.build().frame(stride=2, padding=0, output_padding=1)
    fig = plot_frame(frame)
    assert [ax.get_title() for ax in fig.axes] == [p.title for p in frame.panels]
    picture = frame.panels[1]
    assert len(fig.axes[1].texts) == picture.shape[0] * picture.shape[1]
    dashed = [p for p in fig.axes[1].patches if p.get_linestyle() == "--"]
    assert len(dashed) == len(picture.marks)


def test_bars_are_drawn_with_the_chosen_one_highlighted():
    panel = Panel("p", ((0.1, 0.7, 0.2),), kind="bars", digits=2, outlines=((0, 1, 1, 1),), labels=("a", "b", "c"))
    fig, ax = plt.subplots()
    draw_panel(ax, panel)
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == [0.1, 0.7, 0.2]
    assert len({tuple(bar.get_facecolor()) for bar in ax.patches}) == 2


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="panel must be"):
        draw_panel(plt.subplots()[1], "grid")
    with pytest.raises(TypeError, match="frame must be"):
        plot_frame(Frame((), "x").panels)
    with pytest.raises(TypeError, match="explorer must be"):
        grid_explorer_widget(ch02_window.build().frame())
