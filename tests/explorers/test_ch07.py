"""The chapter 7 explorer shows what convlab and PyTorch compute, setting by setting."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from convlab.data import rgba_png, to_nchw
from convlab.explorers import ch07_channels


def test_ch07_partial_maps_add_up_to_the_chapters_layer():
    _ = torch.manual_seed(0)  # the chapter's stack, as chapter 7 builds it
    stack = nn.Sequential(nn.Conv2d(4, 32, kernel_size=(5, 3)), nn.Conv2d(32, 128, kernel_size=5))
    assert torch.equal(ch07_channels.chapter_layer().weight, stack[0].weight)
    explorer = ch07_channels.build()
    x = to_nchw(rgba_png()).to(torch.float64)
    weight, bias = stack[0].weight.detach().double(), stack[0].bias.detach().double()
    n, pool = ch07_channels.KERNELS, ch07_channels.BLOCK
    maps = F.avg_pool2d(F.conv2d(x, weight[:n], bias[:n]), pool, ceil_mode=True)[0]
    # every slice on its own channel at once: a grouped convolution, group c = channel c
    slices = weight[:n].transpose(0, 1).reshape(4 * n, 1, *weight.shape[2:])
    partials = F.avg_pool2d(F.conv2d(x, slices, groups=4), pool, ceil_mode=True)[0].unflatten(0, (4, n))

    def rounded(m):
        return tuple(tuple(round(v, 2) + 0.0 for v in row) for row in m.tolist())

    for kernel in range(n):
        assert explorer.frame(kernel=kernel, channel="all").panels[-1].values == rounded(maps[kernel])
        for c, name in enumerate(ch07_channels.CHANNELS):
            _, piece, partial = explorer.frame(kernel=kernel, channel=name).panels
            assert piece.values == rounded(weight[kernel, c])
            assert partial.values == rounded(partials[c, kernel])
