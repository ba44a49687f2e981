//===- Passes.td - qfhe transformation passes --------------*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_TRANSFORMS_PASSES_TD
#define QFHE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferRanges : Pass<"qfhe-infer-ranges", "::mlir::ModuleOp"> {
  let summary = "Infer the range of every float value of a tensor program";
  let description = [{
    Runs the range analysis (a sparse forward dataflow analysis) and attaches
    to every op producing float values a `qfhe.inferred` attribute: one
    dictionary per result with `min` and `max`, and per-channel bounds
    (`axis`, `channel_min`, `channel_max`) where known, in the format of
    `qfhe.observed` (docs/attributes.md). Function arguments get the
    attribute as an argument attribute. Ranges that are not finite carry a
    `reason`.

    The analysis starts from `qfhe.range = array<f64: lo, hi>` on function
    arguments and is sound: every value the program computes for inputs
    inside the declared ranges lies inside the inferred interval, with float
    rounding accounted for. Constant weights are used exactly: a matmul's
    output column j gets `init + sum_i [min, max](w_ij * x_i)`.

    With `check-observed`, every calibration range (`qfhe.observed`) that is
    not inside the inferred range is an error: either the calibration data
    leave the declared input ranges, or an inference rule is wrong.
  }];
  let options = [
    Option<"useObserved", "use-observed", "bool", /*default=*/"false",
           "Trust qfhe.observed ranges where present and propagate from "
           "them (tighter, not sound)">,
    Option<"checkObserved", "check-observed", "bool", /*default=*/"false",
           "Report an error where a qfhe.observed range is not inside the "
           "inferred range">
  ];
}

#endif // QFHE_TRANSFORMS_PASSES_TD
