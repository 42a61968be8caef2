"""Chapter 7's first layer, kernel by kernel and channel by channel, on the notes' RGBA image.

The chapter's ``stack[0]`` is ``nn.Conv2d(4, 32, kernel_size=(5, 3))`` drawn after
``torch.manual_seed(0)``. Each of its kernels has one 5×3 slice per input channel (red, green,
blue, alpha); each slice correlated with its channel gives a partial map, and a feature map is
the four partial maps added up, plus the kernel's bias. The explorer shows a kernel's slice, its
channel and its partial map, or all four partial maps and their sum. The maps are shown averaged
over 8×8 blocks (the page stays light); every number comes from ``F.conv2d`` in float64.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from convlab.data import rgba_png, to_nchw
from convlab.explorers.grid import Control, Frame, GridExplorer, Panel, enumerate_frames, minus_signs

__all__ = ["BLOCK", "CHANNELS", "KERNELS", "build", "chapter_layer"]

CHANNELS = ("red", "green", "blue", "alpha")
KERNELS = 6  # the first six of the layer's 32, as the chapter's player shows
BLOCK = 8  # pixels averaged into one cell of a drawn map


def chapter_layer() -> nn.Conv2d:
    """The chapter's first layer: ``nn.Conv2d(4, 32, kernel_size=(5, 3))`` after ``torch.manual_seed(0)``."""
    _ = torch.manual_seed(0)
    return nn.Conv2d(4, 32, kernel_size=(5, 3))


def _grid(values: torch.Tensor) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in values.tolist())


def _blocks(maps: torch.Tensor) -> torch.Tensor:
    """Maps ``(N, C, H, W)`` averaged over BLOCK×BLOCK blocks (the last ones partial)."""
    return F.avg_pool2d(maps, BLOCK, ceil_mode=True)


def build(layer: nn.Conv2d | None = None, image=None) -> GridExplorer:
    """The explorer: a ``kernel`` slider (the first :data:`KERNELS`) and a ``channel`` menu
    (each input channel, or all four and their sum). ``layer`` and ``image`` (H×W×4) default to
    the chapter's :func:`chapter_layer` and :func:`convlab.data.rgba_png`."""
    layer = chapter_layer() if layer is None else layer
    if not isinstance(layer, nn.Conv2d) or layer.in_channels != 4 or layer.out_channels < KERNELS:
        raise ValueError(f"layer must be an nn.Conv2d with 4 input channels and at least {KERNELS} kernels")
    x = to_nchw(rgba_png() if image is None else image).to(torch.float64)
    weight, bias = layer.weight.detach().to(torch.float64), layer.bias.detach().to(torch.float64)
    # partial[k, c]: kernel k's slice c correlated with channel c (a conv of one channel with one slice)
    partial = torch.stack([F.conv2d(x[:, c:c + 1], weight[:KERNELS, c:c + 1])[0] for c in range(4)], dim=1)
    feature = partial.sum(dim=1) + bias[:KERNELS, None, None]
    h, w = feature.shape[-2:]
    shown_partial, shown_feature, shown_input = _blocks(partial), _blocks(feature[:, None])[:, 0], _blocks(x)[0]
    inputs = [Panel(f"{name} channel", _grid(shown_input[c]), colour="gray", vmin=0.0, vmax=1.0, numbers=False)
              for c, name in enumerate(CHANNELS)]
    controls = (
        Control("kernel", "kernel", tuple(range(KERNELS)), 0),
        Control("channel", "channel", (*CHANNELS, "all"), "all", names=(*CHANNELS, "all four, added up"), menu=True),
    )

    def frame(kernel: int, channel: str) -> Frame:
        maps, total = shown_partial[kernel], shown_feature[kernel]
        reach = max(float(maps.abs().max()), float(total.abs().max()))
        slices = weight[kernel]
        b = float(bias[kernel])
        if channel == "all":
            panels = tuple(Panel(f"{name} partial map", _grid(m), colour="signed", vmin=-reach, vmax=reach,
                                 numbers=False, digits=2, legend=True) for name, m in zip(CHANNELS, maps, strict=True))
            panels += (Panel(f"feature map {kernel}: their sum + bias", _grid(total), colour="signed", vmin=-reach,
                             vmax=reach, numbers=False, digits=2, legend=True),)
            whole = feature[kernel]
            text = (f"Kernel {kernel}: its feature map ({h}×{w}) is the four partial maps added up, plus the bias "
                    f"{b:.2f}; it runs from {float(whole.min()):.2f} to {float(whole.max()):.2f}.")
        else:
            c = CHANNELS.index(channel)
            one = partial[kernel, c]
            panels = (
                inputs[c],
                Panel(f"kernel {kernel}, {channel} slice", _grid(slices[c]), colour="signed",
                      vmin=-float(weight.abs().max()), vmax=float(weight.abs().max()), digits=2),
                Panel(f"{channel} partial map", _grid(maps[c]), colour="signed", vmin=-reach, vmax=reach,
                      numbers=False, digits=2, legend=True),
            )
            text = (f"Kernel {kernel}, {channel} channel: the 5×3 slice's weights run from "
                    f"{float(slices[c].min()):.2f} to {float(slices[c].max()):.2f}; its partial map runs from "
                    f"{float(one.min()):.2f} to {float(one.max()):.2f}.")
        return Frame(panels, minus_signs(text))

    return GridExplorer("Kernel × channel", controls, enumerate_frames(controls, frame))
