"""convlab.viz.examples: chapter 1's strokes, original above and pixel-shuffled below."""

import matplotlib

matplotlib.use("Agg")

import torch

from convlab.data import make_shapes, pixel_permutation, split_shapes
from convlab.viz.examples import plot_shuffled_examples


def test_plot_shuffled_examples():
    train, _ = split_shapes(make_shapes(600, seed=4), 200)
    fig = plot_shuffled_examples(train, pixel_permutation(8, 8), per_class=3)
    assert len(fig.axes) == 2 * 4 * 3
    assert fig.axes[0].get_title() == "horizontal"
    shown = fig.axes[0].images[0].get_array()
    assert torch.equal(torch.as_tensor(shown.data), train.images[(train.labels == 0).nonzero()[0, 0], 0])
