"""The chapter 10 cost explorer shows the layers' own parameter counts and the multiply-add formula's."""

from __future__ import annotations

import itertools
import math

from torch import nn

from convlab.explorers import ch10_costs


def counted(*layers: nn.Module) -> int:
    return sum(p.numel() for layer in layers for p in layer.parameters())


def test_ch10_costs_are_the_layers_parameters_and_multiply_adds():
    explorer = ch10_costs.build()
    size, groups = ch10_costs.SIZE, ch10_costs.GROUPS
    for k, c_in, c_out in itertools.product(ch10_costs.KERNEL_SIZES, ch10_costs.IN_CHANNELS, ch10_costs.OUT_CHANNELS):
        # counted from real layers' shapes, and the multiply-adds as weights × output positions ('same' padding)
        params = (counted(nn.Conv2d(c_in, c_out, k, bias=False, device="meta")),
                  counted(nn.Conv2d(c_in, c_out, k, groups=groups, bias=False, device="meta")),
                  counted(nn.Conv2d(c_in, c_in, k, groups=c_in, bias=False, device="meta"),
                          nn.Conv2d(c_in, c_out, 1, bias=False, device="meta")))
        macs = tuple(p * size * size for p in params)
        frame = explorer.frame(kernel_size=k, in_channels=c_in, out_channels=c_out)
        assert [panel.values for panel in frame.panels] == [
            (tuple(round(math.log10(n), 2) for n in numbers),) for numbers in (params, macs)]
        assert (f"standard {params[0]:,} parameters and {macs[0]:,} multiply-adds, grouped {params[1]:,} and "
                f"{macs[1]:,}, depthwise-separable {params[2]:,} and {macs[2]:,} (") in frame.text
        saving = "more parameters" if k == 1 else f"{params[0] / params[2]:.1f}× fewer parameters"
        assert f"({saving} than standard)." in frame.text


def test_ch10_costs_initial_setting_is_the_chapters_table():
    text = ch10_costs.build().frame().text
    assert "standard 73,728 parameters and 75,497,472 multiply-adds" in text
    assert "depthwise-separable 8,768 and 8,978,432" in text
