"""Chapter 10's new checks: each likely mistake gets its own diagnosis, shortcuts are refused,
and no feedback shows the expected value."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from convlab.exercises import ch10
from convlab.exercises.checking import run_check


def _transposed_right(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    return (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1


def _input_grad_right(weight, grad_output, padding=0):
    k = weight.shape[-1]
    return F.conv2d(grad_output, weight.flip(2, 3).transpose(0, 1), padding=k - 1 - padding)


def test_right_answers_pass():
    assert run_check("10.5", {"transposed_out": _transposed_right}).status == "passed"
    assert run_check("10.6", {"input_grad": _input_grad_right}).status == "passed"


@pytest.mark.parametrize(
    ("formula", "diagnosis"),
    [
        (lambda w, k, s, p, op, d: (w + 2 * p - d * (k - 1) - 1) // s + 1, "convolution's output size"),
        (lambda w, k, s, p, op, d: (w - 1) * s - 2 * p + (k - 1) + op + 1, "dilation"),
        (lambda w, k, s, p, op, d: (w - 1) * s - 2 * p + d * (k - 1) + 1, "output_padding adds"),
        (lambda w, k, s, p, op, d: (w - 1) * s + 2 * p + d * (k - 1) + op + 1, "not added"),
        (lambda w, k, s, p, op, d: w * s - 2 * p + d * (k - 1) + op + 1, "(W − 1)·S"),
        (lambda w, k, s, p, op, d: (w - 1) * s - p + d * (k - 1) + op + 1, "2P in all"),
    ],
)
def test_transposed_out_mistakes_are_named(formula, diagnosis):
    def answer(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
        return formula(size, kernel_size, stride, padding, output_padding, dilation)

    result = run_check("10.5", {"transposed_out": answer})
    assert result.status == "failed" and diagnosis in result.feedback, result.feedback


def test_transposed_out_feedback_never_shows_the_size():
    result = run_check("10.5", {"transposed_out": lambda *args: 1})
    assert result.status == "failed"
    assert "expected" not in result.feedback
    # the first case is transposed_out(5, 3) = 7: the number must not appear
    assert "7" not in result.feedback.replace("transposed_out(5, 3", "")


def test_transposed_out_cases_are_valid_for_pytorch():
    for size, k, s, p, op, d in ch10._transposed_cases():
        layer = nn.ConvTranspose2d(1, 1, (k, 1), (s, 1), (p, 0), (op, 0), dilation=(d, 1))
        assert layer(torch.zeros(1, 1, size, 1)).shape[2] == _transposed_right(size, k, s, p, op, d) >= 1


SHORT_NAMES = {"torch.autograd.grad": "autograd", "backward": "backward", "F.conv_transpose2d": "conv_transpose2d",
               "torch.nn.grad.conv2d_input": "conv2d_input", "nn.ConvTranspose2d": "ConvTranspose2d", "F.fold": "fold"}


@pytest.mark.parametrize(
    "shortcut",
    [
        "torch.autograd.grad",
        "backward",
        "F.conv_transpose2d",
        "torch.nn.grad.conv2d_input",
        "nn.ConvTranspose2d",
        "F.fold",
    ],
)
def test_input_grad_shortcuts_are_refused(shortcut):
    def with_autograd(weight, grad_output, padding=0):
        k, (n, _, h, w) = weight.shape[-1], grad_output.shape
        x = torch.zeros(n, weight.shape[1], h + k - 1 - 2 * padding, w + k - 1 - 2 * padding,
                        dtype=weight.dtype, requires_grad=True)
        y = F.conv2d(x, weight, padding=padding)
        if shortcut == "torch.autograd.grad":
            return torch.autograd.grad(y, x, grad_output)[0]
        y.backward(grad_output)
        return x.grad

    def with_transpose(weight, grad_output, padding=0):
        return F.conv_transpose2d(grad_output, weight, padding=padding)

    def with_nn_grad(weight, grad_output, padding=0):
        k, (n, _, h, w) = weight.shape[-1], grad_output.shape
        size = (n, weight.shape[1], h + k - 1 - 2 * padding, w + k - 1 - 2 * padding)
        return torch.nn.grad.conv2d_input(size, weight, grad_output, padding=padding)

    def with_module(weight, grad_output, padding=0):
        layer = nn.ConvTranspose2d(weight.shape[0], weight.shape[1], weight.shape[-1], padding=padding, bias=False)
        layer.weight.data = weight
        return layer(grad_output)

    def with_fold(weight, grad_output, padding=0):
        k, (n, o, h, w) = weight.shape[-1], grad_output.shape
        cols = weight.reshape(o, -1).T @ grad_output.reshape(n, o, -1)
        return F.fold(cols, (h + k - 1 - 2 * padding, w + k - 1 - 2 * padding), k, padding=padding)

    answer = {"torch.autograd.grad": with_autograd, "backward": with_autograd, "F.conv_transpose2d": with_transpose,
              "torch.nn.grad.conv2d_input": with_nn_grad, "nn.ConvTranspose2d": with_module,
              "F.fold": with_fold}[shortcut]
    result = run_check("10.6", {"input_grad": answer})
    assert result.status == "failed" and "rule broken" in result.feedback and "rules out" in result.feedback
    used = result.feedback.split("your code used ")[-1]  # the answer's code names the shortcut
    assert SHORT_NAMES[shortcut] in used, result.feedback
    # the shortcuts work again after the check
    assert torch.allclose(with_transpose(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 2, 2)), torch.ones(1, 1, 3, 3) *
                          torch.tensor([[1.0, 2, 1], [2, 4, 2], [1, 2, 1]]))


@pytest.mark.parametrize(
    ("answer", "diagnosis"),
    [
        (lambda w, g, p=0: F.conv2d(g, w.transpose(0, 1), padding=w.shape[-1] - 1 - p), "rotate the kernel"),
        (lambda w, g, p=0: F.conv2d(g, w.flip(2, 3), padding=w.shape[-1] - 1 - p), "swap the kernel's channel"),
        (lambda w, g, p=0: F.conv2d(g, w.flip(2, 3).transpose(0, 1), padding=p), "k − 1 − padding"),
    ],
)
def test_input_grad_mistakes_are_named(answer, diagnosis):
    result = run_check("10.6", {"input_grad": answer})
    assert result.status == "failed" and diagnosis in result.feedback, result.feedback


def _local_right(in_channels, out_channels, kernel_size, size, stride=1, padding=0):
    side = (size + 2 * padding - kernel_size) // stride + 1
    return side * side * out_channels * (in_channels * kernel_size**2 + 1)


@pytest.mark.parametrize(
    ("formula", "diagnosis"),
    [
        (lambda c, o, k, n, s, p, side: n * n * o * (c * k * k + 1), "not per input pixel"),
        (lambda c, o, k, n, s, p, side: side * side * o * c * k * k, "its own bias"),
        (lambda c, o, k, n, s, p, side: side * side * o * c * k * k + o, "not shared either"),
        (lambda c, o, k, n, s, p, side: side * side * (c * k * k + 1), "out_channels kernels"),
        (lambda c, o, k, n, s, p, side: (n + 2 * p - k + 1) ** 2 * o * (c * k * k + 1), "stride"),
        (lambda c, o, k, n, s, p, side: ((n - k) // s + 1) ** 2 * o * (c * k * k + 1), "padding"),
    ],
)
def test_local_params_mistakes_are_named(formula, diagnosis):
    def answer(c, o, k, size, stride=1, padding=0):
        return formula(c, o, k, size, stride, padding, (size + 2 * padding - k) // stride + 1)

    assert run_check("10.7", {"local_params": _local_right}).status == "passed"
    result = run_check("10.7", {"local_params": answer})
    assert result.status == "failed" and diagnosis in result.feedback, result.feedback
    assert "expected" not in result.feedback


@pytest.mark.parametrize(
    ("call", "refused"),
    [
        ("F.conv_transpose2d(grad_output, weight, padding=padding)", "convolution.transposed"),
        ("torch.nn.grad.conv2d_input((grad_output.shape[0], weight.shape[1], 6, 6), weight, grad_output)",
         "convolution_backward"),
    ],
)
def test_input_grad_shortcuts_are_refused_when_they_run(call, refused):
    """Code whose source cannot be read (typed at a prompt) is still refused when it runs a shortcut:
    the trace names the operator it ends in."""
    namespace = {"F": F, "torch": torch}
    exec(f"def input_grad(weight, grad_output, padding=0):\n    return {call}\n", namespace)  # noqa: S102
    result = run_check("10.6", namespace)
    assert result.status == "failed" and f"your code used {refused}" in result.feedback, result.feedback


class _SEWithoutReLU(nn.Module):
    """The squeeze and excitation of an SE block, with nothing between the two Linears."""

    def __init__(self, channels, reduction):
        super().__init__()
        hidden = channels // reduction
        self.excite = nn.Sequential(nn.Linear(channels, hidden), nn.Linear(hidden, channels))

    def forward(self, x):
        return x * torch.sigmoid(self.excite(x.mean(dim=(2, 3))))[:, :, None, None]


class _SE(_SEWithoutReLU):
    def __init__(self, channels, reduction):
        super().__init__(channels, reduction)
        self.excite.insert(1, nn.ReLU())


def test_an_se_block_without_its_relu_fails_and_with_it_passes():
    assert run_check("10.4", {"SEBlock": _SE}).status == "passed"
    result = run_check("10.4", {"SEBlock": _SEWithoutReLU})
    assert result.status == "failed" and "ReLU is missing" in result.feedback, result.feedback
