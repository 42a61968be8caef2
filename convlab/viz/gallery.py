"""A gallery of feature maps: one output channel at a time, with a slider or a player.

:func:`convlab.probes.feature_maps` runs a layer on an image; :func:`plot_feature_map` draws
one map beside the input; :func:`feature_map_widget` (live, ipywidgets) and
:func:`feature_map_player` (an HTML player that needs no kernel) move through the output
channels; :func:`plot_feature_grid` shows many maps at once, :func:`plot_picture_row` a few
named pictures side by side.
"""

from __future__ import annotations

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from convlab._validate import integer
from convlab.data import to_maps
from convlab.viz.player import FRAME_DPI, MAX_FRAMES, MIN_TEXT_PT, PLAYER_WIDTH, html_player, live_widget

__all__ = ["feature_map_player", "feature_map_widget", "plot_feature_grid", "plot_feature_map", "plot_picture_row"]


def _show_input(ax, image, fontsize: float = 9) -> None:
    image = np.asarray(image)
    ax.imshow(image if image.ndim == 3 and image.shape[2] in (3, 4) else image.squeeze(), cmap="gray")
    ax.set_title("input", fontsize=fontsize)
    ax.axis("off")


def plot_feature_map(maps, index: int, *, image=None, fig: Figure | None = None, fontsize: float = 9) -> Figure:
    """Draw feature map ``index`` of ``maps`` (C×H×W), beside ``image`` when given.

    Each map gets its own colour scale (a colour bar shows it). Pass ``fig`` to redraw into
    an existing figure, as a player does for each frame. Above a ``fontsize`` of 10 (a
    player's narrow figure) the map's name becomes the figure's title, and every text is that size.
    """
    maps = to_maps(maps)
    index = integer("index", index, minimum=0)
    if index >= maps.shape[0]:
        raise ValueError(f"index must be below the number of maps ({maps.shape[0]}), got {index}")
    if fig is None:
        fig = plt.figure(figsize=(6, 3), dpi=72)
    fig.clear()
    axes = fig.subplots(1, 2 if image is not None else 1, squeeze=False)[0]
    if image is not None:
        _show_input(axes[0], image, fontsize)
    ax = axes[-1]
    shown = ax.imshow(maps[index], cmap="gray")
    bar = fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
    name = f"feature map {index} of {maps.shape[0]}  {maps.shape[1]}×{maps.shape[2]}"
    if fontsize > 10:
        fig.suptitle(name.replace("  ", ", "), fontsize=fontsize)
        ax.set_title("map", fontsize=fontsize)
        bar.ax.tick_params(labelsize=fontsize)
        bar.ax.yaxis.get_offset_text().set_fontsize(fontsize)
        fig.subplots_adjust(left=0.02, right=0.8, bottom=0.03, top=0.78, wspace=0.12)
    else:
        ax.set_title(name, fontsize=fontsize)
    ax.axis("off")
    return fig


def feature_map_widget(maps, *, image=None):
    """A live gallery (``ipywidgets.interactive``) with a slider over the output channel.

    Returns the widget; ``widget.result`` is the displayed map as a numpy array.
    """
    import ipywidgets as widgets

    maps = to_maps(maps)

    def show(channel: int) -> np.ndarray:
        plot_feature_map(maps, channel, image=image)
        return maps[channel]

    slider = widgets.IntSlider(value=0, min=0, max=maps.shape[0] - 1, description="channel")
    return live_widget(show, channel=slider)


def feature_map_player(maps, *, image=None, frames: int | None = None, interval: int = 900, dpi: int = FRAME_DPI):
    """An HTML player over the first ``frames`` maps (all of them by default, at most ``MAX_FRAMES``).

    Every frame is an embedded PNG of noisy-looking maps: keep ``frames`` few. Frames keep 128
    colours (grey maps and a photograph: a quarter fewer bytes than 256, no visible change).
    """
    maps = to_maps(maps)
    frames = min(maps.shape[0], MAX_FRAMES) if frames is None else integer("frames", frames, minimum=1)
    if frames > maps.shape[0]:
        raise ValueError(f"frames must be at most the number of maps ({maps.shape[0]}), got {frames}")
    fig = plt.figure(figsize=(PLAYER_WIDTH, 2.3), dpi=integer("dpi", dpi, minimum=20))

    def draw(index: int) -> Figure:
        return plot_feature_map(maps, index, image=image, fig=fig, fontsize=MIN_TEXT_PT)

    return html_player(fig, draw, frames, interval=interval, colors=128)


def plot_feature_grid(maps, count: int = 8, *, columns: int = 8, size: float = 0.9) -> Figure:
    """Draw the first ``count`` maps of ``maps`` (C×H×W) in a grid, each on its own scale."""
    maps = to_maps(maps)
    count = integer("count", count, minimum=1)
    columns = integer("columns", columns, minimum=1)
    count = min(count, maps.shape[0])
    rows = -(-count // columns)
    cols = min(columns, count)
    fig, axes = plt.subplots(rows, cols, figsize=(size * cols, size * rows + 0.2), dpi=72, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < count:
            ax.imshow(maps[i], cmap="gray")
            ax.set_title(str(i), fontsize=7)
    fig.tight_layout()
    return fig


def plot_picture_row(pictures, *, cmap: str = "gray", vmin=None, vmax=None, size: float = 1.9) -> Figure:
    """Draw ``pictures`` (a mapping title -> H×W or H×W×C array or tensor) side by side, each titled
    with its key; ``vmin``/``vmax`` fix one colour scale for all of them (else each has its own)."""
    if not hasattr(pictures, "items") or not pictures:
        raise TypeError(f"pictures must be a non-empty mapping of title -> picture, got {type(pictures).__name__}")
    fig, axes = plt.subplots(1, len(pictures), figsize=(size * len(pictures), size + 0.3), dpi=72, squeeze=False)
    for ax, (title, picture) in zip(axes[0], pictures.items(), strict=True):
        picture = np.asarray(picture.detach() if hasattr(picture, "detach") else picture).squeeze()
        if picture.ndim not in (2, 3):
            raise ValueError(f"picture {title!r} must be H×W or H×W×C, got shape {picture.shape}")
        ax.imshow(picture, cmap=cmap, vmin=vmin, vmax=vmax)
        ax.set_title(str(title), fontsize=9)
        ax.axis("off")
    return fig
