"""Plausible wrong answers to chapter 8's exercises: each must fail its check with the diagnosis given."""

WRONG_ANSWERS = {
    # the windows move by kernel_size whatever the stride (right only when stride == kernel_size)
    "8.1": [('''def pool(x, kernel_size, stride, mode="max"):
    windows = x.unfold(2, kernel_size, kernel_size).unfold(3, kernel_size, kernel_size)
    if mode == "max":
        return windows.amax(dim=(-2, -1))
    return windows.mean(dim=(-2, -1))
''',
         "move by stride")],
    # ceil_mode rounds up, but the window that would start in the right-hand padding is not dropped
    "8.2": [('''def pool_out(size, kernel_size, stride, padding=0, ceil_mode=False):
    room = size + 2 * padding - kernel_size
    return (math.ceil(room / stride) if ceil_mode else room // stride) + 1
''',
         "drops a last window")],
    # scatter_ instead of scatter_add_: a pixel that wins two overlapping windows keeps only one gradient
    "8.3": [('''def max_pool_grad(x, grad_output, kernel_size, stride):
    _, winners = nnf.max_pool2d(x, kernel_size, stride, return_indices=True)
    n, c, h, w = x.shape
    grad = torch.zeros(n, c, h * w, dtype=grad_output.dtype)
    grad.scatter_(2, winners.flatten(2), grad_output.flatten(2))
    return grad.view(n, c, h, w)
''',
         "receives both gradients")],
    # both poolings round down: ceil_mode=True of the second one ignored
    "8.4": [('''def stack_shapes(size):
    conv1 = size
    pool1 = conv1 // 2
    conv2 = pool1 - 4
    pool2 = conv2 // 2
    return [(6, conv1, conv1), (6, pool1, pool1), (16, conv2, conv2), (16, pool2, pool2)]
''',
         "ceil_mode=True rounds up")],
    # groups forgotten: every output channel averages all the input channels together
    "8.5": [('''def avg_pool_conv(channels, kernel_size):
    conv = nn.Conv2d(channels, channels, kernel_size, stride=kernel_size, bias=False)
    with torch.no_grad():
        conv.weight.fill_(1 / kernel_size**2)
    return conv
''',
         "mixes the channels"),
        ('''def avg_pool_conv(channels, kernel_size):
    conv = nn.Conv2d(channels, channels, kernel_size, stride=kernel_size, groups=channels)  # bias left on
    with torch.no_grad():
        conv.weight.fill_(1 / kernel_size**2)
    return conv
''',
         "adds something to it")],
}

RULE_BREAKERS = {
    "8.1": '''def pool(x, kernel_size, stride, mode="max"):
    layer = nn.MaxPool2d if mode == "max" else nn.AvgPool2d
    return layer(kernel_size, stride)(x)
''',
    "8.2": '''def pool_out(size, kernel_size, stride, padding=0, ceil_mode=False):
    layer = nn.MaxPool1d(kernel_size, stride, padding, ceil_mode=ceil_mode)
    return layer(torch.zeros(1, 1, size)).shape[-1]
''',
    "8.3": '''def max_pool_grad(x, grad_output, kernel_size, stride):
    x = x.clone().requires_grad_()
    with torch.enable_grad():
        nnf.max_pool2d(x, kernel_size, stride).backward(grad_output)
    return x.grad
''',
    "8.4": '''from convlab.arith import conv_output_size, pool_output_size


def stack_shapes(size):
    c1 = conv_output_size(size, 5, padding=2)
    p1 = pool_output_size(c1, 2)
    c2 = conv_output_size(p1, 5)
    p2 = pool_output_size(c2, 2, ceil_mode=True)
    return [(6, c1, c1), (6, p1, p1), (16, c2, c2), (16, p2, p2)]
''',
}
