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
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from digits_torch import train_and_export  # noqa: E402


class Scale(nn.Module):
    def forward(self, x):
        return x / 16.0


def main():
    train_and_export(
        lambda: nn.Sequential(Scale(), nn.Conv2d(1, 4, 3, padding=1),
                              nn.ReLU(),
                              nn.AvgPool2d(3, 2, 1, count_include_pad=False),
                              nn.Flatten(), nn.Linear(64, 10)),
        HERE, 13, save_logits=False)


if __name__ == "__main__":
    main()
