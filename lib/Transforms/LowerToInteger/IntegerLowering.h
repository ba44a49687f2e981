//===- IntegerLowering.h - quantized ops to an integer program --*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The state of qfhe-lower-to-integer on one function. Every quantized value
// gets an integer form: a signless integer tensor `z`, what it stands for
// (real = scale * (z - offset), per channel where needed) and the exact
// range of its integers, from which the type's width is chosen. The op
// families are lowered by the functions declared at the end, one file each.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_LOWERTOINTEGER_INTEGERLOWERING_H
#define QFHE_LIB_TRANSFORMS_LOWERTOINTEGER_INTEGERLOWERING_H

#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "qfhe/Support/OptionRanges.h"
#include "qfhe/Support/QuantMath.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <functional>

namespace mlir {
namespace qfhe {

/// The integer form of a quantized value.
struct IntegerForm {
  /// The signless integer tensor.
  Value value;
  /// real = scales[c] * (z - offsets[c]) for channel c along `axis`, or
  /// with the single entry for every element when there is no axis.
  SmallVector<double> scales;
  SmallVector<int64_t> offsets;
  std::optional<int64_t> axis;
  /// The exact range of z per channel (one entry without axis).
  SmallVector<IntegerRange> ranges;
  /// z counts units of 2^unitBits: real = scales[c] * (z * 2^unitBits -
  /// offsets[c]). Nonzero for the sums of rounded parts of a chunked dot
  /// product, whose scales and offsets stay the accumulator's.
  unsigned unitBits = 0;

  unsigned getNumChannels() const { return ranges.size(); }
  double getScale(unsigned c) const {
    return scales[scales.size() == 1 ? 0 : c];
  }
  int64_t getOffset(unsigned c) const {
    return offsets[offsets.size() == 1 ? 0 : c];
  }
  IntegerRange getRange(unsigned c) const {
    return ranges[ranges.size() == 1 ? 0 : c];
  }
  /// The union of the channel ranges.
  IntegerRange getWholeRange() const;
  /// Width of z's type.
  unsigned getWidth() const;
  /// Whether scales and offsets are the same for every element.
  bool isUniform() const;
};

/// A function tabulated by a lookup: from a channel and a centered input
/// integer x (real = scale_c * x) to the output integer. Tables are built
/// with rows (channels) in parallel: the function may be called from
/// several threads at once, for different channels.
using TableFunction = std::function<int64_t(unsigned channel, int64_t x)>;
/// The same a row at a time: for a channel and its centered input integers
/// `xs`, the output integers into `qs` (as many as `xs`). Called from
/// several threads at once, one row each.
using TableRowFunction = std::function<void(
    unsigned channel, ArrayRef<int64_t> xs, MutableArrayRef<int64_t> qs)>;

/// Lowers one function.
/// The widest lookup input: TFHE's programmable bootstraps take at most 16
/// bits (tlu-bit-width's range).
constexpr unsigned kMaxLookupBits = 16;

class IntegerLowering {
public:
  /// Lookups read at most `tluBitWidth` bits; wider inputs are rounded
  /// first when `allowRounding`. With `fitTables`, a lookup whose tables
  /// would hold more than kMaxTableEntries reads fewer bits (the widest
  /// that fit its channels) instead of failing.
  IntegerLowering(func::FuncOp func, unsigned tluBitWidth,
                  bool allowRounding = true, bool fitTables = false);

  LogicalResult run();

  OpBuilder &getBuilder() { return builder; }
  unsigned getTluBitWidth() const { return tluBitWidth; }

  /// The integer form of a quantized value; an error names `user` if the
  /// value has none.
  FailureOr<IntegerForm> getForm(Value quantized, Operation *user);
  void setForm(Value quantized, IntegerForm form);

  /// Emits a lookup of `function` on `input`, with qfhe.round first when
  /// the input is wider than tlu-bit-width. The table has one row per
  /// channel when the input has channels or `channelAxis` asks for them.
  /// `function` returns integers `q` of `outputStorage` standing for
  /// `outputScale * (q - outputZeroPoint)`; the result holds them in the
  /// fewest signed bits (shifted, see getSignedStorage).
  FailureOr<IntegerForm>
  emitLookup(const IntegerForm &input, std::optional<int64_t> channelAxis,
             TableFunction function, IntegerRange outputStorage,
             double outputScale, int64_t outputZeroPoint, Operation *op);
  /// The same with a function evaluated a row (a channel's entries) at a
  /// time.
  FailureOr<IntegerForm>
  emitLookup(const IntegerForm &input, std::optional<int64_t> channelAxis,
             const TableRowFunction &function, IntegerRange outputStorage,
             double outputScale, int64_t outputZeroPoint, Operation *op);

  /// A signless integer constant tensor of the fewest bits holding `values`.
  Value createIntConstant(Location loc, ArrayRef<int64_t> shape,
                          ArrayRef<int64_t> values, unsigned minimumWidth = 1);

private:
  LogicalResult lowerOp(Operation *op);

  func::FuncOp func;
  unsigned tluBitWidth;
  bool allowRounding;
  bool fitTables;
  OpBuilder builder;
  DenseMap<Value, IntegerForm> forms;
};

/// Result of a family lowering: std::nullopt when the op is not of the
/// family, failure when it cannot be lowered (reported), success otherwise.
using LowerResult = std::optional<LogicalResult>;

/// matmul, conv2d, sum_pool, reduce_sum, max_pool.
LowerResult lowerLinearOp(IntegerLowering &lowering, Operation *op);
/// apply, requantize, add, sub, mul.
LowerResult lowerTableOp(IntegerLowering &lowering, Operation *op);
/// quantize and dequantize at the boundary, data movement.
LowerResult lowerBoundaryOrMovementOp(IntegerLowering &lowering, Operation *op);

/// The signless integer type of `width` bits.
IntegerType getSignlessType(MLIRContext *ctx, unsigned width);
/// The integers a quantized constant holds, sign- or zero-extended.
SmallVector<int64_t> getConstantIntegers(Value value);

/// How storage integers `[min, max]` are held in the circuit's signed
/// integers: `q - shift` in `width` bits, the fewest that hold as many
/// values (shift 0 when the range already fits them: `[0, 255]` is shifted
/// by 128 into 8 bits, `[0, 15]` by 8 into 4, `[-8, 7]` not at all).
struct SignedStorage {
  unsigned width;
  int64_t shift;
};
SignedStorage getSignedStorage(IntegerRange storage);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_LOWERTOINTEGER_INTEGERLOWERING_H
