#!/usr/bin/env python3
"""Trains a small PyTorch MNIST classifier and exports it to ONNX, for a manual check of dl:evaluate.

Not part of CI (it needs torch). Usage:
    python3 make_model.py [MNIST_DIR] [OUT.onnx]
MNIST_DIR holds the four uncompressed IDX files (default: ~/.kiln/datasets/mnist, Kiln's cache).
The model expects the usual PyTorch preprocessing: x/255, then (x - 0.1307) / 0.3081, NCHW
[N,1,28,28], and outputs logits [N,10]; so evaluate it with
    -Ddl.scale=0.00392156862745098 -Ddl.mean=0.1307 -Ddl.std=0.3081
"""
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn


def read_idx(path):
    with open(path, "rb") as f:
        magic, = struct.unpack(">I", f.read(4))
        dims = struct.unpack(">" + "I" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.kiln/datasets/mnist")
    out = sys.argv[2] if len(sys.argv) > 2 else "pytorch-mnist.onnx"
    torch.manual_seed(0)
    x = torch.tensor(read_idx(os.path.join(data, "train-images-idx3-ubyte")), dtype=torch.float32)
    y = torch.tensor(read_idx(os.path.join(data, "train-labels-idx1-ubyte")), dtype=torch.long)
    x = ((x / 255.0 - 0.1307) / 0.3081).unsqueeze(1)  # [N,1,28,28]

    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(8 * 14 * 14, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for epoch in range(1):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 100):
            idx = perm[i:i + 100]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        print(f"epoch {epoch + 1}: last batch loss {loss.item():.4f}")
    model.eval()
    # PyTorch's own test accuracy, to compare with what dl:evaluate measures through ONNX Runtime
    tx = torch.tensor(read_idx(os.path.join(data, "t10k-images-idx3-ubyte")), dtype=torch.float32)
    ty = torch.tensor(read_idx(os.path.join(data, "t10k-labels-idx1-ubyte")), dtype=torch.long)
    with torch.no_grad():
        pred = model(((tx / 255.0 - 0.1307) / 0.3081).unsqueeze(1)).argmax(1)
    print(f"PyTorch test accuracy: {(pred == ty).float().mean().item():.4f}")
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), out, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
