//===- Passes.h - qfhe transformation passes --------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_TRANSFORMS_PASSES_H
#define QFHE_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir {
namespace qfhe {

#define GEN_PASS_DECL
#include "qfhe/Transforms/Passes.h.inc"

/// The choices of qfhe-allocate-bits, recorded on the module for reports:
/// a dictionary with the strategy, one entry per linear layer (its op, its
/// location and its qfhe.allocation) and, after a measured search, what it
/// measured. qfhe-verify-bitwidth copies it into its report.
constexpr StringLiteral kAllocationSummaryAttr = "qfhe.allocation_summary";
/// The second moments of a layer's inputs, which `quant-run calibrate`
/// records on matmuls and convolutions with constant weights and
/// qfhe-quantize rounds their weights against (docs/attributes.md).
constexpr StringLiteral kInputGramAttr = "qfhe.input_gram";

class ProgramEvaluator;

/// qfhe-allocate-bits measuring its candidates with `evaluator` (an
/// embedder's, or the runtime's) instead of one the installed factory makes
/// for `calibration-data` (qfhe/Transforms/ProgramEvaluator.h).
std::unique_ptr<Pass>
createAllocateBits(const AllocateBitsOptions &options,
                   std::shared_ptr<ProgramEvaluator> evaluator);

#define GEN_PASS_REGISTRATION
#include "qfhe/Transforms/Passes.h.inc"

} // namespace qfhe
} // namespace mlir

#endif // QFHE_TRANSFORMS_PASSES_H
