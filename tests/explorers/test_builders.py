"""Each explorer shows what convlab computes: its numbers are convlab's, setting by setting."""

from __future__ import annotations

import itertools
import re

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from convlab.arith import conv_output_size, transposed_output_size
from convlab.data import load_digits, shift, stratified_split
from convlab.explorers import ch02_window, ch09_shift, ch10_transposed
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


def test_ch09_probabilities_and_accuracies_are_the_models():
    test_set = stratified_split(load_digits(), test_fraction=0.25, seed=0)[1]
    _ = torch.manual_seed(3)  # untrained networks: the explorer must report whatever they say
    cnn, mlp = ch09_shift.make_lenet().double(), ch09_shift.make_digit_mlp().double()
    explorer = ch09_shift.build(cnn, mlp, test_set)
    for dx, dy in ((0, 0), (1, -2), (-2, 1)):
        moved = shift(test_set.images, dx, dy)
        with torch.no_grad():
            scores = {"CNN": cnn(moved), "MLP": mlp(moved)}
        for digit, index in enumerate(ch09_shift.DIGITS):
            frame = explorer.frame(digit=digit, dx=dx, dy=dy)
            image, *bars = frame.panels
            assert image.values == tuple(map(tuple, moved[index, 0].round().int().tolist()))
            for (name, s), panel in zip(scores.items(), bars, strict=True):
                p = s[index].softmax(dim=0)
                assert panel.values[0] == tuple(round(v, 2) + 0.0 for v in p.tolist())
                right = int((s.argmax(dim=1) == test_set.labels).sum())
                assert f"{name} says {int(p.argmax())}" in frame.text
                assert f"{name} {right}/{len(test_set.labels)}" in frame.text
                assert panel.outlines == ((0, int(p.argmax()), 1, 1),)


def test_ch09_needs_both_models_and_the_data():
    with pytest.raises(TypeError, match="together"):
        ch09_shift.build(nn.Linear(1, 1))


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
