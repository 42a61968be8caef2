"""Plausible wrong answers to chapter 4's exercises, with the diagnosis each must get."""

WRONG_ANSWERS = {
    "4.1": [
        ("table_sizes = [round((W - F_ + 2 * P) / S + 1) for W, F_, S, P, D in TABLE]\n", "notes' formula rounded"),
        ("table_sizes = [(W + 2 * P - D * (F_ - 1) - 1) / S + 1 for W, F_, S, P, D in TABLE]\n", "without the floor"),
        ("table_sizes = [(W + 2 * P - F_) // S + 1 for W, F_, S, P, D in TABLE]\n", "left out the dilation"),
        ("table_sizes = [5, 28, 13, 112, 6, 20]\n", "Hint"),
    ],
    "4.2": [
        ("def output_size(W, F, S=1, P=0, D=1):\n    return (W + 2 * P - F) // S + 1\n", "left out the dilation"),
        ("def output_size(W, F, S=1, P=0, D=1):\n    return (W + 2 * P - D * (F - 1) - 1) / S + 1\n",
         "without the floor"),
    ],
    "4.3": [
        ("def smallest_missing_stride(size, kernel_size, padding=0, dilation=1):\n    return kernel_size + 1\n",
         "not always kernel_size + 1"),
        ("def smallest_missing_stride(size, kernel_size, padding=0, dilation=1):\n    return 3\n", "Hint"),
    ],
    "4.4": [
        ("stride_a = 2\npadding_a = 1\n", "to (1, 16, 31, 24)"),
        ("stride_a = 2\npadding_a = \"same\"\n", "refused"),
    ],
    "4.5": [
        ("stride_b = 3\npadding_b = 0  # dilation forgotten\n", "to (1, 8, 10, 10)"),
    ],
}

RULE_BREAKERS = {
    "4.2": '''import convlab.arith


def output_size(W, F, S=1, P=0, D=1):
    return convlab.arith.conv_output_size(W, F, stride=S, padding=P, dilation=D)
''',
}
