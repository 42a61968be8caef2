"""Tests of convlab.data: scikit-learn's handwritten digits as tensors, split and shifted."""

import pytest
import torch

from convlab.data import GREY_LEVELS, Digits, load_digits, shift_with_zeros, stratified_split


@pytest.fixture(scope="module")
def data():
    return load_digits()


def test_all_digits_scaled_to_unit_range(data):
    assert data.images.shape == (1797, 1, 8, 8) and data.images.dtype == torch.float64
    assert data.labels.shape == (1797,) and data.labels.dtype == torch.int64
    assert data.images.min() == 0 and data.images.max() == 1
    assert set(data.labels.tolist()) == set(range(10))
    # 17 grey levels survive the scaling exactly
    assert torch.equal(data.images * GREY_LEVELS, (data.images * GREY_LEVELS).round())
    assert load_digits(dtype=torch.float32).images.dtype == torch.float32


def test_split_is_a_stratified_partition(data):
    train, test = stratified_split(data, 0.25, seed=0)
    assert len(train) + len(test) == len(data)
    counts = torch.bincount(data.labels)
    test_counts = torch.bincount(test.labels, minlength=10)
    assert torch.equal(test_counts, torch.round(0.25 * counts.double()).long())
    # every image lands in exactly one set: compare the multisets of (image, label) rows
    rows = lambda d: sorted(map(tuple, torch.cat([d.images.flatten(1), d.labels[:, None]], 1).tolist()))  # noqa: E731
    assert rows(Digits(torch.cat([train.images, test.images]), torch.cat([train.labels, test.labels]))) == rows(data)


def test_split_is_seeded_and_shuffled(data):
    a, b, c = stratified_split(data, seed=3), stratified_split(data, seed=3), stratified_split(data, seed=4)
    assert torch.equal(a[1].labels, b[1].labels) and torch.equal(a[1].images, b[1].images)
    assert not torch.equal(a[1].labels, c[1].labels)
    assert not torch.equal(a[1].labels, a[1].labels.sort().values), "classes should not come in blocks"


@pytest.mark.parametrize("bad, error", [(0, ValueError), (1, ValueError), (1.5, ValueError), (True, ValueError),
                                        ("0.2", ValueError)])
def test_split_rejects_bad_fractions(data, bad, error):
    with pytest.raises(error, match="test_fraction"):
        stratified_split(data, bad)


def test_split_rejects_a_fraction_that_empties_a_class():
    tiny = Digits(torch.zeros(4, 1, 2, 2), torch.tensor([0, 0, 1, 1]))
    with pytest.raises(ValueError, match="empty"):
        stratified_split(tiny, 0.1)
    with pytest.raises(TypeError, match="data"):
        stratified_split(tiny.images)


def test_digits_checks_its_shapes():
    with pytest.raises(ValueError, match="images"):
        Digits(torch.zeros(3, 8, 8), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="labels"):
        Digits(torch.zeros(3, 1, 8, 8), torch.zeros(2, dtype=torch.long))
    with pytest.raises(TypeError, match="dtype"):
        load_digits(dtype=torch.int64)


def test_shift_moves_and_fills_with_zeros():
    x = torch.arange(1.0, 17.0).reshape(1, 1, 4, 4)
    right = shift_with_zeros(x, 1, 0)
    assert torch.equal(right[..., 1:], x[..., :-1]) and (right[..., 0] == 0).all()
    up = shift_with_zeros(x, 0, -2)
    assert torch.equal(up[..., :2, :], x[..., 2:, :]) and (up[..., 2:, :] == 0).all()
    assert torch.equal(shift_with_zeros(x, 0, 0), x)
    # a move and its opposite give back the part that stayed in the frame
    back = shift_with_zeros(shift_with_zeros(x, -1, 1), 1, -1)
    assert torch.equal(back[..., :3, 1:], x[..., :3, 1:])


@pytest.mark.parametrize("kwargs, error", [({"right": 4}, ValueError), ({"down": -5}, ValueError),
                                           ({"right": 1.0}, TypeError)])
def test_shift_rejects_bad_moves(kwargs, error):
    with pytest.raises(error):
        shift_with_zeros(torch.zeros(1, 1, 4, 4), **kwargs)
    with pytest.raises(ValueError, match="images"):
        shift_with_zeros(torch.zeros(4, 4), 1)
