"""Plausible wrong answers to chapter 3's exercises, with the diagnosis each must get."""

WRONG_ANSWERS = {
    "3.1": [
        ("def keep_size_padding(kernel_size, dilation=1):\n    if (kernel_size - 1) % 2:\n        return None\n"
         "    return (kernel_size - 1) // 2\n", "dilation"),
        ("def keep_size_padding(kernel_size, dilation=1):\n    return dilation * (kernel_size - 1) // 2\n",
         "odd number"),
    ],
    "3.2": [
        ('''def window_counts(size, kernel_size, padding=0):
    return [min(i + 1, kernel_size, size - i, size - kernel_size + 1) for i in range(size)]
''', "without padding"),
        ('''def window_counts(size, kernel_size, padding=0):
    return [1, 2, 3, 2, 1]  # the example, copied
''', "Hint"),
    ],
    "3.3": [
        ('''def pad_row(row, padding, mode):
    p = padding
    if mode == "zeros":
        left = right = torch.zeros(p)
    elif mode == "reflect":  # repeats the edge pixel
        left, right = row[:p].flip(0), row[-p:].flip(0)
    elif mode == "replicate":
        left, right = row[:1].repeat(p), row[-1:].repeat(p)
    else:
        left, right = row[-p:], row[:p]
    return torch.cat([left, row, right])
''', "without repeating it"),
        ('''def pad_row(row, padding, mode):
    p = padding
    if mode == "zeros":
        left = right = torch.zeros(p)
    elif mode == "reflect":
        left, right = row[1 : p + 1].flip(0), row[-p - 1 : -1].flip(0)
    elif mode == "replicate":
        left, right = row[:1].repeat(p), row[-1:].repeat(p)
    else:  # the sides swapped
        left, right = row[:p], row[-p:]
    return torch.cat([left, row, right])
''', "sides are swapped"),
        # the question's answer: zeros counted in, or a copying mode left out
        ('constant_modes = ["zeros", "reflect", "replicate", "circular"]\n', "brings in a value"),
        ('constant_modes = ["replicate"]\n', "leaves out a mode"),
    ],
    "3.4": [
        ('''def same_split(kernel_size, dilation=1):
    total = dilation * (kernel_size - 1)
    return total - total // 2, total // 2
''', "goes AFTER"),
        ('''def same_split(kernel_size, dilation=1):
    total = kernel_size - 1
    return total // 2, total - total // 2
''', "dilation"),
    ],
}

RULE_BREAKERS = {
    "3.3": '''import torch.nn.functional as F


def pad_row(row, padding, mode):
    return F.pad(row[None, None], (padding, padding), mode="constant" if mode == "zeros" else mode)[0, 0]
''',
}
