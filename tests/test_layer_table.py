"""Tests of convlab.layer_table, and of the nn.Conv2d pitfalls that chapter 7 shows raising."""

import pytest
import torch
from torch import nn

from convlab import arith
from convlab.layer_table import expected_output_shape, expected_params, layer_table


def test_the_notes_stack():
    torch.manual_seed(0)
    table = layer_table([nn.Conv2d(4, 32, (5, 3)), nn.Conv2d(32, 128, 5)], (1, 4, 128, 128))
    first, second = table.rows
    assert first.output_shape == (1, 32, 124, 126) == second.input_shape
    assert second.output_shape == (1, 128, 120, 122)
    assert first.params == 32 * 4 * 5 * 3 + 32
    assert table.total_params == first.params + 128 * 32 * 25 + 128
    text = repr(table)
    assert "Conv2d 4→32, 5×3" in text and f"{table.total_params:,}" in text
    assert table._repr_html_().startswith("<table>") and "(1, 128, 120, 122)" in table._repr_html_()


@pytest.mark.parametrize(
    "layer",
    [
        nn.Conv2d(3, 8, 3, stride=2, padding=1),
        nn.Conv2d(3, 6, (3, 5), dilation=(2, 1), padding=(1, 2), groups=3, bias=False),
        nn.Conv2d(3, 4, 5, padding="same"),
        nn.Conv2d(3, 4, 5, padding="valid", stride=3),
        nn.MaxPool2d(3, stride=2, padding=1),
        nn.AvgPool2d(2),
    ],
)
def test_formulas_agree_with_pytorch(layer):
    x = torch.zeros(2, 3, 17, 20)
    assert expected_output_shape(layer, tuple(x.shape)) == tuple(layer(x).shape)
    assert expected_params(layer) == sum(p.numel() for p in layer.parameters())


def test_sequential_with_linear_head():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 5))
    table = layer_table(model, (3, 1, 6, 6))
    assert [row.output_shape for row in table.rows] == [(3, 2, 4, 4), (3, 2, 4, 4), (3, 32), (3, 5)]
    assert table.total_params == arith.conv_params(1, 2, 3) + arith.linear_params(32, 5)


def test_disagreement_raises(monkeypatch):
    import convlab.layer_table as lt

    monkeypatch.setattr(lt, "expected_params", lambda layer: 1)
    with pytest.raises(RuntimeError, match="parameters"):
        lt.layer_table([nn.Conv2d(1, 1, 3)], (1, 1, 5, 5))


def test_bad_arguments():
    with pytest.raises(TypeError, match="layers"):
        layer_table([], (1, 1, 5, 5))
    with pytest.raises(TypeError, match="input_shape"):
        layer_table([nn.Conv2d(1, 1, 3)], 5)
    with pytest.raises(ValueError, match="input channels"):
        expected_output_shape(nn.Conv2d(4, 1, 3), (1, 3, 8, 8))
    with pytest.raises(TypeError, match="GRU"):
        expected_output_shape(nn.GRU(2, 2), (1, 2))


# The mistakes chapter 7 shows in raises-exception cells: they must keep raising.
def test_conv2d_pitfalls_raise():
    torch.manual_seed(0)
    conv = nn.Conv2d(4, 1, 3, padding=1)
    hwc = torch.rand(16, 16, 4)
    with pytest.raises(RuntimeError, match="expected input.*to have 4 channels, but got 3"):
        conv(torch.rand(1, 3, 16, 16))  # an RGB image into a 4-channel layer
    with pytest.raises(RuntimeError, match="to have 4 channels, but got 16"):
        conv(hwc)  # H×W×C without permute is read as an unbatched C×H×W with 16 channels
    with pytest.raises(RuntimeError, match="Expected 3D \\(unbatched\\) or 4D \\(batched\\)"):
        conv(hwc[..., 0])  # one channel without its channel axis
    with pytest.raises(RuntimeError, match="Input type \\(unsigned char\\)"):
        conv((hwc * 255).to(torch.uint8).permute(2, 0, 1).unsqueeze(0))
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        nn.Conv2d(4, 1, 3, stride=2, padding="same")
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        conv(hwc.permute(2, 0, 1)[None]).numpy()
    # ...while an unbatched C×H×W input is accepted and gives an unbatched output
    assert conv(hwc.permute(2, 0, 1)).shape == (1, 16, 16)
