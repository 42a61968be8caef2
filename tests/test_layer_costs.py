"""Tests of convlab.layer_costs: parameters, multiply-adds and activation memory per layer."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from convlab.layer_costs import FLOAT32_BYTES, conv_output_macs, layer_costs, linear_macs


def _lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64, 10),
    )


def _macs_by_counting(layer: nn.Module, x: torch.Tensor) -> int:
    """Multiply-adds counted the slow way: im2col makes every dot product an explicit row."""
    if isinstance(layer, nn.Conv2d):
        cols = F.unfold(x, layer.kernel_size, padding=layer.padding, stride=layer.stride)  # N × (C·kH·kW) × L
        return layer.out_channels * cols.shape[0] * cols.shape[1] * cols.shape[2] // layer.groups
    if isinstance(layer, nn.Linear):
        return x[..., 0].numel() * layer.in_features * layer.out_features
    return 0


def test_lenet_rows_match_the_real_model():
    model = _lenet()
    table = layer_costs(model, (2, 1, 8, 8))
    x = torch.zeros(2, 1, 8, 8)
    assert len(table.rows) == len(model)
    for row, layer in zip(table.rows, model, strict=True):
        macs = _macs_by_counting(layer, x)
        x = layer(x)
        assert row.output_shape == tuple(x.shape)
        assert row.params == sum(p.numel() for p in layer.parameters())
        assert row.macs == macs and row.flops == 2 * macs
        assert row.activation_bytes == FLOAT32_BYTES * x.numel()
    assert table.params == 1590 and table.macs == 2 * 17_920 and table.flops == 4 * 17_920


def test_the_model_is_not_touched():
    model = _lenet()
    before = [p.clone() for p in model.parameters()]
    layer_costs(model, (1, 1, 8, 8))
    assert all(p.device.type == "cpu" and torch.equal(p, q) for p, q in zip(model.parameters(), before, strict=True))


def test_parameters_stay_while_compute_and_memory_grow_with_the_pixels():
    features = _lenet()[:6]
    small, big = layer_costs(features, (1, 1, 8, 8)), layer_costs(features, (1, 1, 224, 224))
    assert small.params == big.params == 940
    assert big.macs == 784 * small.macs and big.activation_bytes == 784 * small.activation_bytes


def test_grouped_and_strided_convolutions():
    layer = nn.Conv2d(8, 12, (3, 5), stride=2, padding=(1, 2), groups=4)
    row = layer_costs(nn.Sequential(layer), (3, 8, 11, 9)).rows[0]
    assert row.macs == _macs_by_counting(layer, torch.zeros(3, 8, 11, 9))
    assert row.output_shape == tuple(layer(torch.zeros(3, 8, 11, 9)).shape)


def test_text_table_has_every_row_and_totals():
    text = repr(layer_costs(_lenet(), (1, 1, 8, 8)))
    assert "Conv2d 6→16, 3×3" in text and "Linear 64→10" in text and "MaxPool2d 2" in text
    assert text.splitlines()[-1].split()[:4] == ["total", "1,590", "17,920", "35,840"]


def test_formulas():
    assert conv_output_macs(1, 6, 3, 8, 8) == 6 * 8 * 8 * 9
    assert conv_output_macs(8, 12, (3, 5), 6, 5, groups=4) == 12 * 6 * 5 * 2 * 15
    assert linear_macs(64, 10) == 640
    with pytest.raises(ValueError, match="groups"):
        conv_output_macs(6, 12, 3, 4, 4, groups=4)
    with pytest.raises(TypeError, match="out_height"):
        conv_output_macs(1, 1, 3, 2.0, 2)
    with pytest.raises(ValueError, match="in_features"):
        linear_macs(0, 3)


def test_bad_arguments():
    with pytest.raises(TypeError, match="model"):
        layer_costs("lenet", (1, 1, 8, 8))
    with pytest.raises(TypeError, match="input_shape"):
        layer_costs(_lenet(), (1, 8, 8))
    with pytest.raises(ValueError, match="input_shape"):
        layer_costs(_lenet(), (1, 1, 16, 16))  # the linear layer expects 64 features, gets 256
    with pytest.raises(ValueError, match="input_shape"):
        layer_costs(_lenet(), (1, 0, 8, 8))


def test_unknown_layers_are_refused():
    class Square(nn.Module):
        def forward(self, x):
            return x * x

    with pytest.raises(TypeError, match="Square"):
        layer_costs(nn.Sequential(nn.Conv2d(1, 2, 3), Square()), (1, 1, 5, 5))


def test_a_disagreement_with_the_formulas_raises(monkeypatch):
    import convlab.layer_costs as costs

    monkeypatch.setattr(costs, "expected_params", lambda layer: 1 + sum(p.numel() for p in layer.parameters()))
    with pytest.raises(RuntimeError, match="parameters"):
        costs.layer_costs(_lenet(), (1, 1, 8, 8))
    monkeypatch.undo()
    monkeypatch.setattr(costs, "_formula_macs", lambda layer, shape: 7)
    with pytest.raises(RuntimeError, match="multiply-adds"):
        costs.layer_costs(_lenet(), (1, 1, 8, 8))
