"""Checks of the graded exercises of chapter 1, "Why not fully connected?"."""

from __future__ import annotations

import torch
from torch import nn

from convlab.data import inverse_permutation, permute_pixels
from convlab.exercises.checking import HIDDEN_CASE, exercise, hidden_seed, with_hidden
from convlab.exercises.expect import expect, expect_function, expect_tensor
from convlab.exercises.rules import NO_COURSE_HELPERS, Rule, obeying

# The public cases are the notebook's examples; the hidden ones are drawn only when grading.
_FC_PUBLIC = [(1000, 1000, 1, 1000 * 1000), (28, 28, 1, 100), (224, 224, 3, 1000), (5, 7, 2, 3)]


def _sizes(n: int, seed: int, high: int) -> list[tuple[int, ...]]:
    gen = torch.Generator().manual_seed(seed)
    return [tuple(int(v) for v in torch.randint(2, high, (4,), generator=gen)) for _ in range(n)]


def _fc(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


@exercise("1.1", answers=["fc_params"])
def _check_fc_params(fc_params):
    def mistakes(h, w, c, hidden):
        return [(h * w * c * hidden, "you left out the biases, one per hidden unit"),
                (h * w * hidden + hidden, "you counted one input channel: the flattened image has H·W·C numbers"),
                (_fc(h * w * c, h * w * c), "the hidden layer has `hidden` units, not one per input")]

    expect_function(fc_params, "fc_params", _FC_PUBLIC, lambda: _sizes(8, hidden_seed(1101), 60),
                    lambda h, w, c, hidden: _fc(h * w * c, hidden), mistakes=mistakes, rule=NO_COURSE_HELPERS,
                    signature="def fc_params(height, width, channels, hidden):",
                    hint="every one of the H·W·C inputs has a weight to every hidden unit, and each unit has a bias")


@exercise("1.2", answers=["fc_memory"])
def _check_fc_memory(fc_memory):
    def mistakes(h, w, c):
        n = h * w * c
        return [(32 * _fc(n, n), "that is bits: a float32 takes 32 bits, which is 4 bytes"),
                (_fc(n, n), "that is the number of parameters; each takes 4 bytes"),
                (4 * n * n, "you left out the n biases"),
                (8 * _fc(n, n), "8 bytes is a float64; the layer is float32")]

    expect_function(fc_memory, "fc_memory", [(1000, 1000, 1), (28, 28, 1), (224, 224, 3)],
                    lambda: [s[:3] for s in _sizes(8, hidden_seed(1201), 40)],
                    lambda h, w, c: 4 * _fc(h * w * c, h * w * c),
                    mistakes=mistakes, rule=NO_COURSE_HELPERS, signature="def fc_memory(height, width, channels):",
                    hint="count weights and biases of Linear(H·W·C, H·W·C); a float32 takes 4 bytes")


def _conv_real(c_in: int, c_out: int, k: int) -> int:
    # the real layer, on the meta device: shapes only, no memory and no random numbers drawn
    return sum(p.numel() for p in nn.Conv2d(c_in, c_out, k, device="meta").parameters())


@exercise("1.3", answers=["conv_count"])
def _check_conv_count(conv_count):
    def mistakes(c_in, c_out, k):
        return [(c_out * (k * k + 1), "every kernel spans all input channels: k·k·in_channels weights (the notes' Q6)"),
                (c_out * c_in * k * k, "you left out the biases, one per kernel"),
                (c_out * (c_in * k + 1), "a k×k kernel has k·k weights per channel, not k")]

    hidden = lambda: [(a, b, 1 + 2 * (k % 4)) for a, b, k, _ in _sizes(8, hidden_seed(1301), 40)]  # noqa: E731
    expect_function(conv_count, "conv_count", [(3, 10, 5), (1, 64, 3), (64, 128, 1)], hidden, _conv_real,
                    mistakes=mistakes, rule=NO_COURSE_HELPERS,
                    signature="def conv_count(in_channels, out_channels, kernel_size):",
                    hint="each of the out_channels kernels is k×k×in_channels, plus one bias per kernel")


_SHUFFLE_RULE = Rule("this exercise is about indexing: don't call convlab's permute_pixels",
                     names=("permute_pixels", "inverse_permutation"))


@exercise("1.4", answers=["shuffle", "unshuffle"])
def _check_shuffle(shuffle, unshuffle):
    gen = torch.Generator().manual_seed(14)
    shapes = [(2, 1, 3, 3), (4, 3, 5, 7), (1, 2, 8, 8)]
    for (n, c, h, w), hidden in with_hidden(shapes, lambda: [(3, 2, 4, 6), (1, 1, 9, 2), (2, 3, 6, 5)]):
        images = torch.randn(n, c, h, w, generator=gen)
        perm = torch.randperm(h * w, generator=gen)
        shuffled, back_from = permute_pixels(images, perm), permute_pixels(images, inverse_permutation(perm))
        with obeying(_SHUFFLE_RULE, shuffle, unshuffle):
            out = expect_tensor(shuffle(images.clone(), perm.clone()), f"shuffle(images {n}×{c}×{h}×{w}, perm)")
            back = expect_tensor(unshuffle(shuffled.clone(), perm.clone()), "unshuffle(shuffled, perm)")
            again = expect_tensor(unshuffle(images.clone(), perm.clone()), "unshuffle(images, perm)")
        batch = f"a {n}×{c}×{h}×{w} batch" + (HIDDEN_CASE if hidden else "")
        what = f"shuffle(images, perm) on {batch}"
        expect(tuple(out.shape) == (n, c, h, w), f"{what} should keep the shape, but gave {tuple(out.shape)}",
               hint="flatten H and W, index with perm, reshape back")
        if torch.equal(out, back_from.double()) and not torch.equal(perm, inverse_permutation(perm)):
            expect(False, f"{what} moves input pixel i to position perm[i]: the exercise asks the other way round",
                   hint="output pixel i is input pixel perm[i]: index with perm, don't scatter into it",
                   answer=shuffled)
        expect(torch.equal(out, shuffled.double()), f"{what} puts the wrong pixels in place",
               hint="output pixel i is input pixel perm[i], for every image and channel alike", answer=shuffled)
        if torch.equal(back, permute_pixels(shuffled, perm).double()) and not torch.equal(back, images.double()):
            expect(False, f"unshuffle on {batch} applies perm again, which does not undo it",
                   hint="use the inverse permutation, torch.argsort(perm)", answer=images)
        expect(tuple(back.shape) == (n, c, h, w) and torch.equal(back, images.double()),
               f"unshuffle on {batch} does not give the original images back",
               hint="use the inverse permutation, torch.argsort(perm)", answer=images)
        expect(torch.equal(again, back_from.double()), f"unshuffle is not the inverse shuffle on {batch}",
               hint="unshuffle must undo shuffle for any batch, not only return a remembered input", answer=back_from)
