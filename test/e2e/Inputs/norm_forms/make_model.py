#!/usr/bin/python3
"""Write model.onnx and ref_logits.npy: a digits CNN with the normalizations
and the grouped convolution PyTorch models use, exported at opset 17.

    /usr/bin/python3 test/e2e/Inputs/norm_forms/make_model.py

Tests never run this script; they read model.onnx, ref_logits.npy (torch's
outputs on the 360 test images) and the digits data of the model suite
(test/models/digits_cnn: the same 360-sample test split, uint8 pixels
0..16). Needs python3-torch, python3-sklearn, python3-onnx; deterministic
(fixed seeds, 2 threads).

x / 16 as [N, 1, 8, 8] -> Conv2d(1, 8, 3, pad 1) -> GroupNorm(2, 8)
(Reshape, InstanceNormalization, Reshape, Mul, Add) -> ReLU ->
Conv2d(8, 8, 3, pad 1, groups=4) -> InstanceNorm2d(8, affine=True) ->
ReLU -> AvgPool2d(2) -> flatten -> LayerNorm(128) (LayerNormalization at
opset 17) -> Linear(128, 10) on F.normalize(h) * 8 (ReduceL2, Clip, Expand,
Div: a cosine classifier).
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
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.group_norm = nn.GroupNorm(2, 8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, groups=4)
        self.instance_norm = nn.InstanceNorm2d(8, affine=True)
        self.layer_norm = nn.LayerNorm(128)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        h = x.view(x.size(0), 1, 8, 8) / 16.0
        h = torch.relu(self.group_norm(self.conv1(h)))
        h = torch.relu(self.instance_norm(self.conv2(h)))
        h = nn.functional.avg_pool2d(h, 2).flatten(1)
        h = nn.functional.normalize(self.layer_norm(h), dim=1) * 8.0
        return self.fc(h)


def main():
    train_and_export(Net, HERE, 17)


if __name__ == "__main__":
    main()
