#!/usr/bin/python3
"""Write model.onnx and ref_logits.npy: a digits CNN in the forms PyTorch
code exports that the plainer suite models lack.

    /usr/bin/python3 test/e2e/Inputs/pytorch_forms/make_model.py

Tests never run this script; they read model.onnx, ref_logits.npy (torch's
outputs on the 360 test images) and the digits data of the model
suite (test/models/digits_cnn: the same 360-sample test split, uint8
pixels 0..16). Needs python3-torch, python3-sklearn, python3-onnx;
deterministic (fixed seeds, 2 threads).

x / 16 -> Conv(1, 4, 3x3, pad 1) -> BatchNorm -> Hardswish -> MaxPool 2
-> h; then h.view(h.size(0), -1) (Shape, Gather, Unsqueeze, Concat,
Reshape) -> Linear(64, 32) -> chunk(2) (shape arithmetic and two Slices)
-> value * sigmoid(gate) -> PReLU(16) -> Dropout, and h.mean(dim=(2, 3))
(ReduceMean) -> Concat -> Linear(20, 10).
"""
import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from digits_torch import train_and_export  # noqa: E402


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(64, 32)
        self.prelu = nn.PReLU(16)
        self.drop = nn.Dropout(0.1)
        self.fc2 = nn.Linear(20, 10)

    def forward(self, x):
        h = self.pool(nn.functional.hardswish(self.bn(self.conv(x / 16.0))))
        gate, value = self.fc1(h.view(h.size(0), -1)).chunk(2, dim=1)
        flat = self.drop(self.prelu(value * torch.sigmoid(gate)))
        return self.fc2(torch.cat([flat, h.mean(dim=(2, 3))], dim=1))


def main():
    train_and_export(Net, HERE, 14)


if __name__ == "__main__":
    main()
