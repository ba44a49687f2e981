#!/usr/bin/python3
"""Write model.onnx and ref_logits.npy: a digits classifier written as a
1-D sequence model, in the forms PyTorch code for signals and tabular
sequences exports.

    /usr/bin/python3 test/e2e/Inputs/sequence_forms/make_model.py

Tests never run this script; they read model.onnx, ref_logits.npy (torch's
outputs on the 360 test images) and the digits data of the model suite
(test/models/digits_cnn: the same 360-sample test split, uint8 pixels
0..16). Needs python3-torch, python3-sklearn, python3-onnx; deterministic
(fixed seeds, 2 threads).

Each 8x8 image is a sequence of 8 steps of 8 channels (its rows):
x / 16 -> Conv1d(8, 12, 3, pad 1) -> torch.maximum(h, 0.25 * h ** 2)
(Pow, Mul, Max of two activations) -> MaxPool1d(2) -> Conv1d(12, 12, 3,
pad 1) -> ReLU -> AvgPool1d(2) -> torch.matmul(M, h) (a learned [12, 12]
mixing of the channels, the weights on the left) -> flatten -> LayerNorm
(ReduceMean, Sub, Pow, Sqrt, Div) -> Linear(24, 10).
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
        self.conv1 = nn.Conv1d(8, 12, 3, padding=1)
        self.conv2 = nn.Conv1d(12, 12, 3, padding=1)
        self.mix = nn.Parameter(torch.eye(12))
        self.norm = nn.LayerNorm(24)
        self.fc = nn.Linear(24, 10)

    def forward(self, x):
        s = x.view(x.size(0), 8, 8) / 16.0
        h = self.conv1(s)
        h = nn.functional.max_pool1d(torch.maximum(h, 0.25 * h ** 2), 2)
        h = nn.functional.avg_pool1d(torch.relu(self.conv2(h)), 2)
        return self.fc(self.norm(torch.matmul(self.mix, h).flatten(1)))


def main():
    train_and_export(Net, HERE, 14)


if __name__ == "__main__":
    main()
