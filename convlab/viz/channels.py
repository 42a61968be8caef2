"""Multi-channel convolution taken apart: one partial map per input channel, then their sum.

A kernel of ``nn.Conv2d`` has one slice per input channel. Output channel ``o`` is
``sum_c corr(x[c], weight[o, c]) + bias[o]``: :func:`channel_partials` returns the terms of
that sum (:func:`convlab.probes.channel_partials` computes them), :func:`plot_partials` draws
them, :func:`channel_widget` (live, ipywidgets) and :func:`channel_player` (an HTML player,
no kernel needed) let a reader walk through them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from convlab._validate import integer
from convlab.data import BANKS, kernel_bank, to_chw
from convlab.probes import channel_partials
from convlab.viz.player import FRAME_DPI, MIN_TEXT_PT, PLAYER_WIDTH, html_player, live_widget

__all__ = ["ChannelView", "channel_player", "channel_widget", "plot_channels", "plot_partials", "plot_weight_stack"]

def plot_channels(image: np.ndarray, names=None, *, figsize=(6, 2)) -> Figure:
    """Draw each channel of an H×W×C image as its own grey picture, side by side."""
    image = np.asarray(image)
    if image.ndim != 3:
        raise ValueError(f"image must be H×W×C, got shape {image.shape}")
    channels = image.shape[2]
    if names is None:
        names = {1: ["grey"], 3: ["red", "green", "blue"], 4: ["red", "green", "blue", "alpha"]}.get(
            channels, [f"channel {c}" for c in range(channels)]
        )
    if len(names) != channels:
        raise ValueError(f"names must have one name per channel ({channels}), got {len(names)}")
    fig, axes = plt.subplots(1, channels, figsize=figsize, dpi=72, squeeze=False)
    vmax = 255 if image.dtype == np.uint8 else 1.0
    for c, ax in enumerate(axes[0]):
        ax.imshow(image[..., c], cmap="gray", vmin=0, vmax=vmax)
        ax.set_title(f"{c}: {names[c]}", fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    return fig


def plot_weight_stack(weight: torch.Tensor, *, annotate: bool | None = None) -> Figure:
    """Draw a weight tensor (O, C, kH, kW) as a grid: one row per kernel, one column per slice."""
    if not isinstance(weight, torch.Tensor) or weight.ndim != 4:
        raise ValueError("weight must be a tensor of shape (out_channels, in_channels, kH, kW)")
    w = weight.detach().to(torch.float32).numpy()
    out_channels, in_channels, kh, kw = w.shape
    if annotate is None:
        annotate = kh * kw <= 9
    limit = float(np.abs(w).max()) or 1.0
    fig, axes = plt.subplots(
        out_channels, in_channels, figsize=(1.1 * in_channels + 0.8, 1.0 * out_channels + 0.4), dpi=72, squeeze=False
    )
    for o in range(out_channels):
        for c in range(in_channels):
            ax = axes[o, c]
            ax.imshow(w[o, c], cmap="RdBu_r", vmin=-limit, vmax=limit)
            if annotate:
                for (i, j), value in np.ndenumerate(w[o, c]):
                    ax.text(j, i, f"{value:.2g}", ha="center", va="center", fontsize=6)
            ax.set_xticks([])
            ax.set_yticks([])
            if o == 0:
                ax.set_title(f"slice {c}", fontsize=8)
            if c == 0:
                ax.set_ylabel(f"kernel {o}", fontsize=8)
    fig.suptitle(f"weight {tuple(w.shape)} = (out, in, kH, kW)", fontsize=9)
    fig.tight_layout()
    return fig


def plot_partials(
    image, weight, bias=None, out_channel: int = 0, *, fig: Figure | None = None, names=None, fontsize: float = 8
) -> Figure:
    """Draw kernel ``out_channel``: its slices (top), the partial maps (bottom) and their sum.

    Pass ``fig`` to redraw into an existing figure (as a player does for each frame). At a
    ``fontsize`` above 10 the titles are short (a player's narrow figure): the channel's name, "map".
    """
    partials, output = channel_partials(image, weight, bias)
    out_channels, in_channels = partials.shape[:2]
    out_channel = integer("out_channel", out_channel, minimum=0)
    if out_channel >= out_channels:
        raise ValueError(f"out_channel must be below {out_channels}, got {out_channel}")
    if names is None:
        names = ["red", "green", "blue", "alpha"][:in_channels] if in_channels in (3, 4) else None
    names = names or [f"channel {c}" for c in range(in_channels)]
    bias_value = 0.0 if bias is None else float(bias[out_channel])
    if fig is None:
        fig = plt.figure(figsize=(6, 3), dpi=72)
    fig.clear()
    axes = fig.subplots(2, in_channels + 1, gridspec_kw={"height_ratios": [1, 2]})
    w = weight[out_channel].detach().to(torch.float32)
    wlim = float(w.abs().max()) or 1.0
    maps = partials[out_channel]
    mlim = float(torch.cat([maps.flatten(), output[out_channel].flatten()]).abs().max()) or 1.0
    short = fontsize > 10
    for c in range(in_channels):
        axes[0, c].imshow(w[c].numpy(), cmap="RdBu_r", vmin=-wlim, vmax=wlim)
        axes[0, c].set_title(names[c] if short else f"slice for {names[c]}", fontsize=fontsize)
        axes[1, c].imshow(maps[c].numpy(), cmap="RdBu_r", vmin=-mlim, vmax=mlim)
        plus = " +" if c < in_channels - 1 else ""
        axes[1, c].set_title(("map" if short else "partial map") + plus, fontsize=fontsize)
    axes[0, -1].text(0.5, 0.5, f"+ bias\n{bias_value:.3g}", ha="center", va="center", fontsize=fontsize + 1)
    axes[1, -1].imshow(output[out_channel].numpy(), cmap="RdBu_r", vmin=-mlim, vmax=mlim)
    axes[1, -1].set_title(f"= out {out_channel}" if short else f"= output channel {out_channel}", fontsize=fontsize)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, -1].axis("off")
    fig.tight_layout()
    return fig


@dataclass(frozen=True)
class ChannelView:
    """What the explorer shows for one setting of its controls."""

    bank: str
    seed: int
    out_channel: int
    weight: torch.Tensor
    bias: torch.Tensor
    partials: torch.Tensor
    output: torch.Tensor
    figure: Figure


def channel_widget(image, *, out_channels: int = 4):
    """A live explorer (``ipywidgets.interactive``): choose a kernel bank, a seed and an output channel.

    The figure shows the kernel's slices, the per-channel partial maps and their sum. The
    widget is returned (display it as a cell's last line); ``widget.result`` is the
    :class:`ChannelView` of the current setting.
    """
    import ipywidgets as widgets

    x = to_chw(image)
    in_channels = x.shape[0]
    out_channels = integer("out_channels", out_channels, minimum=1)
    banks = list(BANKS) if (in_channels, out_channels) == (3, 4) else ["random"]

    def show(bank: str, seed: int, out_channel: int) -> ChannelView:
        weight, bias = kernel_bank(bank, in_channels, out_channels=out_channels, seed=seed)
        partials, output = channel_partials(x, weight, bias)
        fig = plot_partials(x, weight, bias, out_channel)
        return ChannelView(bank, seed, out_channel, weight, bias, partials, output, fig)

    return live_widget(
        show,
        bank=widgets.Dropdown(options=banks, value=banks[0], description="kernels"),
        seed=widgets.IntSlider(value=0, min=0, max=9, description="seed (random)"),
        out_channel=widgets.IntSlider(value=0, min=0, max=out_channels - 1, description="out channel"),
    )


def channel_player(
    image, weight: torch.Tensor, bias: torch.Tensor | None = None, *, interval: int = 1200, dpi: int = FRAME_DPI
):
    """An HTML player (no kernel needed) stepping through the output channels of ``weight``."""
    if not isinstance(weight, torch.Tensor) or weight.ndim != 4:
        raise ValueError("weight must be a tensor of shape (out_channels, in_channels, kH, kW)")
    fig = plt.figure(figsize=(PLAYER_WIDTH, 2.6), dpi=integer("dpi", dpi, minimum=20))
    draw = lambda o: plot_partials(image, weight, bias, o, fig=fig, fontsize=MIN_TEXT_PT)  # noqa: E731
    return html_player(fig, draw, weight.shape[0], interval=interval)
