"""Plausible wrong answers to chapter 4's exercises: each must fail its check with a friendly message."""

WRONG_ANSWERS: dict[str, str] = {
    # the notes' formula, rounded, no dilation
    "4.1": '''table_sizes = [round((W - F_ + 2 * P) / S + 1) for W, F_, S, P, D in TABLE]
''',
    # forgot the dilation
    "4.2": '''def output_size(W, F, S=1, P=0, D=1):
    return (W + 2 * P - F) // S + 1
''',
    # "gaps appear once the stride exceeds the kernel": forgets the floor and the dilation
    "4.3": '''def smallest_missing_stride(size, kernel_size, padding=0, dilation=1):
    return kernel_size + 1
''',
    # the padding of a square 3×3 kernel for the 5×3 one
    "4.4": '''stride_a = 2
padding_a = 1
''',
    # forgot that dilation widens the kernel
    "4.5": '''stride_b = 3
padding_b = 0
''',
}
