//===- BitWidthAnalysis.h - exact integer ranges of a circuit ---*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The integer interval analysis behind qfhe-verify-bitwidth: which values of
// an integer-only program are encrypted (computed from the client's
// quantize), the exact range of each, and the lookups the circuit performs.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_VERIFYBITWIDTH_BITWIDTHANALYSIS_H
#define QFHE_LIB_TRANSFORMS_VERIFYBITWIDTH_BITWIDTHANALYSIS_H

#include "qfhe/Support/QuantMath.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir {
namespace qfhe {

/// What is known of an integer tensor of the circuit.
struct IntegerFact {
  bool encrypted = false;
  /// Exact range per index along `axis`, or one range for every element.
  SmallVector<IntegerRange> ranges;
  std::optional<int64_t> axis;

  IntegerRange getWhole() const;
  /// The range of index `index` along `queryAxis` (the whole range when the
  /// fact is not per channel along that axis).
  IntegerRange getChannel(int64_t queryAxis, int64_t index) const;
};

/// The width of an encrypted op result, for the report.
struct WidthRecord {
  Operation *op;
  unsigned bits;
  IntegerRange range;
};

/// Table lookups (or roundings) one op performs per sample.
struct LookupRecord {
  Operation *op;
  unsigned inputBits;
  int64_t perSample;
};

/// Proves the ranges of one function and checks them against the caps.
class BitWidthAnalysis {
public:
  BitWidthAnalysis(func::FuncOp func, unsigned maxBitWidth,
                   unsigned tluBitWidth);

  /// Analyzes the function; reports every violation as an error and fails
  /// if there is any.
  LogicalResult run();

  ArrayRef<WidthRecord> getWidths() const { return widths; }
  ArrayRef<LookupRecord> getLookups() const { return lookups; }
  /// The qfhe.round ops (TFHE implements them with bootstrapping too).
  ArrayRef<LookupRecord> getRoundings() const { return roundings; }

private:
  LogicalResult visit(Operation *op);
  /// Records and checks an encrypted result.
  LogicalResult check(Value value, const IntegerFact &fact);
  const IntegerFact *lookup(Value value) const;

  func::FuncOp func;
  unsigned maxBitWidth, tluBitWidth;
  DenseMap<Value, IntegerFact> facts;
  SmallVector<WidthRecord> widths;
  SmallVector<LookupRecord> lookups;
  SmallVector<LookupRecord> roundings;
};

/// Number of elements per sample of a tensor whose leading dimension may be
/// a dynamic batch.
int64_t getElementsPerSample(Type type);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_VERIFYBITWIDTH_BITWIDTHANALYSIS_H
