"""The chapter 9 explorer shows what convlab and PyTorch compute, setting by setting."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from convlab.data import Digits, shift_with_zeros
from convlab.explorers import ch09_shift


def test_ch09_probabilities_and_accuracies_are_the_models():
    generator = torch.Generator().manual_seed(5)  # random digits and untrained networks: the explorer
    test_set = Digits(torch.rand(40, 1, 8, 8, generator=generator, dtype=torch.float64),  # reports what they say
                      torch.randint(0, 10, (40,), generator=generator))
    _ = torch.manual_seed(3)
    cnn, mlp = ch09_shift.make_lenet().double(), ch09_shift.make_digit_mlp().double()
    explorer = ch09_shift.build(cnn, mlp, test_set)
    for dx, dy in ((0, 0), (1, -2), (-2, 1)):
        moved = shift_with_zeros(test_set.images, dx, dy)
        with torch.no_grad():
            scores = {"CNN": cnn(moved), "MLP": mlp(moved)}
        for digit, index in enumerate(ch09_shift.DIGITS):
            frame = explorer.frame(digit=digit, dx=dx, dy=dy)
            image, *bars = frame.panels
            assert image.values == tuple(tuple(round(v, 1) + 0.0 for v in row) for row in moved[index, 0].tolist())
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
