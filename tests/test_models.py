"""convlab.models: the SE and depthwise-separable blocks, cost counts, and the tiny experiment (train)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from convlab.arith import conv_macs, conv_params, linear_params
from convlab.data import shapes_dataset
from convlab.models import DepthwiseSeparable, SqueezeExcitation, cost_rows, param_count, reinitialised
from convlab.tables import format_table
from convlab.train import fit_and_score, time_module


@pytest.mark.parametrize("channels, reduction", [(16, 4), (64, 16), (6, 3), (5, 1)])
def test_se_block_counts_and_scales_each_channel(channels, reduction):
    torch.manual_seed(0)
    se = SqueezeExcitation(channels, reduction)
    hidden = channels // reduction
    assert param_count(se) == linear_params(channels, hidden) + linear_params(hidden, channels)
    x = torch.rand(2, channels, 5, 6) + 0.1
    with torch.no_grad():
        gates = se.gates(x)
        expected = torch.sigmoid(se.excite[2](torch.relu(se.excite[0](x.mean((2, 3))))))
        assert torch.allclose(gates, expected)
        assert ((gates > 0) & (gates < 1)).all()
        assert torch.allclose(se(x), x * gates[:, :, None, None])


def test_se_block_rejects_bad_arguments():
    with pytest.raises(ValueError, match="reduction"):
        SqueezeExcitation(4, 8)
    with pytest.raises(TypeError, match="channels"):
        SqueezeExcitation(4.0)
    with pytest.raises(ValueError, match="x must be"):
        SqueezeExcitation(4, 2).gates(torch.zeros(4, 3))


def test_depthwise_separable_matches_its_two_convolutions():
    torch.manual_seed(0)
    block = DepthwiseSeparable(8, 16, 3, padding=1)
    x = torch.randn(1, 8, 10, 10)
    depthwise = nn.functional.conv2d(x, block[0].weight, padding=1, groups=8)
    assert torch.allclose(block(x), nn.functional.conv2d(depthwise, block[1].weight), atol=1e-6)
    assert param_count(block) == conv_params(8, 8, 3, bias=False, groups=8) + conv_params(8, 16, 1, bias=False)


def test_conv_macs_counts_multiply_adds():
    # 3 × 3 × 4 weights per output value, 6 × 6 outputs per channel, 5 channels
    assert conv_macs(4, 5, 3, 8) == 3 * 3 * 4 * 6 * 6 * 5
    assert conv_macs(4, 8, 3, 8, padding=1, groups=4) == 3 * 3 * 1 * 8 * 8 * 8
    assert conv_macs(4, 5, (1, 3), (6, 9), stride=(1, 2)) == 1 * 3 * 4 * 6 * 4 * 5


def test_cost_rows_keep_the_shape_and_cut_the_cost():
    rows = cost_rows(16, 32, 3, 12, groups=4)
    x = torch.zeros(1, 16, 12, 12)
    assert [r["name"] for r in rows] == ["standard", "grouped (groups=4)", "depthwise-separable"]
    for row in rows:
        assert row["module"](x).shape == (1, 32, 12, 12)
        assert row["params"] == param_count(row["module"])
    assert rows[0]["macs"] == rows[0]["params"] * 144
    assert rows[1]["params"] * 4 == rows[0]["params"]
    assert rows[0]["macs"] > rows[1]["macs"] > rows[2]["macs"]


def test_time_module_and_table():
    assert 0 < time_module(nn.Identity(), torch.zeros(3), repeats=2) < 1
    with pytest.raises(ValueError, match="repeats"):
        time_module(nn.Identity(), torch.zeros(3), repeats=0)
    table = format_table([{"a": "x", "b": 1234, "c": 0.5}], ["a", "b", "c"]).splitlines()
    assert table == ["a      b     c", "-  -----  ----", "x  1,234  0.50"]


def test_shapes_dataset_is_seeded_and_labelled():
    (x1, y1), (x2, y2) = shapes_dataset(20, seed=3), shapes_dataset(20, seed=3)
    assert torch.equal(x1, x2) and torch.equal(y1, y2)
    assert x1.shape == (20, 1, 12, 12) and set(y1.tolist()) == {0, 1}
    assert not torch.equal(shapes_dataset(20, seed=4)[0], x1)


def test_fit_and_score_learns_and_restores_threads():
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(4, 2))
    train, test = shapes_dataset(32, seed=1), shapes_dataset(64, seed=2)
    train_acc, test_acc = fit_and_score(model, train, test, steps=60, lr=0.03)
    assert train_acc > 0.9 and test_acc > 0.7
    assert torch.get_num_threads() == threads


def test_hand_written_adam_matches_torch_adamw():
    data = shapes_dataset(16, seed=5)
    models = []
    for _ in range(2):
        torch.manual_seed(0)
        models.append(nn.Sequential(nn.Flatten(), nn.Linear(144, 2)))
    fit_and_score(models[0], data, data, steps=5, lr=0.01, weight_decay=0.1)
    optimizer = torch.optim.AdamW(models[1].parameters(), lr=0.01, weight_decay=0.1)
    for _ in range(5):
        optimizer.zero_grad()
        nn.functional.cross_entropy(models[1](data[0]), data[1]).backward()
        optimizer.step()
    for a, b in zip(models[0].parameters(), models[1].parameters(), strict=True):
        assert torch.allclose(a, b, atol=1e-6)


def small_cnn() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Sequential(nn.Linear(4 * 4 * 4, 8), nn.ReLU()), nn.Linear(8, 3),
    )  # fmt: skip


def test_reinitialised_is_the_model_built_after_seeding_and_touches_nothing_else():
    _ = torch.manual_seed(0)
    model = small_cnn()
    before = [p.clone() for p in model.parameters()]
    state = torch.get_rng_state()
    again = reinitialised(model, 5)
    assert torch.equal(torch.get_rng_state(), state)  # the global generator is where it was
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), before, strict=True))  # the original kept
    _ = torch.manual_seed(5)
    built = small_cnn()
    assert all(torch.equal(p, q) for p, q in zip(again.parameters(), built.parameters(), strict=True))
    assert not torch.equal(again[0].weight, model[0].weight)
    assert torch.equal(reinitialised(model, 0)[0].weight, model[0].weight)  # seed 0: as built above


def test_reinitialised_rejects_bad_arguments():
    with pytest.raises(TypeError, match="model"):
        reinitialised("lenet", 1)
    with pytest.raises(TypeError, match="seed"):
        reinitialised(small_cnn(), 1.5)
    with pytest.raises(ValueError, match="seed"):
        reinitialised(small_cnn(), -1)
