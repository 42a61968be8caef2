"""Plausible wrong answers to chapter 10's exercises; each must fail its check with the diagnosis given."""

WRONG_ANSWERS = {
    # the depthwise part counted as a full in_channels → in_channels convolution (groups forgotten)
    "10.1": [('''def block_params(in_channels, out_channels, kernel_size):
    standard = out_channels * in_channels * kernel_size**2
    return standard, in_channels * in_channels * kernel_size**2 + in_channels * out_channels
''',
         "groups=in_channels"),
        # the 1×1 convolution forgotten
        ('''def block_params(in_channels, out_channels, kernel_size):
    return out_channels * in_channels * kernel_size**2, in_channels * kernel_size**2
''',
         "add the 1×1 convolution"),
        # k weights per kernel channel instead of k²
        ('''def block_params(in_channels, out_channels, kernel_size):
    return out_channels * in_channels * kernel_size, in_channels * kernel_size + in_channels * out_channels
''',
         "k² weights per channel"),
        # a bias counted in every convolution
        ('''def block_params(in_channels, out_channels, kernel_size):
    standard = out_channels * (in_channels * kernel_size**2 + 1)
    return standard, in_channels * (kernel_size**2 + 1) + out_channels * (in_channels + 1)
''',
         "no biases here")],
    # averaged instead of summed: the bias is added at every position, so its gradient adds up
    "10.2": [('''def bias_grad(grad_output):
    return grad_output.mean(dim=(0, 2, 3))
''',
         "sum dY")],
    # only the first sample of the batch
    "10.3": [('''def weight_grad(x, grad_output, kernel_size, stride=1, padding=0):
    cols = nnf.unfold(x, kernel_size, stride=stride, padding=padding)
    n, o = grad_output.shape[:2]
    dw = grad_output.reshape(n, o, -1)[0] @ cols[0].T
    return dw.reshape(o, x.shape[1], kernel_size, kernel_size)
''',
         "Σ over the batch")],
    # the reduction ratio applied the wrong way: the hidden layer grows instead of shrinking
    "10.4": [('''class SEBlock(nn.Module):
    def __init__(self, channels, reduction):
        super().__init__()
        hidden = channels * reduction
        self.excite = nn.Sequential(nn.Linear(channels, hidden), nn.ReLU(), nn.Linear(hidden, channels), nn.Sigmoid())

    def forward(self, x):
        weights = self.excite(x.mean(dim=(2, 3)))
        return x * weights[:, :, None, None]
''',
         "C // r")],
    # the dilation forgotten: the kernel counted as F pixels wide whatever D is
    "10.5": [('''def transposed_out(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    return (size - 1) * stride - 2 * padding + (kernel_size - 1) + output_padding + 1
''',
         "dilation D"),
        ('''def transposed_out(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
''',
         "convolution's output size")],
    # full padding and swapped channels, but the kernel not rotated
    "10.6": [('''def input_grad(weight, grad_output, padding=0):
    k = weight.shape[-1]
    return nnf.conv2d(grad_output, weight.transpose(0, 1), padding=k - 1 - padding)
''',
         "rotate the kernel by 180°"),
        ('''def input_grad(weight, grad_output, padding=0):
    return nnf.conv2d(grad_output, weight.flip(2, 3).transpose(0, 1), padding=padding)
''',
         "k − 1 − padding")],
    # the biases shared as in a convolution: only the kernels counted per position
    "10.7": [('''def local_params(in_channels, out_channels, kernel_size, size, stride=1, padding=0):
    side = (size + 2 * padding - kernel_size) // stride + 1
    return side * side * out_channels * in_channels * kernel_size**2 + out_channels
''',
         "not shared either")],
}

RULE_BREAKERS = {
    "10.5": '''from convlab.arith import transposed_output_size


def transposed_out(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    return transposed_output_size(size, kernel_size, stride, padding, output_padding, dilation)
''',
    "10.1": '''from convlab.arith import conv_params


def block_params(in_channels, out_channels, kernel_size):
    return (conv_params(in_channels, out_channels, kernel_size, bias=False),
            conv_params(in_channels, in_channels, kernel_size, bias=False, groups=in_channels)
            + conv_params(in_channels, out_channels, 1, bias=False))
''',
    # PyTorch's own weight gradient: the exercise asks for it from nnf.unfold
    "10.3": '''def weight_grad(x, grad_output, kernel_size, stride=1, padding=0):
    shape = (grad_output.shape[1], x.shape[1], kernel_size, kernel_size)
    return torch.nn.grad.conv2d_weight(x, shape, grad_output, stride=stride, padding=padding)
''',
    # autograd does the routing: the exercise asks for the full correlation by hand
    "10.6": '''def input_grad(weight, grad_output, padding=0):
    k, (n, _, h, w) = weight.shape[-1], grad_output.shape
    x = torch.zeros(n, weight.shape[1], h + k - 1 - 2 * padding, w + k - 1 - 2 * padding,
                    dtype=weight.dtype, requires_grad=True)
    with torch.enable_grad():
        nnf.conv2d(x, weight, padding=padding).backward(grad_output)
    return x.grad
''',
    "10.7": '''import convlab.arith as helpers


def local_params(in_channels, out_channels, kernel_size, size, stride=1, padding=0):
    return helpers.unshared_params(in_channels, out_channels, kernel_size, size, stride, padding)
''',
}
