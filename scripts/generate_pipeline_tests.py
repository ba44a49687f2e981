#!/usr/bin/env python3
"""Writes test/e2e/pipeline-*.test from a bench/ACCURACY.md table.

Usage: scripts/generate_pipeline_tests.py bench/ACCURACY.md

The first table (the original suite) gives one test file per model: each
cap's accuracy floor is the measured value less 1.5 points (at 16 bits with
8-bit lookups, the issue's target: float less 0.5 point, when the
measurement meets it).

The table of the section "Models new to the suite" gives issue 17's targets
as floors, never a measurement: at cap 8 the float accuracy less 1 point, at
16 bits with 8-bit lookups float less 0.2 point, at cap 6 (digits models
only) float less 3 points; its other rows set no floor. The targets a
model's measurement meets go into pipeline-MODEL.test; each target it
misses gets its own file, pipeline-MODEL-capCAP[-tluTLU]-unmet.test, marked
XFAIL with the measured accuracy (so that the day it is met, lit reports
the unexpected pass and a rerun of this script moves the target into the
model's test).

Run it after a bench run that changes the numbers on purpose; review the
diff.
"""
import glob
import math
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
E2E = os.path.join(ROOT, "test", "e2e")
MODELS = os.path.join(ROOT, "test", "models")
NEW_SECTION = "## Models new to the suite"


def read_tables(path):
    """The rows of the first table and of the new models' section's table,
    each as {model: [(float, cap, tlu, accuracy, cells)]}."""
    first, new = {}, {}
    section = None
    for line in open(path).read().splitlines():
        if line.startswith("## "):
            section = "new" if line.startswith(NEW_SECTION) else "other"
            continue
        if not line.startswith("| ") or line.startswith("| model"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        # Only the bench's tables: model, float, cap, tlu, accuracy, ...
        if len(cells) < 15:
            continue
        rows = first if section is None else new if section == "new" else None
        if rows is None:
            continue
        model, flt, cap, tlu, acc = cells[:5]
        rows.setdefault(model, []).append((flt, cap, tlu, acc, cells))
    return first, new


names = {
 'digits_mlp_relu': 'the digits MLP with ReLU (64-32-10)',
 'digits_mlp_tanh': 'the digits MLP with tanh (64-32-10)',
 'digits_mlp_sigmoid': 'the digits MLP with sigmoid (64-32-16-10)',
 'digits_cnn': 'the digits CNN (two convolutions, average and max pooling, a dense layer)',
 'fashion_mlp': 'the Fashion-MNIST MLP (784-64-10)',
 'breast_cancer_logreg': 'the breast-cancer logistic regression (30 features, one logit)',
 'breast_cancer_sklearn': "scikit-learn's logistic regression on the z-scored, heavy-tailed breast-cancer features (30 features, one logit)",
 'digits_mlp_deep': 'the digits MLP with three hidden layers (64-64-32-32-10, ReLU)',
 'wine_mlp_tanh': 'the wine MLP with tanh (13-16-3, standardized features)',
 'fashion_cnn': 'the Fashion-MNIST CNN (two convolutions, one strided, on 28x28 images)',
 'fashion_mlp_full': 'the Fashion-MNIST MLP (784-64-10) on all 10,000 test images',
}


def test_name(model, suffix=""):
    return os.path.join(E2E, f"pipeline-{model.replace('_', '-')}{suffix}.test")


def run_lines(model, cap, tlu, floor):
    """The RUN lines of one cap_vs_baseline.sh run and its CHECK line."""
    label = f"CAP{cap}" + (f"-TLU{tlu}" if tlu != cap else "")
    t = tlu if tlu != cap else '0'
    return [
        f"// RUN: bash %scripts/cap_vs_baseline.sh %t.cal.mlir %models/{model} {cap} {t} {floor} %t.{cap}.{t} \\",
        f"// RUN: | FileCheck %s --check-prefix={label}",
        f"// {label}: cap {cap}/{tlu}: a2q {{{{[0-9.]+}}}}, widest {{{{[0-9]+}}}} bits",
    ]


def import_lines(model):
    return [
        f"// RUN: quant-translate --import-onnx %models/{model}/model.onnx -o %t.mlir",
        f"// RUN: quant-run calibrate %t.mlir --data %models/{model}/calib_x.npy -o %t.cal.mlir",
    ]


def write(path, lines):
    open(path, "w").write("\n".join(lines) + "\n")


def write_measured_floors(rows):
    """The original suite: floors at the measurement less 1.5 points."""
    for model, entries in rows.items():
        flt = float(entries[0][0])
        out = []
        out.append(f"// {model}: {names[model]},")
        out.append(f"// float accuracy {flt:.4f}, through the whole flow under every cap:")
        out.append("// ONNX import, calibration, then per cap the qfhe pipeline (allocation")
        out.append("// measured on calib_x.npy) and the classic uniform baseline, both run on")
        out.append("// the test split (scripts/cap_vs_baseline.sh). Each run fails when the")
        out.append("// verifier's widest value exceeds the cap, when the accuracy falls below")
        out.append("// its floor (bench/ACCURACY.md's measurement less 1.5 points; at 16 bits")
        out.append("// with 8-bit lookups, float less 0.5 point; issue 17's targets where they")
        out.append("// are met: at cap 8 float less 1 point, at cap 6 float less 3 points; a")
        out.append("// target not met is its own XFAIL test, *-cap6-unmet.test), or when it trails")
        out.append("// the baseline's by more than one test sample while below float and")
        out.append("// agreeing with the float program's predictions less often.")
        out.append("")
        out.extend(import_lines(model))
        for (_, cap, tlu, acc, _) in entries:
            measured = float(acc)
            floor = measured - 0.015
            if cap == '16' and tlu == '8' and measured >= flt - 0.005:
                floor = flt - 0.005
            floor = math.floor(floor * 1000) / 1000
            text = f"{floor:.3f}"
            # Issue 17's targets at caps 8 and 6, held once met (a missed
            # one is written by hand as pipeline-MODEL-capCAP-unmet.test).
            for (t_cap, t_tlu, loss, applies) in TARGETS:
                if (cap, tlu) == (t_cap, t_tlu) and cap != '16' and applies(model):
                    target, _ = target_floor(flt, loss, test_samples(model))
                    if measured >= target and target > floor:
                        text = f"{target:.4f}"
            out.extend(run_lines(model, cap, tlu, text))
        if model == 'digits_cnn':
            out.append("")
            out.append("// Under 2 bits the average pooling cannot add its 4 values: the pipeline")
            out.append("// says so, naming the ONNX node, and which cap would do.")
            out.append("// RUN: not quant-opt %t.cal.mlir --qfhe-pipeline=\"max-bit-width=2\" -o /dev/null 2>&1 \\")
            out.append("// RUN: | FileCheck %s --check-prefix=TOO-SMALL")
            out.append("// TOO-SMALL: error: loc(\"/net/net.2/AveragePool\"): cannot fit max-bit-width=2: this op adds 4 values; the smallest cap that would is 3")
        write(test_name(model), out)
        print(model, len(entries), "caps")


# Issue 17's targets: (cap, tlu, points below float allowed, for which models).
TARGETS = [
    ('8', '8', 0.01, lambda model: True),
    ('16', '8', 0.002, lambda model: True),
    ('6', '6', 0.03, lambda model: model.startswith('digits_')),
]
TARGET_WORDS = {
    ('8', '8'): "at cap 8 within 1 point of float",
    ('16', '8'): "at 16 bits with 8-bit lookups within 0.2 point",
    ('6', '6'): "at cap 6 within 3 points (a digits model)",
}
# Why a target is missed: what was measured beyond the test's own run
# (quant-run summary of the pipeline's report, neighbouring caps).
REASONS = {
    ('digits_mlp_deep', '8', '8'):
        "One test sample short (the target needs 347). Every layer reads "
        "3-bit inputs, split in up to 8 chunks; cap 9 reaches 0.9667, cap 7 "
        "0.9333.",
    ('digits_mlp_deep', '6', '6'):
        "Every layer reads 2-bit inputs (2 to 4 chunks): 4 levels per "
        "activation through three hidden layers.",
    ('wine_mlp_tanh', '8', '8'):
        "One test sample short: one sample is 1.12 points, so the target "
        "is the float program's own 88. The inputs get 5 bits and the tanh "
        "outputs 4, in 8 chunks; cap 9 reaches 1.0000, cap 10 0.9888.",
    ('fashion_cnn', '8', '8'):
        "The image gets 3 bits, the second convolution 3 and the dense "
        "layer's 392 inputs 2 (4 chunks).",
    ('fashion_cnn', '16', '8'):
        "Not the 8-bit lookups: with 16-bit lookups (tlu-bit-width=16) cap 16 "
        "scores 0.8660; at both widths the dense layer's 392 inputs get 5 "
        "bits.",
}


def test_samples(model):
    """The number of test samples: the first dimension of test_y.npy."""
    header = open(os.path.join(MODELS, model, "test_y.npy"), "rb").read(256)
    return int(re.search(rb"'shape': \((\d+),", header).group(1))


def target_floor(flt, loss, samples):
    """The floor `flt - loss` as quant-run prints accuracies (4 decimals),
    with the fewest test samples that meet it; fails when the rounding to 4
    decimals would let one sample fewer pass, or refuse the fewest."""
    floor = round(flt - loss, 4)
    exact = round(flt * samples) / samples - loss
    fewest = math.ceil(exact * samples - 1e-9)
    if round(fewest / samples, 4) < floor or round((fewest - 1) / samples, 4) >= floor:
        sys.exit(f"error: floor {floor:.4f} does not separate {fewest} of {samples} samples from one fewer")
    return floor, fewest


def flow(per_cap):
    """What a pipeline test runs, in words."""
    return ("through the whole flow: ONNX import, calibration, then "
            + ("per cap " if per_cap else "") + "the qfhe pipeline (allocation "
            "measured on calib_x.npy) and the classic uniform baseline, both "
            "run on the test split (scripts/cap_vs_baseline.sh).")


def comment(text):
    import textwrap
    return ["// " + line for line in textwrap.wrap(text, 74, break_on_hyphens=False)]


def write_target_floors(rows):
    """The new models: issue 17's targets as floors; a missed target gets
    its own XFAIL file."""
    summary = []
    for model, entries in rows.items():
        flt = float(entries[0][0])
        samples = test_samples(model)
        correct = round(flt * samples)
        met, missed = [], []
        for (_, cap, tlu, acc, cells) in entries:
            target = [t for t in TARGETS if t[:2] == (cap, tlu) and t[3](model)]
            if not target:
                continue
            loss = target[0][2]
            floor, fewest = target_floor(flt, loss, samples)
            measured = float(acc)
            entry = (cap, tlu, floor, fewest, measured)
            (met if measured >= floor else missed).append(entry)
            summary.append((model, cap, tlu, flt, measured, floor, measured >= floor))
        for path in glob.glob(test_name(model, "-cap*-unmet")):
            os.remove(path)
        if met:
            floors = "; ".join(
                f"{TARGET_WORDS[(cap, tlu)]} ({floor:.4f}: {fewest} of "
                f"{samples} samples)" for (cap, tlu, floor, fewest, _) in met)
            several = len(met) > 1
            text = (
                f"{model}: {names[model]}, float accuracy {flt:.4f} "
                f"({correct}/{samples}), {flow(several)} "
                + ("The floors are issue 17's targets, not measurements: "
                   if several else
                   "The floor is issue 17's target, not a measurement: ")
                + floors + (". Each run" if several else ". The run")
                + " also fails when the verifier's widest value exceeds the "
                "cap, or when it trails the baseline by more than one test "
                "sample while below float and agreeing with the float "
                "program's predictions less often.")
            if missed:
                text += (" The targets it misses are in pipeline-"
                         f"{model.replace('_', '-')}-cap*-unmet.test (XFAIL).")
            out = comment(text)
            out.append("")
            out.extend(import_lines(model))
            for (cap, tlu, floor, _, _) in met:
                out.extend(run_lines(model, cap, tlu, f"{floor:.4f}"))
            write(test_name(model), out)
        elif os.path.exists(test_name(model)):
            os.remove(test_name(model))
        for (cap, tlu, floor, fewest, measured) in missed:
            suffix = f"-cap{cap}" + (f"-tlu{tlu}" if tlu != cap else "") + "-unmet"
            short = cap if tlu == cap else f"{cap}/{tlu}"
            out = comment(
                f"{model}: {names[model]}, float accuracy {flt:.4f} "
                f"({correct}/{samples}), at cap {short}, {flow(False)} Issue 17's "
                f"target is {TARGET_WORDS[(cap, tlu)]}: {floor:.4f} ({fewest} "
                f"of {samples} samples). The run also fails when the proven "
                "widest value exceeds the cap.")
            out.append("// XFAIL: *")
            out.extend(comment(
                f"Not met: {measured:.4f} at cap {short} ("
                f"{round(measured * samples)} of {samples}, "
                f"{(correct - round(measured * samples)) / samples * 100:.2f} "
                "points below float; "
                "bench/ACCURACY.md). " + REASONS.get((model, cap, tlu), "")))
            out.append("")
            out.extend(import_lines(model))
            out.extend(run_lines(model, cap, tlu, f"{floor:.4f}"))
            write(test_name(model, suffix), out)
        print(model, len(met), "targets met,", len(missed), "missed")
    print()
    print("| model | cap | float | a2q | target | met |")
    print("|---|---|---|---|---|---|")
    for (model, cap, tlu, flt, measured, floor, ok) in summary:
        short = cap if tlu == cap else f"{cap}/{tlu}"
        print(f"| {model} | {short} | {flt:.4f} | {measured:.4f} | {floor:.4f} | "
              f"{'yes' if ok else f'no ({(measured - flt) * 100:+.2f} points)'} |")


first, new = read_tables(sys.argv[1])
write_measured_floors(first)
write_target_floors(new)
