"""Plausible wrong answers to chapter 6's exercises; each must fail its check."""

WRONG_ANSWERS: dict[str, str] = {
    "6.1": (
        "# biases forgotten in both layers\n"
        "conv_count = 16 * 3 * 3 * 3\n"
        "fc_count = (16 * 62 * 62) * (64 * 64 * 3)\n"
    ),
    "6.2": "stack_field = 1 + 4 + 2 + 2 + 2 * 2  # strides ignored: every step counted as one pixel\n",
    "6.3": (
        "def layers_needed(region):\n"
        "    return (region - 1) // 2  # rounds down: too shallow for even regions\n"
    ),
    "6.4": (
        "# the notes' claim that a bias breaks translation equivariance\n"
        'equivariant = {"a": False, "b": False, "c": True, "d": False, "e": False, "f": True}\n'
    ),
    "6.5": "saving = 64 * 64 * 7 * 7 - 3 * 64 * 64 * 3 * 3  # biases forgotten\n",
}
