#!/usr/bin/env python3
# ===- layer_room.py - where a compiled model loses its accuracy ----------===#
#
# Part of qfhe, a quantization compiler for fully homomorphic encryption.
#
# ===----------------------------------------------------------------------===#
"""Where does a model lose accuracy under a cap? Diagnoses one model.

    bench/layer_room.py MODEL CAP[/TLU] [--build DIR]

MODEL names a directory of test/models (or is a path to one). The script
runs the pipeline's stages up to qfhe-allocate-bits with the measured
search (as qfhe-pipeline does), then, for each weighted layer, changes that
layer's chosen allocation alone and compiles and runs the rest as chosen on
the test split:

  l1 x4   the layer's weight budget four times larger (two more
          accumulator bits);
  input +2  its input two bits finer under the same budget;
  free    8-bit input, no budget, one part.

and the same changes applied to every weighted layer at once. The changed
programs break the cap on purpose: they are lowered with lookups of up to
16 bits (TLU when given) and not verified. The first line, `as chosen`,
is the pipeline's program (same accuracy as bench/accuracy_vs_cap.sh).

With TLU below CAP it also reports, for each rounding before a lookup, each
output channel's proven accumulator span (bits, from the verifier's report)
next to the span its values reach on the calibration and test inputs: the
table uses only the reached part of its 2^TLU entries.

Needs numpy (the reached spans) and the build's tools.
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALLOCATION = re.compile(r"qfhe\.allocation = #qfhe\.allocation<[^>]*weight_l1[^>]*>")


def run(tool, *args, build):
    """Runs a tool of the build and returns its standard output."""
    result = subprocess.run(
        [os.path.join(build, "bin", tool), *args],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"{tool} failed: {result.stderr.strip()[:2000]}")
    return result.stdout


def change(allocation, kind):
    """One layer's #qfhe.allocation (MLIR text) with more room."""

    def scale(key, function, text):
        return re.sub(
            key + r" = (\d+)", lambda m: f"{key} = {function(int(m.group(1)))}", text
        )

    if kind == "l1 x4":
        return scale("weight_l1", lambda v: 4 * v, allocation)
    if kind == "input +2":
        return scale("input_bits", lambda v: v + 2, allocation)
    assert kind == "free"
    allocation = scale("input_bits", lambda v: max(v, 8), allocation)
    allocation = scale("weight_l1", lambda v: 1 << 20, allocation)
    return re.sub(r", chunks = \d+", "", allocation)


def describe(allocation):
    """A short form of an allocation: `3-bit input x0.85, 4 parts of l1 82`."""
    field = lambda key: re.search(key + r" = ([0-9.e+-]+)", allocation)
    text = f"{field('input_bits').group(1)}-bit input"
    if field("input_clip"):
        text += f" x{float(field('input_clip').group(1)):.2f}"
    chunks = field("chunks")
    parts = f"{chunks.group(1)} parts of " if chunks else ""
    return text + f", {parts}l1 {field('weight_l1').group(1)}"


def with_changes(text, layers, kind):
    """The allocated program with `kind` applied to the given layers."""
    matches = list(ALLOCATION.finditer(text))
    for index in sorted(layers, reverse=True):
        m = matches[index]
        text = text[: m.start()] + change(m.group(0), kind) + text[m.end() :]
    return text


def with_rounding_inputs(text):
    """The integer program returning, after its results, the input of every
    qfhe.round (the accumulators before their lookups)."""
    rounded = re.findall(r"= qfhe\.round (%[\w.]+) drop \d+ : (tensor<[^>]*>)", text)
    if not rounded:
        return text, 0
    returned = re.search(r"return ([^:\n]*) : ([^\n]*)", text)
    values = ", ".join([returned.group(1)] + [v for v, _ in rounded])
    types = ", ".join([returned.group(2)] + [t for _, t in rounded])
    text = text[: returned.start()] + f"return {values} : {types}" + text[returned.end() :]
    # The signature's results: `-> T {`, `-> (T {attrs}) attributes {...} {`.
    header = re.search(r"func\.func @\w+\(.*?\) -> (.*?)( attributes \{.*\})? \{\n", text)
    results = header.group(1)
    if results.startswith("("):
        results = results[1:-1]
    extra = ", ".join(t for _, t in rounded)
    start, end = header.span(1)
    text = text[:start] + f"({results}, {extra})" + text[end:]
    return text, len(rounded)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("cap", help="CAP or CAP/TLU")
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = parser.parse_args()
    build = args.build
    model = args.model
    if not os.path.isdir(model):
        model = os.path.join(ROOT, "test", "models", model)
    cap, _, tlu = args.cap.partition("/")
    cap, tlu = int(cap), int(tlu or 0)
    bits = min(8, cap)
    info = os.path.join(model, "info.json")
    threshold = "0.5"
    if os.path.exists(info) and json.load(open(info)).get("output_shape") == [1]:
        threshold = "0"
    calib = os.path.join(model, "calib_x.npy")

    def accuracy(program):
        out = run(
            "quant-run", program, "--quiet", "--data",
            os.path.join(model, "test_x.npy"), "--labels",
            os.path.join(model, "test_y.npy"), "--threshold", threshold,
            build=build,
        )
        return float(re.search(r"accuracy: ([0-9.]+)", out).group(1))

    with tempfile.TemporaryDirectory() as work:
        path = lambda name: os.path.join(work, name)
        run("quant-translate", "--import-onnx", os.path.join(model, "model.onnx"),
            "-o", path("float.mlir"), build=build)
        run("quant-run", "calibrate", path("float.mlir"), "--data", calib,
            "-o", path("cal.mlir"), build=build)
        run("quant-opt", path("cal.mlir"), "-o", path("alloc.mlir"),
            "--qfhe-normalize", "--qfhe-equalize-channels",
            "--qfhe-infer-ranges=use-observed",
            f"--qfhe-allocate-bits=max-bit-width={cap} tlu-bit-width={tlu} "
            f"max-activation-bits={bits} calibration-data={calib}",
            build=build)
        allocated = open(path("alloc.mlir")).read()

        def compile_and_run(text, lookup_bits, verify=False):
            open(path("v.mlir"), "w").write(text)
            passes = [
                f"--qfhe-quantize=input-bits={bits} activation-bits={bits} "
                f"output-bits={bits}",
                "--qfhe-fuse-univariate",
                f"--qfhe-lower-to-integer=tlu-bit-width={lookup_bits} allow-rounding",
                "--canonicalize",
            ]
            if verify:
                passes.append(f"--qfhe-verify-bitwidth=max-bit-width={cap} "
                              f"report={path('report.json')}")
            run("quant-opt", path("v.mlir"), "-o", path("v.int.mlir"), *passes,
                build=build)
            return accuracy(path("v.int.mlir"))

        layers = len(ALLOCATION.findall(allocated))
        chosen = [describe(m.group(0)) for m in ALLOCATION.finditer(allocated)]
        print(f"{os.path.basename(model)}, cap {args.cap}: as chosen "
              f"{compile_and_run(allocated, tlu or min(cap, 16), True):.4f}")
        kinds = ["l1 x4", "input +2", "free"]
        print("| layer (chosen allocation) | " + " | ".join(kinds) + " |")
        print("|---|" + "---|" * len(kinds))
        wide = tlu or 16
        for layer in list(range(layers)) + ["all"]:
            which = range(layers) if layer == "all" else [layer]
            cells = [f"{compile_and_run(with_changes(allocated, which, k), wide):.4f}"
                     for k in kinds]
            name = "every layer" if layer == "all" else f"{layer}: {chosen[layer]}"
            print(f"| {name} | " + " | ".join(cells) + " |")
        both = with_changes(with_changes(allocated, range(layers), "l1 x4"),
                            range(layers), "input +2")
        print(f"every layer l1 x4 and input +2: {compile_and_run(both, wide):.4f}")

        if not tlu or tlu >= cap:
            return
        # Proven spans from the report, reached spans from running.
        compile_and_run(allocated, tlu, True)
        report = json.load(open(path("report.json")))
        proven = [v for v in report["functions"][0]["values"]
                  if v["op"].startswith("linalg.") and v["bits"] > tlu
                  and "channels" in v]
        text, count = with_rounding_inputs(open(path("v.int.mlir")).read())
        if count != len(proven):
            sys.exit(f"{count} roundings but {len(proven)} wide accumulators "
                     "in the report: cannot pair them")
        open(path("acc.mlir"), "w").write(text)
        import numpy as np

        for split in ["calib", "test"]:
            outs = [path(f"out{i}.npy") for i in range(count + 1)]
            run("quant-run", path("acc.mlir"), "--quiet", "--data",
                os.path.join(model, f"{split}_x.npy"),
                *[a for o in outs for a in ("-o", o)], build=build)
            for i, value in enumerate(proven[:count]):
                acc = np.load(outs[i + 1]).astype(np.int64)
                axis = value.get("axis", 1)
                acc = np.moveaxis(acc, axis, 0).reshape(acc.shape[axis], -1)
                spans = []
                for c, (lo, hi) in enumerate(value["channels"]):
                    reached = acc[c].max() - acc[c].min() + 1
                    spans.append(f"{math.log2(hi - lo + 1):.1f}/"
                                 f"{math.log2(reached):.1f}")
                print(f"{split}: rounding {i} ({value['op']}) proven/reached "
                      f"bits per channel: {' '.join(spans)}")


if __name__ == "__main__":
    main()
