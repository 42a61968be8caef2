"""The chapter 2 explorer shows what convlab and PyTorch compute, setting by setting."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convlab.arith import conv_output_size
from convlab.explorers import ch02_window
from convlab.ops import conv2d_loops


def test_ch02_output_cells_are_the_convolutions_up_to_the_window():
    explorer = ch02_window.build()
    x = torch.tensor(ch02_window.IMAGE, dtype=torch.float64)
    for name, kernel in ch02_window.KERNELS.items():
        k = torch.tensor(kernel, dtype=torch.float64)
        want = F.conv2d(x[None, None], k[None, None])[0, 0]
        assert torch.equal(want, conv2d_loops(x[None, None], k[None, None])[0, 0])
        side = conv_output_size(5, 3)
        for position in range(side * side):
            image, weights, output = explorer.frame(kernel=name, position=position).panels
            i, j = divmod(position, side)
            assert image.outlines == ((i, j, 3, 3),) and output.outlines == ((i, j, 1, 1),)
            assert weights.values == tuple(map(tuple, k.tolist()))
            shown = [v for row in output.values for v in row]
            assert shown == [*want.flatten().tolist()[: position + 1], *[None] * (side * side - position - 1)]
            text = explorer.frame(kernel=name, position=position).text
            assert f"add up to {want[i, j].item():g}".replace("-", "−") in text and f"output {side} by {side}" in text
