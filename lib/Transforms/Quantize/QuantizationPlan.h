//===- QuantizationPlan.h - the choices of qfhe-quantize --------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The quantization of one function, decided before any IR changes: the
// `!quant.uniform` type of every float tensor value that gets a quantized
// form, which type each rewritten op reads its operands at (an accumulator
// is read as an activation by the next linear op, through a requantize),
// and per op what the rewrite needs (quantized weights, a folded bias, the
// links of a table). The op families are planned and rewritten by the
// functions and patterns declared at the end, one file each; the patterns
// record in the plan the requantizations and dequantizations they create,
// so that every consumer shares one.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_QUANTIZE_QUANTIZATIONPLAN_H
#define QFHE_LIB_TRANSFORMS_QUANTIZE_QUANTIZATIONPLAN_H

#include "Classify.h"
#include "WeightCache.h"

#include "qfhe/Analysis/RangeAnalysis.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "qfhe/Transforms/Quantize.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/DenseSet.h"

#include <functional>
#include <memory>

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

/// The sound range of a value (the range analysis' answer).
using SoundRangeFn = std::function<TensorRange(Value)>;

/// How a rewritten op reads a float value: at the quantized type `type`,
/// which is the value's own type, or an activation requantized from it.
struct QuantizedRead {
  Value value;
  quant::QuantizedType type;
};

/// A linear op (matmul, convolution, pooling, sum): its data operand, and
/// the constants the rewrite materializes.
struct LinearPlan {
  QuantizedRead input;
  /// Quantized weights (null type for pools and sums) and their integers,
  /// per channel along `weightAxis` (shared with the weight cache).
  RankedTensorType weightType;
  std::shared_ptr<QuantizedChannels> weights;
  int64_t weightAxis = 0;
  /// A bias folded into the accumulator (null type: none).
  RankedTensorType biasType;
  SmallVector<int64_t> bias;
  /// Per weight channel, the mean error the weights' rounding causes on
  /// calibration data (added to a folded bias; empty: none).
  std::vector<double> biasCorrection;
  /// The op's `chunks` (null: one part).
  IntegerAttr chunks;
  /// Spatial padding folded into a convolution or a pool.
  SmallVector<int64_t> padding;
};

/// A chain of univariate elementwise ops that becomes one qfhe.apply,
/// planned on its last link.
struct TablePlan {
  QuantizedRead input;
  /// The links whose arithmetic the body holds (a folded bias excluded).
  SmallVector<UnivariateGeneric> links;
  std::optional<int64_t> channel;
  Type floatType;
  /// Where the table is located: the chain's head (the layer whose bias add
  /// or activation starts it), as reports name the layer.
  std::optional<Location> loc;
};

/// Binary arithmetic of two quantized tensors.
struct BinaryPlan {
  BinaryKind kind;
  QuantizedRead lhs, rhs;
};

/// An op that reads quantized operands as floats: a result, client
/// postprocessing (operands requantized to the output parameters when
/// `toClient`, then dequantized) or a float fallback.
struct BoundaryPlan {
  SmallVector<std::pair<unsigned, QuantizedRead>> operands;
  bool toClient;
};

/// The quantization of one function.
class QuantizationPlan {
public:
  /// `weightCache` (optional) holds weights already quantized (by
  /// qfhe-allocate-bits, other candidates of the measured search).
  QuantizationPlan(func::FuncOp func, const QuantizeOptions &options,
                   SoundRangeFn soundRange,
                   QuantizedWeightCache *weightCache = nullptr);

  /// Plans every op; reports errors on the offending ops.
  LogicalResult build();

  func::FuncOp getFunction() { return func; }
  const QuantizeOptions &getOptions() const { return options; }
  /// Weights quantized before, or null.
  QuantizedWeightCache *getWeightCache() const { return weightCache; }

  //===--------------------------------------------------------------------===//
  // Planning (used by the family planners)
  //===--------------------------------------------------------------------===//

  /// How `value` is read now: its planned type, or the activation a
  /// previous consumer asked for; a float input of the client gets its type
  /// on first use. Errors name `user`.
  FailureOr<QuantizedRead> getQuantized(Value value, Operation *user);
  /// `value` read as a per-tensor activation of the bits its users want,
  /// requantized (once, for every later consumer) from an accumulator or a
  /// per-channel or wider value.
  FailureOr<QuantizedRead> getActivation(Value value, Operation *user);
  /// The bits `value` should be quantized to: the fewest its linear users'
  /// allocations ask for (through data movement), else `fallback`.
  unsigned desiredBits(Value value, unsigned fallback);
  /// The integers a `bits`-bit `value` should take: the fewest its linear
  /// users of `bits`-bit inputs ask for (`input_levels`), else 2^bits.
  int64_t desiredLevels(Value value, unsigned bits);
  /// The factor the range of `value` shrinks by before it is quantized.
  double desiredClip(Value value);
  /// The default bits of inputs, activations or outputs (`option`), or the
  /// module's qfhe.default_bits when qfhe-allocate-bits ran.
  unsigned defaultBits(unsigned option) const {
    return moduleDefaultBits ? *moduleDefaultBits : option;
  }
  /// The bits of values the client receives.
  unsigned outputBits() const {
    return moduleOutputBits ? *moduleOutputBits
                            : defaultBits(options.outputBits);
  }
  /// The bits of the result of a table or an arithmetic op: output bits when
  /// only the client reads it, else what its users want.
  unsigned resultBits(Value value);
  /// The range `value` is quantized from: calibration where present (and
  /// enabled), else the sound inferred range.
  TensorRange getRange(Value value) const;
  /// A per-tensor type of `bits` bits for the range of `value`, its storage
  /// narrowed to the levels its users want (desiredLevels).
  FailureOr<quant::QuantizedType> chooseParams(Value value, unsigned bits,
                                               bool symmetric, Operation *user);
  /// The accumulator type of `accumulator-bits` with the given scales (per
  /// axis on `axis` when there is more than one), expressing `expressed`.
  quant::QuantizedType accumulatorType(Type expressed, ArrayRef<double> scales,
                                       std::optional<int64_t> axis);
  /// Records the planned type of a float value (`accumulator` for the exact
  /// result of a linear op).
  void setType(Value value, quant::QuantizedType type, bool accumulator);
  /// Records that `op` becomes a linear op, a table, a binary op, data
  /// movement, or is consumed by another op's rewrite.
  void setLinear(Operation *op, LinearPlan plan) {
    linear[op] = std::move(plan);
  }
  void setTable(Operation *last, TablePlan plan) {
    tables[last] = std::move(plan);
  }
  void setBinary(Operation *op, BinaryPlan plan) {
    binary[op] = std::move(plan);
  }
  void setMovement(Operation *op, SmallVector<QuantizedRead> inputs) {
    movement[op] = std::move(inputs);
  }
  /// A bias add folded into the linear op before it: replaced by its input.
  void setFoldedBias(Operation *op) { foldedBiases.insert(op); }
  /// Whether `op` only runs on the client after decryption.
  bool isClientOutputOp(Operation *op) const {
    return clientOutputOps.contains(op);
  }
  /// Whether every use of `value` is on the client side.
  bool feedsOnlyClient(Value value) const;
  /// Records that `op` was planned with another op (a table's link): the
  /// walk skips it. Unless it is rewritten (the table's last link, a folded
  /// bias), it stays as it is and dies.
  void setConsumed(Operation *op) { consumed.insert(op); }

  //===--------------------------------------------------------------------===//
  // The plan (read by the type converter and the patterns)
  //===--------------------------------------------------------------------===//

  /// The planned type of a float value's quantized form; null if none.
  quant::QuantizedType getType(Value value) const {
    auto it = types.find(value);
    return it == types.end() ? quant::QuantizedType() : it->second;
  }
  const LinearPlan *getLinear(Operation *op) const;
  /// The plan of a linear op, to extend (a folded bias).
  LinearPlan *findLinear(Operation *op) {
    auto it = linear.find(op);
    return it == linear.end() ? nullptr : &it->second;
  }
  /// Whether `read` reads the exact accumulator of a linear op.
  bool isAccumulatorRead(const QuantizedRead &read) const {
    return accumulators.contains(read.value) &&
           read.type == types.lookup(read.value);
  }
  const TablePlan *getTable(Operation *op) const;
  const BinaryPlan *getBinary(Operation *op) const;
  const SmallVector<QuantizedRead> *getMovement(Operation *op) const;
  const BoundaryPlan *getBoundary(Operation *op) const;
  bool isFoldedBias(Operation *op) const { return foldedBiases.contains(op); }
  /// Whether the conversion must rewrite `op` (and has not yet, for ops
  /// updated in place).
  bool isRewritten(Operation *op) const;

  //===--------------------------------------------------------------------===//
  // Rewriting (used by the patterns)
  //===--------------------------------------------------------------------===//

  /// The quantized value of `read`: the converted value, requantized to the
  /// read type (once per value and type, after its definition).
  Value materialize(ConversionPatternRewriter &rewriter,
                    const QuantizedRead &read);
  /// `quantized` requantized to `element` (itself when it has that type).
  static Value requantize(OpBuilder &builder, Location loc, Value quantized,
                          quant::QuantizedType element);
  /// The float value the client reads for `read` (requantized to the output
  /// parameters when `toClient`), once per value.
  Value dequantize(ConversionPatternRewriter &rewriter,
                   const QuantizedRead &read, bool toClient);
  /// Records that a boundary op was updated in place.
  void setBoundaryDone(Operation *op) { boundaryDone.insert(op); }

private:
  /// Values that stay float on the client: inputs and what elementwise
  /// preprocessing and data movement compute from them.
  bool isClientInput(Value value);
  /// Finds the ops that run on the client after decryption.
  void findClientOutputOps();
  LogicalResult planOp(Operation *op);
  LogicalResult planBoundary(Operation *op, bool toClient);
  LogicalResult planFallback(Operation *op, StringRef reason);

  func::FuncOp func;
  QuantizeOptions options;
  std::optional<unsigned> moduleDefaultBits;
  std::optional<unsigned> moduleOutputBits;
  SoundRangeFn soundRange;
  QuantizedWeightCache *weightCache;

  /// Planned types of float values, whether each is an exact accumulator,
  /// and how each is read now.
  DenseMap<Value, quant::QuantizedType> types;
  llvm::DenseSet<Value> accumulators;
  DenseMap<Value, quant::QuantizedType> current;
  /// For each activation (value, type): the type it is requantized from.
  DenseMap<std::pair<Value, Type>, quant::QuantizedType> activationSources;
  /// The parameters of each value the client receives.
  DenseMap<Value, quant::QuantizedType> outputTypes;

  DenseMap<Operation *, LinearPlan> linear;
  DenseMap<Operation *, TablePlan> tables;
  DenseMap<Operation *, BinaryPlan> binary;
  DenseMap<Operation *, SmallVector<QuantizedRead>> movement;
  DenseMap<Operation *, BoundaryPlan> boundaries;
  llvm::DenseSet<Operation *> foldedBiases;
  llvm::DenseSet<Operation *> consumed;
  llvm::DenseSet<Operation *> boundaryDone;
  DenseMap<Value, bool> clientInput;
  llvm::DenseSet<Operation *> clientOutputOps;

  /// Values the patterns created: requantizations by (value, type) and the
  /// client's dequantizations by value.
  DenseMap<std::pair<Value, Type>, Value> requantized;
  DenseMap<Value, Value> dequantized;
};

/// Result of a family planner: std::nullopt when the op is not of the
/// family, failure when it is but cannot be quantized (already reported),
/// success when planned.
using PlanResult = std::optional<LogicalResult>;

/// matmul, batch_matmul, convolutions, pooling, sum reductions.
PlanResult planLinearOp(QuantizationPlan &plan, Operation *op);
/// Tables (chains of univariate ops, with folded biases) and binary
/// arithmetic.
PlanResult planElementwiseOp(QuantizationPlan &plan, Operation *op);
/// Reshapes, slices, transposes, broadcasts and concatenation.
PlanResult planMovementOp(QuantizationPlan &plan, Operation *op);

/// A rewrite of an op of type `OpTy` that reads its plan.
template <typename OpTy> struct PlannedPattern : OpConversionPattern<OpTy> {
  PlannedPattern(const TypeConverter &converter, QuantizationPlan &plan)
      : OpConversionPattern<OpTy>(converter, plan.getFunction().getContext()),
        plan(plan) {}

  /// The converted type of `op`'s result (its planned type).
  RankedTensorType resultType(Operation *op) const {
    return cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op->getResult(0)));
  }

  QuantizationPlan &plan;
};

/// Builds the qfhe.reduce_sum of a planned sum reduction `op` on `input`.
Value createReduceSum(OpBuilder &builder, linalg::GenericOp op, Value input,
                      RankedTensorType resultType);

/// The patterns of each family (see populateQuantizePatterns).
void populateLinearQuantizePatterns(const TypeConverter &converter,
                                    QuantizationPlan &plan,
                                    RewritePatternSet &patterns);
void populateElementwiseQuantizePatterns(const TypeConverter &converter,
                                         QuantizationPlan &plan,
                                         RewritePatternSet &patterns);
void populateMovementQuantizePatterns(const TypeConverter &converter,
                                      QuantizationPlan &plan,
                                      RewritePatternSet &patterns);

/// Quantizes `func` (planQuantization and the conversion) with ranges from
/// `soundRange` and weights from `weightCache` when given.
LogicalResult quantizeFunction(func::FuncOp func,
                               const QuantizeOptions &options,
                               SoundRangeFn soundRange,
                               QuantizedWeightCache *weightCache);
/// Quantizes every function of `module` with a body (qfhe-quantize).
LogicalResult quantizeModule(ModuleOp module, const QuantizeOptions &options,
                             const SoundRangeFn &soundRange,
                             QuantizedWeightCache *weightCache);

/// Whether `op` only moves elements (the client may run it in float).
bool isDataMovement(Operation *op);
/// Whether a tensor.pad only feeds ops that fold zero padding in.
bool isFoldedPadding(Operation *op);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_QUANTIZE_QUANTIZATIONPLAN_H
