#!/usr/bin/python3
"""Write model.onnx: a digits CNN whose average pool excludes its padding.

    /usr/bin/python3 test/e2e/Inputs/avgpool/make_model.py

Tests never run this script; they read model.onnx and the digits data of
the model suite (test/models/digits_cnn: the same 360-sample test split,
uint8 pixels 0..16). Needs python3-torch, python3-sklearn, python3-onnx;
deterministic (fixed seed, 2 threads).

x / 16 -> Conv(1, 4, 3x3, pad 1) -> Relu -> AveragePool(3x3, stride 2,
pad 1, count_include_pad=0: PyTorch's AvgPool2d(count_include_pad=False),
and ONNX's default) -> Flatten -> Gemm(64, 10). The border windows of the
pool divide by 4 or 6 elements, the others by 9: the division varies per
position.
"""
import os

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)
torch.manual_seed(0)


class Scale(nn.Module):
    def forward(self, x):
        return x / 16.0


def main():
    d = load_digits()
    X = d.data.astype(np.float32).reshape(-1, 1, 8, 8)
    y = d.target.astype(np.int64)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=360, stratify=y,
                                          random_state=0)
    model = nn.Sequential(Scale(), nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(),
                          nn.AvgPool2d(3, 2, 1, count_include_pad=False),
                          nn.Flatten(), nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), 3e-3)
    g = torch.Generator().manual_seed(0)
    for _ in range(40):
        perm = torch.randperm(len(Xtr), generator=g)
        for i in range(0, len(Xtr), 64):
            idx = perm[i:i + 64]
            loss = nn.functional.cross_entropy(
                model(torch.from_numpy(Xtr[idx.numpy()])),
                torch.from_numpy(ytr[idx.numpy()]))
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(torch.from_numpy(Xte)).argmax(1).numpy() == yte)
    print("float accuracy", accuracy.mean())
    torch.onnx.export(model, torch.from_numpy(Xte[:1]),
                      os.path.join(HERE, "model.onnx"), input_names=["x"],
                      output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=13)


if __name__ == "__main__":
    main()
