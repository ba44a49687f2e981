#!/usr/bin/python3
"""Accuracy against estimated FHE cost: Pareto fronts of compiled programs.

    /usr/bin/python3 bench/pareto.py WORK PLOT.png MODEL ...

Reads, for every MODEL, the sweeps bench/pareto.sh ran with
scripts/sweep.sh (one `sweep.csv` per program kind, in
WORK/MODEL/KIND/): the accuracy on the test split, the bootstraps per
sample and their estimated FHE cost (quant-run summary, docs/cost.md) of
the program compiled under each cap. KIND is `qfhe` (the default
pipeline), `qfhe-1` (max-chunks=1: dot products never split) or `uniform`
(the classic baseline, strategy=uniform).

A program is on its model's Pareto front when no other program of the
model (of any kind) is at least as accurate for at most its cost and
strictly better in one of the two. Prints Markdown on stdout (per model,
where the default cap-8 program sits relative to the front; then every
program with its front flag; then the configurations that did not
compile) and writes PLOT.png: one panel per model, accuracy against the
cost on a logarithmic axis, the front drawn as a staircase. Needs
matplotlib (Debian's python3-matplotlib).
"""

import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Each program kind: its sweep folder, its name in the tables, and how the
# plot draws it.
KINDS = (
    ("qfhe", "qfhe", dict(marker="o", color="tab:blue")),
    ("qfhe-1", "qfhe max-chunks=1", dict(marker="^", color="tab:green")),
    ("uniform", "uniform baseline", dict(marker="s", color="tab:orange")),
)
# The program whose place on the front the summary reports.
DEFAULT = ("qfhe", 8, 8)


class Program:
    """One compiled program: its kind, cap and what it measured."""

    def __init__(self, model, kind, row):
        self.model = model
        self.kind = kind
        self.cap = int(row["cap"])
        self.tlu = int(row["tlu"])
        self.accuracy = float(row["accuracy"])
        self.cost = float(row["fhe_cost"])
        self.bootstraps = int(row["bootstraps"])
        self.lookups = int(row["lookups"])
        self.roundings = int(row["roundings"])
        self.on_front = False

    @property
    def cap_label(self):
        """N, or N/TLU when lookups are capped below the cap."""
        return str(self.cap) if self.tlu == self.cap else f"{self.cap}/{self.tlu}"

    def dominates(self, other):
        """At least as accurate for at most the cost, better in one."""
        return (self.accuracy >= other.accuracy and self.cost <= other.cost
                and (self.accuracy > other.accuracy or self.cost < other.cost))


def kind_name(kind):
    return next(name for folder, name, _ in KINDS if folder == kind)


def read_model(work, model):
    """The model's compiled programs, its float accuracy and its failures
    (kind, cap label, the compiler's first error)."""
    programs, failures, float_accuracy = [], [], None
    for kind, _, _ in KINDS:
        path = os.path.join(work, model, kind, "sweep.csv")
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: the {kind} sweep of {model} failed "
                     f"(see {os.path.join(work, model, kind + '.log')})")
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                float_accuracy = float(row["float_accuracy"])
                if row["error"]:
                    cap = row["cap"] if row["tlu"] == row["cap"] \
                        else f"{row['cap']}/{row['tlu']}"
                    failures.append((kind, cap, row["error"]))
                else:
                    programs.append(Program(model, kind, row))
    for program in programs:
        program.on_front = not any(other.dominates(program)
                                   for other in programs)
    return programs, failures, float_accuracy


def describe(program):
    return (f"{kind_name(program.kind)} at cap {program.cap_label} "
            f"({program.accuracy:.4f}, cost {program.cost:.2f})")


def summary_line(model, programs, float_accuracy):
    """Where the default cap-8 program sits: on the front, or which front
    program dominates it most cheaply; and the cheapest program within a
    point of the float accuracy."""
    default = next((p for p in programs
                    if (p.kind, p.cap, p.tlu) == DEFAULT), None)
    if default is None:
        where = "the default cap-8 program did not compile"
    elif default.on_front:
        where = f"default cap 8 ({default.accuracy:.4f}, cost " \
                f"{default.cost:.2f}) is on the front"
    else:
        # What the front offers instead: the cheapest program at least as
        # accurate, and the most accurate at most as costly.
        better = [p for p in programs if p.dominates(default)]
        cheaper = min((p for p in better if p.accuracy >= default.accuracy),
                      key=lambda p: (p.cost, -p.accuracy))
        ratio = default.cost / cheaper.cost if cheaper.cost > 0 else math.inf
        where = (f"default cap 8 ({default.accuracy:.4f}, cost "
                 f"{default.cost:.2f}) is dominated: at least as accurate for "
                 f"{ratio:.1f}x less cost, {describe(cheaper)}")
        sharper = max((p for p in better if p.cost <= default.cost),
                      key=lambda p: (p.accuracy, -p.cost))
        if sharper is not cheaper:
            where += (f"; {100 * (sharper.accuracy - default.accuracy):+.1f}"
                      f" points for at most its cost, {describe(sharper)}")
    near = [p for p in programs if p.accuracy >= float_accuracy - 0.01 - 1e-9]
    if near:
        cheapest = min(near, key=lambda p: (p.cost, -p.accuracy))
        within = describe(cheapest)
    else:
        within = "none"
    return f"| {model} | {float_accuracy:.4f} | {where} | {within} |"


def print_tables(models):
    print("## Where the default sits")
    print()
    print("| model | float | default (qfhe, cap 8) | cheapest within 1 point "
          "of float |")
    print("|---|---|---|---|")
    for model, (programs, _, float_accuracy) in models.items():
        print(summary_line(model, programs, float_accuracy))
    print()
    print("## Every program")
    print()
    print("| model | program | cap | tlu | accuracy | cost | bootstraps | "
          "lookups | roundings | front |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for model, (programs, _, _) in models.items():
        for p in programs:
            print(f"| {model} | {kind_name(p.kind)} | {p.cap} | {p.tlu} | "
                  f"{p.accuracy:.4f} | {p.cost:.2f} | {p.bootstraps} | "
                  f"{p.lookups} | {p.roundings} | "
                  f"{'yes' if p.on_front else ''} |")
    failed = [(model, failure) for model, (_, failures, _) in models.items()
              for failure in failures]
    if failed:
        print()
        print("## Not compiled")
        print()
        print("| model | program | cap | error |")
        print("|---|---|---|---|")
        for model, (kind, cap, error) in failed:
            error = error.replace("|", "\\|")
            print(f"| {model} | {kind_name(kind)} | {cap} | {error} |")


def plot(models, path):
    columns = min(3, len(models))
    rows = math.ceil(len(models) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.2 * rows),
                             squeeze=False)
    for axis, (model, (programs, _, float_accuracy)) in zip(axes.flat,
                                                            models.items()):
        positive = [p for p in programs if p.cost > 0]
        for kind, name, style in KINDS:
            points = [p for p in positive if p.kind == kind]
            axis.scatter([p.cost for p in points],
                         [p.accuracy for p in points], s=22, alpha=0.85,
                         label=name, zorder=3, **style)
            # Each point is labelled with its cap, beside it on the side
            # of its kind, so that equal points stay readable.
            offset = {"qfhe": (3, -8), "qfhe-1": (-9, 3), "uniform": (3, 3)}
            for p in points:
                axis.annotate(p.cap_label, (p.cost, p.accuracy),
                              textcoords="offset points", xytext=offset[kind],
                              fontsize=5.5, color=style["color"])
        default = [p for p in positive if (p.kind, p.cap, p.tlu) == DEFAULT]
        axis.scatter([p.cost for p in default], [p.accuracy for p in default],
                     s=110, facecolors="none", edgecolors="red", linewidths=1.2,
                     label="default, cap 8", zorder=4)
        # The front as a staircase: each front program holds its accuracy
        # until a dearer one improves it.
        front = sorted((p for p in positive if p.on_front),
                       key=lambda p: (p.cost, p.accuracy))
        if front:
            axis.step([p.cost for p in front], [p.accuracy for p in front],
                      where="post", color="black", linewidth=0.9,
                      linestyle="--", label="Pareto front", zorder=2)
        axis.axhline(float_accuracy, color="gray", linewidth=0.8,
                     linestyle=":", label="float", zorder=1)
        axis.set_xscale("log")
        # Programs at chance accuracy would squash the interesting range.
        low = min([float_accuracy - 0.15] +
                  [p.accuracy for p in positive
                   if p.accuracy >= float_accuracy - 0.15])
        axis.set_ylim(low - 0.01, min(1.0, float_accuracy + 0.03) + 0.005)
        below = sum(p.accuracy < low for p in positive)
        title = model + (f" ({below} below the axis)" if below else "")
        axis.set_title(title, fontsize=9)
        axis.tick_params(labelsize=7)
        axis.grid(True, which="major", linewidth=0.3, alpha=0.5)
        axis.set_xlabel("estimated FHE cost per sample (8-bit PBS)",
                        fontsize=7)
        axis.set_ylabel("test accuracy", fontsize=7)
    for axis in axes.flat[len(models):]:
        axis.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center",
               ncol=len(labels) if columns == 3 else 3,
               fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=80)


def main(argv):
    if len(argv) < 4:
        sys.exit("usage: pareto.py WORK PLOT.png MODEL ...")
    work, path, names = argv[1], argv[2], argv[3:]
    models = {name: read_model(work, name) for name in names}
    print_tables(models)
    plot(models, path)


if __name__ == "__main__":
    main(sys.argv)
