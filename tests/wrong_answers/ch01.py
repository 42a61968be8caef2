"""Plausible wrong answers to chapter 1's exercises: each must fail its check with a friendly message."""

WRONG_ANSWERS: dict[str, str] = {
    # forgot the biases
    "1.1": '''def fc_params(height, width, channels, hidden):
    return height * width * channels * hidden
''',
    # counted bits, not bytes
    "1.2": '''def fc_memory(height, width, channels):
    n = height * width * channels
    return 32 * (n * n + n)
''',
    # forgot that every kernel spans all input channels (the notes' Q6 slip)
    "1.3": '''def conv_count(in_channels, out_channels, kernel_size):
    return out_channels * (kernel_size * kernel_size + 1)
''',
    # "undoing" by applying the same permutation again
    "1.4": '''def shuffle(images, perm):
    n, c, h, w = images.shape
    return images.reshape(n, c, h * w)[:, :, perm].reshape(n, c, h, w)


def unshuffle(images, perm):
    return shuffle(images, perm)
''',
}
