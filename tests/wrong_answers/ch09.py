"""Plausible wrong answers to chapter 9's exercises: each must fail its check with the diagnosis given."""

WRONG_ANSWERS = {
    # copied the first convolution's padding into the second
    "9.1": [('''def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )
''',
         "the second convolution")],
    # the linear layer's count without the spatial size: "parameters do not grow with the image"
    "9.2": [('''def lenet_plan(side, kernel, c1, c2, n_classes):
    s1 = side - kernel + 1
    p1 = s1 // 2
    s2 = p1 - kernel + 1
    p2 = s2 // 2
    return [
        ((c1, s1, s1), c1 * kernel * kernel + c1),
        ((c1, p1, p1), 0),
        ((c2, s2, s2), c2 * c1 * kernel * kernel + c2),
        ((c2, p2, p2), 0),
        ((n_classes,), c2 * n_classes + n_classes),
    ]
''',
         "depend on the image size")],
    # forgot to clear the gradients
    "9.3": [('''def train_step(model, optimizer, images, labels):
    loss = nnf.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.item()
''',
         "left over from before")],
    # "a convolution flips its kernel", so flip the learned one back
    "9.4": [('''def learn_kernel(inputs, outputs):
    layer = nn.Conv2d(1, 1, kernel_size=3, bias=False)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    for _ in range(300):
        loss = nnf.mse_loss(layer(inputs), outputs)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return layer.weight[0, 0].detach().flip(0, 1)
''',
         "rotated by 180°"),
            # the whole weight, channel axes included
            ('''def learn_kernel(inputs, outputs):
    layer = nn.Conv2d(1, 1, kernel_size=3, bias=False)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    for _ in range(300):
        loss = nnf.mse_loss(layer(inputs), outputs)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return layer.weight.detach()
''',
         "not 3 × 3"),
            # the weight itself, still part of the autograd graph
            ('''def learn_kernel(inputs, outputs):
    layer = nn.Conv2d(1, 1, kernel_size=3, bias=False)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    for _ in range(300):
        loss = nnf.mse_loss(layer(inputs), outputs)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return layer.weight[0, 0]
''',
         "still tracks gradients")],
    # flattened the kernel channels-last (H, W, C), not in x.flatten(1)'s order (C, H, W)
    "9.5": [('''def conv_to_linear(conv):
    k, c, h, w = conv.weight.shape
    linear = nn.Linear(c * h * w, k, bias=conv.bias is not None)
    with torch.no_grad():
        linear.weight.copy_(conv.weight.permute(0, 2, 3, 1).reshape(k, c * h * w))
        if conv.bias is not None:
            linear.bias.copy_(conv.bias)
    return linear
''',
         "channel by channel")],
}

RULE_BREAKERS = {
    # builds the layers and counts their parameters instead of doing the arithmetic
    "9.2": '''def lenet_plan(side, kernel, c1, c2, n_classes):
    layers = [nn.Conv2d(1, c1, kernel), nn.MaxPool2d(2), nn.Conv2d(c1, c2, kernel), nn.MaxPool2d(2)]
    x, plan = torch.zeros(1, 1, side, side), []
    for layer in layers:
        x = layer(x)
        plan.append((tuple(x.shape[1:]), sum(p.numel() for p in layer.parameters())))
    return plan + [((n_classes,), (x.numel() + 1) * n_classes)]
''',
}
