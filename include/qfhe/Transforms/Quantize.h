//===- Quantize.h - qfhe-quantize as a dialect conversion -------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Post-training quantization in two steps. A plan chooses, for every float
// tensor value the function computes on encrypted data, the `!quant.uniform`
// type of its quantized form (from calibrated or inferred ranges and the
// allocation of qfhe-allocate-bits), and how each op is rewritten (weights,
// folded biases, tables, the client boundary). A dialect conversion then
// rewrites the ops: the type converter maps float values to their planned
// types, OpConversionPatterns build the qfhe ops, the client's quantize and
// dequantize are the materializations. qfhe-quantize is planQuantization
// followed by this conversion; an embedder may run the patterns in a
// conversion of its own.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_TRANSFORMS_QUANTIZE_H
#define QFHE_TRANSFORMS_QUANTIZE_H

#include "qfhe/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Transforms/DialectConversion.h"

#include <memory>

namespace mlir {
namespace qfhe {

class RangeSolver;
/// The choices of the quantization of one function (opaque here; see
/// lib/Transforms/Quantize/QuantizationPlan.h).
class QuantizationPlan;

/// Plans the quantization of `func` with `options`, ranges from `solver`
/// (and calibration attributes); reports errors on the offending ops and
/// returns null when an op cannot be quantized.
std::shared_ptr<QuantizationPlan>
planQuantization(func::FuncOp func, const QuantizeOptions &options,
                 const RangeSolver &solver);

/// Converts each float tensor value to the quantized type its plan chose
/// (context-aware: by value); other types are kept. Target materializations
/// are the client's `qfhe.quantize`, source materializations
/// `qfhe.dequantize`.
class QuantizeTypeConverter : public TypeConverter {
public:
  explicit QuantizeTypeConverter(const QuantizationPlan &plan);
};

/// Marks illegal the ops `plan` rewrites (the others stay: client-side float
/// code, constants, ops a fused table or a folded padding makes dead).
void configureQuantizeTarget(ConversionTarget &target,
                             const QuantizationPlan &plan);

/// Adds the patterns that rewrite the ops `plan` rewrites: linear ops,
/// tables (chains of univariate ops), binary arithmetic, data movement, and
/// the client boundary (results, client postprocessing, float fallback).
/// They read the plan and record in it the values they create.
void populateQuantizePatterns(const QuantizeTypeConverter &typeConverter,
                              QuantizationPlan &plan,
                              RewritePatternSet &patterns);

/// Quantizes `func`: planQuantization, the conversion, and the removal of
/// the float ops left dead.
LogicalResult quantizeFunction(func::FuncOp func,
                               const QuantizeOptions &options,
                               const RangeSolver &solver);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_TRANSFORMS_QUANTIZE_H
