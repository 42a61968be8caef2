"""Tests of convlab.data: the seeded stroke images of chapter 1."""

import pytest
import torch
import torch.nn.functional as F

from convlab.data import CLASSES, ShapesData, make_shapes, split_shapes


def _line_kernel(k: int, length: int) -> torch.Tensor:
    """A length × length (or 1 × length) kernel of ones along the direction of class k."""
    if k == 0:
        kernel = torch.ones(1, length)
    elif k == 1:
        kernel = torch.ones(length, 1)
    elif k == 2:
        kernel = torch.eye(length)
    else:
        kernel = torch.eye(length).flip(0)
    return kernel[None, None]


def test_shapes_dtypes_and_balance():
    data = make_shapes(402, size=10, length=4, seed=3)
    assert data.images.shape == (402, 1, 10, 10) and data.images.dtype == torch.float32
    assert data.labels.shape == (402,) and data.labels.dtype == torch.int64
    counts = torch.bincount(data.labels, minlength=len(CLASSES))
    assert counts.max() - counts.min() <= 1
    assert len(data) == 402


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = make_shapes(100, seed=5), make_shapes(100, seed=5), make_shapes(100, seed=6)
    assert torch.equal(a.images, b.images) and torch.equal(a.labels, b.labels)
    assert not torch.equal(a.images, c.images)


@pytest.mark.parametrize("size, length", [(8, 4), (12, 5), (5, 5)])
def test_noise_free_strokes_match_a_line_detector(size, length):
    """Without noise each image is one stroke of `length` equal pixels in its class's direction.

    A convolution with a line of ones reaches length × brightness only for the matching direction.
    """
    data = make_shapes(80, size=size, length=length, noise=0.0, seed=1)
    for image, label in zip(data.images, data.labels, strict=True):
        on = image[image > 0]
        assert on.numel() == length
        brightness = on[0].item()
        assert 0.6 <= brightness <= 1.0 and torch.all(on == on[0])
        for k in range(len(CLASSES)):
            best = F.conv2d(image[None], _line_kernel(k, length)).max().item()
            if k == int(label):
                assert best == pytest.approx(length * brightness)
            else:
                assert best < length * brightness - 0.5


def test_positions_vary():
    data = make_shapes(400, size=8, length=4, noise=0.0, seed=0)
    for k in range(len(CLASSES)):
        masks = data.images[data.labels == k, 0] > 0
        assert len({tuple(m.flatten().tolist()) for m in masks}) >= 10


def test_noise_level():
    clean = make_shapes(500, noise=0.0, seed=2)
    noisy = make_shapes(500, noise=0.5, seed=2)
    assert (noisy.images - clean.images).std().item() == pytest.approx(0.5, rel=0.05)


def test_split():
    data = make_shapes(50)
    train, test = split_shapes(data, 10)
    assert len(train) == 40 and len(test) == 10
    assert torch.equal(torch.cat([train.images, test.images]), data.images)
    assert isinstance(train, ShapesData)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n": 0}, ValueError),
        ({"n": 2.5}, TypeError),
        ({"size": True}, TypeError),
        ({"size": 4, "length": 5}, ValueError),
        ({"noise": -0.1}, ValueError),
        ({"noise": "loud"}, ValueError),
        ({"seed": -1}, ValueError),
    ],
)
def test_bad_arguments(kwargs, error):
    with pytest.raises(error):
        make_shapes(**kwargs)


def test_split_bad_arguments():
    data = make_shapes(20)
    with pytest.raises(ValueError, match="n_test"):
        split_shapes(data, 20)
    with pytest.raises(TypeError, match="ShapesData"):
        split_shapes(data.images, 5)
