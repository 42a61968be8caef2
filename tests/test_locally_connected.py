"""convlab.models.LocallyConnected2d: the locally-connected layer against nn.Conv2d, and its parameter count."""

import pytest
import torch
from torch import nn

from convlab.arith import conv_params, unshared_params
from convlab.models import LocallyConnected2d


def test_alexnet_conv1_count():
    """CS231n: 55·55·96 neurons, each with 11·11·3 weights and a bias."""
    assert unshared_params(3, 96, 11, 227, stride=4) == 105_705_600 == 55 * 55 * 96 * (11 * 11 * 3 + 1)
    assert conv_params(3, 96, 11) == 34_944


@pytest.mark.parametrize(("c", "o", "k", "size", "stride", "padding"), [(3, 4, 3, 8, 1, 0), (2, 5, 2, 7, 2, 1)])
def test_layer_count_matches_formula(c, o, k, size, stride, padding):
    layer = LocallyConnected2d(c, o, k, size, stride, padding)
    assert sum(p.numel() for p in layer.parameters()) == unshared_params(c, o, k, size, stride, padding)


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (2, 1), (3, 2)])
def test_equals_a_convolution_when_every_position_shares_one_kernel(stride, padding):
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 4, 3, stride=stride, padding=padding).double()
    local = LocallyConnected2d(3, 4, 3, 9, stride, padding).double()
    with torch.no_grad():
        local.weight.copy_(conv.weight.flatten(1).expand_as(local.weight))
        local.bias.copy_(conv.bias[:, None, None].expand_as(local.bias))
        x = torch.randn(2, 3, 9, 9, dtype=torch.float64)
        torch.testing.assert_close(local(x), conv(x))
        local.weight[5].add_(1.0)  # one position stops sharing: the outputs differ there only
        changed = ~torch.isclose(local(x), conv(x)).all(dim=0).all(dim=0)
    assert changed.flatten().nonzero().flatten().tolist() == [5]


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="kernel_size"):
        LocallyConnected2d(3, 4, 0, 8)
    with pytest.raises(TypeError, match="input_size"):
        LocallyConnected2d(3, 4, 3, 8.0)
    with pytest.raises(ValueError, match="shape"):
        LocallyConnected2d(3, 4, 3, 8)(torch.zeros(1, 3, 9, 9))
    with pytest.raises(ValueError, match="size"):
        unshared_params(3, 4, 3, 0)
