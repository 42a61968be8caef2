"""Multi-channel convolution taken apart: one partial map per input channel, then their sum.

A kernel of ``nn.Conv2d`` has one slice per input channel. Output channel ``o`` is
``sum_c corr(x[c], weight[o, c]) + bias[o]``: :func:`channel_partials` returns the terms of
that sum, :func:`plot_partials` draws them, :func:`channel_explorer` (live, ipywidgets) and
:func:`channel_scrubber` (an HTML player, no kernel needed) let a reader walk through them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from convlab import anim
from convlab._validate import integer

__all__ = [
    "BANKS",
    "ChannelView",
    "channel_explorer",
    "channel_partials",
    "channel_scrubber",
    "kernel_bank",
    "plot_channels",
    "plot_partials",
    "plot_weight_stack",
]

BANKS = ("hand-made", "random")  # the kernel banks the explorer offers

_SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
_CENTRE = torch.tensor([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
_LUMA = (0.299, 0.587, 0.114)


def _as_chw(image) -> torch.Tensor:
    """An image (H×W×C array, C×H×W or 1×C×H×W tensor) as a float32 C×H×W tensor."""
    if isinstance(image, np.ndarray):
        if image.ndim != 3:
            raise ValueError(f"image must be an H×W×C array, got shape {image.shape}")
        image = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)
    if not isinstance(image, torch.Tensor):
        raise TypeError(f"image must be a numpy array or a torch tensor, got {type(image).__name__}")
    if image.ndim == 4 and image.shape[0] == 1:
        image = image[0]
    if image.ndim != 3:
        raise ValueError(f"image must be C×H×W or 1×C×H×W, got shape {tuple(image.shape)}")
    return image.detach().to(torch.float32)


def kernel_bank(name: str, in_channels: int = 3, *, out_channels: int = 4, seed: int = 0):
    """A ``(weight, bias)`` pair for a layer ``in_channels → out_channels`` with 3×3 kernels.

    ``"hand-made"`` (RGB input only, four kernels): 0 = red minus green at each pixel,
    1 = vertical edges summed over the channels, 2 = horizontal edges in blue only,
    3 = a 3×3 blur of the brightness. ``"random"``: weights and biases drawn from a
    generator seeded with ``seed``, scaled like PyTorch's default initialisation.
    """
    if name not in BANKS:
        raise ValueError(f"name must be one of {BANKS}, got {name!r}")
    in_channels = integer("in_channels", in_channels, minimum=1)
    out_channels = integer("out_channels", out_channels, minimum=1)
    seed = integer("seed", seed, minimum=0)
    if name == "random":
        generator = torch.Generator().manual_seed(seed)
        bound = 1.0 / (in_channels * 9) ** 0.5
        weight = (torch.rand(out_channels, in_channels, 3, 3, generator=generator) * 2 - 1) * bound
        bias = (torch.rand(out_channels, generator=generator) * 2 - 1) * bound
        return weight, bias
    if in_channels != 3 or out_channels != 4:
        raise ValueError(
            f"the hand-made bank is for RGB input with four kernels: in_channels must be 3 and "
            f"out_channels 4, got {in_channels} and {out_channels}"
        )
    weight = torch.zeros(4, 3, 3, 3)
    weight[0, 0], weight[0, 1] = _CENTRE, -_CENTRE
    weight[1] = _SOBEL_X / 3
    weight[2, 2] = _SOBEL_X.T
    for c, share in enumerate(_LUMA):
        weight[3, c] = torch.full((3, 3), share / 9)
    return weight, torch.zeros(4)


def channel_partials(image, weight: torch.Tensor, bias: torch.Tensor | None = None, *, padding: int = 0):
    """The per-channel terms of a multi-channel convolution, and their sum.

    ``image`` is C×H×W (or 1×C×H×W, or an H×W×C array), ``weight`` is (O, C, kH, kW).
    Returns ``(partials, output)``: ``partials[o, c]`` is input channel ``c`` correlated
    with its own slice ``weight[o, c]``; ``output[o] = partials[o].sum(0) + bias[o]``, which
    equals ``F.conv2d`` of the whole image.
    """
    x = _as_chw(image)
    if not isinstance(weight, torch.Tensor) or weight.ndim != 4:
        raise ValueError("weight must be a tensor of shape (out_channels, in_channels, kH, kW)")
    if weight.shape[1] != x.shape[0]:
        raise ValueError(
            f"weight has {weight.shape[1]} slices per kernel but image has {x.shape[0]} channels: "
            "a kernel needs exactly one slice per input channel"
        )
    padding = integer("padding", padding, minimum=0)
    weight = weight.detach().to(torch.float32)
    out_channels, in_channels = weight.shape[:2]
    if bias is None:
        bias = torch.zeros(out_channels)
    elif not isinstance(bias, torch.Tensor) or tuple(bias.shape) != (out_channels,):
        raise ValueError(f"bias must be a tensor of shape ({out_channels},)")
    rows = []
    for o in range(out_channels):
        # one single-channel correlation per input channel: a 1×1×H×W input, a 1×1×kH×kW kernel
        terms = [F.conv2d(x[c][None, None], weight[o, c][None, None], padding=padding) for c in range(in_channels)]
        terms = [term[0, 0] for term in terms]
        rows.append(torch.stack(terms))
    partials = torch.stack(rows)
    output = partials.sum(dim=1) + bias.detach().to(torch.float32)[:, None, None]
    return partials, output


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


def plot_partials(image, weight, bias=None, out_channel: int = 0, *, fig: Figure | None = None, names=None) -> Figure:
    """Draw kernel ``out_channel``: its slices (top), the partial maps (bottom) and their sum.

    Pass ``fig`` to redraw into an existing figure (as a player does for each frame).
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
    for c in range(in_channels):
        axes[0, c].imshow(w[c].numpy(), cmap="RdBu_r", vmin=-wlim, vmax=wlim)
        axes[0, c].set_title(f"slice for {names[c]}", fontsize=8)
        axes[1, c].imshow(maps[c].numpy(), cmap="RdBu_r", vmin=-mlim, vmax=mlim)
        axes[1, c].set_title("partial map" + (" +" if c < in_channels - 1 else ""), fontsize=8)
    axes[0, -1].text(0.5, 0.5, f"+ bias\n{bias_value:.3g}", ha="center", va="center", fontsize=9)
    axes[1, -1].imshow(output[out_channel].numpy(), cmap="RdBu_r", vmin=-mlim, vmax=mlim)
    axes[1, -1].set_title(f"= output channel {out_channel}", fontsize=8)
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


def channel_explorer(image, *, out_channels: int = 4):
    """A live explorer (``ipywidgets.interactive``): choose a kernel bank, a seed and an output channel.

    The figure shows the kernel's slices, the per-channel partial maps and their sum. The
    widget is returned (display it as a cell's last line); ``widget.result`` is the
    :class:`ChannelView` of the current setting.
    """
    import ipywidgets as widgets

    x = _as_chw(image)
    in_channels = x.shape[0]
    out_channels = integer("out_channels", out_channels, minimum=1)
    banks = list(BANKS) if (in_channels, out_channels) == (3, 4) else ["random"]

    def show(bank: str, seed: int, out_channel: int) -> ChannelView:
        weight, bias = kernel_bank(bank, in_channels, out_channels=out_channels, seed=seed)
        partials, output = channel_partials(x, weight, bias)
        fig = plot_partials(x, weight, bias, out_channel)
        plt.show()
        return ChannelView(bank, seed, out_channel, weight, bias, partials, output, fig)

    return widgets.interactive(
        show,
        bank=widgets.Dropdown(options=banks, value=banks[0], description="kernels"),
        seed=widgets.IntSlider(value=0, min=0, max=9, description="seed (random)"),
        out_channel=widgets.IntSlider(value=0, min=0, max=out_channels - 1, description="out channel"),
    )


def channel_scrubber(
    image, weight: torch.Tensor, bias: torch.Tensor | None = None, *, interval: int = 1200, dpi: int = 60
):
    """An HTML player (no kernel needed) stepping through the output channels of ``weight``."""
    if not isinstance(weight, torch.Tensor) or weight.ndim != 4:
        raise ValueError("weight must be a tensor of shape (out_channels, in_channels, kH, kW)")
    frames = weight.shape[0]
    if frames > 16:
        raise ValueError(f"weight has {frames} kernels; the player shows at most 16")
    fig = plt.figure(figsize=(6, 3), dpi=integer("dpi", dpi, minimum=20))
    return anim.scrubber(fig, lambda o: plot_partials(image, weight, bias, o, fig=fig), frames, interval=interval)
