"""Shared by the make_model.py scripts of test/e2e/Inputs/*: the digits
split of the model suite, a deterministic training loop and the ONNX
export with a dynamic batch. Needs python3-torch and python3-sklearn."""
import os

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)


def digits_split():
    """The suite's split (test/models/digits_*): 1x8x8 images, pixels 0..16
    as float32, 360 test images."""
    d = load_digits()
    X = d.data.astype(np.float32).reshape(-1, 1, 8, 8)
    y = d.target.astype(np.int64)
    return train_test_split(X, y, test_size=360, stratify=y, random_state=0)


def train(model, Xtr, ytr, epochs=40, lr=3e-3):
    """Adam on cross-entropy, batches of 64 in a seeded order; eval mode
    after."""
    opt = torch.optim.Adam(model.parameters(), lr)
    g = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(Xtr), generator=g).numpy()
        for i in range(0, len(Xtr), 64):
            idx = perm[i:i + 64]
            loss = nn.functional.cross_entropy(
                model(torch.from_numpy(Xtr[idx])), torch.from_numpy(ytr[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()


def export(model, example, path, opset):
    """model.onnx with input x and output logits, both with a dynamic
    batch."""
    torch.onnx.export(model, torch.from_numpy(example), path,
                      input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"},
                                    "logits": {0: "batch"}},
                      opset_version=opset)


def train_and_export(make_model, directory, opset, save_logits=True):
    """Seeds torch, builds the model with make_model(), trains it on the
    digits split, prints its float test accuracy and writes
    directory/model.onnx (and ref_logits.npy, its test outputs, when
    save_logits)."""
    torch.manual_seed(0)
    Xtr, Xte, ytr, yte = digits_split()
    model = make_model()
    train(model, Xtr, ytr)
    with torch.no_grad():
        logits = model(torch.from_numpy(Xte)).numpy()
    print("float accuracy", (logits.argmax(1) == yte).mean())
    if save_logits:
        np.save(os.path.join(directory, "ref_logits.npy"), logits)
    export(model, Xte[:1], os.path.join(directory, "model.onnx"), opset)
