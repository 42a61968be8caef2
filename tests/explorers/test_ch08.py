"""The chapter 8 explorer shows what convlab and PyTorch compute, setting by setting."""

from __future__ import annotations

import itertools

import torch
import torch.nn.functional as F

from convlab.arith import pool_output_size
from convlab.explorers import ch08_pooling


def test_ch08_outputs_are_pytorchs_pooling_and_the_coverage_autograds():
    explorer = ch08_pooling.build()
    x = torch.tensor(ch08_pooling.chapter_grid(), dtype=torch.float64)[None, None]
    for kernel_size, stride, ceil_mode in itertools.product((1, 2, 3, 4), (1, 2, 3, 4), (False, True)):
        frame = explorer.frame(kernel_size=kernel_size, stride=stride, ceil_mode=ceil_mode)
        _, largest, mean, coverage = frame.panels
        n = pool_output_size(7, kernel_size, stride, ceil_mode=ceil_mode)
        want_max = F.max_pool2d(x, kernel_size, stride, ceil_mode=ceil_mode)[0, 0]
        want_avg = F.avg_pool2d(x, kernel_size, stride, ceil_mode=ceil_mode)[0, 0]
        assert largest.values == tuple(map(tuple, want_max.tolist())) and largest.shape == (n, n)
        assert mean.values == tuple(tuple(round(v, 1) + 0.0 for v in row) for row in want_avg.tolist())
        # each pixel's gradient of the sum of all window sums is the number of windows that read it
        pixels = x.clone().requires_grad_(True)
        F.avg_pool2d(pixels, kernel_size, stride, ceil_mode=ceil_mode, divisor_override=1).sum().backward()
        reads = pixels.grad[0, 0].round().int()
        assert coverage.values == tuple(map(tuple, reads.tolist()))
        unread = int((reads == 0).sum())
        assert f"output {n} by {n}" in frame.text and f"{unread} pixel{'s' * (unread != 1)} never read" in frame.text
