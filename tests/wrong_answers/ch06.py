"""Plausible wrong answers to chapter 6's exercises, with the diagnosis each must get."""

WRONG_ANSWERS = {
    "6.1": [
        ('''def conv_vs_fc(height, width, channels, kernels, kernel_size):
    outputs = kernels * (height - kernel_size + 1) * (width - kernel_size + 1)
    return kernels * channels * kernel_size ** 2, height * width * channels * outputs
''', "left out the biases"),
        ('''def conv_vs_fc(height, width, channels, kernels, kernel_size):
    outputs = kernels * height * width
    return kernels * (channels * kernel_size ** 2 + 1), height * width * channels * outputs + outputs
''', "no padding"),
        ('''def conv_vs_fc(height, width, channels, kernels, kernel_size):
    return 448, 3_936_256  # a number copied from a search
''', "Hint"),
    ],
    "6.2": [
        ('''def receptive_field_of(layers):
    field = 1
    for layer in layers:
        kernel_size, stride, dilation = (tuple(layer) + (1,))[:3]
        field += dilation * (kernel_size - 1)
    return field
''', "left out the strides"),
        ('''def receptive_field_of(layers):
    field, jump = 1, 1
    for kernel_size, stride, *rest in layers:
        field += (kernel_size - 1) * jump
        jump *= stride
    return field
''', "left out the dilation"),
    ],
    "6.3": [
        ("def layers_needed(region):\n    return (region - 1) // 2\n", "rounds down"),
        ("def layers_needed(region):\n    return (region + 1) // 2\n", "one pixel needs no layer"),
    ],
    "6.4": [
        ('output_shift = {"a": None, "b": (0, 1), "c": (0, 2), "d": None, "e": None, "f": (0, 2)}\n',
         "a bias adds the same number"),
        ('output_shift = {"a": (0, 2), "b": (0, 2), "c": (0, 2), "d": None, "e": None, "f": (0, 2)}\n',
         "every other position"),
        ('output_shift = {"a": (0, 2), "b": (0, 1), "c": (0, 2), "d": (0, 2), "e": None, "f": (0, 2)}\n',
         "each position differently"),
        ('output_shift = {"a": (0, 2), "b": (0, 1), "c": (0, 2), "d": None, "e": None, "f": (0, 4)}\n', "Hint"),
    ],
    "6.5": [
        ('''def saving(channels, n):
    return channels * channels * (2 * n + 1) ** 2 - n * channels * channels * 9
''', "left out the biases"),
        ('''def saving(channels, n):
    return (2 * n + 1) ** 2 - 9 * n
''', "each kernel spans all input channels"),
    ],
}

RULE_BREAKERS = {
    "6.1": '''from convlab import arith


def conv_vs_fc(height, width, channels, kernels, kernel_size):
    side_h, side_w = arith.conv_output_size(height, kernel_size), arith.conv_output_size(width, kernel_size)
    outputs = kernels * side_h * side_w
    return arith.conv_params(channels, kernels, kernel_size), arith.linear_params(height * width * channels, outputs)
''',
    "6.3": '''import convlab.arith


def layers_needed(region):
    n = 0
    while convlab.arith.receptive_field([(3, 1)] * n) < region:
        n += 1
    return n
''',
    "6.2": '''from convlab.arith import receptive_field


def receptive_field_of(layers):
    return receptive_field(layers)
''',
    "6.5": '''import convlab.arith


def saving(channels, n):
    conv = convlab.arith.conv_params
    return conv(channels, channels, 2 * n + 1) - n * conv(channels, channels, 3)
''',
}
