"""Plausible wrong answers to chapter 1's exercises, with the diagnosis each must get."""

WRONG_ANSWERS = {
    "1.1": [
        ('''def fc_params(height, width, channels, hidden):
    return height * width * channels * hidden
''', "left out the biases"),
        ('''def fc_params(height, width, channels, hidden):
    return height * width * hidden + hidden
''', "one input channel"),
        ('''def fc_params(height, width, channels, hidden):
    return 1000 * 1000 * 1000 * 1000 + 1000 * 1000  # the notes' example, copied
''', "Hint"),
    ],
    "1.2": [
        ('''def fc_memory(height, width, channels):
    n = height * width * channels
    return 32 * (n * n + n)
''', "that is bits"),
        ('''def fc_memory(height, width, channels):
    n = height * width * channels
    return n * n + n
''', "number of parameters"),
        ('''def fc_memory(height, width, channels):
    n = height * width * channels
    return 4 * n * n
''', "biases"),
    ],
    "1.3": [
        ('''def conv_count(in_channels, out_channels, kernel_size):
    return out_channels * (kernel_size * kernel_size + 1)
''', "spans all input channels"),
        ('''def conv_count(in_channels, out_channels, kernel_size):
    return out_channels * in_channels * kernel_size * kernel_size
''', "left out the biases"),
        ('''def conv_count(in_channels, out_channels, kernel_size):
    return out_channels * (in_channels * kernel_size + 1)
''', "k·k weights per channel"),
    ],
    "1.4": [
        ('''def shuffle(images, perm):
    n, c, h, w = images.shape
    return images.reshape(n, c, h * w)[:, :, perm].reshape(n, c, h, w)


def unshuffle(images, perm):
    return shuffle(images, perm)
''', "applies perm again"),
        ('''def shuffle(images, perm):
    n, c, h, w = images.shape
    out = torch.empty_like(images.reshape(n, c, h * w))
    out[:, :, perm] = images.reshape(n, c, h * w)
    return out.reshape(n, c, h, w)


def unshuffle(images, perm):
    n, c, h, w = images.shape
    return images.reshape(n, c, h * w)[:, :, perm].reshape(n, c, h, w)
''', "the other way round"),
    ],
}

RULE_BREAKERS = {
    "1.1": '''from convlab.arith import linear_params


def fc_params(height, width, channels, hidden):
    return linear_params(height * width * channels, hidden)
''',
    "1.2": '''import convlab.arith


def fc_memory(height, width, channels):
    n = height * width * channels
    return 4 * convlab.arith.linear_params(n, n)
''',
    "1.3": '''from convlab.arith import conv_params


def conv_count(in_channels, out_channels, kernel_size):
    return conv_params(in_channels, out_channels, kernel_size)
''',
    "1.4": '''from convlab.data import inverse_permutation, permute_pixels


def shuffle(images, perm):
    return permute_pixels(images, perm)


def unshuffle(images, perm):
    return permute_pixels(images, inverse_permutation(perm))
''',
}
