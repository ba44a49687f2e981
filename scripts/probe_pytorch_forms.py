#!/usr/bin/python3
"""Exports one-layer PyTorch modules the way user code writes them and
imports each with quant-translate: which forms the ONNX importer takes.

    /usr/bin/python3 scripts/probe_pytorch_forms.py [NAME ...]

Prints one line per probe: ok, or FAIL with the ONNX operators the export
holds and the importer's first error. A development tool (needs
python3-torch and python3-onnx; no test runs it): run it to find the next
forms to support, and after a change to the importer. Writes the models to
$PROBE_DIR (default /tmp/qfhe-probes); QUANT_TRANSLATE overrides the
importer (default build/bin/quant-translate), PROBE_OPSET the opset of the
exports (default 14; at 17 LayerNorm exports as LayerNormalization).
"""
import os
import subprocess
import sys

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QT = os.environ.get("QUANT_TRANSLATE",
                    os.path.join(ROOT, "build", "bin", "quant-translate"))
OUT = os.environ.get("PROBE_DIR", "/tmp/qfhe-probes")
OPSET = int(os.environ.get("PROBE_OPSET", "14"))
torch.manual_seed(0)


class M(nn.Module):
    """A probe: forward(self, x) calls f(self, x); its submodules are
    self.m[name]."""

    def __init__(self, f, modules=None):
        super().__init__()
        self.f = f
        self.m = nn.ModuleDict(modules or {})

    def forward(self, x):
        return self.f(self, x)


# name: (input shape, forward, submodules).
cases = {
 "conv1d": ((1, 3, 16), lambda s, x: s.m["c"](x), {"c": nn.Conv1d(3, 4, 3, padding=1)}),
 "maxpool1d": ((1, 3, 16), lambda s, x: F.max_pool1d(x, 2), None),
 "avgpool1d": ((1, 3, 16), lambda s, x: F.avg_pool1d(x, 2), None),
 "bn1d": ((1, 3, 16), lambda s, x: s.m["b"](x), {"b": nn.BatchNorm1d(3)}),
 "bn1d_2d": ((1, 3), lambda s, x: s.m["b"](x), {"b": nn.BatchNorm1d(3)}),
 "pow2": ((1, 8), lambda s, x: x ** 2, None),
 "pow05": ((1, 8), lambda s, x: x.abs() ** 0.5, None),
 "relu6": ((1, 8), lambda s, x: F.relu6(x), None),
 "clampmin": ((1, 8), lambda s, x: torch.clamp(x, min=0.1), None),
 "minimum": ((1, 8), lambda s, x: torch.minimum(x, x * 2), None),
 "maxconst": ((1, 8), lambda s, x: torch.maximum(x, torch.zeros(8)), None),
 "sum3": ((1, 8), lambda s, x: x + x * 2 + x * 3, None),
 "silu": ((1, 8), lambda s, x: F.silu(x), None),
 "mish": ((1, 8), lambda s, x: F.mish(x), None),
 "gelu": ((1, 8), lambda s, x: F.gelu(x), None),
 "where": ((1, 8), lambda s, x: torch.where(x > 0, x, 0.1 * x), None),
 "interp": ((1, 2, 4, 4), lambda s, x: F.interpolate(x, scale_factor=2, mode="nearest"), None),
 "convT": ((1, 2, 4, 4), lambda s, x: s.m["c"](x), {"c": nn.ConvTranspose2d(2, 3, 2, stride=2)}),
 "layernorm": ((1, 8), lambda s, x: s.m["l"](x), {"l": nn.LayerNorm(8)}),
 "adaptive": ((1, 2, 4, 4), lambda s, x: F.adaptive_avg_pool2d(x, 1), None),
 "adaptivemax": ((1, 2, 4, 4), lambda s, x: F.adaptive_max_pool2d(x, 1), None),
 "flattenmod": ((1, 2, 4, 4), lambda s, x: nn.Flatten()(x), None),
 "expand": ((1, 1), lambda s, x: x.expand(-1, 4), None),
 "repeat": ((1, 2), lambda s, x: x.repeat(1, 3), None),
 "meankeep": ((1, 4, 3), lambda s, x: x.mean(-1, keepdim=True), None),
 "xminusmean": ((1, 4), lambda s, x: x - x.mean(-1, keepdim=True), None),
 "softmaxmid": ((1, 4), lambda s, x: F.softmax(x, -1) * 2, None),
 "cast": ((1, 4), lambda s, x: (x > 0).float() * x, None),
 "linear1d": ((1, 4), lambda s, x: s.m["l"](x[0]).unsqueeze(0), {"l": nn.Linear(4, 2)}),
 "matmulconstleft": ((1, 4, 3), lambda s, x: torch.matmul(torch.ones(2, 4), x), None),
 "sqrt": ((1, 4), lambda s, x: torch.sqrt(x * x + 1), None),
 "min_dim": ((1, 4), lambda s, x: x.max(dim=1, keepdim=True).values, None),
 "amax": ((1, 4), lambda s, x: x.amax(dim=1), None),
 "std": ((1, 4), lambda s, x: (x * x).mean(-1), None),
 "groupconv": ((1, 4, 6, 6), lambda s, x: s.m["c"](x), {"c": nn.Conv2d(4, 4, 3, groups=2)}),
 "conv3d": ((1, 1, 4, 4, 4), lambda s, x: s.m["c"](x), {"c": nn.Conv3d(1, 2, 3)}),
 "lstm_free_tanhsig": ((1, 4), lambda s, x: torch.tanh(x) * torch.sigmoid(x), None),
 "erf": ((1, 4), lambda s, x: torch.erf(x), None),
 "sign": ((1, 4), lambda s, x: torch.sign(x), None),
 "floor": ((1, 4), lambda s, x: torch.floor(x), None),
 "round": ((1, 4), lambda s, x: torch.round(x), None),
 "ceil": ((1, 4), lambda s, x: torch.ceil(x), None),
 "sin": ((1, 4), lambda s, x: torch.sin(x), None),
 "cos": ((1, 4), lambda s, x: torch.cos(x), None),
 "logsigmoid": ((1, 4), lambda s, x: F.logsigmoid(x), None),
 "hardtanh": ((1, 4), lambda s, x: F.hardtanh(x), None),
 "softshrink": ((1, 4), lambda s, x: F.softshrink(x), None),
 "tanhshrink": ((1, 4), lambda s, x: F.tanhshrink(x), None),
 "pixelshuffle": ((1, 4, 2, 2), lambda s, x: F.pixel_shuffle(x, 2), None),
 "pad_reflect": ((1, 1, 4, 4), lambda s, x: F.pad(x, (1, 1, 1, 1), mode="reflect"), None),
 "l2norm": ((1, 4), lambda s, x: F.normalize(x, dim=1), None),
 "argmax_out": ((1, 4), lambda s, x: x.argmax(1), None),
 "instnorm": ((1, 2, 4, 4), lambda s, x: s.m["n"](x), {"n": nn.InstanceNorm2d(2)}),
 "groupnorm": ((1, 4, 4, 4), lambda s, x: s.m["n"](x), {"n": nn.GroupNorm(2, 4)}),
 "embedding_free_einsum": ((1, 4), lambda s, x: torch.einsum("bi,ij->bj", x, torch.ones(4, 3)), None),
 "bmm": ((1, 4, 3), lambda s, x: torch.bmm(x, x.transpose(1, 2)), None),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    failed = 0
    for name in sys.argv[1:] or list(cases):
        shape, forward, modules = cases[name]
        model = M(forward, modules).eval()
        path = os.path.join(OUT, name + ".onnx")
        try:
            torch.onnx.export(model, torch.randn(*shape), path,
                              input_names=["x"], output_names=["y"],
                              dynamic_axes={"x": {0: "b"}, "y": {0: "b"}},
                              opset_version=OPSET)
        except Exception as e:  # an export PyTorch itself refuses
            print(f"{name}: EXPORT FAIL {str(e)[:80]}")
            continue
        result = subprocess.run([QT, "--import-onnx", path, "-o",
                                 os.path.join(OUT, name + ".mlir")],
                                capture_output=True, text=True)
        ops = sorted({n.op_type for n in onnx.load(path).graph.node})
        if result.returncode == 0:
            print(f"{name}: ok {ops}")
        else:
            failed += 1
            error = result.stderr.strip().splitlines()[0][:160]
            print(f"{name}: FAIL {ops} {error}")
    print(f"{failed} of {len(sys.argv[1:] or cases)} probes fail to import")


if __name__ == "__main__":
    main()
