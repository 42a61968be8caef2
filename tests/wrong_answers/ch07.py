"""Plausible wrong answers to chapter 7's exercises; each must fail its check."""

WRONG_ANSWERS: dict[str, str] = {
    "7.1": "shapes = [(1, 16, 64, 64), (1, 32, 64, 64), (1, 64, 60, 60)]  # stride forgotten\n",
    "7.2": "conv_down = nn.Conv2d(4, 8, kernel_size=3, stride=2)  # no padding: 63 × 63\n",
    "7.3": "params_stem = 64 * 3 * 7 * 7 + 64  # counted a bias that bias=False removes\n",
    "7.4": "params_stack = 16 * 3 * 9 + 32 * 16 * 9 + 10 * 32  # biases forgotten\n",
    "7.5": (
        "def hwc_to_nchw(image):\n"
        "    # no scaling: a uint8 image keeps values up to 255\n"
        "    return torch.tensor(image, dtype=torch.float32).permute(2, 0, 1).unsqueeze(0)\n"
    ),
}
