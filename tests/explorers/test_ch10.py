"""The chapter 10 explorer shows what convlab and PyTorch compute, setting by setting."""

from __future__ import annotations

import itertools
import re

import torch
import torch.nn.functional as F

from convlab.arith import transposed_output_size
from convlab.explorers import ch10_transposed


def test_ch10_sizes_are_the_formula_and_the_picture_gives_pytorchs_output():
    explorer = ch10_transposed.build()
    x = torch.tensor(ch10_transposed.IMAGE, dtype=torch.float64)
    k = torch.tensor(ch10_transposed.KERNEL, dtype=torch.float64)
    settings = itertools.product(ch10_transposed.STRIDES, ch10_transposed.PADDINGS, ch10_transposed.OUTPUT_PADDINGS)
    possible = 0
    for stride, padding, output_padding in settings:
        frame = explorer.frame(stride=stride, padding=padding, output_padding=output_padding)
        try:
            n = transposed_output_size(2, 3, stride, padding, output_padding)
        except ValueError:
            assert "impossible" in frame.text and len(frame.panels) == 2
            continue
        possible += 1
        _, picture, turned, output = frame.panels
        want = F.conv_transpose2d(x[None, None], k[None, None], stride=stride, padding=padding,
                                  output_padding=output_padding)[0, 0]
        assert output.values == tuple(map(tuple, want.tolist())) and output.shape == (n, n)
        grid = torch.tensor(picture.values, dtype=torch.float64)
        turned = torch.tensor(turned.values, dtype=torch.float64)
        # the zero-inserted picture, correlated with the turned kernel, is PyTorch's output
        assert torch.equal(F.conv2d(grid[None, None], turned[None, None])[0, 0], want)
        assert f"output {n} by {n}" in frame.text
        assert sum(grid[r, c] for r, c in picture.marks) == x.sum()  # the marks are the input's values
    assert possible == 17
    assert re.search(r"output_padding must be smaller", explorer.frame(stride=1, output_padding=1).text, re.I)
