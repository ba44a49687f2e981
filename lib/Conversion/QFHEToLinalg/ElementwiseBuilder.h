//===- ElementwiseBuilder.h - elementwise linalg.generic helper -*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Builds the elementwise `linalg.generic` ops that qfhe ops lower to, with
// per-channel constants (scales, zero points, multipliers) made available to
// the body as values: a scalar constant for per-tensor parameters, or an
// element of a constant vector indexed by the channel for per-axis ones.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_CONVERSION_QFHETOLINALG_ELEMENTWISEBUILDER_H
#define QFHE_LIB_CONVERSION_QFHETOLINALG_ELEMENTWISEBUILDER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "qfhe/Dialect/QFHE/IR/QuantParams.h"

#include <optional>

namespace mlir {
namespace qfhe {

/// A constant that may differ per channel: one typed value per channel and,
/// when there is more than one channel, the axis that indexes them.
struct ChannelConstant {
  Type elementType;
  SmallVector<Attribute> values;
  std::optional<int64_t> axis;

  /// Builds the constant from integers (`elementType` is an integer type).
  static ChannelConstant fromIntegers(Type elementType,
                                      ArrayRef<int64_t> values,
                                      std::optional<int64_t> axis);
  /// Builds the constant from reals (`elementType` is a float type).
  static ChannelConstant fromFloats(Type elementType, ArrayRef<double> values,
                                    std::optional<int64_t> axis);
};

/// The scales of `params` as constants of `floatType`.
ChannelConstant getScaleConstant(const QuantParams &params, Type floatType);
/// The zero points of `params` as i64 constants.
ChannelConstant getZeroPointConstant(const QuantParams &params);

/// Body of an elementwise op: the element, then one value per channel
/// constant, in order; returns the result element.
using ElementwiseBodyBuilder =
    function_ref<Value(OpBuilder &, Location, Value, ValueRange)>;

/// Builds `linalg.generic` mapping each element of the ranked tensor `input`
/// to an element of type `resultElementType` (same shape).
Value buildElementwise(OpBuilder &builder, Location loc, Value input,
                       Type resultElementType,
                       ArrayRef<ChannelConstant> constants,
                       ElementwiseBodyBuilder body);

/// Body of an elementwise op on several tensors: their elements, then one
/// value per channel constant; returns the result element.
using ElementwiseNBodyBuilder =
    function_ref<Value(OpBuilder &, Location, ValueRange, ValueRange)>;

/// Like buildElementwise, on several ranked tensors of the same shape.
Value buildElementwiseN(OpBuilder &builder, Location loc, ValueRange inputs,
                        Type resultElementType,
                        ArrayRef<ChannelConstant> constants,
                        ElementwiseNBodyBuilder body);

/// Creates an integer constant of `type`.
Value createIntConstant(OpBuilder &builder, Location loc, Type type,
                        int64_t value);
/// Creates a float constant of `type`.
Value createFloatConstant(OpBuilder &builder, Location loc, Type type,
                          double value);
/// Extends or truncates integer `value` to `type`, sign- or zero-extending.
Value castInteger(OpBuilder &builder, Location loc, Value value, Type type,
                  bool isUnsigned);

/// Emits `clamp(roundeven(x / scale) + zeroPoint, qmin, qmax)` truncated to
/// `resultType`, with qfhe.quantize's exact arithmetic: division and
/// rounding in x's float type, clamp in f64, zero point added as an integer
/// (i64); NaN maps to the zero point.
Value emitQuantize(OpBuilder &b, Location loc, Value x, Value scale,
                   Value zeroPoint, int64_t qmin, int64_t qmax,
                   Type resultType);

/// Emits `(q - zeroPoint) * scale` in the float type of `scale`, `q` being
/// extended to i64 (zero-extended when `isUnsigned`).
Value emitDequantize(OpBuilder &b, Location loc, Value q, Value scale,
                     Value zeroPoint, bool isUnsigned);

/// Emits `ext(q) - zeroPoint` in i64: the integer a quantized element
/// stands for, up to the scale.
Value emitCentered(OpBuilder &b, Location loc, Value q, Value zeroPoint,
                   bool isUnsigned);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_CONVERSION_QFHETOLINALG_ELEMENTWISEBUILDER_H
