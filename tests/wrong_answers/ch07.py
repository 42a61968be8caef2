"""Plausible wrong answers to chapter 7's exercises, with the diagnosis each must get."""

WRONG_ANSWERS = {
    "7.1": [
        ('''def shapes_through(input_shape, layers):
    n, c, h, w = input_shape
    shapes = []
    for out_channels, kernel_size, stride, padding in layers:
        h, w = h + 2 * padding - kernel_size + 1, w + 2 * padding - kernel_size + 1
        shapes.append((n, out_channels, h, w))
    return shapes
''', "left out the stride"),
        ('''def shapes_through(input_shape, layers):
    return [(1, 16, 64, 64), (1, 32, 32, 32), (1, 64, 28, 28)]  # the example, copied
''', "Hint"),
    ],
    "7.2": [
        ("conv_down = nn.Conv2d(4, 8, kernel_size=3, stride=2)  # no padding: 63 × 63\n", "63 × 63"),
        ("conv_down = nn.Conv2d(4, 8, kernel_size=3, padding=1)\n", "wrong shape"),
        ("conv_down = nn.Conv2d(4, 8, kernel_size=5, stride=2, padding=2)\n", "the kernel size"),
    ],
    "7.3": [
        ('''def hwc_to_nchw(image):
    return torch.tensor(image, dtype=torch.float32).permute(2, 0, 1).unsqueeze(0)
''', "divided by 255"),
        ('''def hwc_to_nchw(image):
    return (torch.tensor(image, dtype=torch.float32) / 255).permute(2, 0, 1).unsqueeze(0)
''', "only uint8 is scaled"),
        ('''def hwc_to_nchw(image):
    return torch.tensor(image).permute(2, 0, 1).unsqueeze(0)
''', "float32"),
    ],
}

RULE_BREAKERS = {
    "7.1": '''def shapes_through(input_shape, layers):
    x = torch.zeros(input_shape)
    shapes = []
    for out_channels, kernel_size, stride, padding in layers:
        x = nn.Conv2d(x.shape[1], out_channels, kernel_size, stride, padding)(x)
        shapes.append(tuple(x.shape))
    return shapes
''',
}
