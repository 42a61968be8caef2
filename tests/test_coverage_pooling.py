"""convlab.coverage against PyTorch's own pooling windows."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F

from convlab.coverage import pool_windows, window_diagram


def _torch_pool(row: torch.Tensor, k: int, s: int, p: int, ceil: bool) -> torch.Tensor | None:
    try:
        return F.max_pool1d(row[None, None], k, s, p, ceil_mode=ceil)[0, 0]
    except RuntimeError:
        return None


def test_windows_match_max_pool1d_everywhere():
    """Same count as PyTorch, and the max over each of our windows is PyTorch's output."""
    for size, k, s, p, ceil in itertools.product(range(1, 11), range(1, 6), range(1, 5), range(3), (False, True)):
        row = torch.randperm(size, generator=torch.Generator().manual_seed(size)).double()
        real = _torch_pool(row, k, s, p, ceil)
        try:
            windows = pool_windows(size, k, s, p, ceil)
        except ValueError:
            assert real is None, (size, k, s, p, ceil)
            continue
        assert real is not None and len(windows) == len(real), (size, k, s, p, ceil)
        ours = [max(row[max(a, 0) : min(b, size)].tolist(), default=float("-inf")) for a, b in windows]
        assert ours == real.tolist(), (size, k, s, p, ceil)


def test_first_window_starts_in_the_left_padding_and_only_the_right_end_moves():
    for size, k, s, ceil in itertools.product(range(2, 12), range(2, 6), range(1, 5), (False, True)):
        for p in range(1, k // 2 + 1):
            if size + 2 * p < k:
                continue
            windows = pool_windows(size, k, s, p, ceil)
            assert windows[0][0] == -p
            assert windows[-1][0] < size  # never starts in the right-hand padding


def test_stride_defaults_to_kernel_size():
    assert pool_windows(7, 2) == [(0, 2), (2, 4), (4, 6)]
    assert pool_windows(7, 2, ceil_mode=True)[-1] == (6, 8)  # hangs past the input
    assert pool_windows(4, 1, 3, ceil_mode=True) == [(0, 1), (3, 4)]


def test_diagram_marks_padding_and_overhang():
    text = window_diagram(6, 3, 2, padding=1, ceil_mode=True)
    header, *rows = text.splitlines()
    assert header.split() == ["p", "0", "1", "2", "3", "4", "5", "p", "·"]
    assert len(rows) == 4 and rows[0] == "window 0  ■ ■ ■"
    assert rows[-1].endswith("■ ■ ■") and rows[-1].count("■") == 3


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="padding"):
        pool_windows(8, 2, padding=2)
    with pytest.raises(ValueError, match="does not fit"):
        pool_windows(2, 5, padding=1)
    with pytest.raises(TypeError, match="ceil_mode"):
        pool_windows(8, 2, ceil_mode="yes")
    with pytest.raises(TypeError, match="stride"):
        window_diagram(8, 2, stride=1.5)
    with pytest.raises(ValueError, match="kernel_size"):
        pool_windows(8, 0)


def test_docstring_examples_hold():
    import doctest

    from convlab import coverage as pooling_math

    result = doctest.testmod(pooling_math)
    assert result.attempted >= 3 and result.failed == 0
