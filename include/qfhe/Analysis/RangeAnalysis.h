//===- RangeAnalysis.h - value-range inference ------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A sparse forward dataflow analysis (MLIR's DataFlowFramework) computing,
// for every value of a float tensor program, an interval holding each of its
// elements, per channel where that is more precise. It starts from declared
// input ranges (`qfhe.range` on function arguments) and is sound: every value
// the program computes for inputs inside their declared ranges lies inside
// its inferred interval, float rounding included.
//
// Optionally it trusts calibration: values carrying `qfhe.observed` (written
// by `quant-run calibrate`) take the observed range instead of the inferred
// one, and the analysis propagates from there. Such ranges are not sound.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_ANALYSIS_RANGEANALYSIS_H
#define QFHE_ANALYSIS_RANGEANALYSIS_H

#include "qfhe/Analysis/TensorRange.h"

#include "mlir/Analysis/DataFlow/SparseAnalysis.h"
#include "mlir/Analysis/DataFlowFramework.h"

namespace mlir {
namespace qfhe {

/// Name of the argument attribute declaring an input range (array<f64>).
constexpr StringLiteral kDeclaredRangeAttr = "qfhe.range";
/// Name of the calibration attribute (see docs/attributes.md).
constexpr StringLiteral kObservedRangeAttr = "qfhe.observed";
/// Name of the attribute `qfhe-infer-ranges` writes (same format).
constexpr StringLiteral kInferredRangeAttr = "qfhe.inferred";

/// The lattice value: a tensor range, or nothing yet (uninitialized).
class RangeLatticeValue {
public:
  RangeLatticeValue() = default;
  explicit RangeLatticeValue(TensorRange range) : range(std::move(range)) {}

  bool isUninitialized() const { return !range.has_value(); }
  const TensorRange &getRange() const { return *range; }

  static RangeLatticeValue join(const RangeLatticeValue &lhs,
                                const RangeLatticeValue &rhs);
  bool operator==(const RangeLatticeValue &other) const;
  void print(raw_ostream &os) const;

private:
  std::optional<TensorRange> range;
};

/// The lattice element attached to each value.
class RangeLattice : public dataflow::Lattice<RangeLatticeValue> {
public:
  using Lattice::Lattice;
};

/// Options of the analysis.
struct RangeAnalysisOptions {
  /// Use `qfhe.observed` ranges where present (calibration mode).
  bool useObserved = false;
};

/// The range-inference analysis. Load it into a DataFlowSolver together with
/// `dataflow::DeadCodeAnalysis` and `dataflow::SparseConstantPropagation`
/// (the framework needs them to know which code runs), or use
/// `RangeSolver` below.
class RangeAnalysis
    : public dataflow::SparseForwardDataFlowAnalysis<RangeLattice> {
public:
  RangeAnalysis(DataFlowSolver &solver, RangeAnalysisOptions options = {});

  LogicalResult visitOperation(Operation *op,
                               ArrayRef<const RangeLattice *> operands,
                               ArrayRef<RangeLattice *> results) override;
  void setToEntryState(RangeLattice *lattice) override;

private:
  RangeAnalysisOptions options;
};

/// Runs the analysis on `root` and answers queries about its values.
class RangeSolver {
public:
  explicit RangeSolver(RangeAnalysisOptions options = {});
  LogicalResult run(Operation *root);
  /// The range of `value`; unknown (with a reason) if the analysis did not
  /// reach it.
  TensorRange getRange(Value value) const;

private:
  DataFlowSolver solver;
};

/// Reads the declared range of a function argument (`qfhe.range`), if any.
std::optional<TensorRange> getDeclaredRange(BlockArgument argument);
/// The `qfhe.observed` entry of a value: a `#qfhe.observed` attribute (the
/// statistics `quant-run calibrate` records), a dictionary (a range written
/// by hand), or null.
Attribute getObservedAttr(Value value);
/// Reads the observed range of a value (`qfhe.observed`), if any.
std::optional<TensorRange> getObservedRange(Value value);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_ANALYSIS_RANGEANALYSIS_H
