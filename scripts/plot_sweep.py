#!/usr/bin/env python3
#===- plot_sweep.py - plot a bit-width sweep ------------------------------===#
#
# Usage: plot_sweep.py SWEEP.csv OUT.png
#
# Plots what scripts/sweep.sh measured: the integer program's accuracy (and
# the float program's, dashed) against the bit-width cap on the left axis,
# and the bootstraps per sample (lookups and roundings) and their FHE cost
# (fhe_cost, docs/cost.md) on a logarithmic
# right axis. Caps the model could not be compiled under are marked on the
# cap axis. Needs matplotlib (Debian's python3-matplotlib).
#
#===----------------------------------------------------------------------===#

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def label(row):
    """The cap as the sweep names it: N, or N/TLU when lookups are capped
    lower."""
    return row["cap"] if row["tlu"] == row["cap"] else f"{row['cap']}/{row['tlu']}"


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: plot_sweep.py SWEEP.csv OUT.png")
    with open(argv[1], newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"{argv[1]} has no rows")
    names = [label(row) for row in rows]
    positions = range(len(rows))
    compiled = [i for i, row in enumerate(rows) if not row["error"]]

    fig, accuracy_axis = plt.subplots(figsize=(7, 4.2))
    accuracy_axis.plot(
        [positions[i] for i in compiled],
        [float(rows[i]["accuracy"]) for i in compiled],
        "o-", color="tab:blue", label="integer accuracy")
    accuracy_axis.plot(
        positions, [float(row["float_accuracy"]) for row in rows],
        "--", color="tab:blue", alpha=0.6, label="float accuracy")
    accuracy_axis.set_xlabel("bit-width cap (max-bit-width[/tlu-bit-width])")
    accuracy_axis.set_ylabel("accuracy on the test split", color="tab:blue")
    accuracy_axis.set_xticks(list(positions))
    accuracy_axis.set_xticklabels(
        [name + ("\n(fails)" if rows[i]["error"] else "")
         for i, name in enumerate(names)])

    cost_axis = accuracy_axis.twinx()
    for key, color in (("bootstraps", "tab:red"), ("lookups", "tab:orange"),
                       ("roundings", "tab:green")):
        cost_axis.plot(
            [positions[i] for i in compiled],
            [int(rows[i][key]) for i in compiled],
            "s-" if key == "bootstraps" else "^:", color=color,
            label=f"{key} per sample")
    # The estimated FHE cost (in 8-bit bootstraps, docs/cost.md) weighs
    # each bootstrap by its input width.
    if "fhe_cost" in rows[0]:
        cost_axis.plot(
            [positions[i] for i in compiled],
            [float(rows[i]["fhe_cost"]) for i in compiled],
            "D--", color="tab:purple", label="FHE cost per sample")
    cost_axis.set_yscale("log")
    cost_axis.set_ylabel("per sample (log scale)")

    handles = (accuracy_axis.get_legend_handles_labels()[0] +
               cost_axis.get_legend_handles_labels()[0])
    accuracy_axis.legend(handles, [h.get_label() for h in handles],
                         loc="center right", fontsize="small")
    accuracy_axis.set_title("accuracy, bootstraps and FHE cost against the cap")
    fig.tight_layout()
    fig.savefig(argv[2], dpi=120)


if __name__ == "__main__":
    main(sys.argv)
