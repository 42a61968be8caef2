"""Checks of the graded exercises of chapter 2 (the convolution operation)."""

from __future__ import annotations

import torch
import torch.nn.functional as nnf

from convlab.exercises.checking import CheckFailed, exercise, hidden_seed, secret
from convlab.exercises.expect import expect, expect_function, expect_shape, same
from convlab.exercises.rules import Rule

# The small example of exercise 2.1 (the solutions notebook shows the same numbers).
HAND_X = torch.tensor([[1, 0, 2, 1], [3, 1, 0, 2], [0, 2, 1, 3]])
HAND_K = torch.tensor([[1, -1], [0, 2]])

NO_CONVOLUTION = Rule("use loops and elementwise products, not a convolution or unfold function",
                      ops=("convolution", "convolution.transposed", "im2col", "unfold"),
                      names=("conv2d", "conv1d", "unfold", "Conv2d", "Unfold", "convolution"))
NO_UNFOLD = Rule("build the columns yourself, not with F.unfold or Tensor.unfold",
                 ops=("im2col", "unfold", "as_strided"), names=("unfold", "Unfold", "as_strided"))
ONLY_CONV2D = Rule("only F.conv2d may compute: no convolve/fft/unfold shortcut",
                   ops=("im2col", "unfold", "_fft_r2c", "_fft_c2c", "_fft_c2r"),
                   names=("convolve", "convolve2d", "fft2", "unfold"))

# (height, width, kH, kW): non-square inputs and kernels, a 1×1 kernel and a kernel as big as the input
_PUBLIC_SHAPES = [(5, 5, 3, 3), (6, 4, 2, 3), (7, 9, 4, 1)]


def _pairs(shapes, seed):
    cases = []
    for index, (h, w, kh, kw) in enumerate(shapes):
        g = torch.Generator().manual_seed(seed + index)
        cases.append((torch.randn(h, w, generator=g), torch.randn(kh, kw, generator=g)))
    return cases


def _hidden_pairs(seed):
    g = torch.Generator().manual_seed(seed)
    shapes = [(3, 3, 3, 3), (8, 5, 1, 1), (4, 7, 2, 5)]
    shapes += [tuple(int(v) for v in torch.randint(4, 10, (2,), generator=g)) + (2 + i % 3, 1 + i % 4)
               for i in range(4)]
    return _pairs(shapes, seed + 50)


def _xcorr(image, kernel, padding=0):
    return nnf.conv2d(image[None, None].double(), kernel[None, None].double(), padding=padding)[0, 0]


def _describe(name):
    return lambda image, kernel, *rest: (f"{name} of a {tuple(image.shape)} image with a "
                                         f"{tuple(kernel.shape)} kernel")


@exercise("2.1", answers=["hand_output"])
def _check_hand_output(hand_output):
    want = _xcorr(HAND_X, HAND_K)
    got = expect_shape(hand_output, tuple(want.shape), "hand_output", answer=want,
                       hint="a 3×4 input and a 2×2 kernel give (3 − 2 + 1) × (4 − 2 + 1) cells")
    mistakes = [
        (_xcorr(HAND_X, HAND_K.flip(0, 1)), "these are the sums for the kernel rotated by 180°: conv2d does not "
                                            "flip the kernel"),
        (_xcorr(HAND_X, HAND_K.T), "these are the sums for the transposed kernel: use K as it is written"),
        (_xcorr(HAND_X.T, HAND_K).T, "you slid the kernel down the columns and wrote the windows column by column"),
    ]
    if not same(got, want, atol=0):
        secret(want)
        diagnosis = next((text for value, text in mistakes if same(got, value, atol=0)), None)
        raise CheckFailed("hand_output is not right" + (f": {diagnosis}" if diagnosis else ""),
                          hint="" if diagnosis else "for each cell, put K's top-left on the input cell at the same "
                                                    "(row, column), multiply the four pairs and add; check each cell")


@exercise("2.2", answers=["corr2d"])
def _check_corr2d(corr2d):
    expect(callable(corr2d), "corr2d should be a function corr2d(image, kernel)")

    def mistakes(image, kernel):
        return [(_xcorr(image, kernel.flip(0, 1)), "it flips the kernel: cross-correlation uses kernel[a, b] as it is")]

    expect_function(corr2d, "corr2d", _pairs(_PUBLIC_SHAPES, 100), lambda: _hidden_pairs(hidden_seed(2200)), _xcorr,
                    signature="def corr2d(image, kernel):", mistakes=mistakes, describe=_describe("corr2d"),
                    rule=NO_CONVOLUTION, atol=1e-4, rtol=1e-4,
                    hint="the output has (H − kH + 1) × (W − kW + 1) cells; each is (window * kernel).sum()")


def _unfold(image, kh, kw):
    return nnf.unfold(image[None, None].double(), (kh, kw))[0]


@exercise("2.3", answers=["im2col_1ch"])
def _check_im2col(im2col_1ch):
    def mistakes(image, kh, kw):
        want = _unfold(image, kh, kw)
        by_columns = nnf.unfold(image.T[None, None].double(), (kw, kh))[0]
        return [(want.T, "the windows are rows: each window should be a column, shape (kh·kw, number of windows)"),
                (by_columns, "it reads each window (and the windows) column by column: read them row by row")]

    def cases(pairs):
        return [(image, kernel.shape[0], kernel.shape[1]) for image, kernel in pairs]

    expect_function(im2col_1ch, "im2col_1ch", cases(_pairs(_PUBLIC_SHAPES, 100)),
                    lambda: cases(_hidden_pairs(hidden_seed(2300))), _unfold, mistakes=mistakes,
                    signature="def im2col_1ch(image, kh, kw):", describe=lambda image, kh, kw: (
                        f"im2col_1ch of a {tuple(image.shape)} image with a {kh}×{kw} window"), rule=NO_UNFOLD,
                    hint="column L is the window at (L // out_w, L % out_w), flattened row by row")


def _true_conv(image, kernel):
    """The full true convolution: (X * K)[i, j] = Σ X[i − a, j − b] K[a, b], every overlap."""
    kh, kw = kernel.shape
    return _xcorr(image, kernel.flip(0, 1), padding=(kh - 1, kw - 1))


@exercise("2.4", answers=["true_conv"])
def _check_true_conv(true_conv):
    def mistakes(image, kernel):
        kh, kw = kernel.shape
        full = (kh - 1, kw - 1)
        return [
            (_xcorr(image, kernel, padding=full), "that is cross-correlation: conv2d must get the kernel rotated 180°"),
            (_xcorr(image, kernel.T, padding=full) if kh == kw else None,
             "that is the transposed kernel, a reflection across the diagonal, not a 180° rotation"),
            (_xcorr(image, kernel.flip(0), padding=full), "flipped upside down only: flip left to right too"),
            (_xcorr(image, kernel.flip(1), padding=full), "flipped left to right only: flip upside down too"),
            (_xcorr(image, kernel.flip(0, 1)), "the kernel is right but only the 'valid' part is there: the full "
                                               "convolution pads kH − 1 rows and kW − 1 columns on each side"),
        ]

    expect_function(true_conv, "true_conv", _pairs(_PUBLIC_SHAPES, 100), lambda: _hidden_pairs(hidden_seed(2400)),
                    _true_conv,
                    mistakes=mistakes, signature="def true_conv(image, kernel):", describe=_describe("true_conv"),
                    rule=ONLY_CONV2D, atol=1e-4, rtol=1e-4,
                    hint="(X * K)[i, j] = Σ X[i − a, j − b]·K[a, b] reads the kernel backwards; the output has "
                         "(H + kH − 1) × (W + kW − 1) cells")


def _unfold_shape(n, c, h, w, kh, kw):
    return (n, c * kh * kw, (h - kh + 1) * (w - kw + 1))


@exercise("2.5", answers=["unfold_shape"])
def _check_unfold_shape(unfold_shape):
    def mistakes(n, c, h, w, kh, kw):
        return [((n, kh * kw, (h - kh + 1) * (w - kw + 1)), "each column holds every channel of the window: "
                                                            "C · kH · kW values"),
                ((n, (h - kh + 1) * (w - kw + 1), c * kh * kw), "the values of a window are a column: (N, C·kH·kW, L)"),
                ((n, c * kh * kw, (h - kh) * (w - kw)), "a window fits H − kH + 1 times down, not H − kH")]

    def hidden():
        g = torch.Generator().manual_seed(hidden_seed(25))
        return [tuple(int(v) for v in torch.randint(1, 5, (2,), generator=g))
                + tuple(int(v) for v in torch.randint(6, 14, (2,), generator=g))
                + tuple(int(v) for v in torch.randint(1, 6, (2,), generator=g)) for _ in range(6)]

    def tuple_of_ints(value, call):
        expect(isinstance(value, (tuple, list, torch.Size)) and len(value) == 3,
               f"{call} should return a tuple of three ints (N, values per column, number of columns)", hint="")
        return tuple(value)

    expect_function(unfold_shape, "unfold_shape", [(2, 3, 10, 12, 3, 5), (1, 1, 5, 5, 3, 3)], hidden,
                    lambda *args: tuple(nnf.unfold(torch.zeros(args[:4], device="meta"), args[4:]).shape),
                    mistakes=mistakes, convert=tuple_of_ints,
                    signature="def unfold_shape(n, c, h, w, kh, kw):",
                    hint="(N, C·kH·kW, L) with L the number of windows: out_h · out_w")
