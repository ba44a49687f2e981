//===- Quantizer.h - float program to quantized qfhe ops ---------*- C++
//-*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The state of the qfhe-quantize rewrite of one function: which float values
// have a quantized representation (an integer tensor and its parameters),
// how parameters are chosen from ranges, and the boundary with the client.
// The op families are rewritten by the functions declared at the end, one
// file each.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_QUANTIZE_QUANTIZER_H
#define QFHE_LIB_TRANSFORMS_QUANTIZE_QUANTIZER_H

#include "qfhe/Analysis/RangeAnalysis.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "qfhe/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"

#include <functional>

namespace mlir {
namespace qfhe {

/// The allocation qfhe-allocate-bits records on a linear op.
constexpr StringLiteral kAllocationAttr = "qfhe.allocation";
/// The bits of activations and outputs not read by a linear op, recorded on
/// the module by qfhe-allocate-bits.
constexpr StringLiteral kDefaultBitsAttr = "qfhe.default_bits";
/// The bits of the values the client receives (the program's results),
/// recorded on the module by qfhe-allocate-bits.
constexpr StringLiteral kOutputBitsAttr = "qfhe.output_bits";

/// The quantized representation of a float tensor value.
struct QValue {
  /// The integer tensor.
  Value value;
  /// How its integers map to the float value's reals.
  QuantParamsAttr params;
  /// An exact accumulator of a linear op (wide, zero point 0, often per
  /// channel), as opposed to an activation of `activation-bits`.
  bool isAccumulator = false;
};

class QuantizedWeightCache;

/// The sound range of a value (the range analysis' answer).
using SoundRangeFn = std::function<TensorRange(Value)>;

/// Rewrites one function.
class Quantizer {
public:
  /// `weightCache` (optional) holds weights already quantized.
  Quantizer(func::FuncOp func, const QuantizeOptions &options,
            SoundRangeFn soundRange,
            QuantizedWeightCache *weightCache = nullptr);

  /// Rewrites the function; reports errors on the offending ops.
  LogicalResult run();

  OpBuilder &getBuilder() { return builder; }
  /// Weights quantized before (by qfhe-allocate-bits, other candidates of
  /// the measured search), or null.
  QuantizedWeightCache *getWeightCache() const { return weightCache; }
  const QuantizeOptions &getOptions() const { return options; }

  /// The quantized representation of `value`, creating the client-side
  /// quantization of a float input on first use. Errors name `user`.
  FailureOr<QValue> getQuantized(Value value, Operation *user);
  /// `value` as a per-tensor activation, requantizing accumulators and
  /// per-channel values to `activation-bits`.
  FailureOr<QValue> getActivation(Value value, Operation *user);
  /// The bits `value` should be quantized to: the fewest its linear users'
  /// allocations ask for (through data movement), else `fallback`.
  unsigned desiredBits(Value value, unsigned fallback);
  /// The factor the range of `value` shrinks by before it is quantized:
  /// the largest `input_clip` its linear consumers' allocations ask for
  /// (1 for consumers that ask for none).
  double desiredClip(Value value);
  /// The default bits of inputs, activations or outputs (`option`), or the
  /// module's qfhe.default_bits when qfhe-allocate-bits ran.
  unsigned defaultBits(unsigned option) const {
    return moduleDefaultBits ? *moduleDefaultBits : option;
  }
  /// The bits of values the client receives: the module's qfhe.output_bits
  /// when qfhe-allocate-bits chose them, else defaultBits(output-bits).
  unsigned outputBits() const {
    return moduleOutputBits ? *moduleOutputBits
                            : defaultBits(options.outputBits);
  }
  /// The range `value` is quantized from: calibration where present (and
  /// enabled), else the sound inferred range.
  TensorRange getRange(Value value) const;
  /// Per-tensor parameters of `bits` bits for the range of `value`.
  FailureOr<QuantParamsAttr> chooseParams(Value value, unsigned bits,
                                          bool symmetric, Operation *user);
  /// Records the quantized representation of a float value.
  void setQuantized(Value value, QValue quantized);
  /// Marks an op as rewritten with another one (it is skipped by the walk).
  void markConsumed(Operation *op) { consumed.insert(op); }
  /// Whether `op` runs on the client after decryption.
  bool isClientOutputOp(Operation *op) const {
    return clientOutputOps.contains(op);
  }
  /// Whether every use of `value` is on the client side (results, client
  /// postprocessing): its parameters are then those of a model output.
  bool feedsOnlyClient(Value value) const;

  /// `like`'s shape with the storage element type of `params`.
  static RankedTensorType storageType(Type like, QuantParamsAttr params);
  /// Accumulator parameters of `accumulator-bits` with the given scales
  /// (per axis on `axis` when there is more than one).
  QuantParamsAttr accumulatorParams(ArrayRef<double> scales,
                                    std::optional<int64_t> axis);
  /// Requantizes `quantized` to `params` (no-op when equal).
  QValue requantize(QValue quantized, QuantParamsAttr params, Location loc);

private:
  /// Values that stay float on the client: inputs and what elementwise
  /// preprocessing and data movement compute from them.
  bool isClientInput(Value value);
  /// Finds the ops that run on the client after decryption (elementwise
  /// postprocessing, data movement, a final softmax before the results).
  void findClientOutputOps();
  LogicalResult quantizeOp(Operation *op);
  LogicalResult dequantizeForClient(Operation *op);
  LogicalResult fallBack(Operation *op, StringRef reason);
  void eraseDeadFloatOps();

  func::FuncOp func;
  QuantizeOptions options;
  std::optional<unsigned> moduleDefaultBits;
  std::optional<unsigned> moduleOutputBits;
  SoundRangeFn soundRange;
  QuantizedWeightCache *weightCache;
  OpBuilder builder;
  DenseMap<Value, QValue> quantized;
  DenseMap<Value, Value> dequantized;
  DenseMap<Value, bool> clientInput;
  llvm::DenseSet<Operation *> clientOutputOps;
  llvm::DenseSet<Operation *> consumed;
};

/// Result of a family rewrite: std::nullopt when the op is not of the
/// family, failure when it is but cannot be quantized (already reported),
/// success when rewritten.
using RewriteResult = std::optional<LogicalResult>;

/// matmul, batch_matmul, convolutions, pooling, sum reductions.
RewriteResult quantizeLinearOp(Quantizer &quantizer, Operation *op);
/// Univariate chains (qfhe.apply with folded biases) and binary arithmetic.
RewriteResult quantizeElementwiseOp(Quantizer &quantizer, Operation *op);
/// Reshapes, slices, transposes, broadcasts and concatenation.
RewriteResult quantizeMovementOp(Quantizer &quantizer, Operation *op);

/// Rewrites every function of `module` with Quantizer (qfhe-quantize).
LogicalResult quantizeModule(ModuleOp module, const QuantizeOptions &options,
                             const SoundRangeFn &soundRange,
                             QuantizedWeightCache *weightCache);

/// Whether `op` only moves elements (the client may run it in float).
bool isDataMovement(Operation *op);
/// Whether a tensor.pad only feeds ops that fold zero padding in.
bool isFoldedPadding(Operation *op);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_QUANTIZE_QUANTIZER_H
