//===- CircuitRules.h - transfer functions of the circuit analysis -*- C++ -*-//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// One rule per family of ops, one family per file. A rule reads the facts of
// an op's operands (and of the values its regions use from above) and says
// what its results are, whether it recognises the op exactly, why not, and
// which bootstraps (lookups, roundings, comparisons) it performs. The
// dataflow analysis uses the results; the checker (BitWidthReport.cpp)
// applies the same rules to the final facts to report.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_ANALYSIS_BITWIDTH_CIRCUITRULES_H
#define QFHE_LIB_ANALYSIS_BITWIDTH_CIRCUITRULES_H

#include "qfhe/Analysis/BitWidthReport.h"
#include "qfhe/Analysis/CircuitAnalysis.h"

#include "mlir/IR/Operation.h"

#include <optional>
#include <string>

namespace mlir {
namespace qfhe {

/// The fact of a value, or nullptr when it has none yet.
using FactLookup = function_ref<const CircuitFact *(Value)>;

/// A programmable bootstrap an op performs.
struct Bootstrap {
  using Kind = BootstrapOpRecord::Kind;
  Kind kind;
  /// Bits of its input: the lookup's input type, or the comparison's
  /// differences.
  unsigned inputBits;
  /// How many per sample.
  int64_t perSample;
  /// For comparisons: the range of the values compared.
  std::optional<IntegerRange> compared;
};

/// What a rule concludes about an op.
struct RuleOutcome {
  /// An operand (or a value used from above) has no fact yet: nothing is
  /// concluded.
  bool incomplete = false;
  /// The rule knows the op exactly. When false, the results are the
  /// pessimistic facts of their types, and an op touching encrypted data
  /// is an error (`rejection` says why when the rule knows).
  bool recognized = false;
  std::string rejection;
  /// One fact per result.
  SmallVector<CircuitFact, 1> results;
  /// Per result: the exact range (nearest the type) when it does not fit
  /// the result type; its fact is then the type's range, from overflow.
  SmallVector<std::optional<WideRange>, 1> overflows;
  SmallVector<Bootstrap, 1> bootstraps;
  /// The op only moves elements (every element of a result is an element
  /// of an operand or a clear constant).
  bool movesData = false;

  static RuleOutcome waiting();
  /// Pessimistic results for `op`, encrypted as `encrypted` says.
  static RuleOutcome unrecognized(Operation *op, bool encrypted,
                                  std::string rejection = {});
  /// A recognized op whose results are `facts`.
  static RuleOutcome of(SmallVector<CircuitFact, 1> facts);
};

/// Applies the rule of `op`'s family.
RuleOutcome applyCircuitRules(Operation *op, FactLookup facts);

/// Whether `op` (an operand, a result, or a value its regions use from
/// above or define) touches encrypted data.
bool touchesEncryptedData(Operation *op, FactLookup facts);

//===----------------------------------------------------------------------===//
// Families (one file each)
//===----------------------------------------------------------------------===//

/// The client boundary (ClientBoundary.cpp): the ops that stand for
/// encryption and decryption. std::nullopt for other ops.
std::optional<RuleOutcome> applyClientBoundaryRule(Operation *op,
                                                   FactLookup facts);

/// Tensor data movement (MovementRules.cpp): reshapes, slices, pads,
/// concatenations, casts, element extraction and insertion.
std::optional<RuleOutcome> applyMovementRule(Operation *op, FactLookup facts);

/// Structured linalg ops (LinalgRules.cpp): any op whose body is a sum of
/// products with at most one encrypted factor each (a reduction: `out +`
/// such a sum), or a max/min reduction, read through its indexing maps.
std::optional<RuleOutcome> applyLinalgRule(Operation *op, FactLookup facts);

/// qfhe.lut and qfhe.round (IntegerOpRules.cpp).
std::optional<RuleOutcome> applyIntegerOpRule(Operation *op, FactLookup facts);

//===----------------------------------------------------------------------===//
// Shared helpers (CircuitRules.cpp)
//===----------------------------------------------------------------------===//

/// The integer element type of a value (itself, or a shaped type's
/// element), or null.
IntegerType getIntegerElementType(Type type);
/// The range of `type`'s integers, when it has 64-bit bounds.
std::optional<IntegerRange> getIntegerTypeRange(Type type);
/// The exact integers of a constant (scalar or dense), in its type's
/// reading, if `value` is one with at most 64-bit bounds.
std::optional<SmallVector<int64_t>> readConstantIntegers(Value value);
/// The ranges of `fact` (integers of `width` bits, read unsigned when
/// `fromUnsigned`) in the reading `toUnsigned` says: the same bits read
/// another way.
SmallVector<WideRange> rereadRanges(const CircuitFact &fact, unsigned width,
                                    bool fromUnsigned, bool toUnsigned);
/// Number of elements per sample of a tensor whose leading dimension may be
/// a dynamic batch (-1 when unknown).
int64_t getElementsPerSample(Type type);
/// Places per-index exact ranges into `type` (modular arithmetic): the
/// outcome for a result computed by a ring homomorphism (sums and products
/// modulo 2^N). `encrypted` marks the fact.
RuleOutcome placeLinearResult(Type type, bool encrypted,
                              std::optional<int64_t> axis,
                              ArrayRef<WideRange> exact);
/// The outcome for a result whose exact per-index ranges are computed
/// without modular arithmetic (lookups, roundings, comparisons): they must
/// fit `type`.
RuleOutcome exactResult(Type type, bool encrypted, std::optional<int64_t> axis,
                        ArrayRef<WideRange> exact);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_ANALYSIS_BITWIDTH_CIRCUITRULES_H
