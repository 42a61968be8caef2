"""The chapter 5 explorer shows the partial maps PyTorch computes, and their sum."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convlab.data import kernel_bank, photo, to_chw
from convlab.explorers import ch05_channels


def _rounded(m):
    return tuple(tuple(round(v, 2) + 0.0 for v in row) for row in m.tolist())


def test_ch05_slices_partial_maps_and_output_are_pytorchs():
    explorer = ch05_channels.build()
    x = to_chw(photo(64))[None]
    for bank, seed in (("hand-made", 0), ("random", 2)):
        weight, bias = kernel_bank(bank, 3, out_channels=4, seed=seed)
        # every slice on its own channel at once: a grouped convolution, group c = channel c
        slices = weight.transpose(0, 1).reshape(12, 1, 3, 3)
        partials = F.conv2d(x, slices, groups=3)[0].unflatten(0, (3, 4))
        output = F.conv2d(x, weight, bias)[0]
        pool = ch05_channels.BLOCK
        for o in range(4):
            frame = explorer.frame(bank=bank, seed=seed, out_channel=o)
            assert [p.values for p in frame.panels[:3]] == [_rounded(weight[o, c]) for c in range(3)]
            maps = F.avg_pool2d(torch.cat([partials[:, o], output[o][None]]), pool, ceil_mode=True)
            assert [p.values for p in frame.panels[3:]] == [_rounded(m) for m in maps]
            assert frame.panels[6].legend and f"{float(output[o].max()):.2f}" in frame.text
            assert torch.allclose(partials[:, o].sum(0) + bias[o], output[o], atol=1e-5)
