"""Plausible wrong answers to chapter 3's exercises: each must fail its check with a friendly message."""

WRONG_ANSWERS: dict[str, str] = {
    # forgot the dilation, and that an even kernel cannot be padded symmetrically
    "3.1": '''def keep_size_padding(kernel_size, dilation=1):
    return (kernel_size - 1) // 2
''',
    # the no-padding pattern 1, 2, 3, …: ignores the windows that hang over the border
    "3.2": '''def window_counts(size, kernel_size, padding=0):
    return [min(i + 1, kernel_size, size - i, size - kernel_size + 1) for i in range(size)]
''',
    # only mirroring "copies the image"
    "3.3": '''keeps_constant = {"reflect"}
''',
    # the extra pixel on the wrong side
    "3.4": '''def same_split(kernel_size, dilation=1):
    total = dilation * (kernel_size - 1)
    return total - total // 2, total // 2
''',
}
