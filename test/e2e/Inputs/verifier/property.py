"""Property test of qfhe-verify-bitwidth: what it proves holds when run.

    property.py --programs N --seed S --work DIR      random programs
    property.py --model DIR --caps 6,8,16 --tlu 8 --work DIR   a model
    property.py --program FILE --data X.npy --work DIR  one program

Random programs (programs.py) are verified; each one proven is instrumented
by qfhe-range-check (the program next to a copy computed on i64, where
nothing wraps) and run by quant-run on inputs at the corners of its input
range, at the extremes of its first layer and at random. The test fails when
any intermediate value of the wide copy leaves the range the verifier proved,
or when the program and its wide copy differ anywhere. It also fails when
the verifier rejects a generated program for another reason than a range
(every generated op has a rule), or when too few programs are proven or
rejected for the test to mean anything.

A model of the suite is compiled at each cap by the pipeline (which must
prove it) and checked the same way on inputs at the corners of its
calibration range, at random inside it, and three times out of it.

The tools come from PATH; only the standard library is used.
"""

import argparse
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npyio  # noqa: E402
import programs  # noqa: E402

# Counters per checked value in qfhe-range-check's output (kCounters):
# elements differing from the program, below and above the proven range,
# smallest and largest wide element.
COUNTERS = 5

# Messages of a program that does not fit (as opposed to one the verifier
# cannot read).
RANGE_ERRORS = ("does not fit the result type", "encrypted result needs",
                "table lookup on a", "max pooling compares")


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def check_run(checked, layout_path, inputs, work, label):
    """Runs an instrumented program; returns the violations found and the
    number of values checked."""
    counters_path = os.path.join(work, "counters.npy")
    result = run(["quant-run", checked, "-o", counters_path] +
                 [arg for path in inputs for arg in ("--data", path)])
    if result.returncode != 0:
        return ["%s: quant-run failed: %s" % (label, result.stderr.strip())], 0
    values, shape = npyio.read(counters_path)
    with open(layout_path) as f:
        layout = json.load(f)
    columns = shape[1]
    if columns != COUNTERS * len(layout):
        return ["%s: %d counters for %d values" % (label, columns,
                                                   len(layout))], 0
    violations = []
    for index, entry in enumerate(layout):
        base = index * COUNTERS
        mismatch = below = above = 0
        low, high = None, None
        for sample in range(shape[0]):
            row = sample * columns + base
            mismatch += values[row]
            below += values[row + 1]
            above += values[row + 2]
            low = values[row + 3] if low is None else min(low, values[row + 3])
            high = (values[row + 4] if high is None
                    else max(high, values[row + 4]))
        if mismatch or below or above:
            proven = [min(r[0] for r in entry["channels"]),
                      max(r[1] for r in entry["channels"])]
            violations.append(
                "%s: %s at %s: proven %s%s, wide values in [%d, %d]: %d "
                "elements differ from the program, %d below and %d above "
                "their channel's range" % (
                    label, entry["op"], entry["loc"], proven,
                    " along %d" % entry["axis"] if "axis" in entry else "",
                    low, high, mismatch, below, above))
    return violations, len(layout)


def random_programs(args):
    rng = random.Random(args.seed)
    stats = {"proven": 0, "rejected": 0, "values": 0, "samples": 0}
    kinds = {}
    failures = []
    for index in range(args.programs):
        program = programs.Program(rng, index)
        text = program.build()
        work = os.path.join(args.work, "p%03d" % index)
        os.makedirs(work, exist_ok=True)
        source = os.path.join(work, "program.mlir")
        with open(source, "w") as f:
            f.write(text)
        verify = run(["quant-opt", source, "-o", "/dev/null",
                      "--qfhe-verify-bitwidth=max-bit-width=%d "
                      "tlu-bit-width=%d" % (args.cap, programs.TLU_BITS)])
        if verify.returncode != 0:
            errors = [line for line in verify.stderr.splitlines()
                      if "error:" in line]
            unexpected = [e for e in errors
                          if not any(m in e for m in RANGE_ERRORS)]
            if not errors or unexpected:
                failures.append("%s: rejected for another reason than a "
                                "range:\n%s" % (source, verify.stderr))
            stats["rejected"] += 1
            continue
        stats["proven"] += 1
        for op in program.ops:
            kinds[op] = kinds.get(op, 0) + 1
        checked = os.path.join(work, "checked.mlir")
        layout = os.path.join(work, "layout.json")
        instrument = run(["qfhe-range-check", source, "-o", checked,
                          "--layout", layout])
        if instrument.returncode != 0:
            failures.append("%s: qfhe-range-check failed:\n%s" % (
                source, instrument.stderr))
            continue
        rows = program.samples(args.samples)
        data = os.path.join(work, "x.npy")
        npyio.write(data, [v for row in rows for v in row],
                    [len(rows)] + program.input.shape[1:], "<i8")
        violations, values = check_run(checked, layout, [data], work, source)
        failures += violations
        stats["values"] += values
        stats["samples"] += len(rows)
    print("programs: %d, proven: %d, rejected (overflow): %d; %d values "
          "checked on %d samples" % (args.programs, stats["proven"],
                                     stats["rejected"], stats["values"],
                                     stats["samples"]))
    print("proven programs contain: " + ", ".join(
        "%s %d" % item for item in sorted(kinds.items())))
    # A generator that overflows nothing, or proves nothing, tests nothing.
    if stats["proven"] < args.programs // 3:
        failures.append("only %d programs proven" % stats["proven"])
    if stats["rejected"] < args.programs // 20:
        failures.append("only %d programs rejected" % stats["rejected"])
    return failures


def model_inputs(model, work):
    """Inputs of a model: corners of its calibration range, random values
    inside, and values three times beyond it (as float32)."""
    values, shape = npyio.read(os.path.join(model, "calib_x.npy"))
    features = len(values) // shape[0]
    low = [min(values[s * features + i] for s in range(shape[0]))
           for i in range(features)]
    high = [max(values[s * features + i] for s in range(shape[0]))
            for i in range(features)]
    rng = random.Random(7)
    rows = [low, high,
            [low[i] if i % 2 else high[i] for i in range(features)],
            [high[i] if i % 2 else low[i] for i in range(features)]]
    for _ in range(24):
        rows.append([rng.uniform(low[i], high[i]) for i in range(features)])
    for _ in range(24):
        rows.append([(low[i] + high[i]) / 2 + rng.choice([-3, 3]) *
                     rng.uniform(0.5, 1.0) * (high[i] - low[i])
                     for i in range(features)])
    path = os.path.join(work, "inputs.npy")
    npyio.write(path, [v for row in rows for v in row],
                [len(rows)] + list(shape[1:]), "<f4")
    return path, len(rows)


def model(args):
    name = os.path.basename(os.path.normpath(args.model))
    work = os.path.join(args.work, name)
    os.makedirs(work, exist_ok=True)
    imported = os.path.join(work, "model.mlir")
    calibrated = os.path.join(work, "calibrated.mlir")
    for command in (["quant-translate", "--import-onnx",
                     os.path.join(args.model, "model.onnx"), "-o", imported],
                    ["quant-run", "calibrate", imported, "--data",
                     os.path.join(args.model, "calib_x.npy"), "-o",
                     calibrated]):
        result = run(command)
        if result.returncode != 0:
            return ["%s: %s failed: %s" % (name, command[0], result.stderr)]
    inputs, samples = model_inputs(args.model, work)
    failures = []
    for cap in args.caps:
        integer = os.path.join(work, "cap%d.mlir" % cap)
        compile_ = run(["quant-opt", calibrated, "-o", integer,
                        "--qfhe-pipeline=max-bit-width=%d tlu-bit-width=%d"
                        % (cap, min(args.tlu, cap))])
        if compile_.returncode != 0:
            failures.append("%s at cap %d: not proven:\n%s" % (
                name, cap, compile_.stderr))
            continue
        checked = os.path.join(work, "cap%d.checked.mlir" % cap)
        layout = os.path.join(work, "cap%d.layout.json" % cap)
        instrument = run(["qfhe-range-check", integer, "-o", checked,
                          "--layout", layout])
        if instrument.returncode != 0:
            failures.append("%s at cap %d: qfhe-range-check failed:\n%s" % (
                name, cap, instrument.stderr))
            continue
        violations, values = check_run(checked, layout, [inputs], work,
                                       "%s at cap %d" % (name, cap))
        failures += violations
        print("%s at cap %d/%d: %d values checked on %d samples, %d "
              "violations" % (name, cap, min(args.tlu, cap), values, samples,
                              len(violations)))
    return failures


def one_program(args):
    """Checks one verified program on given data."""
    checked = os.path.join(args.work, "checked.mlir")
    layout = os.path.join(args.work, "layout.json")
    instrument = run(["qfhe-range-check", args.program, "-o", checked,
                      "--layout", layout])
    if instrument.returncode != 0:
        return ["qfhe-range-check failed:\n" + instrument.stderr]
    violations, values = check_run(checked, layout, [args.data], args.work,
                                   args.program)
    print("%d values checked, %d violations" % (values, len(violations)))
    return violations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--cap", type=int, default=24,
                        help="max-bit-width for random programs")
    parser.add_argument("--model", help="a model directory of test/models")
    parser.add_argument("--program", help="one verified integer program")
    parser.add_argument("--data", help="with --program: its inputs (.npy)")
    parser.add_argument("--caps", default="6,8,16")
    parser.add_argument("--tlu", type=int, default=8)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    args.caps = [int(c) for c in args.caps.split(",")]
    os.makedirs(args.work, exist_ok=True)
    if args.program:
        failures = one_program(args)
    elif args.model:
        failures = model(args)
    else:
        failures = random_programs(args)
    for failure in failures:
        print("FAIL: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
