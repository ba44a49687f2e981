#!/usr/bin/python3
"""Regenerate the user-quantized models (test/models/user_quantized/<name>/).

Run with the Debian interpreter (needs python3-torch python3-sklearn
python3-onnx python3-numpy):

    /usr/bin/python3 test/models/user_quantized/make_models.py

Tests never run this script; they only read the files it wrote. Everything
is deterministic (fixed seeds, 2 threads, deterministic algorithms). The
data are the digits of the model suite (sklearn load_digits, the same
360-sample test split as test/models/digits_*: their test_x.npy and
test_y.npy are the inputs of these models).

Each model states its own quantization; the compiler must keep it bit for
bit. For every model the folder gets the program (model.onnx or
model.mlir), ref_outputs.npy (the outputs of the user's integer arithmetic,
computed here in numpy, float32) and info.json. The integer arithmetic each
form means, which the references implement:

- QDQ (ONNX QuantizeLinear/DequantizeLinear, the quant dialect's
  qcast/dcast): quantize = clamp(round_half_even(x / s) + zp) (float32
  division, clamped to the storage range, narrowed by a Clip after the
  QuantizeLinear or by the type's storage bounds); a matmul or convolution
  of dequantized values is the exact integer accumulation
  sum (q - zq)(w - zw) + bias_int; the quantization after it is ONNX's
  QLinearMatMul/QLinearConv reference: clamp(rint(float64(acc) *
  float64(m) + zy)) with the float32 multiplier m = f32(f32(sq * sw) / sy),
  clamped at zy by a Relu in between; any other float arithmetic between a
  dequantization and a quantization (average pooling's division) is that
  float32 arithmetic on float32(acc) * float32(scale); the Add of two
  dequantized activations (and a Relu after it) is float32 arithmetic on
  their dequantizations, then quantized; max pooling is the maximum of the
  integers; dequantize = float32(q - zp) * float32(s).
- QOperator (MatMulInteger, QLinearMatMul): MatMulInteger is the exact int32
  accumulation, Cast/Mul/Add/Relu float32 arithmetic on it; QLinearMatMul is
  the ONNX reference above.
- TOSA int8: tosa.matmul accumulates exactly with its zero points,
  tosa.add adds the int32 bias, tosa.rescale is apply_scale_32 with
  DOUBLE_ROUND ((acc * M + r) >> s, r = 2^(s-1) +- 2^30 when s > 31), the
  output zero point added and int8 saturation, tosa.clamp clamps.
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
f32 = np.float32

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)


# --------------------------------------------------------------------------
# Data (the split of test/models/make_models.py)
# --------------------------------------------------------------------------
def digits_splits():
    d = load_digits()
    X = d.data.astype(np.uint8)
    y = d.target.astype(np.int64)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=360, stratify=y,
                                          random_state=0)
    return Xtr, ytr, Xte, yte


def train(model, X, y, epochs, lr, seed=0):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    Xt = torch.from_numpy(X.astype(np.float32))
    yt = torch.from_numpy(y)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(Xt), generator=g)
        for i in range(0, len(Xt), 64):
            idx = perm[i:i + 64]
            loss = loss_fn(model(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()


# --------------------------------------------------------------------------
# The integer arithmetic of the user's quantization (numpy references)
# --------------------------------------------------------------------------
def quantize(x, scale, zp, lo, hi):
    """qfhe.quantize / QuantizeLinear: float32 division, ties to even."""
    q = np.rint(np.asarray(x, f32) / f32(scale)).astype(np.int64) + zp
    return np.clip(q, lo, hi)


def dequantize(q, scale, zp):
    return (q - zp).astype(f32) * f32(scale)


def requantize_onnx(acc, acc_scale, out_scale, zp, lo, hi):
    """QLinearMatMul's reference: float32 multiplier applied in float64."""
    m = np.asarray(f32(acc_scale) / f32(out_scale), f32)
    d = acc.astype(np.float64) * m.astype(np.float64) + np.float64(zp)
    return np.clip(np.rint(d), lo, hi).astype(np.int64)


def apply_scale_double(acc, multiplier, shift):
    """TOSA apply_scale_32 with DOUBLE_ROUND, exactly (Python integers)."""
    out = np.empty(acc.shape, np.int64)
    flat_acc = acc.reshape(-1, acc.shape[-1])
    flat_out = out.reshape(-1, acc.shape[-1])
    for c in range(acc.shape[-1]):
        m, s = int(multiplier[c]), int(shift[c])
        for r in range(flat_acc.shape[0]):
            v = int(flat_acc[r, c])
            rnd = 1 << (s - 1)
            if s > 31:
                rnd += (1 << 30) if v >= 0 else -(1 << 30)
            flat_out[r, c] = (v * m + rnd) >> s
    return out


def conv2d(x, w, pad):
    """Exact integer NCHW convolution (stride 1)."""
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1
    out = np.zeros((n, f, oh, ow), np.int64)
    for i in range(kh):
        for j in range(kw):
            out += np.einsum("nchw,fc->nfhw",
                             xp[:, :, i:i + oh, j:j + ow], w[:, :, i, j])
    return out


def pool(x, k, op):
    n, c, h, w = x.shape
    x = x.reshape(n, c, h // k, k, w // k, k)
    return op(op(x, axis=5), axis=3)


# --------------------------------------------------------------------------
# Parameters the way the user's tools choose them
# --------------------------------------------------------------------------
def symmetric_scale(values, qmax):
    """Symmetric weights: max |w| onto qmax (per the leading axis)."""
    m = np.abs(values).reshape(values.shape[0], -1).max(axis=1)
    return np.maximum(m, 1e-8).astype(f32) / f32(qmax)


def asymmetric_uint8(lo, hi):
    """ONNX Runtime's uint8 activation: [min(lo,0), max(hi,0)] onto 0..255."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    scale = f32((hi - lo) / 255.0)
    zp = int(np.clip(np.rint(-lo / scale), 0, 255))
    return scale, zp


def quantize_weights(w, scale, qmax):
    """Integers of weights w (per the leading axis), zero point 0."""
    shape = (-1,) + (1,) * (w.ndim - 1)
    return np.clip(np.rint(w / scale.reshape(shape)), -qmax, qmax).astype(
        np.int64)


def bias_scale(in_scale, w_scale):
    """ONNX Runtime's bias scale: the float32 product."""
    return (f32(in_scale) * np.asarray(w_scale, f32)).astype(f32)


def quantize_bias(b, scale):
    return np.rint(b.astype(np.float64) / scale.astype(np.float64)).astype(
        np.int64)


# --------------------------------------------------------------------------
# ONNX building
# --------------------------------------------------------------------------
class Graph:
    def __init__(self):
        self.nodes, self.inits = [], []

    def init(self, name, array, dtype):
        self.inits.append(numpy_helper.from_array(np.asarray(array, dtype),
                                                  name))
        return name

    def node(self, op, inputs, output, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=output,
                                           **attrs))
        return output

    def quantize(self, x, name, scale, zp, dtype, clip=None):
        s = self.init(name + "_scale", scale, np.float32)
        z = self.init(name + "_zp", zp, dtype)
        q = self.node("QuantizeLinear", [x, s, z], name + "_q")
        if clip is not None:
            lo = self.init(name + "_min", clip[0], dtype)
            hi = self.init(name + "_max", clip[1], dtype)
            q = self.node("Clip", [q, lo, hi], name + "_clip")
        return self.node("DequantizeLinear", [q, s, z], name + "_dq")

    def dequantized(self, name, ints, scale, dtype, axis=0):
        q = self.init(name + "_int", ints, dtype)
        s = self.init(name + "_scale", scale, np.float32)
        z = self.init(name + "_zp", np.zeros(np.shape(scale), dtype), dtype)
        attrs = {"axis": axis} if np.ndim(scale) else {}
        return self.node("DequantizeLinear", [q, s, z], name + "_dq", **attrs)

    def save(self, path, input_shape, num_classes, output, opset=13):
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                          ["batch"] + list(input_shape))
        y = helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                          ["batch", num_classes])
        self.node("Identity", [output], "logits")
        graph = helper.make_graph(self.nodes, "user_quantized", [x], [y],
                                  self.inits)
        model = helper.make_model(graph, producer_name="qfhe-user-quantized",
                                  opset_imports=[helper.make_opsetid("", opset)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, path)


def write(name, outputs, info, files):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    for filename, content in files.items():
        path = os.path.join(folder, filename)
        if isinstance(content, str):
            with open(path, "w") as f:
                f.write(content)
        else:
            content(path)
    np.save(os.path.join(folder, "ref_outputs.npy"), outputs.astype(f32))
    info["reference_accuracy"] = round(float(np.mean(
        outputs.argmax(axis=1) == info.pop("labels"))), 6)
    with open(os.path.join(folder, "info.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(name, info["reference_accuracy"])


# --------------------------------------------------------------------------
# A: QAT-style MLP with 4-bit inputs, 4-bit weights, 3-bit activations
# --------------------------------------------------------------------------
class QatMLP(nn.Module):
    """x -> 4-bit uint [0,15] -> Linear(64,32) 4-bit weights [-7,7] -> ReLU
    -> 3-bit uint [0,7] -> Linear(32,10) 3-bit weights [-3,3]."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 10)
        self.x_scale = 16.0 / 15.0
        self.h_scale = None  # set after the float warm-up

    def forward(self, x):
        if self.h_scale is None:
            return self.fc2(torch.relu(self.fc1(x / 16.0)))
        xq = torch.fake_quantize_per_tensor_affine(x, self.x_scale, 0, 0, 15)
        s1 = self.fc1.weight.detach().abs().amax(dim=1).clamp(min=1e-8) / 7
        w1 = torch.fake_quantize_per_channel_affine(
            self.fc1.weight, s1, torch.zeros(32, dtype=torch.int32), 0, -7, 7)
        h = torch.relu(nn.functional.linear(xq, w1, self.fc1.bias))
        hq = torch.fake_quantize_per_tensor_affine(h, self.h_scale, 0, 0, 7)
        s2 = float(self.fc2.weight.detach().abs().max()) / 3
        w2 = torch.fake_quantize_per_tensor_affine(self.fc2.weight, s2, 0, -3,
                                                   3)
        return nn.functional.linear(hq, w2, self.fc2.bias)


def make_qat_mlp(Xtr, ytr, Xte, yte):
    model = QatMLP()
    train(model, Xtr, ytr, epochs=60, lr=3e-3)
    # The first layer now reads x (0..16) directly: fold the /16.
    with torch.no_grad():
        model.fc1.weight /= 16.0
        h = torch.relu(model.fc1(torch.from_numpy(Xtr.astype(np.float32))))
    model.h_scale = float(np.quantile(h.numpy(), 0.999)) / 7
    train(model, Xtr, ytr, epochs=40, lr=1e-3, seed=1)

    w1, b1 = model.fc1.weight.detach().numpy(), model.fc1.bias.detach().numpy()
    w2, b2 = model.fc2.weight.detach().numpy(), model.fc2.bias.detach().numpy()
    sx, sh = f32(model.x_scale), f32(model.h_scale)
    sw1 = symmetric_scale(w1, 7)
    q1 = quantize_weights(w1, sw1, 7)
    sb1 = bias_scale(sx, sw1)
    qb1 = quantize_bias(b1, sb1)
    sw2 = symmetric_scale(w2.reshape(1, -1), 3)[0]
    q2 = quantize_weights(w2, np.full(10, sw2, f32), 3)
    sb2 = bias_scale(sh, sw2)
    qb2 = quantize_bias(b2, np.full(10, sb2, f32))
    # The logits: int8, symmetric, from the training split's range.
    acc_train = (quantize(Xtr, sx, 0, 0, 15) @ q1.T + qb1)
    h_train = requantize_onnx(acc_train, sx.astype(np.float64) * sw1, sh, 0,
                              0, 7)
    logits_train = dequantize(h_train @ q2.T + qb2, sb2, 0)
    so = f32(np.abs(logits_train).max() / 127)

    g = Graph()
    x = g.quantize("x", "input", sx, 0, np.uint8, clip=(0, 15))
    w = g.dequantized("fc1_w", q1, sw1, np.int8)
    b = g.dequantized("fc1_b", qb1, sb1, np.int32)
    hf = g.node("Gemm", [x, w, b], "fc1", transB=1)
    hf = g.node("Relu", [hf], "relu1")
    hq = g.quantize(hf, "hidden", sh, 0, np.uint8, clip=(0, 7))
    w = g.dequantized("fc2_w", q2, sw2, np.int8)
    b = g.dequantized("fc2_b", qb2, np.full(10, sb2, f32), np.int32)
    of = g.node("Gemm", [hq, w, b], "fc2", transB=1)
    out = g.quantize(of, "output", so, 0, np.int8)

    # The reference: the user's integer arithmetic.
    xq = quantize(Xte, sx, 0, 0, 15)
    acc1 = xq @ q1.T + qb1
    h = requantize_onnx(acc1, sx.astype(np.float64) * sw1, sh, 0, 0, 7)
    acc2 = h @ q2.T + qb2
    o = requantize_onnx(acc2, np.float64(sh) * np.float64(sw2), so, 0, -128,
                        127)
    outputs = dequantize(o, so, 0)
    write("qat_mlp", outputs, {
        "form": "ONNX QDQ (QuantizeLinear, Clip, DequantizeLinear)",
        "architecture": "x -> Q 4-bit uint [0,15] (Clip) -> Gemm(64,32) "
                        "4-bit weights [-7,7] per channel, int32 bias -> Relu "
                        "-> Q 3-bit uint [0,7] (Clip) -> Gemm(32,10) 3-bit "
                        "weights [-3,3], int32 bias -> Q int8",
        "labels": yte}, {"model.onnx": lambda p: g.save(p, [64], 10, out)})


# --------------------------------------------------------------------------
# A2: QAT-style residual MLP: the sum of two quantized activations
# --------------------------------------------------------------------------
class QatResidualMLP(nn.Module):
    """x -> 4-bit [0,15] -> Linear(64,32) 4-bit weights -> ReLU -> 3-bit h1;
    h1 -> Linear(32,32) 3-bit weights -> ReLU -> 3-bit h2; Relu(h1 + h2) ->
    4-bit r -> Linear(32,10) 3-bit weights."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 10)
        self.x_scale = 16.0 / 15.0
        self.scales = None  # h1, h2, r: set after the float warm-up

    @staticmethod
    def weights(layer, qmax, per_channel):
        w = layer.weight
        if per_channel:
            s = w.detach().abs().amax(dim=1).clamp(min=1e-8) / qmax
            return torch.fake_quantize_per_channel_affine(
                w, s, torch.zeros(w.shape[0], dtype=torch.int32), 0, -qmax,
                qmax)
        s = float(w.detach().abs().max()) / qmax
        return torch.fake_quantize_per_tensor_affine(w, s, 0, -qmax, qmax)

    def forward(self, x):
        if self.scales is None:
            h1 = torch.relu(self.fc1(x / 16.0))
            h2 = torch.relu(self.fc2(h1))
            return self.fc3(torch.relu(h1 + h2))
        fq = torch.fake_quantize_per_tensor_affine
        sh1, sh2, sr = self.scales
        xq = fq(x, self.x_scale, 0, 0, 15)
        h1 = torch.relu(nn.functional.linear(
            xq, self.weights(self.fc1, 7, True), self.fc1.bias))
        h1 = fq(h1, sh1, 0, 0, 7)
        h2 = torch.relu(nn.functional.linear(
            h1, self.weights(self.fc2, 3, True), self.fc2.bias))
        h2 = fq(h2, sh2, 0, 0, 7)
        r = fq(torch.relu(h1 + h2), sr, 0, 0, 15)
        return nn.functional.linear(r, self.weights(self.fc3, 3, False),
                                    self.fc3.bias)


def make_residual_mlp(Xtr, ytr, Xte, yte):
    model = QatResidualMLP()
    train(model, Xtr, ytr, epochs=60, lr=3e-3)
    with torch.no_grad():
        model.fc1.weight /= 16.0
        xt = torch.from_numpy(Xtr.astype(np.float32))
        h1 = torch.relu(model.fc1(xt))
        h2 = torch.relu(model.fc2(h1))
        r = torch.relu(h1 + h2)
    model.scales = tuple(float(np.quantile(t.numpy(), 0.999)) / top
                         for t, top in ((h1, 7), (h2, 7), (r, 15)))
    train(model, Xtr, ytr, epochs=40, lr=1e-3, seed=1)

    sx = f32(model.x_scale)
    sh1, sh2, sr = (f32(v) for v in model.scales)
    layers = []
    for layer, qmax, in_scale in ((model.fc1, 7, sx), (model.fc2, 3, sh1)):
        w = layer.weight.detach().numpy()
        sw = symmetric_scale(w, qmax)
        sb = bias_scale(in_scale, sw)
        layers.append((quantize_weights(w, sw, qmax), sw,
                       quantize_bias(layer.bias.detach().numpy(), sb), sb))
    w3, b3 = model.fc3.weight.detach().numpy(), model.fc3.bias.detach().numpy()
    sw3 = symmetric_scale(w3.reshape(1, -1), 3)[0]
    q3 = quantize_weights(w3, np.full(10, sw3, f32), 3)
    sb3 = bias_scale(sr, sw3)
    qb3 = quantize_bias(b3, np.full(10, sb3, f32))

    def integer_forward(X, so=None):
        """The user's integer arithmetic: (accumulators of fc3, or outputs)."""
        (q1, sw1, qb1, _), (q2, sw2, qb2, _) = layers
        xq = quantize(X, sx, 0, 0, 15)
        h1 = requantize_onnx(xq @ q1.T + qb1, sx.astype(np.float64) * sw1,
                             sh1, 0, 0, 7)
        h2 = requantize_onnx(h1 @ q2.T + qb2, sh1.astype(np.float64) * sw2,
                             sh2, 0, 0, 7)
        # Add and Relu on the dequantized values, in float32, quantized.
        total = np.maximum(dequantize(h1, sh1, 0) + dequantize(h2, sh2, 0),
                           f32(0))
        r = quantize(total, sr, 0, 0, 15)
        acc3 = r @ q3.T + qb3
        if so is None:
            return acc3
        o = requantize_onnx(acc3, np.float64(sr) * np.float64(sw3), so, 0,
                            -128, 127)
        return dequantize(o, so, 0)

    so = f32(np.abs(dequantize(integer_forward(Xtr), sb3, 0)).max() / 127)

    g = Graph()
    x = g.quantize("x", "input", sx, 0, np.uint8, clip=(0, 15))
    hidden = []
    for i, ((q, sw, qb, sb), sh) in enumerate(zip(layers, (sh1, sh2))):
        w = g.dequantized("fc%d_w" % (i + 1), q, sw, np.int8)
        b = g.dequantized("fc%d_b" % (i + 1), qb, sb, np.int32)
        h = g.node("Gemm", [x, w, b], "fc%d" % (i + 1), transB=1)
        h = g.node("Relu", [h], "relu%d" % (i + 1))
        x = g.quantize(h, "hidden%d" % (i + 1), sh, 0, np.uint8, clip=(0, 7))
        hidden.append(x)
    total = g.node("Add", hidden, "residual")
    total = g.node("Relu", [total], "residual_relu")
    r = g.quantize(total, "residual_q", sr, 0, np.uint8, clip=(0, 15))
    w = g.dequantized("fc3_w", q3, sw3, np.int8)
    b = g.dequantized("fc3_b", qb3, np.full(10, sb3, f32), np.int32)
    of = g.node("Gemm", [r, w, b], "fc3", transB=1)
    out = g.quantize(of, "output", so, 0, np.int8)

    write("qat_residual", integer_forward(Xte, so), {
        "form": "ONNX QDQ (QuantizeLinear, Clip, DequantizeLinear), with "
                "the Add of two dequantized activations",
        "architecture": "x -> Q 4-bit uint [0,15] -> Gemm(64,32) 4-bit "
                        "weights per channel -> Relu -> Q 3-bit h1 -> "
                        "Gemm(32,32) 3-bit weights per channel -> Relu -> Q "
                        "3-bit h2 -> Add(h1, h2) -> Relu -> Q 4-bit [0,15] -> "
                        "Gemm(32,10) 3-bit weights -> Q int8",
        "labels": yte}, {"model.onnx": lambda p: g.save(p, [64], 10, out)})


# --------------------------------------------------------------------------
# B: per-channel int8 CNN with pools (ONNX Runtime's QDQ, per channel)
# --------------------------------------------------------------------------
class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1)
        self.c2 = nn.Conv2d(4, 4, 3, padding=1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        h = torch.max_pool2d(torch.relu(self.c1(x / 16.0)), 2)
        h = torch.nn.functional.avg_pool2d(torch.relu(self.c2(h)), 2)
        return self.fc(h.flatten(1))


def make_cnn(Xtr, ytr, Xte, yte):
    Xtr4 = Xtr.reshape(-1, 1, 8, 8)
    Xte4 = Xte.reshape(-1, 1, 8, 8)
    model = SmallCNN()
    train(model, Xtr4, ytr, epochs=60, lr=3e-3)
    p = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    w1 = p["c1.weight"] / 16.0  # the first layer reads x directly
    b1, w2, b2 = p["c1.bias"], p["c2.weight"], p["c2.bias"]
    wf, bf = p["fc.weight"], p["fc.bias"]
    X = torch.from_numpy(Xtr4.astype(np.float32))
    with torch.no_grad():
        a1 = torch.relu(model.c1(X / 16.0))
        a2 = torch.relu(model.c2(torch.max_pool2d(a1, 2)))
        a3 = torch.nn.functional.avg_pool2d(a2, 2)
        a4 = model.fc(a3.flatten(1))
    sx, zx = asymmetric_uint8(0, 16)
    s1, z1 = asymmetric_uint8(0, a1.max())
    s2, z2 = asymmetric_uint8(0, a2.max())
    s3, z3 = asymmetric_uint8(0, a3.max())
    so = f32(float(a4.abs().max()) / 127)
    sw1, sw2, swf = (symmetric_scale(w, 127) for w in (w1, w2, wf))
    q1, q2, qf = (quantize_weights(w, s, 127)
                  for w, s in ((w1, sw1), (w2, sw2), (wf, swf)))
    sb1, sb2, sbf = bias_scale(sx, sw1), bias_scale(s1, sw2), bias_scale(s3,
                                                                         swf)
    qb1, qb2, qbf = (quantize_bias(b, s)
                     for b, s in ((b1, sb1), (b2, sb2), (bf, sbf)))

    g = Graph()
    x = g.quantize("x", "input", sx, zx, np.uint8)
    h = g.node("Conv", [x, g.dequantized("c1_w", q1, sw1, np.int8),
                        g.dequantized("c1_b", qb1, sb1, np.int32)], "conv1",
               pads=[1, 1, 1, 1], kernel_shape=[3, 3])
    h = g.node("Relu", [h], "relu1")
    h = g.quantize(h, "act1", s1, z1, np.uint8)
    h = g.node("MaxPool", [h], "maxpool", kernel_shape=[2, 2], strides=[2, 2])
    h = g.quantize(h, "pooled", s1, z1, np.uint8)
    h = g.node("Conv", [h, g.dequantized("c2_w", q2, sw2, np.int8),
                        g.dequantized("c2_b", qb2, sb2, np.int32)], "conv2",
               pads=[1, 1, 1, 1], kernel_shape=[3, 3])
    h = g.node("Relu", [h], "relu2")
    h = g.quantize(h, "act2", s2, z2, np.uint8)
    h = g.node("AveragePool", [h], "avgpool", kernel_shape=[2, 2],
               strides=[2, 2])
    h = g.quantize(h, "act3", s3, z3, np.uint8)
    h = g.node("Flatten", [h], "flatten")
    h = g.node("Gemm", [h, g.dequantized("fc_w", qf, swf, np.int8),
                        g.dequantized("fc_b", qbf, sbf, np.int32)], "fc",
               transB=1)
    out = g.quantize(h, "output", so, 0, np.int8)

    def per_channel(scales):
        return scales.astype(np.float64).reshape(1, -1, 1, 1)

    xq = quantize(Xte4, sx, zx, 0, 255)
    acc = conv2d(xq - zx, q1, 1) + qb1.reshape(1, -1, 1, 1)
    h1 = requantize_onnx(acc, np.float64(sx) * per_channel(sw1), s1, z1,
                         max(z1, 0), 255)
    hp = pool(h1, 2, np.max)
    acc = conv2d(hp - z1, q2, 1) + qb2.reshape(1, -1, 1, 1)
    h2 = requantize_onnx(acc, np.float64(s1) * per_channel(sw2), s2, z2,
                         max(z2, 0), 255)
    # Average pooling: the exact sum, then float32 arithmetic (/4).
    sums = pool(h2 - z2, 2, np.sum)
    avg = (sums.astype(f32) * f32(s2)) / f32(4.0)
    h3 = np.clip(np.rint(avg / f32(s3)).astype(np.int64) + z3, 0, 255)
    acc = (h3.reshape(len(h3), -1) - z3) @ qf.T + qbf
    o = requantize_onnx(acc, np.float64(s3) * swf.astype(np.float64), so, 0,
                        -128, 127)
    outputs = dequantize(o, so, 0)
    write("cnn_int8", outputs, {
        "form": "ONNX QDQ, per-channel int8 weights (ONNX Runtime's static "
                "quantizer's layout)",
        "architecture": "x -> Q uint8 -> Conv(1,4,3x3,pad 1) per-channel "
                        "int8 -> Relu -> Q uint8 -> MaxPool 2 -> Q -> "
                        "Conv(4,4,3x3,pad 1) -> Relu -> Q -> AveragePool 2 -> "
                        "Q -> Flatten -> Gemm(16,10) -> Q int8",
        "labels": yte}, {"model.onnx": lambda p: g.save(p, [1, 8, 8], 10,
                                                        out)})


# --------------------------------------------------------------------------
# C and D: a uint8 per-tensor MLP, in QDQ form and in QOperator form
# --------------------------------------------------------------------------
def make_uint8_mlps(Xtr, ytr, Xte, yte):
    model = nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))
    train(model, Xtr.astype(np.float32) / 16.0, ytr, epochs=60, lr=3e-3)
    w1 = model[0].weight.detach().numpy() / 16.0
    b1 = model[0].bias.detach().numpy()
    w2, b2 = model[2].weight.detach().numpy(), model[2].bias.detach().numpy()
    with torch.no_grad():
        X = torch.from_numpy(Xtr.astype(np.float32))
        h = torch.relu(X @ torch.from_numpy(w1).T + torch.from_numpy(b1))
        o = model[2](h)
        o_nobias = h @ torch.from_numpy(w2).T
    sx, zx = asymmetric_uint8(0, 16)
    sh, zh = asymmetric_uint8(0, h.max())
    so, zo = asymmetric_uint8(o.min(), o.max())
    sw1 = symmetric_scale(w1.reshape(1, -1), 127)[0]
    sw2 = symmetric_scale(w2.reshape(1, -1), 127)[0]
    q1 = quantize_weights(w1, np.full(16, sw1, f32), 127)
    q2 = quantize_weights(w2, np.full(10, sw2, f32), 127)
    sb1, sb2 = bias_scale(sx, sw1), bias_scale(sh, sw2)
    qb1 = quantize_bias(b1, np.full(16, sb1, f32))
    qb2 = quantize_bias(b2, np.full(10, sb2, f32))

    # C: QDQ, as ONNX Runtime's static quantizer writes it (uint8
    # activations, int8 per-tensor weights, int32 biases).
    g = Graph()
    x = g.quantize("x", "input", sx, zx, np.uint8)
    hf = g.node("Gemm", [x, g.dequantized("fc1_w", q1, sw1, np.int8),
                         g.dequantized("fc1_b", qb1, sb1, np.int32)], "fc1",
                transB=1)
    hf = g.node("Relu", [hf], "relu")
    hq = g.quantize(hf, "hidden", sh, zh, np.uint8)
    of = g.node("Gemm", [hq, g.dequantized("fc2_w", q2, sw2, np.int8),
                         g.dequantized("fc2_b", qb2, sb2, np.int32)], "fc2",
                transB=1)
    out = g.quantize(of, "output", so, zo, np.uint8)

    xq = quantize(Xte, sx, zx, 0, 255)
    acc1 = (xq - zx) @ q1.T + qb1
    hq_ = requantize_onnx(acc1, np.float64(sx) * np.float64(sw1), sh, zh,
                          max(zh, 0), 255)
    acc2 = (hq_ - zh) @ q2.T + qb2
    oq = requantize_onnx(acc2, np.float64(sh) * np.float64(sw2), so, zo, 0,
                         255)
    write("mlp_uint8", dequantize(oq, so, zo), {
        "form": "ONNX QDQ, uint8 activations and int8 per-tensor weights, "
                "int32 biases (ONNX Runtime's static quantizer's layout)",
        "architecture": "x -> Q uint8 -> Gemm(64,16) -> Relu -> Q uint8 -> "
                        "Gemm(16,10) -> Q uint8",
        "labels": yte}, {"model.onnx": lambda p: g.save(p, [64], 10, out)})

    # D: the same weights in QOperator form: MatMulInteger (then Cast, Mul
    # by the scale product, the float bias, Relu, QuantizeLinear) and
    # QLinearMatMul (its output dequantized, the float bias added by the
    # client).
    sq, zq = asymmetric_uint8(o_nobias.min(), o_nobias.max())
    g = Graph()
    s = g.init("x_scale", sx, np.float32)
    z = g.init("x_zp", zx, np.uint8)
    xq_name = g.node("QuantizeLinear", ["x", s, z], "x_q")
    wq = g.init("fc1_w", q1.T, np.int8)
    wz = g.init("fc1_w_zp", 0, np.int8)
    acc = g.node("MatMulInteger", [xq_name, wq, z, wz], "fc1_acc")
    acc = g.node("Cast", [acc], "fc1_float", to=TensorProto.FLOAT)
    c1 = f32(sx) * f32(sw1)
    acc = g.node("Mul", [acc, g.init("fc1_scale", c1, np.float32)], "fc1_mul")
    acc = g.node("Add", [acc, g.init("fc1_b", b1, np.float32)], "fc1_add")
    acc = g.node("Relu", [acc], "relu")
    hs = g.init("hidden_scale", sh, np.float32)
    hz = g.init("hidden_zp", zh, np.uint8)
    hq_name = g.node("QuantizeLinear", [acc, hs, hz], "hidden_q")
    qs = g.init("fc2_scale", sq, np.float32)
    qz = g.init("fc2_zp", zq, np.uint8)
    out = g.node("QLinearMatMul",
                 [hq_name, hs, hz, g.init("fc2_w", q2.T, np.int8),
                  g.init("fc2_w_scale", sw2, np.float32),
                  g.init("fc2_w_zp", 0, np.int8), qs, qz], "fc2_q")
    out = g.node("DequantizeLinear", [out, qs, qz], "fc2_dq")
    out = g.node("Add", [out, g.init("fc2_b", b2, np.float32)], "fc2_add")

    acc1 = ((xq - zx) @ q1.T).astype(np.int32)
    v = acc1.astype(f32) * f32(c1) + b1.astype(f32)
    v = np.maximum(v, f32(0))
    hq_ = quantize(v, sh, zh, 0, 255)
    acc2 = (hq_ - zh) @ q2.T
    oq = requantize_onnx(acc2, np.float64(sh) * np.float64(sw2), sq, zq, 0,
                         255)
    write("mlp_qoperator", dequantize(oq, sq, zq) + b2.astype(f32), {
        "form": "ONNX QOperator: MatMulInteger, Cast, Mul, Add, Relu, "
                "QuantizeLinear, QLinearMatMul (the weights of mlp_uint8)",
        "architecture": "x -> QuantizeLinear uint8 -> MatMulInteger(64,16) "
                        "-> Cast -> Mul -> Add bias -> Relu -> QuantizeLinear "
                        "-> QLinearMatMul(16,10) -> DequantizeLinear -> Add "
                        "bias",
        "labels": yte}, {"model.onnx": lambda p: g.save(p, [64], 10, out)})
    return model


# --------------------------------------------------------------------------
# E: a quant-dialect program; F: a TOSA int8 program
# --------------------------------------------------------------------------
def mlir_dense(values, dtype="i8"):
    rows = ", ".join("[" + ", ".join(str(int(v)) for v in row) + "]"
                     for row in values)
    return "dense<[" + rows + "]>"


def mlir_vector(values):
    return "dense<[" + ", ".join(str(int(v)) for v in values) + "]>"


def mlir_float(value):
    return "%.17e" % float(value)


def make_quant_dialect(model, Xte, yte):
    """4-bit activations (storage bounds i8<-8:7> in the types), int8
    narrow-range per-channel weights, int32 biases, as a handwritten quant
    dialect program would state them."""
    w1 = model[0].weight.detach().numpy() / 16.0
    b1 = model[0].bias.detach().numpy()
    w2, b2 = model[2].weight.detach().numpy(), model[2].bias.detach().numpy()
    sx = f32(16.0 / 15.0)       # x (0..16) onto [-8, 7] with zero point -8
    sh = f32(0.35)
    sw1 = symmetric_scale(w1, 127)
    sw2 = symmetric_scale(w2, 127)
    q1, q2 = quantize_weights(w1, sw1, 127), quantize_weights(w2, sw2, 127)
    sb1, sb2 = bias_scale(sx, sw1), bias_scale(sh, sw2)
    qb1, qb2 = quantize_bias(b1, sb1), quantize_bias(b2, sb2)
    so = f32(0.25)

    def per_axis(storage, scales, axis):
        body = ", ".join(mlir_float(s) for s in scales)
        return "!quant.uniform<%s:f32:%d, {%s}>" % (storage, axis, body)

    tx = "!quant.uniform<i8<-8:7>:f32, %s:-8>" % mlir_float(sx)
    th = "!quant.uniform<i8<-8:7>:f32, %s:-8>" % mlir_float(sh)
    tw1 = per_axis("i8<-127:127>", sw1, 1)
    tw2 = per_axis("i8<-127:127>", sw2, 1)
    tb1 = per_axis("i32", sb1, 0)
    tb2 = per_axis("i32", sb2, 0)
    to = "!quant.uniform<i8:f32, %s>" % mlir_float(so)
    text = f"""// A quant-dialect program (written by make_models.py): the digits MLP of
// mlp_uint8 with 4-bit activations stated by storage bounds (i8<-8:7>),
// int8 narrow-range weights per output channel and int32 biases, in QDQ
// form: quant.qcast/quant.dcast around float linalg ops.
#id = affine_map<(d0, d1) -> (d0, d1)>
#ch = affine_map<(d0, d1) -> (d1)>
func.func @predict(%x: tensor<?x64xf32>) -> tensor<?x10xf32> {{
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x64xf32>
  %xq = quant.qcast %x : tensor<?x64xf32> to tensor<?x64x{tx}>
  %xd = quant.dcast %xq : tensor<?x64x{tx}> to tensor<?x64xf32>
  %w1i = arith.constant {mlir_dense(q1.T)} : tensor<64x16xi8>
  %w1 = quant.scast %w1i : tensor<64x16xi8> to tensor<64x16x{tw1}>
  %w1d = quant.dcast %w1 : tensor<64x16x{tw1}> to tensor<64x16xf32>
  %b1i = arith.constant {mlir_vector(qb1)} : tensor<16xi32>
  %b1 = quant.scast %b1i : tensor<16xi32> to tensor<16x{tb1}>
  %b1d = quant.dcast %b1 : tensor<16x{tb1}> to tensor<16xf32>
  %e1 = tensor.empty(%n) : tensor<?x16xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %m1 = linalg.matmul ins(%xd, %w1d : tensor<?x64xf32>, tensor<64x16xf32>) outs(%f1 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %a1 = linalg.generic {{indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel"]}} ins(%m1, %b1d : tensor<?x16xf32>, tensor<16xf32>) outs(%e1 : tensor<?x16xf32>) {{
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  }} -> tensor<?x16xf32>
  %r1 = linalg.generic {{indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}} ins(%a1 : tensor<?x16xf32>) outs(%e1 : tensor<?x16xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %t = arith.maximumf %in, %z : f32
    linalg.yield %t : f32
  }} -> tensor<?x16xf32>
  %hq = quant.qcast %r1 : tensor<?x16xf32> to tensor<?x16x{th}>
  %hd = quant.dcast %hq : tensor<?x16x{th}> to tensor<?x16xf32>
  %w2i = arith.constant {mlir_dense(q2.T)} : tensor<16x10xi8>
  %w2 = quant.scast %w2i : tensor<16x10xi8> to tensor<16x10x{tw2}>
  %w2d = quant.dcast %w2 : tensor<16x10x{tw2}> to tensor<16x10xf32>
  %b2i = arith.constant {mlir_vector(qb2)} : tensor<10xi32>
  %b2 = quant.scast %b2i : tensor<10xi32> to tensor<10x{tb2}>
  %b2d = quant.dcast %b2 : tensor<10x{tb2}> to tensor<10xf32>
  %e2 = tensor.empty(%n) : tensor<?x10xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x10xf32>) -> tensor<?x10xf32>
  %m2 = linalg.matmul ins(%hd, %w2d : tensor<?x16xf32>, tensor<16x10xf32>) outs(%f2 : tensor<?x10xf32>) -> tensor<?x10xf32>
  %a2 = linalg.generic {{indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel"]}} ins(%m2, %b2d : tensor<?x10xf32>, tensor<10xf32>) outs(%e2 : tensor<?x10xf32>) {{
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  }} -> tensor<?x10xf32>
  %oq = quant.qcast %a2 : tensor<?x10xf32> to tensor<?x10x{to}>
  %od = quant.dcast %oq : tensor<?x10x{to}> to tensor<?x10xf32>
  return %od : tensor<?x10xf32>
}}
"""
    xq = quantize(Xte, sx, -8, -8, 7)
    acc1 = (xq + 8) @ q1.T + qb1
    hq_ = requantize_onnx(acc1, np.float64(sx) * sw1.astype(np.float64), sh,
                          -8, -8, 7)
    acc2 = (hq_ + 8) @ q2.T + qb2
    oq = requantize_onnx(acc2, np.float64(sh) * sw2.astype(np.float64), so, 0,
                         -128, 127)
    write("quant_dialect", dequantize(oq, so, 0), {
        "form": "MLIR quant dialect (quant.qcast/quant.dcast around linalg)",
        "architecture": "x -> 4-bit i8<-8:7> -> matmul(64,16) int8 "
                        "per-channel + int32 bias -> relu -> 4-bit -> "
                        "matmul(16,10) + bias -> int8",
        "labels": yte}, {"model.mlir": text})


def fixed_point(ratio):
    """TFLite/TOSA's multiplier in [2^30, 2^31) and shift."""
    mantissa, exponent = np.frexp(ratio)
    m = int(np.rint(mantissa * (1 << 31)))
    if m == 1 << 31:
        m //= 2
        exponent += 1
    return m, 31 - int(exponent)


def make_tosa(model, Xte, yte):
    """int8 throughout: tosa.matmul with zero points, int32 biases,
    per-channel tosa.rescale with DOUBLE_ROUND, tosa.clamp as the ReLU."""
    w1 = model[0].weight.detach().numpy() / 16.0
    b1 = model[0].bias.detach().numpy()
    w2, b2 = model[2].weight.detach().numpy(), model[2].bias.detach().numpy()
    sx, zx = f32(16.0 / 255.0), -128       # x (0..16) onto [-128, 127]
    sh, zh = f32(0.05), -128
    so, zo = f32(0.12), 0
    sw1, sw2 = symmetric_scale(w1, 127), symmetric_scale(w2, 127)
    q1, q2 = quantize_weights(w1, sw1, 127), quantize_weights(w2, sw2, 127)
    qb1 = quantize_bias(b1, bias_scale(sx, sw1))
    qb2 = quantize_bias(b2, bias_scale(sh, sw2))
    m1 = [fixed_point(float(sx) * float(s) / float(sh)) for s in sw1]
    m2 = [fixed_point(float(sh) * float(s) / float(so)) for s in sw2]

    def const(name, values, shape, elem):
        return (f'  %{name} = "tosa.const"() {{values = {values} : '
                f'tensor<{shape}x{elem}>}} : () -> tensor<{shape}x{elem}>\n')

    tx = "!quant.uniform<i8:f32, %s:%d>" % (mlir_float(sx), zx)
    to = "!quant.uniform<i8:f32, %s>" % mlir_float(so)
    layers = ""
    for i, (q, qb, m, rows, cols, azp, ozp, relu) in enumerate(
            [(q1, qb1, m1, 64, 16, zx, zh, True),
             (q2, qb2, m2, 16, 10, zh, zo, False)], start=1):
        src = "%a0" if i == 1 else "%h1"
        layers += const(f"w{i}", "dense<[" + mlir_dense(q.T)[6:-1] + "]>",
                        f"1x{rows}x{cols}", "i8")
        layers += const(f"azp{i}", f"dense<{azp}>", "1", "i8")
        layers += const(f"bzp{i}", "dense<0>", "1", "i8")
        layers += (f"  %acc{i} = tosa.matmul {src}, %w{i}, %azp{i}, %bzp{i} : "
                   f"(tensor<1x?x{rows}xi8>, tensor<1x{rows}x{cols}xi8>, "
                   f"tensor<1xi8>, tensor<1xi8>) -> tensor<1x?x{cols}xi32>\n")
        layers += const(f"b{i}", "dense<[[" + mlir_vector(qb)[6:-1] + "]]>",
                        f"1x1x{cols}", "i32")
        layers += (f"  %ab{i} = tosa.add %acc{i}, %b{i} : (tensor<1x?x{cols}xi32>,"
                   f" tensor<1x1x{cols}xi32>) -> tensor<1x?x{cols}xi32>\n")
        layers += const(f"m{i}", mlir_vector([a for a, _ in m]), str(cols),
                        "i32")
        layers += const(f"s{i}", mlir_vector([b for _, b in m]), str(cols),
                        "i8")
        layers += const(f"izp{i}", "dense<0>", "1", "i32")
        layers += const(f"ozp{i}", f"dense<{ozp}>", "1", "i8")
        layers += (f"  %r{i} = tosa.rescale %ab{i}, %m{i}, %s{i}, %izp{i}, "
                   f"%ozp{i} {{scale32 = true, rounding_mode = DOUBLE_ROUND, "
                   f"per_channel = true, input_unsigned = false, "
                   f"output_unsigned = false}} : (tensor<1x?x{cols}xi32>, "
                   f"tensor<{cols}xi32>, tensor<{cols}xi8>, tensor<1xi32>, "
                   f"tensor<1xi8>) -> tensor<1x?x{cols}xi8>\n")
        if relu:
            layers += (f"  %h{i} = tosa.clamp %r{i} {{min_val = {ozp} : i8, "
                       f"max_val = 127 : i8}} : (tensor<1x?x{cols}xi8>) -> "
                       f"tensor<1x?x{cols}xi8>\n")
    text = f"""// A TOSA int8 program (written by make_models.py): the digits MLP of
// mlp_uint8 quantized to int8 (per-channel weights, int32 biases,
// per-channel tosa.rescale with DOUBLE_ROUND, tosa.clamp as the ReLU). The
// client's quantization and dequantization are quant.qcast/quant.dcast and
// quant.scast between quantized values and their int8 storage.
func.func @predict(%x: tensor<?x64xf32>) -> tensor<?x10xf32> {{
  %q = quant.qcast %x : tensor<?x64xf32> to tensor<?x64x{tx}>
  %i = quant.scast %q : tensor<?x64x{tx}> to tensor<?x64xi8>
  %s3 = tosa.const_shape {{values = dense<[1, -1, 64]> : tensor<3xindex>}} : () -> !tosa.shape<3>
  %a0 = tosa.reshape %i, %s3 : (tensor<?x64xi8>, !tosa.shape<3>) -> tensor<1x?x64xi8>
{layers}  %oshape = tosa.const_shape {{values = dense<[-1, 10]> : tensor<2xindex>}} : () -> !tosa.shape<2>
  %o = tosa.reshape %r2, %oshape : (tensor<1x?x10xi8>, !tosa.shape<2>) -> tensor<?x10xi8>
  %oq = quant.scast %o : tensor<?x10xi8> to tensor<?x10x{to}>
  %y = quant.dcast %oq : tensor<?x10x{to}> to tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}}
"""
    xq = quantize(Xte, sx, zx, -128, 127)
    acc = (xq - zx) @ q1.T + qb1
    h = apply_scale_double(acc, [a for a, _ in m1], [b for _, b in m1])
    h = np.clip(h + zh, -128, 127)
    h = np.clip(h, zh, 127)
    acc = (h - zh) @ q2.T + qb2
    o = apply_scale_double(acc, [a for a, _ in m2], [b for _, b in m2])
    o = np.clip(o + zo, -128, 127)
    write("tosa_int8", dequantize(o, so, zo), {
        "form": "MLIR TOSA int8 (tosa.matmul, tosa.add, tosa.rescale "
                "DOUBLE_ROUND per channel, tosa.clamp)",
        "architecture": "x -> int8 -> matmul(64,16) + bias -> rescale -> "
                        "clamp -> matmul(16,10) + bias -> rescale",
        "labels": yte}, {"model.mlir": text})


def main():
    Xtr, ytr, Xte, yte = digits_splits()
    make_qat_mlp(Xtr, ytr, Xte, yte)
    make_residual_mlp(Xtr, ytr, Xte, yte)
    make_cnn(Xtr, ytr, Xte, yte)
    model = make_uint8_mlps(Xtr, ytr, Xte, yte)
    make_quant_dialect(model, Xte, yte)
    make_tosa(model, Xte, yte)


if __name__ == "__main__":
    main()
