"""convlab.arith.receptive_field against hand values and against autograd on real nn.Conv2d stacks."""

import random

import pytest
import torch
from torch import nn

from convlab import arith
from convlab.arith import receptive_field


def autograd_field(layers, seed):
    """Side of the box of input pixels the centre output pixel of a real stack depends on.

    Weights are positive, so no two paths can cancel; padding is random, since it must not matter.
    """
    rng = random.Random(seed)
    triples = [(*layer, 1)[:3] for layer in layers]
    modules = []
    for kernel_size, stride, dilation in triples:
        conv = nn.Conv2d(1, 1, kernel_size, stride=stride, dilation=dilation, padding=rng.randint(0, 2))
        with torch.no_grad():
            conv.weight.uniform_(0.5, 1.5)
        modules.append(conv)
    model = nn.Sequential(*modules)
    size = receptive_field(layers) + 12
    x = torch.rand(1, 1, size, size, requires_grad=True)
    y = model(x)
    y[0, 0, y.shape[-2] // 2, y.shape[-1] // 2].backward()
    rows = torch.nonzero(x.grad[0, 0].abs().sum(dim=1)).flatten()
    cols = torch.nonzero(x.grad[0, 0].abs().sum(dim=0)).flatten()
    return int(rows[-1] - rows[0]) + 1, int(cols[-1] - cols[0]) + 1


def test_is_exported():
    assert "receptive_field" in arith.__all__


@pytest.mark.parametrize(
    "layers, expected",
    [
        ([], 1),
        ([(1, 1)], 1),
        ([(3, 1)], 3),
        ([(7, 4)], 7),
        ([(3, 1)] * 2, 5),
        ([(3, 1)] * 3, 7),
        ([(3, 1, 2)], 5),
        ([(3, 2), (3, 2), (3, 1, 2)], 23),
        ([(3, 1), (3, 2), (3, 1, 2), (5, 2)], 21),
        ([(7, 2), (3, 2), (3, 1), (3, 1)], 27),  # 7, then +2·2, +2·4, +2·4
        ([[5, 1], [3, 2, 1]], 7),  # lists are fine too
    ],
)
def test_hand_values(layers, expected):
    assert receptive_field(layers) == expected


def test_stride_one_stacks_grow_linearly_and_strided_ones_geometrically():
    assert [receptive_field([(3, 1)] * n) for n in range(6)] == [1, 3, 5, 7, 9, 11]
    assert [receptive_field([(3, 2)] * n) for n in range(6)] == [1, 3, 7, 15, 31, 63]


def test_accepts_any_iterable_of_layers():
    assert receptive_field(layer for layer in [(3, 1), (3, 1)]) == 5


@pytest.mark.parametrize("seed", range(12))
def test_matches_autograd_on_random_stacks(seed):
    rng = random.Random(seed)
    layers = []
    for _ in range(rng.randint(1, 4)):
        layer = (rng.choice([1, 2, 3, 5]), rng.choice([1, 1, 2, 3]))
        layers.append(layer + (rng.choice([1, 2, 3]),) if rng.random() < 0.5 else layer)
    torch.manual_seed(seed)
    expected = receptive_field(layers)
    assert autograd_field(layers, seed) == (expected, expected), layers


@pytest.mark.parametrize(
    "layers, index, word",
    [
        ([(0, 1)], 0, "kernel_size"),
        ([(3, 1), (3, 0)], 1, "stride"),
        ([(3, 1), (3, 1), (3, 1, 0)], 2, "dilation"),
        ([(3, 1), (-3, 1)], 1, "kernel_size"),
        ([(3, 1), (3,)], 1, "tuple"),
        ([(3, 1), (3, 1, 1, 1)], 1, "tuple"),
        ([(3, 1), 3], 1, "tuple"),
    ],
)
def test_bad_layers_raise_value_error_naming_the_index(layers, index, word):
    with pytest.raises(ValueError, match=rf"layers\[{index}\].*{word}|{word}.*layers\[{index}\]"):
        receptive_field(layers)


@pytest.mark.parametrize("layers", [[(3.0, 1)], [(3, 1), (3, "2")], [(3, True)], [(3, 1, 2.5)]])
def test_non_integers_raise_type_error(layers):
    with pytest.raises(TypeError, match=rf"layers\[{len(layers) - 1}\]"):
        receptive_field(layers)


@pytest.mark.parametrize("layers", [3, "33", None])
def test_layers_must_be_a_sequence(layers):
    with pytest.raises(TypeError, match="layers"):
        receptive_field(layers)
