//===- AllocationSearch.h - measure allocations on calibration data -*- C++
//-*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Scores a bit allocation by compiling the integer program it gives and
// running it, with MLIR's JIT, on calibration data next to the float
// program: how often their predictions agree, and how far their outputs
// are. qfhe-allocate-bits uses it to choose among candidates by measuring.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_QUANTIZE_ALLOCATIONSEARCH_H
#define QFHE_LIB_TRANSFORMS_QUANTIZE_ALLOCATIONSEARCH_H

#include "qfhe/Runtime/HostArray.h"

#include "mlir/IR/BuiltinOps.h"

#include <memory>

namespace mlir {
namespace qfhe {

/// How close a candidate's outputs are to the float program's.
struct AllocationScore {
  /// Fraction of samples whose predicted class matches the float program's.
  double agreement = -1;
  /// Mean squared difference of the outputs.
  double meanSquaredError = 0;
  /// meanSquaredError over the mean square of the float outputs.
  double relativeError = 0;
  /// Mean Kullback-Leibler divergence of the candidate's class
  /// probabilities (softmax of its outputs) from the float program's.
  double divergence = 0;

  /// Whether nothing is left to gain: every prediction agrees and the
  /// outputs are within 1% (root mean square) of the float program's.
  bool isNearlyExact() const;

  /// Lower divergence (then higher agreement). The divergence sees every
  /// sample's margin: agreement on a few hundred samples changes by whole
  /// samples and chose noisily among close candidates.
  bool isBetterThan(const AllocationScore &other) const;
};

/// Compiles and runs candidate allocations of one float module.
class AllocationScorer {
public:
  /// Reads up to `maxSamples` samples of `dataPath` and runs the float
  /// program on them. Errors are reported on `module`. Candidates are
  /// lowered to integers with lookups of at most `tluBitWidth` bits when
  /// that is below `maxBitWidth`; otherwise no lookup rounds, the integer
  /// program computes what the quantized program computes, and the scorer
  /// runs the quantized program (no tables to build: much faster).
  static FailureOr<std::unique_ptr<AllocationScorer>>
  create(ModuleOp module, StringRef dataPath, int64_t maxSamples,
         unsigned maxBitWidth, unsigned tluBitWidth);

  /// Quantizes (and lowers, see create) a copy of `annotated` (a float
  /// module carrying qfhe.allocation attributes), runs it and scores it; an
  /// allocation that does not compile gets no score (std::nullopt).
  std::optional<AllocationScore> score(ModuleOp annotated);

  /// Number of candidates scored so far.
  unsigned getEvaluations() const { return evaluations; }
  /// Number of calibration samples each candidate runs on.
  int64_t getNumSamples() const {
    return inputs.empty() || inputs.front().getRank() == 0
               ? 1
               : inputs.front().getShape()[0];
  }

private:
  AllocationScorer() = default;

  std::string entry;
  unsigned tluBitWidth = 8;
  bool lowerCandidates = true;
  double referencePower = 0;
  unsigned evaluations = 0;
  SmallVector<HostArray> inputs;
  HostArray reference;
  std::vector<int64_t> referenceClasses;
};

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_QUANTIZE_ALLOCATIONSEARCH_H
