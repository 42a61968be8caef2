"""The chapter 1 explorer shows convlab's parameter counts, setting by setting."""

from __future__ import annotations

import itertools
import math

from torch import nn

from convlab.arith import CONV_KERNEL, CONV_OUT
from convlab.explorers import ch01_counts


def test_ch01_counts_are_the_layers_parameters():
    explorer = ch01_counts.build()
    for side, hidden, channels in itertools.product(ch01_counts.SIDES, ch01_counts.HIDDEN, (1, 3)):
        inputs = side * side * channels
        # counted from the layers' shapes (weights and biases), not from convlab's formula
        fc, fc_same = inputs * hidden + hidden, inputs * inputs + inputs
        conv = sum(p.numel() for p in nn.Conv2d(channels, CONV_OUT, CONV_KERNEL, device="meta").parameters())
        frame = explorer.frame(side=side, hidden=hidden, channels=channels)
        assert frame.panels[0].values == ((round(math.log10(fc), 2), round(math.log10(fc_same), 2),
                                           round(math.log10(conv), 2)),)
        assert f"has {fc:,} parameters" in frame.text and f"input {fc_same:,} (" in frame.text
        assert f"kernels {conv:,} (" in frame.text
