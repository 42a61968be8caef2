"""Plausible wrong answers to chapter 5's exercises; each must fail its check."""

WRONG_ANSWERS: dict[str, str] = {
    "5.1": "weight_shape = (3, 16, 5, 5)  # in_channels first\n",
    "5.2": "distinct_weights = 3 * 3  # one slice shared by all channels\n",
    "5.3": 'shared_answer = "A"\n',
    "5.4": (
        "def multi_channel_conv(x, weight, bias):\n"
        "    maps = []\n"
        "    for o in range(weight.shape[0]):\n"
        "        # bias added once per input channel instead of once per kernel\n"
        "        total = sum(single_channel_conv(x[c], weight[o, c]) + bias[o] for c in range(x.shape[0]))\n"
        "        maps.append(total)\n"
        "    return torch.stack(maps)\n"
    ),
}
