"""Plausible wrong answers to chapter 5's exercises, with the diagnosis each must get."""

WRONG_ANSWERS = {
    "5.1": [
        ('''def weight_shape(in_channels, out_channels, kernel_size):
    k = kernel_size if isinstance(kernel_size, tuple) else (kernel_size, kernel_size)
    return (in_channels, out_channels, *k)
''', "swapped"),
        ('''def weight_shape(in_channels, out_channels, kernel_size):
    k = kernel_size if isinstance(kernel_size, tuple) else (kernel_size, kernel_size)
    return (out_channels, *k)
''', "one kH×kW slice per input channel"),
        ("def weight_shape(in_channels, out_channels, kernel_size):\n    return (16, 3, 5, 5)  # the example\n",
         "Hint"),
    ],
    "5.2": [
        ('''def impulse_for(channel, a, b):
    x = torch.zeros(3, 5, 5)
    x[channel, a, b] = 1.0
    return x
''', "starts at input row 1"),
        ('''def impulse_for(channel, a, b):
    x = torch.zeros(3, 5, 5)
    x[:, 1 + a, 1 + b] = 1.0  # "the channels share one slice"
    return x
''', "its own slice"),
        ('''def impulse_for(channel, a, b):
    x = torch.zeros(3, 5, 5)
    x[channel, 3 - a, 3 - b] = 1.0
    return x
''', "does not flip"),
    ],
    "5.3": [
        ("hand_two = torch.tensor([[[5, 3], [2, 6]], [[2, 0], [1, 1]]])  # biases left out\n", "bias is missing"),
        ("hand_two = torch.tensor([[[3, 2], [2, 2]], [[1, -1], [0, 1]]])\n", "Hint"),
        ("hand_two = torch.tensor([[6, 4], [3, 7]])\n", "wrong shape"),
    ],
    "5.4": [
        ('''def multi_channel_conv(x, weight, bias):
    maps = []
    for o in range(weight.shape[0]):
        total = sum(single_channel_conv(x[c], weight[o, c]) + bias[o] for c in range(x.shape[0]))
        maps.append(total)
    return torch.stack(maps)
''', "once per input channel"),
        ('''def multi_channel_conv(x, weight, bias):
    return torch.stack([single_channel_conv(x[0], weight[o, 0]) + bias[o] for o in range(weight.shape[0])])
''', "only input channel 0"),
    ],
}

RULE_BREAKERS = {
    "5.4": '''import torch.nn.functional as F


def multi_channel_conv(x, weight, bias):
    return F.conv2d(x[None], weight, bias)[0]
''',
}
