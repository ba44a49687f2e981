//===- CircuitAnalysis.h - exact ranges of an integer circuit ---*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The dataflow analysis behind qfhe-verify-bitwidth: for every value of an
// integer program, whether it is encrypted (computed from the client's
// encrypted inputs) and the exact range of its integers, per channel where
// that is more precise. It is a sparse forward analysis of MLIR's dataflow
// framework, sound for any program: the entry state is pessimistic
// (integer arguments are encrypted and range over their type unless
// declared otherwise), and an op without an exact rule gets the whole range
// of its result type, marked encrypted when it touches encrypted data (the
// checker in BitWidthReport.h then rejects it).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_ANALYSIS_CIRCUITANALYSIS_H
#define QFHE_ANALYSIS_CIRCUITANALYSIS_H

#include "qfhe/Support/IntegerRangeMath.h"

#include "mlir/Analysis/DataFlow/SparseAnalysis.h"
#include "mlir/Analysis/DataFlowFramework.h"

#include <memory>

namespace mlir {
namespace qfhe {

struct RuleOutcome;

/// Unit argument attribute: this integer argument is clear (not encrypted).
constexpr StringLiteral kClearArgumentAttr = "qfhe.clear";

/// What the verifier knows of one value: encrypted or clear, and for integer
/// values (scalars or tensors of at most 64-bit integers) the range of their
/// elements in their type's reading (unsigned for `uiN`, two's complement
/// otherwise), per index along `axis` or one range for all.
class CircuitFact {
public:
  CircuitFact() = default;
  /// A value without integer ranges (floats, indices, wider integers).
  static CircuitFact withoutRanges(bool encrypted);
  /// One range for every element.
  static CircuitFact of(bool encrypted, IntegerRange range);
  /// One range per index along `axis` (one range: no axis).
  static CircuitFact perIndex(bool encrypted, std::optional<int64_t> axis,
                              SmallVector<IntegerRange> ranges);
  /// The least that is known of a value of `type`: its type's range (if
  /// it has one).
  static CircuitFact ofType(Type type, bool encrypted);

  bool isEncrypted() const { return encrypted; }
  /// Whether the value has integer ranges.
  bool hasRanges() const { return !ranges.empty(); }
  std::optional<int64_t> getAxis() const { return axis; }
  /// One range per index along the axis, or one range.
  ArrayRef<IntegerRange> getRanges() const { return ranges; }
  /// The range of every element (requires hasRanges()).
  IntegerRange getWhole() const;
  /// The range of the elements at `index` along dimension `dim`: that
  /// index's range when the fact is per index along `dim`, else the whole.
  IntegerRange getRange(int64_t dim, int64_t index) const;

  /// For a value a linear op computed modulo 2^N: per range, the multiple
  /// of 2^N the program holds less than the exact result (empty when none).
  ArrayRef<WideInt> getModularOffsets() const { return offsets; }
  void setModularOffsets(SmallVector<WideInt> modularOffsets);

  /// Whether the value derives from one whose exact range did not fit its
  /// type (its range is then its type's, and its own failures are
  /// consequences of the first).
  bool isFromOverflow() const { return fromOverflow; }
  void setFromOverflow(bool value = true) { fromOverflow = value; }
  void setEncrypted(bool value = true) { encrypted = value; }

  /// Whether every value this fact allows, `other` allows too.
  bool isSubsumedBy(const CircuitFact &other) const;
  bool operator==(const CircuitFact &other) const;
  void print(raw_ostream &os) const;

private:
  /// Collapses equal per-index ranges into one.
  void canonicalize();

  bool encrypted = false;
  bool fromOverflow = false;
  std::optional<int64_t> axis;
  SmallVector<IntegerRange, 1> ranges;
  SmallVector<WideInt, 0> offsets;
};

/// The lattice element of a value: nothing yet, or a fact. Joining two
/// different facts of a value (a loop, a merge of branches) goes to the
/// pessimistic fact of its type at once, so that the analysis terminates.
class CircuitLattice : public dataflow::AbstractSparseLattice {
public:
  using AbstractSparseLattice::AbstractSparseLattice;

  bool isUninitialized() const { return !fact.has_value(); }
  const CircuitFact &getFact() const { return *fact; }

  ChangeResult join(const AbstractSparseLattice &rhs) override;
  ChangeResult join(const CircuitFact &incoming);
  void print(raw_ostream &os) const override;

private:
  std::optional<CircuitFact> fact;
};

/// The analysis. Load it into a DataFlowSolver with
/// `dataflow::DeadCodeAnalysis` and `dataflow::SparseConstantPropagation`,
/// or use CircuitSolver.
class CircuitAnalysis
    : public dataflow::SparseForwardDataFlowAnalysis<CircuitLattice> {
public:
  using SparseForwardDataFlowAnalysis::SparseForwardDataFlowAnalysis;

  LogicalResult visitOperation(Operation *op,
                               ArrayRef<const CircuitLattice *> operands,
                               ArrayRef<CircuitLattice *> results) override;
  void setToEntryState(CircuitLattice *lattice) override;

  /// What `op`'s rule concluded at its last visit with a fact for every
  /// value it reads, or null. The solver visits an op again whenever one of
  /// those facts grows, so once it has converged this is the outcome of the
  /// final facts: the checker reads it instead of applying the rule again
  /// (a layer's rule reads each of its weights).
  const RuleOutcome *getLastOutcome(Operation *op) const;

private:
  DenseMap<Operation *, std::shared_ptr<const RuleOutcome>> lastOutcomes;
};

/// The range an integer function argument declares with `qfhe.range`
/// (`array<i64: lo, hi>`, or `array<f64: lo, hi>` of integral values), in
/// its type's reading. std::nullopt when there is none, or when it is
/// malformed or leaves the type: then `error` (if given) says why.
std::optional<IntegerRange>
getDeclaredIntegerRange(BlockArgument argument, std::string *error = nullptr);

/// The entry state of a value: for an integer argument of a function, its
/// declared range (`qfhe.range`) or its type's, encrypted unless marked
/// `qfhe.clear`; for any other value, its type's range, encrypted when it
/// holds integers.
CircuitFact getEntryFact(Value value);

/// Runs the analysis on one function (not across calls) and answers
/// queries about its values.
class CircuitSolver {
public:
  CircuitSolver();
  LogicalResult run(Operation *function);
  /// The fact of `value`, or nullptr when the analysis did not reach it.
  const CircuitFact *lookup(Value value) const;
  /// Whether `block` may execute (dead code is not checked).
  bool isLive(Block *block) const;
  /// See CircuitAnalysis::getLastOutcome.
  const RuleOutcome *getLastOutcome(Operation *op) const;

private:
  mutable DataFlowSolver solver;
  CircuitAnalysis *analysis = nullptr;
};

} // namespace qfhe
} // namespace mlir

#endif // QFHE_ANALYSIS_CIRCUITANALYSIS_H
