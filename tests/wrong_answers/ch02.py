"""Plausible wrong answers to chapter 2's exercises; each must fail its check."""

WRONG_ANSWERS: dict[str, str] = {
    # the sums for the kernel rotated by 180° (true convolution instead of conv2d)
    "2.1": "hand_output = torch.tensor([[0, -1, 6], [8, 1, 2]])\n",
    "2.2": (
        "def corr2d(image, kernel):\n"
        "    kh, kw = kernel.shape\n"
        "    # off by one: the last row and column of windows are missed\n"
        "    out = torch.zeros(image.shape[0] - kh, image.shape[1] - kw)\n"
        "    for i in range(out.shape[0]):\n"
        "        for j in range(out.shape[1]):\n"
        "            out[i, j] = (image[i : i + kh, j : j + kw] * kernel).sum()\n"
        "    return out\n"
    ),
    "2.3": (
        "def im2col_1ch(image, kh, kw):\n"
        "    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1\n"
        "    # windows stacked as rows instead of columns\n"
        "    rows = [image[i : i + kh, j : j + kw].reshape(-1) for i in range(out_h) for j in range(out_w)]\n"
        "    return torch.stack(rows, dim=0)\n"
    ),
    "2.4": "true_conv_kernel = K.T  # a transpose is not a 180° rotation\n",
    "2.5": "im2col_shape = (2, 3 * 5, 8 * 8)  # forgot that a column holds every channel\n",
}
