"""Plausible wrong answers to chapter 2's exercises, with the diagnosis each must get."""

WRONG_ANSWERS = {
    "2.1": [
        ("hand_output = torch.tensor([[0, -1, 6], [8, 1, 2]])  # the kernel rotated by 180°\n", "rotated by 180°"),
        ("hand_output = torch.tensor([[1, 2], [3, 4]])\n", "wrong shape"),
        ("hand_output = torch.tensor([[3, -2, 5], [6, 3, 5]])  # one slip\n", "Hint"),
    ],
    "2.2": [
        ('''def corr2d(image, kernel):
    kh, kw = kernel.shape
    out = torch.zeros(image.shape[0] - kh, image.shape[1] - kw)  # off by one
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (image[i : i + kh, j : j + kw] * kernel).sum()
    return out
''', "(H − kH + 1)"),
        ('''def corr2d(image, kernel):
    kh, kw = kernel.shape
    kernel = kernel.flip(0, 1)
    out = torch.zeros(image.shape[0] - kh + 1, image.shape[1] - kw + 1)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (image[i : i + kh, j : j + kw] * kernel).sum()
    return out
''', "flips the kernel"),
    ],
    "2.3": [
        ('''def im2col_1ch(image, kh, kw):
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    rows = [image[i : i + kh, j : j + kw].reshape(-1) for i in range(out_h) for j in range(out_w)]
    return torch.stack(rows, dim=0)
''', "the windows are rows"),
        ('''def im2col_1ch(image, kh, kw):
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    cols = [image[i : i + kh, j : j + kw].T.reshape(-1) for j in range(out_w) for i in range(out_h)]
    return torch.stack(cols, dim=1)
''', "column by column"),
    ],
    "2.4": [
        ('''def true_conv(image, kernel):
    kh, kw = kernel.shape
    return nnf.conv2d(image[None, None], kernel[None, None], padding=(kh - 1, kw - 1))[0, 0]
''', "that is cross-correlation"),
        ('''def true_conv(image, kernel):
    kh, kw = kernel.shape
    return nnf.conv2d(image[None, None], kernel.flip(0)[None, None], padding=(kh - 1, kw - 1))[0, 0]
''', "upside down only"),
        ('''def true_conv(image, kernel):
    return nnf.conv2d(image[None, None], kernel.flip(0, 1)[None, None])[0, 0]
''', "'valid' part"),
    ],
    "2.5": [
        ("def unfold_shape(n, c, h, w, kh, kw):\n    return (n, kh * kw, (h - kh + 1) * (w - kw + 1))\n",
         "every channel"),
        ("def unfold_shape(n, c, h, w, kh, kw):\n    return (n, c * kh * kw, (h - kh) * (w - kw))\n", "H − kH + 1"),
        ("def unfold_shape(n, c, h, w, kh, kw):\n    return (2, 45, 64)  # the example, copied\n", "Hint"),
    ],
}

RULE_BREAKERS = {
    "2.2": "import torch.nn.functional as F\n\n\ndef corr2d(image, kernel):\n"
           "    return F.conv2d(image[None, None], kernel[None, None])[0, 0]\n",
    "2.3": "import torch.nn.functional as F\n\n\ndef im2col_1ch(image, kh, kw):\n"
           "    return F.unfold(image[None, None], (kh, kw))[0]\n",
    "2.4": "import numpy as np\nfrom scipy.signal import convolve2d\n\n\ndef true_conv(image, kernel):\n"
           "    return torch.from_numpy(convolve2d(image.numpy(), kernel.numpy()))\n",
}
