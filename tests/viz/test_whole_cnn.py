"""Tests of convlab.viz.whole_cnn: the figures of chapter 9 draw what they are given."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from convlab.viz.whole_cnn import draw_digits, draw_kernels_and_maps, draw_loss  # noqa: E402


def test_draw_digits_one_column_per_label():
    images = torch.rand(12, 1, 8, 8)
    labels = torch.tensor([0, 1, 2] * 4)
    fig = draw_digits(images, labels, per_class=2)
    axes = fig.axes
    assert len(axes) == 6
    assert [ax.get_title() for ax in axes[:3]] == ["0", "1", "2"]
    # the first image of label 1 is image 1
    assert torch.allclose(torch.tensor(axes[1].images[0].get_array().data), images[1, 0].double())
    plt.close(fig)


def test_draw_kernels_and_maps_layout():
    kernels, maps = torch.randn(6, 1, 3, 3), torch.rand(6, 8, 8)
    fig = draw_kernels_and_maps(torch.rand(8, 8), kernels, maps)
    titled = [ax.get_title() for ax in fig.axes]
    assert titled.count("input") == 1 and "kernel 5" in titled and "map 5" in titled
    kernel_axis = fig.axes[titled.index("kernel 2")]
    assert torch.allclose(torch.tensor(kernel_axis.images[0].get_array().data), kernels[2, 0].double())
    lo, hi = kernel_axis.images[0].get_clim()
    assert lo == -hi == -kernels.abs().max().item()  # one symmetric scale for all kernels
    plt.close(fig)


def test_draw_loss_curves():
    fig = draw_loss({"a": [3.0, 1.0, 0.1], "b": [2.0, 0.5, 0.2]}, log=True)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 2
    assert list(ax.lines[0].get_ydata()) == [3.0, 1.0, 0.1]
    plt.close(fig)


def test_bad_arguments():
    with pytest.raises(ValueError, match="images"):
        draw_digits(torch.rand(3, 8, 8), torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match="labels"):
        draw_digits(torch.rand(3, 1, 8, 8), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="per_class"):
        draw_digits(torch.rand(3, 1, 8, 8), torch.tensor([0, 1, 2]), per_class=0)
    with pytest.raises(ValueError, match="equal numbers"):
        draw_kernels_and_maps(torch.rand(8, 8), torch.randn(6, 1, 3, 3), torch.rand(5, 8, 8))
    with pytest.raises(ValueError, match="curves"):
        draw_loss({})
    with pytest.raises(ValueError, match="empty"):
        draw_loss({"a": []})
