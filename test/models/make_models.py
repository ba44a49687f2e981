#!/usr/bin/python3
"""Regenerate the committed qfhe model suite (test/models/<name>/).

Run with the Debian interpreter (needs python3-torch python3-sklearn
python3-onnx python3-numpy dataset-fashion-mnist):

    /usr/bin/python3 test/models/make_models.py [MODEL ...]

With model names, only those models are rewritten (the others' files stay as
they are); without, all of them.  Tests never run this script; they only read
the files it wrote.  Everything is deterministic (fixed seeds, 2 threads,
deterministic algorithms, every model trained from its own seed, so that
rewriting one model leaves the others' files byte-identical), and the whole
run takes about six minutes on a 2-core machine.

For every model the folder gets:
  model.onnx      torch.onnx.export, input "x", output "logits", dynamic batch
  test_x.npy      test inputs (uint8 raw features, or float32 for the
                  standardized tabular sets)
  test_y.npy      int64 labels
  calib_x.npy     calibration inputs from the training split (same dtype)
  ref_logits.npy  float32 torch outputs on test_x converted exactly to float32
  info.json       metadata (accuracy, shapes, dtype, description, ops)

After writing, each model.onnx is re-checked with onnx.checker and evaluated
with a small numpy reference interpreter (below) to confirm the ONNX graph
reproduces ref_logits.npy.
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import onnx
from onnx import numpy_helper
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
FASHION_DIR = "/usr/share/datasets/fashion-mnist"
# Sample counts for Fashion-MNIST (the bulk of the suite's size: 784 B/sample).
FASHION_TRAIN = 20000
FASHION_EPOCHS = 3
FASHION_TEST = 200
FASHION_CALIB = 256
# The whole official test set (fashion_mlp_full) and the CNN's share of it.
FASHION_TEST_FULL = 10000
FASHION_CNN_TEST = 1000

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)

# Ops that the exported graphs are allowed to contain.
PLAIN_OPS = {"Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Tanh",
             "Sigmoid", "Conv", "AveragePool", "MaxPool", "Flatten", "Reshape"}


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------
class ScaledMLP(nn.Module):
    """x / scale, then Linear/act/.../Linear."""

    def __init__(self, sizes, act, scale):
        super().__init__()
        # A buffer (not a Python float) so the divisor is exported as a scalar
        # initializer instead of a Constant node.
        self.register_buffer("scale", torch.tensor(float(scale)))
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i + 2 < len(sizes):
                layers.append(act())
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x / self.scale)


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("scale", torch.tensor(16.0))
        self.net = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
            # count_include_pad=False is identical here (no padding) but stops
            # torch 1.13 from emitting a zero Pad (+ Constant) before AveragePool.
            nn.AvgPool2d(2, count_include_pad=False),   # 8x8 -> 4x4
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),                      # 4x4 -> 2x2
            nn.Flatten(),                         # 16*2*2 = 64
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.net(x / self.scale)


class FashionCNN(nn.Module):
    """Two small convolutions on 28x28 images: a max pool after the first,
    a stride of 2 in the second, then one dense layer."""

    def __init__(self):
        super().__init__()
        self.register_buffer("scale", torch.tensor(255.0))
        self.net = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),                                # 28x28 -> 14x14
            nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.ReLU(),  # -> 7x7
            nn.Flatten(),                                   # 8*7*7 = 392
            nn.Linear(392, 10),
        )

    def forward(self, x):
        return self.net(x / self.scale)


class LogReg(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.linear = nn.Linear(n, 1)

    def forward(self, x):
        return self.linear(x)


class GatedMLP(nn.Module):
    """x / 16, a gated hidden layer relu(W1 x) * sigmoid(W2 x) (a product of
    two encrypted tensors), a layer with square activation z * z (a product
    of a tensor with itself), then the output layer."""

    def __init__(self):
        super().__init__()
        self.register_buffer("scale", torch.tensor(16.0))
        self.value = nn.Linear(64, 32)
        self.gate = nn.Linear(64, 32)
        self.hidden = nn.Linear(32, 16)
        self.out = nn.Linear(16, 10)

    def forward(self, x):
        x = x / self.scale
        h = torch.relu(self.value(x)) * torch.sigmoid(self.gate(x))
        z = self.hidden(h)
        return self.out(z * z)


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------
def digits_splits():
    d = load_digits()
    X = d.data.astype(np.float64)
    assert X.min() >= 0 and X.max() <= 16 and np.all(X == np.round(X))
    X = X.astype(np.uint8)
    y = d.target.astype(np.int64)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=360, stratify=y,
                                          random_state=0)
    rng = np.random.RandomState(0)
    calib = Xtr[rng.choice(len(Xtr), 200, replace=False)]
    return Xtr, ytr, Xte, yte, calib


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims)


def fashion_splits(test_count=FASHION_TEST):
    Xtr = read_idx(os.path.join(FASHION_DIR, "train-images-idx3-ubyte.gz"))
    ytr = read_idx(os.path.join(FASHION_DIR, "train-labels-idx1-ubyte.gz"))
    Xte = read_idx(os.path.join(FASHION_DIR, "t10k-images-idx3-ubyte.gz"))
    yte = read_idx(os.path.join(FASHION_DIR, "t10k-labels-idx1-ubyte.gz"))
    Xtr = Xtr.reshape(len(Xtr), 784)
    Xte = Xte.reshape(len(Xte), 784)
    rng = np.random.RandomState(0)
    perm = rng.permutation(len(Xtr))
    train_idx = perm[:FASHION_TRAIN]  # training subset (speed)
    # Calibration: training-set images that the model was not trained on.
    calib_idx = perm[FASHION_TRAIN:FASHION_TRAIN + FASHION_CALIB]
    # Test: the first test_count images of the official t10k test set.
    return (Xtr[train_idx], ytr[train_idx].astype(np.int64),
            Xte[:test_count].copy(), yte[:test_count].astype(np.int64),
            Xtr[calib_idx])


def standardized_splits(dataset, test_size, calib_count):
    """A stratified split (random_state=0) of an sklearn tabular set,
    z-scored by a StandardScaler fitted on the training split, as float32;
    calibration: `calib_count` training samples, or all of them (None)."""
    d = dataset()
    X = d.data.astype(np.float64)
    y = d.target.astype(np.int64)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=test_size, stratify=y,
                                          random_state=0)
    sc = StandardScaler().fit(Xtr)
    Xtr = sc.transform(Xtr).astype(np.float32)
    Xte = sc.transform(Xte).astype(np.float32)
    if calib_count is None:
        return Xtr, ytr, Xte, yte, Xtr.copy()
    rng = np.random.RandomState(0)
    calib = Xtr[rng.choice(len(Xtr), calib_count, replace=False)]
    return Xtr, ytr, Xte, yte, calib


def breast_cancer_splits(calib_count=200):
    return standardized_splits(load_breast_cancer, 0.3, calib_count)


# --------------------------------------------------------------------------
# Training / evaluation
# --------------------------------------------------------------------------
def train(model, X, y, epochs, lr, batch, loss_kind="ce", seed=0, wd=0.0):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    Xt = torch.from_numpy(np.ascontiguousarray(X).astype(np.float32))
    yt = torch.from_numpy(y)
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=wd)
    if loss_kind == "ce":
        loss_fn = nn.CrossEntropyLoss()
    else:
        loss_fn = nn.BCEWithLogitsLoss()
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(Xt), generator=g)
        for i in range(0, len(Xt), batch):
            idx = perm[i:i + batch]
            out = model(Xt[idx])
            if loss_kind == "ce":
                loss = loss_fn(out, yt[idx])
            else:
                loss = loss_fn(out[:, 0], yt[idx].float())
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    return float(loss)


def accuracy(logits, y):
    if logits.shape[-1] == 1:
        pred = (logits[..., 0] > 0).astype(np.int64)
    else:
        pred = logits.argmax(axis=-1)
    return float(np.mean(pred == y))


def torch_logits(model, X):
    with torch.no_grad():
        return model(torch.from_numpy(X.astype(np.float32))).numpy().astype(np.float32)


# --------------------------------------------------------------------------
# Tiny numpy ONNX interpreter (only for the ops these models use), used to
# check that the exported graph matches the torch reference.
# --------------------------------------------------------------------------
def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pool(x, k, s, mode):
    n, c, h, w = x.shape
    oh, ow = (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1
    out = np.empty((n, c, oh, ow), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            win = x[:, :, i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1]]
            out[:, :, i, j] = win.max(axis=(2, 3)) if mode == "max" else win.mean(axis=(2, 3))
    return out


def _conv(x, w, b, pads, strides):
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - kh) // strides[0] + 1
    ow = (wd + pads[1] + pads[3] - kw) // strides[1] + 1
    out = np.zeros((n, m, oh, ow), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * strides[0]:i * strides[0] + kh,
                       j * strides[1]:j * strides[1] + kw]
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    if b is not None:
        out += b.reshape(1, m, 1, 1)
    return out


def run_onnx_numpy(model, x, dtype=np.float64):
    """Evaluate the graph with numpy; all float tensors computed in `dtype`."""
    def cast(v):
        return v.astype(dtype) if v.dtype.kind == "f" else v
    env = {i.name: cast(numpy_helper.to_array(i)) for i in model.graph.initializer}
    env[model.graph.input[0].name] = x.astype(dtype)
    for node in model.graph.node:
        a = _attrs(node)
        ins = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            v = numpy_helper.to_array(a["value"])
            r = cast(v)
        elif op == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0):
                A = A.T
            if a.get("transB", 0):
                B = B.T
            r = A @ B
            if a.get("alpha", 1.0) != 1.0:
                r = r * r.dtype.type(a["alpha"])
            if len(ins) > 2 and ins[2] is not None:
                c = ins[2]
                if a.get("beta", 1.0) != 1.0:
                    c = c * c.dtype.type(a["beta"])
                r = r + c
        elif op == "MatMul":
            r = ins[0] @ ins[1]
        elif op == "Add":
            r = ins[0] + ins[1]
        elif op == "Sub":
            r = ins[0] - ins[1]
        elif op == "Mul":
            r = ins[0] * ins[1]
        elif op == "Div":
            r = ins[0] / ins[1]
        elif op == "Relu":
            r = np.maximum(ins[0], 0)
        elif op == "Tanh":
            r = np.tanh(ins[0])
        elif op == "Sigmoid":
            r = (1 / (1 + np.exp(-ins[0]))).astype(ins[0].dtype)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            r = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Reshape":
            r = ins[0].reshape([ins[0].shape[i] if d == 0 else d
                                for i, d in enumerate(ins[1].astype(np.int64))])
        elif op == "Conv":
            r = _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                      a.get("pads", [0, 0, 0, 0]), a.get("strides", [1, 1]))
        elif op in ("AveragePool", "MaxPool"):
            assert not any(a.get("pads", [0, 0, 0, 0]))
            r = _pool(ins[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]),
                      "max" if op == "MaxPool" else "avg")
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = r
    return env[model.graph.output[0].name]


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------
def export(name, model, opset, Xtr, ytr, Xte, yte, calib, input_shape,
           num_classes, description, architecture, train_s):
    out_dir = os.path.join(HERE, name)
    os.makedirs(out_dir, exist_ok=True)
    model.eval()

    disk_dtype = Xte.dtype
    test_x = np.ascontiguousarray(Xte.reshape((len(Xte),) + tuple(input_shape)))
    calib_x = np.ascontiguousarray(calib.reshape((len(calib),) + tuple(input_shape)))
    assert calib_x.dtype == disk_dtype
    test_y = np.ascontiguousarray(yte.astype(np.int64))

    ref = torch_logits(model, test_x)
    output_cols = int(ref.shape[-1])
    acc = accuracy(ref, test_y)

    # Little-endian explicitly (np.save keeps the array's byte order).
    def le(a):
        return a.astype(a.dtype.newbyteorder("<"), copy=False)

    np.save(os.path.join(out_dir, "test_x.npy"), le(test_x))
    np.save(os.path.join(out_dir, "test_y.npy"), le(test_y))
    np.save(os.path.join(out_dir, "calib_x.npy"), le(calib_x))
    np.save(os.path.join(out_dir, "ref_logits.npy"), le(ref.astype(np.float32)))

    onnx_path = os.path.join(out_dir, "model.onnx")
    dummy = torch.from_numpy(test_x[:2].astype(np.float32))
    torch.onnx.export(model, dummy, onnx_path, opset_version=opset,
                      input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)

    m = onnx.load(onnx_path)
    onnx.checker.check_model(m, full_check=True)
    ops = [n.op_type for n in m.graph.node]
    bad = sorted(set(ops) - PLAIN_OPS)
    assert not bad, f"{name}: unexpected ops {bad}"
    assert [i.name for i in m.graph.input] == ["x"], [i.name for i in m.graph.input]
    assert [o.name for o in m.graph.output] == ["logits"]
    opset_seen = {o.domain: o.version for o in m.opset_import}
    assert opset_seen.get("", opset_seen.get("ai.onnx")) == opset, opset_seen

    # Cross-check the ONNX graph against torch with the numpy interpreter:
    # exactly (float64), and in float32 with numpy's summation order (what a
    # compiler's float path might see).  ref_logits must be within
    # 1e-5 + 1e-5 * |ref| of the exact result (the tolerance the import tests
    # compare with: float32 torch drifts a few ulps on large logits).
    onnx_out = run_onnx_numpy(m, test_x.astype(np.float32), np.float64)
    err = np.abs(onnx_out - ref.astype(np.float64))
    max_err = float(np.max(err))
    worst = float(np.max(err / (1e-5 + 1e-5 * np.abs(ref))))
    assert worst <= 1.0, (f"{name}: onnx(float64) vs torch max err {max_err}, "
                          f"{worst:.2f} times the tolerance")
    assert accuracy(onnx_out.astype(np.float32), test_y) == acc
    out32 = run_onnx_numpy(m, test_x.astype(np.float32), np.float32)
    assert out32.dtype == np.float32
    err32 = float(np.max(np.abs(out32.astype(np.float64) - ref)))
    max_logit = float(np.max(np.abs(ref)))

    n_params = int(sum(p.numel() for p in model.parameters()))
    info = {
        "name": name,
        "opset": opset,
        "input_shape": list(input_shape),
        "num_classes": num_classes,
        "test_samples": int(len(test_x)),
        "calib_samples": int(len(calib_x)),
        "float_accuracy": round(acc, 6),
        "input_dtype_on_disk": str(disk_dtype),
        "description": description,
        "architecture": architecture,
        "onnx_ops": ops,
        "parameters": n_params,
        "output_shape": [output_cols],
        "ref_logits_max_abs": round(max_logit, 4),
        "ref_vs_float64_max_abs_err": float(f"{max_err:.3g}"),
        "ref_vs_numpy_float32_max_abs_err": float(f"{err32:.3g}"),
    }
    with open(os.path.join(out_dir, "info.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(f"{name:22s} opset {opset:2d} acc {acc:.4f} params {n_params:6d} "
          f"train {train_s:5.1f}s max|logit| {max_logit:6.2f} "
          f"ref-vs-f64 {max_err:.2e} ref-vs-np-f32 {err32:.2e}")
    print(f"{'':22s} ops: {' '.join(ops)}")
    return acc


DIGITS_DESC = ("sklearn load_digits (8x8 handwritten digits, 1797 samples); "
               "inputs are the raw integer features 0..16 stored as uint8, the "
               "model takes them as float and divides by 16 first. Test split: "
               "360 samples (train_test_split stratified, random_state=0); "
               "calibration: 200 samples drawn from the training split.")

# Digits MLPs: name -> (opset, sizes, activation, epochs, learning rate,
# architecture).
DIGITS_MLPS = {
    "digits_mlp_relu": (13, [64, 32, 10], nn.ReLU, 60, 3e-3,
                        "x/16 -> Linear(64,32) -> ReLU -> Linear(32,10)"),
    "digits_mlp_tanh": (11, [64, 32, 10], nn.Tanh, 60, 3e-3,
                        "x/16 -> Linear(64,32) -> Tanh -> Linear(32,10)"),
    "digits_mlp_sigmoid": (17, [64, 32, 16, 10], nn.Sigmoid, 120, 1e-2,
                           "x/16 -> Linear(64,32) -> Sigmoid -> Linear(32,16) "
                           "-> Sigmoid -> Linear(16,10)"),
    "digits_mlp_deep": (15, [64, 64, 32, 32, 10], nn.ReLU, 60, 3e-3,
                        "x/16 -> Linear(64,64) -> ReLU -> Linear(64,32) -> ReLU "
                        "-> Linear(32,32) -> ReLU -> Linear(32,10) "
                        "(three hidden layers)"),
}


def build_digits(wanted):
    Xtr, ytr, Xte, yte, calib = digits_splits()
    results = {}
    for name, (opset, sizes, act, epochs, lr, arch) in DIGITS_MLPS.items():
        if name not in wanted:
            continue
        torch.manual_seed(0)
        model = ScaledMLP(sizes, act, 16.0)
        t = time.time()
        train(model, Xtr, ytr, epochs=epochs, lr=lr, batch=64)
        results[name] = export(name, model, opset, Xtr, ytr, Xte, yte, calib, [64],
                               10, DIGITS_DESC, arch, time.time() - t)
    if "digits_cnn" in wanted:
        torch.manual_seed(0)
        model = DigitsCNN()
        t = time.time()
        train(model, Xtr.reshape(-1, 1, 8, 8), ytr, epochs=40, lr=3e-3, batch=64)
        results["digits_cnn"] = export(
            "digits_cnn", model, 13, Xtr, ytr, Xte, yte, calib, [1, 8, 8], 10,
            DIGITS_DESC.replace("the model takes them", "NCHW (1,8,8); the model takes them"),
            "x/16 -> Conv2d(1,8,3,pad=1) -> ReLU -> AvgPool2d(2) -> Conv2d(8,16,3,pad=1) "
            "-> ReLU -> MaxPool2d(2) -> Flatten -> Linear(64,10)",
            time.time() - t)
    if "digits_gated" in wanted:
        torch.manual_seed(0)
        model = GatedMLP()
        t = time.time()
        train(model, Xtr, ytr, epochs=40, lr=3e-3, batch=64, wd=1e-3)
        results["digits_gated"] = export(
            "digits_gated", model, 13, Xtr, ytr, Xte, yte, calib, [64], 10,
            DIGITS_DESC,
            "x/16 -> h = ReLU(Linear(64,32)) * Sigmoid(Linear(64,32)) -> "
            "z = Linear(32,16) -> z * z -> Linear(16,10)",
            time.time() - t)
    return results


def fashion_desc(test_count, layout="flattened to 784 raw pixels 0..255",
                 extra=""):
    test = (f"Test: the first {test_count} images of the official t10k test set"
            if test_count < FASHION_TEST_FULL else
            f"Test: the whole official t10k test set ({test_count} images)")
    return ("Fashion-MNIST (Debian dataset-fashion-mnist), 28x28 images "
            f"{layout} stored as uint8; the model takes them as float and "
            f"divides by 255 first. Trained on a fixed {FASHION_TRAIN}-image "
            f"subset of the training set ({FASHION_EPOCHS} epochs). {test}; "
            f"calibration: {FASHION_CALIB} other training images (not in the "
            "training subset)." + extra)


def build_fashion(wanted):
    results = {}
    if {"fashion_mlp", "fashion_mlp_full"} & wanted:
        Xtr, ytr, Xte, yte, calib = fashion_splits(FASHION_TEST_FULL)
        torch.manual_seed(0)
        model = ScaledMLP([784, 64, 10], nn.ReLU, 255.0)
        t = time.time()
        train(model, Xtr, ytr, epochs=FASHION_EPOCHS, lr=1e-3, batch=64)
        t = time.time() - t
        arch = "x/255 -> Linear(784,64) -> ReLU -> Linear(64,10)"
        # The same trained model, on the first FASHION_TEST test images (what
        # the pipeline tests run) and on all of them.
        for name, count, extra in (
                ("fashion_mlp", FASHION_TEST,
                 " This is the 784-64-10 benchmark model."),
                ("fashion_mlp_full", FASHION_TEST_FULL,
                 " The model and calibration set of fashion_mlp, measured on "
                 "every test image.")):
            if name in wanted:
                results[name] = export(
                    name, model, 13, Xtr, ytr, Xte[:count], yte[:count], calib,
                    [784], 10, fashion_desc(count, extra=extra), arch, t)
    if "fashion_cnn" in wanted:
        Xtr, ytr, Xte, yte, calib = fashion_splits(FASHION_CNN_TEST)
        torch.manual_seed(0)
        model = FashionCNN()
        t = time.time()
        train(model, Xtr.reshape(-1, 1, 28, 28), ytr, epochs=FASHION_EPOCHS,
              lr=3e-3, batch=64)
        results["fashion_cnn"] = export(
            "fashion_cnn", model, 13, Xtr, ytr, Xte, yte, calib, [1, 28, 28], 10,
            fashion_desc(FASHION_CNN_TEST, "in NCHW (1,28,28), raw pixels 0..255"),
            "x/255 -> Conv2d(1,4,3,pad=1) -> ReLU -> MaxPool2d(2) -> "
            "Conv2d(4,8,3,stride=2,pad=1) -> ReLU -> Flatten -> Linear(392,10)",
            time.time() - t)
    return results


BREAST_CANCER_DESC = (
    "sklearn load_breast_cancer (569 samples, 30 features; label 1 = benign). "
    "Split test_size=0.3 stratified random_state=0 (171 test samples); "
    "StandardScaler fitted on the training split and already applied to the "
    "stored float32 data. ")


def build_breast_cancer(wanted):
    results = {}
    if "breast_cancer_logreg" in wanted:
        Xtr, ytr, Xte, yte, calib = breast_cancer_splits()
        torch.manual_seed(0)
        model = LogReg(30)
        t = time.time()
        train(model, Xtr, ytr, epochs=100, lr=1e-2, batch=64, loss_kind="bce")
        results["breast_cancer_logreg"] = export(
            "breast_cancer_logreg", model, 13, Xtr, ytr, Xte, yte, calib, [30], 2,
            BREAST_CANCER_DESC + "Calibration: 200 samples from the training "
            "split. The model outputs one logit (no sigmoid): predicted class = "
            "logit > 0.",
            "Linear(30,1) (logistic regression, trained with BCEWithLogits)",
            time.time() - t)
    if "breast_cancer_sklearn" in wanted:
        # What a user of scikit-learn brings: its LogisticRegression (L2, C=1,
        # lbfgs) on the same standardized split, calibrated on the whole
        # training split (its outliers reach 10.4 standard deviations).
        Xtr, ytr, Xte, yte, calib = breast_cancer_splits(calib_count=None)
        t = time.time()
        fitted = LogisticRegression(C=1.0, max_iter=10000).fit(Xtr, ytr)
        model = LogReg(30)
        with torch.no_grad():
            model.linear.weight.copy_(torch.from_numpy(fitted.coef_.astype(np.float32)))
            model.linear.bias.copy_(torch.from_numpy(fitted.intercept_.astype(np.float32)))
        results["breast_cancer_sklearn"] = export(
            "breast_cancer_sklearn", model, 13, Xtr, ytr, Xte, yte, calib, [30], 2,
            BREAST_CANCER_DESC + "Heavy tails: a few features reach 10.4 "
            "standard deviations in the training split, 13.6 in the test split. "
            "Weights from scikit-learn's "
            "LogisticRegression(C=1.0) fitted on the training split; "
            "calibration: the whole training split (398 samples). The model "
            "outputs one logit (no sigmoid): predicted class = logit > 0.",
            "Linear(30,1) (scikit-learn LogisticRegression, C=1, lbfgs)",
            time.time() - t)
    return results


def build_wine(wanted):
    if "wine_mlp_tanh" not in wanted:
        return {}
    Xtr, ytr, Xte, yte, calib = standardized_splits(load_wine, 0.5, None)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(13, 16), nn.Tanh(), nn.Linear(16, 3))
    t = time.time()
    train(model, Xtr, ytr, epochs=200, lr=3e-3, batch=16)
    return {"wine_mlp_tanh": export(
        "wine_mlp_tanh", model, 13, Xtr, ytr, Xte, yte, calib, [13], 3,
        "sklearn load_wine (178 samples, 13 chemical measurements, 3 "
        "cultivars). Split test_size=0.5 stratified random_state=0 (89 test "
        "samples); StandardScaler fitted on the training split and already "
        "applied to the stored float32 data. Calibration: the whole training "
        "split (89 samples). One test sample is 1.1 points of accuracy.",
        "Linear(13,16) -> Tanh -> Linear(16,3)",
        time.time() - t)}


# The models each builder writes.
BUILDERS = [
    (build_digits, ["digits_mlp_relu", "digits_mlp_tanh", "digits_mlp_sigmoid",
                    "digits_cnn", "digits_mlp_deep", "digits_gated"]),
    (build_fashion, ["fashion_mlp", "fashion_mlp_full", "fashion_cnn"]),
    (build_breast_cancer, ["breast_cancer_logreg", "breast_cancer_sklearn"]),
    (build_wine, ["wine_mlp_tanh"]),
]


def main(names):
    known = [name for _, names_of in BUILDERS for name in names_of]
    unknown = sorted(set(names) - set(known))
    if unknown:
        sys.exit(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(known)}")
    wanted = set(names or known)
    t_start = time.time()
    results = {}
    for build, names_of in BUILDERS:
        if wanted & set(names_of):
            results.update(build(wanted))
    print(f"total {time.time() - t_start:.1f}s")
    return results


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)
