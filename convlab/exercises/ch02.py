"""Checks of the graded exercises of chapter 2 (the convolution operation)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convlab.exercises.checking import CheckFailed, exercise
from convlab.exercises.expect import expect, expect_close, expect_shape

# The small example of exercise 2.1 (the solutions notebook shows the same numbers).
HAND_X = torch.tensor([[1, 0, 2, 1], [3, 1, 0, 2], [0, 2, 1, 3]])
HAND_K = torch.tensor([[1, -1], [0, 2]])
# An asymmetric kernel: flipping, transposing and rotating it all give different matrices.
FLIP_K = torch.tensor([[1, 2, 0], [0, -1, 3], [4, 0, 0]])

# (height, width, kH, kW): non-square inputs and kernels, a 1×1 kernel and a kernel as big as the input
_SHAPES = [(5, 5, 3, 3), (6, 4, 2, 3), (7, 9, 4, 1), (3, 3, 3, 3), (8, 5, 1, 1), (4, 7, 2, 5)]


def _cases():
    for seed, (h, w, kh, kw) in enumerate(_SHAPES):
        g = torch.Generator().manual_seed(100 + seed)
        yield torch.randn(h, w, generator=g), torch.randn(kh, kw, generator=g)


def _reference(image, kernel):
    return F.conv2d(image[None, None], kernel[None, None])[0, 0]


@exercise("2.1", answers=["hand_output"])
def _check_hand_output(hand_output):
    want = _reference(HAND_X.double(), HAND_K.double())
    if isinstance(hand_output, (list, tuple)):
        try:
            hand_output = torch.tensor(hand_output, dtype=torch.float64)
        except (TypeError, ValueError):
            raise CheckFailed("hand_output should be a 2-D tensor (or a list of rows) of numbers") from None
    got = expect_shape(hand_output, tuple(want.shape), "hand_output",
                       hint="a 3×4 input and a 2×2 kernel give (3 − 2 + 1) × (4 − 2 + 1) cells")
    if torch.equal(got, _reference(HAND_X.double(), HAND_K.flip(0, 1).double())):
        raise CheckFailed("these are the sums for the kernel rotated by 180°", hint="conv2d does not flip the kernel")
    wrong = [(i, j) for i in range(want.shape[0]) for j in range(want.shape[1]) if got[i, j] != want[i, j]]
    if wrong:
        i, j = wrong[0]
        raise CheckFailed(f"{len(wrong)} of the {want.numel()} cells are wrong, the first at row {i}, column {j}",
                          expected=want[i, j].item(), got=got[i, j].item(),
                          hint=f"put the kernel's top-left on input cell ({i}, {j}), multiply cell by cell, add")


@exercise("2.2", answers=["corr2d"])
def _check_corr2d(corr2d):
    expect(callable(corr2d), "corr2d should be a function corr2d(image, kernel)")
    for image, kernel in _cases():
        want = _reference(image, kernel)
        got = corr2d(image.clone(), kernel.clone())
        what = f"corr2d of a {tuple(image.shape)} image with a {tuple(kernel.shape)} kernel"
        symmetric = torch.equal(kernel, kernel.flip(0, 1))
        if isinstance(got, torch.Tensor) and tuple(got.shape) == tuple(want.shape) and not symmetric:
            flipped = _reference(image, kernel.flip(0, 1))
            if torch.allclose(got.double(), flipped.double(), atol=1e-4):
                raise CheckFailed(f"{what} flips the kernel", hint="cross-correlation uses kernel[a, b] as it is")
        expect_close(got, want, what, atol=1e-4,
                     hint="the output has (H − kH + 1) × (W − kW + 1) cells; each is (window * kernel).sum()")


@exercise("2.3", answers=["im2col_1ch"])
def _check_im2col(im2col_1ch):
    expect(callable(im2col_1ch), "im2col_1ch should be a function im2col_1ch(image, kh, kw)")
    for image, kernel in _cases():
        kh, kw = kernel.shape
        want = F.unfold(image[None, None], (kh, kw))[0]
        got = im2col_1ch(image.clone(), kh, kw)
        what = f"im2col_1ch of a {tuple(image.shape)} image with a {kh}×{kw} window"
        if isinstance(got, torch.Tensor) and want.shape[0] != want.shape[1] and tuple(got.shape) == tuple(want.T.shape):
            raise CheckFailed(f"{what} has windows as rows", expected=tuple(want.shape), got=tuple(got.shape),
                              hint="each window is a column: shape (kh·kw, number of windows)")
        expect_close(got, want, what, atol=0,
                     hint="column L is the window at (L // out_w, L % out_w), flattened row by row")


@exercise("2.4", answers=["true_conv_kernel"])
def _check_true_conv_kernel(true_conv_kernel):
    got = expect_shape(true_conv_kernel, (3, 3), "true_conv_kernel", hint="the same size as K")
    hints = [
        (FLIP_K, "that is K itself: conv2d would compute cross-correlation"),
        (FLIP_K.T, "that is K transposed, a reflection across the diagonal, not a 180° rotation"),
        (FLIP_K.flip(0), "flipped upside down only: flip left to right too"),
        (FLIP_K.flip(1), "flipped left to right only: flip upside down too"),
    ]
    for wrong, hint in hints:
        if torch.equal(got, wrong.double()):
            raise CheckFailed("true_conv_kernel is not right", hint=hint)
    expect_close(got, FLIP_K.flip(0, 1), "true_conv_kernel", atol=0, hint="rotate K by 180°: K.flip(0, 1)")


@exercise("2.5", answers=["im2col_shape"])
def _check_im2col_shape(im2col_shape):
    expect(isinstance(im2col_shape, (tuple, list, torch.Size)), "im2col_shape should be a tuple of three ints",
           hint="(N, C·kH·kW, L)")
    got = tuple(im2col_shape)
    want = tuple(F.unfold(torch.zeros(2, 3, 10, 12), (3, 5)).shape)
    if len(got) != 3:
        raise CheckFailed("im2col_shape should have three entries", expected=want, got=got, hint="(N, C·kH·kW, L)")
    if got != want:
        n, rows, cols = got
        hint = "L is the number of windows: out_h · out_w"
        if rows != want[1]:
            hint = "each column holds every channel of the window: C · kH · kW values"
        if n != want[0]:
            hint = "the batch axis stays first"
        raise CheckFailed("im2col_shape is not right", expected="(N, C·kH·kW, L)", got=got, hint=hint)
