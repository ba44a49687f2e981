//===- UserQuantization.h - a user-quantized program, read ------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The state of qfhe-import-quantization on one function. The user's program
// states its quantization in one of three ways: QDQ pairs (`quant.qcast` /
// `quant.dcast` around float ops, as the ONNX importer writes
// QuantizeLinear/DequantizeLinear), TOSA integer ops (`tosa.matmul` on
// int8, `tosa.rescale`), or qfhe's quantized level itself. Every float
// value the user's quantization defines exactly is *known*: the
// dequantization of a quantized value, the exact accumulator of a linear
// op, or univariate float arithmetic of one of those; every TOSA integer
// tensor holds the storage integers of a quantized value. The rules build
// the qfhe ops with the user's integers and scales, one file per form.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_IMPORTQUANTIZATION_USERQUANTIZATION_H
#define QFHE_LIB_TRANSFORMS_IMPORTQUANTIZATION_USERQUANTIZATION_H

#include "../Quantize/Classify.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir {
namespace qfhe {

/// What a value of the user's program is, in terms of quantized values.
struct KnownValue {
  enum class Kind {
    /// A float value: the dequantization of `quantized`.
    Dequantized,
    /// A float value: the exact accumulator `quantized` (a linear op's
    /// result, zero point 0), dequantized.
    Accumulated,
    /// A float value: univariate float ops (`links`) of `source`'s value.
    Univariate,
    /// A float value: `pairKind` of the dequantizations of `quantized` and
    /// `pairRhs` (two encrypted tensors), then univariate float ops
    /// (`links`); only a quantization (a table of pairs) or the client may
    /// read it.
    Pair,
    /// A float value: the dequantization of `quantized` padded with zeros
    /// (real 0) or, with `padLowest`, the lowest value; only a convolution
    /// or a pool may read it.
    Padded,
    /// An integer tensor (TOSA): the storage integers of `quantized`.
    Integers,
    /// An i32 tensor (TOSA): an accumulation not yet scaled; it gets its
    /// parameters from the tosa.rescale that reads it.
    PendingAccumulator,
  };

  KnownValue() = default;
  KnownValue(Kind kind, Value quantized) : kind(kind), quantized(quantized) {}

  Kind kind = Kind::Dequantized;
  Value quantized;
  /// Univariate: the float value the links start from, and the links.
  Value source;
  SmallVector<Operation *> links;
  /// Pair: the second operand (the first is `quantized`), the arithmetic
  /// and its float type.
  Value pairRhs;
  BinaryKind pairKind = BinaryKind::Add;
  Type pairFloatType;
  /// Padded: [top, left, bottom, right], and the pad value.
  SmallVector<int64_t> padding;
  bool padLowest = false;
  /// PendingAccumulator: the op that produced it (tosa.matmul) and the
  /// i32 bias added to it, per output channel (empty: none).
  Operation *producer = nullptr;
  SmallVector<int64_t> bias;
};

/// Reads one function and rewrites it into the quantized level.
class UserQuantization {
public:
  explicit UserQuantization(func::FuncOp func);

  /// Rewrites the function; reports errors on the offending ops.
  LogicalResult run();

  OpBuilder &getBuilder() { return builder; }
  /// What `value` is, or null if it is not defined by the user's
  /// quantization.
  const KnownValue *lookup(Value value) const;
  void setKnown(Value value, KnownValue known);
  /// Records that `op` was rewritten: it dies, and its results may only be
  /// read through what the rules made of them.
  void setConsumed(Operation *op) { consumed.insert(op); }

  /// The quantized value (Dequantized or Accumulated) a float value stands
  /// for; errors name `user` when there is none.
  FailureOr<Value> getQuantized(Value value, Operation *user, StringRef role);
  /// Replaces the quantized value a quant cast defined with `replacement`
  /// (same type).
  static void replaceQuantized(Value original, Value replacement);

private:
  LogicalResult visit(Operation *op);
  /// Dequantizes the known values that client code (results,
  /// postprocessing) reads; reports float ops reading them elsewhere.
  LogicalResult finishBoundary();
  /// Whether every use of `op`'s results is a result of the function or
  /// client code itself.
  bool isClientCode(Operation *op);

  func::FuncOp func;
  OpBuilder builder;
  DenseMap<Value, KnownValue> known;
  llvm::DenseSet<Operation *> consumed;
  DenseMap<Operation *, bool> clientCode;
};

/// Result of a rule: std::nullopt when it does not apply, failure when it
/// does but the op cannot be imported (reported), success when rewritten.
using RuleResult = std::optional<LogicalResult>;

/// quant.qcast, quant.dcast, data movement, linear ops, bias adds and
/// univariate float ops on dequantized values.
RuleResult importQDQOp(UserQuantization &state, Operation *op);
/// TOSA integer programs: tosa.matmul, tosa.add of a bias, tosa.rescale,
/// tosa.clamp, tosa.reshape, quant.scast between integers and quantized
/// values.
RuleResult importTosaOp(UserQuantization &state, Operation *op);

/// The qfhe op that requantizes the exact accumulator `accumulator` into
/// `type` the way ONNX's QLinearMatMul/QLinearConv do (float multiplier,
/// ties to even), or, with univariate float `links` in between, the table
/// of the links (the float arithmetic the model states).
Value buildRequantization(OpBuilder &builder, Location loc, Value source,
                          bool sourceIsAccumulator, ArrayRef<Operation *> links,
                          RankedTensorType type);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_IMPORTQUANTIZATION_USERQUANTIZATION_H
