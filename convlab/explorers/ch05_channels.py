"""Chapter 5's channels explorer: a kernel bank, its seed and an output channel, legibly.

A kernel of a layer on an RGB image has one 3×3 slice per channel; each slice correlated with
its channel gives a partial map, and the output channel is the three partial maps added up,
plus the bias. The explorer shows the slices with their weights written in, the partial maps
and their sum large, on one colour scale per kernel (its range is in the sentence). Every
number comes from :func:`convlab.probes.channel_partials` (PyTorch's convolution) and
:func:`convlab.data.kernel_bank`; the maps are averaged over 5×5 blocks so that the page stays light.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convlab.data import BANKS, kernel_bank, photo, to_chw
from convlab.explorers.grid import Control, Frame, GridExplorer, Panel, enumerate_frames, minus_signs
from convlab.probes import channel_partials

__all__ = ["BLOCK", "NAMES", "SEEDS", "build"]

NAMES = ("red", "green", "blue")
SEEDS = (0, 1, 2)  # seeds of the random bank (the hand-made one has none)
BLOCK = 5


def _grid(values: torch.Tensor) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in values.tolist())


def build(image=None, out_channels: int = 4) -> GridExplorer:
    """The explorer: a ``bank`` menu, a ``seed`` slider (random bank) and an ``out_channel`` slider.
    ``image`` (H×W×3) defaults to the chapter's ``photo(64)``."""
    x = to_chw(photo(64) if image is None else image).to(torch.float64)
    if x.shape[0] != 3:
        raise ValueError(f"image must have 3 channels (RGB), got {x.shape[0]}")
    views = {}
    for bank in BANKS:
        for seed in SEEDS:
            weight, bias = kernel_bank(bank, 3, out_channels=out_channels, seed=seed)
            partials, output = channel_partials(x, weight, bias)
            shown = F.avg_pool2d(torch.cat([partials, output[:, None]], dim=1).double(), BLOCK, ceil_mode=True)
            views[bank, seed] = weight.double(), bias.double(), shown, partials, output
    controls = (
        Control("bank", "kernels", BANKS, BANKS[0], menu=True),
        Control("seed", "seed (random kernels)", SEEDS, 0),
        Control("out_channel", "output channel", tuple(range(out_channels)), 0),
    )

    def frame(bank: str, seed: int, out_channel: int) -> Frame:
        weight, bias, shown, partials, output = views[bank, seed if bank == "random" else 0]
        w, maps = weight[out_channel], shown[out_channel]
        reach = float(maps.abs().max()) or 1.0
        slices = tuple(Panel(f"{name} slice", _grid(w[c]), colour="signed", vmin=-float(w.abs().max()) or -1.0,
                             vmax=float(w.abs().max()) or 1.0, digits=2) for c, name in enumerate(NAMES))
        partial = tuple(Panel(f"{name} partial map", _grid(maps[c]), colour="signed", vmin=-reach, vmax=reach,
                              numbers=False, digits=2, legend=True) for c, name in enumerate(NAMES))
        total = Panel(f"output channel {out_channel} = sum + bias", _grid(maps[3]), colour="signed", vmin=-reach,
                      vmax=reach, numbers=False, digits=2, legend=True)
        out = output[out_channel]
        which = "hand-made" if bank == "hand-made" else f"random (seed {seed})"
        ranges = ", ".join(f"{name} {float(partials[out_channel, c].min()):.2f} to "
                           f"{float(partials[out_channel, c].max()):.2f}" for c, name in enumerate(NAMES))
        blank = [name for c, name in enumerate(NAMES) if not w[c].any()]
        note = f" The {' and '.join(blank)} slice{'s are' if len(blank) > 1 else ' is'} zero: a blank map." if blank \
            else ""
        text = (f"{which.capitalize()} kernel {out_channel}: partial maps {ranges}; plus the bias "
                f"{float(bias[out_channel]):.2f}, the output runs from {float(out.min()):.2f} to "
                f"{float(out.max()):.2f}.{note}")
        return Frame((*slices, *partial, total), minus_signs(text))

    return GridExplorer("Channels", controls, enumerate_frames(controls, frame))
