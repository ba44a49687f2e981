//===- Classify.h - recognize the float ops the quantizer rewrites -*- C++
//-*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Pattern recognition on float linalg programs: which linalg.generic ops are
// univariate functions (of one tensor and constants), binary arithmetic,
// sum reductions; which values are constants.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_QUANTIZE_CLASSIFY_H
#define QFHE_LIB_TRANSFORMS_QUANTIZE_CLASSIFY_H

#include "qfhe/Analysis/TensorRange.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace mlir {
namespace qfhe {

/// A linalg.generic computing each element from the element at the same
/// index of one tensor (the data) and constants: a function of one variable,
/// possibly different per index along one output dimension (the channel).
struct UnivariateGeneric {
  mutable linalg::GenericOp op;
  /// Operand number of the data input.
  unsigned dataOperand;
  /// Output dimension along which constants vary, if any.
  std::optional<int64_t> channelDim;
  /// For each constant input: its values along the channel (one value when
  /// it does not vary), as a float vector.
  DenseMap<unsigned, SmallVector<double>> constantValues;
};

/// Recognizes a univariate elementwise generic; std::nullopt otherwise.
std::optional<UnivariateGeneric> matchUnivariate(linalg::GenericOp op);

/// Kinds of elementwise arithmetic of two tensors.
enum class BinaryKind { Add, Sub, Mul };

/// A linalg.generic combining the same-index elements of two tensors with
/// one arith op.
struct BinaryGeneric {
  BinaryKind kind;
  Value lhs, rhs;
};

/// Recognizes a binary elementwise generic; std::nullopt otherwise.
std::optional<BinaryGeneric> matchBinary(linalg::GenericOp op);

/// A linalg.generic summing one tensor over some dimensions into a
/// zero-initialized output.
struct SumReduction {
  Value input;
  SmallVector<int64_t> dimensions;
};

/// Recognizes a sum reduction; std::nullopt otherwise.
std::optional<SumReduction> matchSumReduction(linalg::GenericOp op);

/// Whether `value` is a float constant (dense, splat or scalar) and, if so,
/// its elements.
bool isConstant(Value value);

/// Whether `value` is a tensor filled with zeros (linalg.fill of 0 or a zero
/// constant).
bool isZeroFilled(Value value);

/// The users of `value` other than shape queries (tensor.dim), which do not
/// read elements.
SmallVector<Operation *> getDataUsers(Value value);

/// The mean square of the values of channel `c` (index along `axis`) of a
/// tensor with range `range`, for c in [0, count), assuming values spread
/// uniformly over each channel's range; the whole range when the channels
/// are not known along `axis`.
std::vector<double> getChannelMeanSquares(const qfhe::TensorRange &range,
                                          std::optional<int64_t> axis,
                                          int64_t count);

/// Whether the region ops of a linalg body are all ones a qfhe.apply body
/// may hold (scalar arith and math on floats).
bool isTabulableBody(Block &body);

/// Builds the body of `apply` from the univariate links of `chain`, in
/// order: a first argument of `floatType` (and, with `hasChannel`, the
/// channel index) through each link's scalar arithmetic, per-channel
/// constants read with `tensor.extract`.
void buildApplyBody(OpBuilder &b, ApplyOp apply,
                    ArrayRef<UnivariateGeneric> chain, Type floatType,
                    bool hasChannel);

/// Clones the scalar arithmetic of each link of `chain`, in order, at `b`'s
/// insertion point, starting from `current`; per-channel constants are read
/// at index `channel` (null when no link has them). Returns the last
/// link's value.
Value appendUnivariateChain(OpBuilder &b, Location loc, Value current,
                            ArrayRef<UnivariateGeneric> chain, Value channel);

/// Fails when an element of `weights`, the constant operand `value` of
/// `user`, is NaN or infinite: an error at the constant's location that
/// gives the element's index and value, with a note at `user`. Weights have
/// no quantization then, and every estimate of the layer is meaningless.
LogicalResult checkFiniteWeights(DenseFPElementsAttr weights, Value value,
                                 Operation *user);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_QUANTIZE_CLASSIFY_H
