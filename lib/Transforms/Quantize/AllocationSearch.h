//===- AllocationSearch.h - measure allocations on calibration data -*- C++
//-*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The measured search of qfhe-allocate-bits, in three parts that change
// independently:
//
//  - the candidates (getCandidateSteps): which allocations of a layer are
//    measured in place of its current one;
//  - the score (AllocationScore, OutputScorer): how close a candidate's
//    outputs are to the float program's, and when a partial run shows that
//    a candidate cannot win;
//  - the measurement (AllocationScorer): the candidate's program (the float
//    module quantized under the candidate allocation, with the weights of
//    every (layer, allocation) quantized once, and lowered to integers when
//    lookups round) run by a ProgramEvaluator on the calibration samples.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_QUANTIZE_ALLOCATIONSEARCH_H
#define QFHE_LIB_TRANSFORMS_QUANTIZE_ALLOCATIONSEARCH_H

#include "Allocation.h"

#include "qfhe/Analysis/RangeAnalysis.h"
#include "qfhe/Transforms/ProgramEvaluator.h"

#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <memory>
#include <optional>

namespace mlir {
namespace qfhe {

class QuantizedWeightCache;

//===----------------------------------------------------------------------===//
// Score
//===----------------------------------------------------------------------===//

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
  /// Estimated FHE cost per sample of the candidate's integer program, in
  /// 8-bit bootstraps (docs/cost.md); unset when it was not measured or the
  /// program does not lower.
  std::optional<double> cost;

  /// Whether nothing is left to gain: every prediction agrees and the
  /// outputs are within 1% (root mean square) of the float program's.
  bool isNearlyExact() const;

  /// Lower divergence (then higher agreement). The divergence sees every
  /// sample's margin: agreement on a few hundred samples changes by whole
  /// samples and chose noisily among close candidates.
  bool isBetterThan(const AllocationScore &other) const;
};

/// Scores outputs against the float program's (the reference).
class OutputScorer {
public:
  explicit OutputScorer(EvaluatedOutputs reference);

  /// The score of outputs on every sample of the reference.
  AllocationScore score(const EvaluatedOutputs &outputs) const;

  /// Whether outputs on the first samples already show that the whole run
  /// cannot be better than `best` (its divergence is a sum of nonnegative
  /// terms, one per sample, so the partial sum bounds it from below).
  bool cannotBeat(const EvaluatedOutputs &partial,
                  const AllocationScore &best) const;

  /// Whether outputs on the first samples already disagree with the float
  /// program's predictions on so many samples that the whole run cannot
  /// agree on `minAgreement` of them.
  bool cannotAgree(const EvaluatedOutputs &partial, double minAgreement) const;

  int64_t getNumSamples() const { return reference.samples; }

private:
  /// The divergence terms of the first `samples` samples, summed.
  double divergenceSum(const EvaluatedOutputs &outputs, int64_t samples) const;

  EvaluatedOutputs reference;
  std::vector<int64_t> referenceClasses;
  double referencePower = 0;
};

/// Whether the bias correction of every layer is kept, given the scores of
/// the program with it (`corrected`) and without it (`plain`), unset when
/// that program does not run: only when it lowers the mean divergence by at
/// least 5% (its gain is first-order, and a smaller one is within what the
/// choice of calibration samples moves; docs/pipeline.md).
bool keepsBiasCorrection(const std::optional<AllocationScore> &corrected,
                         const std::optional<AllocationScore> &plain);

//===----------------------------------------------------------------------===//
// Measurement
//===----------------------------------------------------------------------===//

/// What a candidate must reach to be worth running to the end: a candidate
/// that cannot is not scored.
struct ScoreBound {
  /// Its divergence must not exceed this score's (OutputScorer::cannotBeat).
  const AllocationScore *best = nullptr;
  /// Its agreement must reach this fraction (0: any).
  double minAgreement = 0;
  /// Its cost must be below this (unset: any). The cost is known before the
  /// program runs, so a candidate at or above it is not run.
  std::optional<double> costBelow;
};

/// Measures allocations of one float module.
class AllocationScorer {
public:
  /// Runs the float program of `module` with `evaluator` (the reference).
  /// Candidates are lowered to integers with lookups of at most
  /// `tluBitWidth` bits when that is below `maxBitWidth`; otherwise no
  /// lookup rounds, the integer program computes what the quantized program
  /// computes, and the quantized program is run (no tables to build).
  /// Weights are quantized through `cache`; the ranges of `solver` (of
  /// `module`) stand for those of every candidate. With `fitTables`, the
  /// lookups whose tables would not fit read fewer bits (the lowering's
  /// fit-tables) and candidates are lowered. Errors are reported on
  /// `module`.
  static FailureOr<std::unique_ptr<AllocationScorer>>
  create(ModuleOp module, std::shared_ptr<ProgramEvaluator> evaluator,
         unsigned maxBitWidth, unsigned tluBitWidth,
         QuantizedWeightCache &cache, const RangeSolver &solver,
         bool fitTables = false);

  /// Whether scores have the estimated FHE cost of the candidate's integer
  /// program (fused and lowered as the pipeline does, priced by the
  /// verifier's report); off at first.
  void setMeasureCost(bool value) { measureCost = value; }

  /// Whether candidates are quantized with bias correction (qfhe-quantize's
  /// `bias-correction`); on at first.
  void setBiasCorrection(bool value) { biasCorrection = value; }

  /// Builds the program of `module` under its current qfhe.allocation
  /// attributes, runs it and scores it. No score when it does not compile
  /// or run, or when its cost or first samples show it cannot reach
  /// `bound`.
  std::optional<AllocationScore> score(const ScoreBound &bound = {});

  /// Number of candidates measured so far.
  unsigned getEvaluations() const { return evaluations; }
  /// Number of calibration samples each candidate runs on.
  int64_t getNumSamples() const { return scorer->getNumSamples(); }

private:
  AllocationScorer() = default;
  /// The candidate program of the module's current allocation, or null
  /// when it does not compile.
  OwningOpRef<ModuleOp> buildProgram();
  /// Lowers a quantized `program` to integers (lookups of at most
  /// tluBitWidth bits).
  LogicalResult lowerToIntegers(ModuleOp program);
  /// The estimated cost of `program` (quantized, or lowered when
  /// lowerCandidates), if it lowers.
  std::optional<double> measureCostOf(ModuleOp program);

  ModuleOp module;
  std::string entry;
  std::shared_ptr<ProgramEvaluator> evaluator;
  QuantizedWeightCache *cache = nullptr;
  const RangeSolver *solver = nullptr;
  unsigned maxBitWidth = 8;
  unsigned tluBitWidth = 8;
  bool fitTables = false;
  /// Whether candidates are measured lowered to integers (lookups narrower
  /// than the cap, or products of two tensors).
  bool lowerCandidates = true;
  bool measureCost = false;
  bool biasCorrection = true;
  unsigned evaluations = 0;
  std::unique_ptr<OutputScorer> scorer;
};

//===----------------------------------------------------------------------===//
// Candidates and the search
//===----------------------------------------------------------------------===//

/// A layer whose allocation the search may change.
struct SearchLayer {
  Operation *op;
  /// A matmul or convolution with weights (else a pool or a sum).
  bool weighted;
  /// Max pooling (passes its input range on: nothing to clip).
  bool isMax;
  /// The part counts its dot products may use (1 first).
  SmallVector<int64_t> chunkCounts;
  /// Where its weights may be rounded against their inputs' Gram matrix
  /// (gram-rounding=true and a qfhe.input_gram): the weights of one output
  /// channel in a part of each of chunkCounts; else empty.
  SmallVector<int64_t> gramPartTerms;
};

/// Proposes the candidates of one step from the allocation chosen so far.
using CandidateStep =
    std::function<SmallVector<AllocationAttr>(AllocationAttr chosen)>;

/// The input levels the search tries with `inputBits`-bit inputs: all
/// 2^n, and from 2 bits on 3 * 2^(n-2), halfway (in levels) to n - 1 bits.
/// Under a cap P an input of k levels leaves the weights an l1 budget of
/// about (2^P - 1) / (k - 1): three quarters of the levels give a third
/// more budget, a step between the factor of two that one input bit
/// trades, which is coarse where budgets are small (docs/pipeline.md).
SmallVector<int64_t> getLevelCandidates(unsigned inputBits);

/// The candidates measured in place of a layer's allocation, in steps:
/// weighted layers try other input bits (within two of the current, up to
/// `maxInputBits`) and, with `narrowLevels`, fewer input levels
/// (getLevelCandidates), nearest rounding in one part and weighted rounding in
/// other part counts (and, with `gramRounding`, Gram rounding in every part
/// count whose budget allows fewer units than a part has weights, where the
/// layer has gramPartTerms), then (with those chosen) input ranges clipped to
/// 0.85 to 0.4 of the calibrated range; pools and sums only the clipping. Each
/// candidate keeps the chosen allocation's bias correction.
SmallVector<CandidateStep>
getCandidateSteps(const SearchLayer &layer, const AllocationBuilder &builder,
                  unsigned maxBitWidth, unsigned maxInputBits,
                  bool narrowLevels = true, bool gramRounding = true);

/// What the search found.
struct SearchResult {
  /// The score of the chosen allocation.
  std::optional<AllocationScore> best;
  /// The score of the most faithful allocation measured (before the
  /// cheapest within the tolerance was chosen), with its cost.
  std::optional<AllocationScore> mostFaithful;
  bool uniformIsBest = false;
  /// Sweeps of the fidelity descents (whole bits, then finer levels).
  int sweeps = 0;
  /// Whether they fell quiet: the last round of the layers kept nothing
  /// (else they stopped at the sweep limit or on a nearly exact program).
  bool quiet = false;
  /// Candidates of every descent not measured because their configuration
  /// had been rejected before.
  int64_t repeatsSkipped = 0;
};

/// Options of the search.
struct SearchOptions {
  unsigned maxBitWidth = 8;
  /// Most input bits of a weighted layer (the activation cap).
  unsigned maxInputBits = 8;
  /// The uniform baseline's width, when it fits.
  std::optional<unsigned> uniformBits;
  /// Most estimated FHE cost per sample (8-bit bootstraps) of the chosen
  /// program; unset: no budget.
  std::optional<double> maxCost;
  /// The cheapest candidate whose fidelity is within this tolerance of the
  /// most faithful one's is chosen: its mean divergence at most (1 +
  /// tolerance) times the most faithful one's, and its agreement at most
  /// half a percent of the samples below; unset: the most faithful is kept.
  std::optional<double> costTolerance;
  /// Whether weighted layers also try inputs of fewer levels than their
  /// bits hold (getLevelCandidates), in a descent from the whole-bit
  /// descent's result.
  bool narrowLevels = false;
  /// Whether candidates are quantized with bias correction (then the
  /// search measures every layer's correction on and off before and after
  /// its descent, and keeps it only for a clear gain).
  bool biasCorrection = true;
};

/// Improves the module's estimated allocations by measuring candidates with
/// `scorer`: the uniform baseline first (kept when it scores better), then
/// (with `biasCorrection`) the bias correction of every layer on or off,
/// then coordinate descent over the layers, each layer's candidates in turn (a
/// candidate is kept when it scores better), in sweeps until every layer has
/// been visited once since the last change with nothing kept (six sweeps at
/// most; a configuration once rejected is not measured again), none when
/// the estimate is nearly exact: over whole-bit inputs and
/// importance-weighted rounding first, then (with `narrowLevels`, or layers
/// with gramPartTerms) from its result over every candidate, narrowed input
/// levels and Gram rounding too, so the finer candidates only refine what
/// the coarser descent finds. Under `maxCost`, a candidate over the
/// budget is kept only in place of a dearer one over it too. With
/// `costTolerance`, a second descent then keeps the cheapest candidates
/// whose fidelity stays within the tolerance of the most faithful
/// allocation's (sweeps as above), after the bias correction is chosen
/// again for the most faithful allocation. Prints progress on standard error
/// (qfhe/Support/Progress.h).
SearchResult searchAllocations(ModuleOp module, ArrayRef<SearchLayer> layers,
                               const AllocationBuilder &builder,
                               const SearchOptions &options,
                               AllocationScorer &scorer);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_QUANTIZE_ALLOCATIONSEARCH_H
