//===- AllocationSearch.cpp - measure allocations on calibration data -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "AllocationSearch.h"
#include "QuantizationPlan.h"

#include "qfhe/Analysis/BitWidthReport.h"
#include "qfhe/Support/ClassMetrics.h"
#include "qfhe/Support/Progress.h"
#include "qfhe/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include <cmath>
#include <limits>
#include <set>
#include <thread>

using namespace mlir;
using namespace mlir::qfhe;

//===----------------------------------------------------------------------===//
// Score
//===----------------------------------------------------------------------===//

bool AllocationScore::isBetterThan(const AllocationScore &other) const {
  if (divergence != other.divergence)
    return divergence < other.divergence;
  return agreement > other.agreement;
}

bool AllocationScore::isNearlyExact() const {
  return agreement >= 1.0 && relativeError < 1e-4;
}

/// The fraction of the mean divergence bias correction must take off to be
/// kept (keepsBiasCorrection).
static constexpr double kCorrectionGain = 0.05;

bool mlir::qfhe::keepsBiasCorrection(
    const std::optional<AllocationScore> &corrected,
    const std::optional<AllocationScore> &plain) {
  return corrected && (!plain || corrected->divergence <
                                     (1 - kCorrectionGain) * plain->divergence);
}

/// The class each row of `outputs` predicts (one logit: above 0).
static std::vector<int64_t> predictRows(const EvaluatedOutputs &outputs) {
  std::vector<int64_t> classes(outputs.samples);
  for (int64_t row = 0; row < outputs.samples; ++row)
    classes[row] = predictClass(outputs.values.data() + row * outputs.width,
                                outputs.width, 0.0);
  return classes;
}

OutputScorer::OutputScorer(EvaluatedOutputs reference)
    : reference(std::move(reference)) {
  referenceClasses = predictRows(this->reference);
  double power = 0;
  for (double value : this->reference.values)
    power += value * value;
  if (!this->reference.values.empty())
    referencePower = power / this->reference.values.size();
}

double OutputScorer::divergenceSum(const EvaluatedOutputs &outputs,
                                   int64_t samples) const {
  double sum = 0;
  for (int64_t row = 0; row < samples; ++row)
    addClassDivergence(reference.values.data() + row * reference.width,
                       outputs.values.data() + row * outputs.width,
                       reference.width, sum);
  return sum;
}

AllocationScore OutputScorer::score(const EvaluatedOutputs &outputs) const {
  AllocationScore score;
  std::vector<int64_t> classes = predictRows(outputs);
  int64_t agree = 0;
  for (size_t i = 0; i < classes.size() && i < referenceClasses.size(); ++i)
    agree += classes[i] == referenceClasses[i];
  score.agreement =
      classes.empty() ? 0.0 : static_cast<double>(agree) / classes.size();
  bool sameShape =
      outputs.samples == reference.samples && outputs.width == reference.width;
  int64_t count = static_cast<int64_t>(outputs.values.size());
  double sum = 0;
  for (int64_t i = 0; i < count && sameShape; ++i) {
    double d = outputs.values[i] - reference.values[i];
    sum += d * d;
  }
  score.meanSquaredError = count ? sum / count : 0.0;
  score.relativeError = referencePower > 0
                            ? score.meanSquaredError / referencePower
                            : score.meanSquaredError;
  // The mean divergence over the samples; non-finite outputs are as far as
  // can be.
  if (!sameShape) {
    score.divergence = std::numeric_limits<double>::infinity();
  } else if (reference.samples > 0 && reference.width > 0) {
    score.divergence = meanDivergenceOfSum(
        divergenceSum(outputs, outputs.samples), reference.samples);
  }
  return score;
}

bool OutputScorer::cannotBeat(const EvaluatedOutputs &partial,
                              const AllocationScore &best) const {
  if (partial.width != reference.width || partial.samples > reference.samples)
    return false;
  // Each sample's divergence is nonnegative up to rounding: a margin keeps
  // a candidate that would tie or win.
  double samples = static_cast<double>(reference.samples);
  double bound = best.divergence * samples * (1 + 1e-9) + 1e-12 * samples;
  return divergenceSum(partial, partial.samples) > bound;
}

bool OutputScorer::cannotAgree(const EvaluatedOutputs &partial,
                               double minAgreement) const {
  if (minAgreement <= 0 || partial.width != reference.width ||
      partial.samples > reference.samples)
    return false;
  int64_t disagree = 0;
  for (int64_t row = 0; row < partial.samples; ++row)
    disagree += predictClass(partial.values.data() + row * partial.width,
                             partial.width, 0.0) != referenceClasses[row];
  // The most disagreements a run reaching minAgreement may have (a margin
  // keeps a candidate exactly at the bound).
  double allowed =
      (1 - minAgreement) * static_cast<double>(reference.samples) + 1e-9;
  return static_cast<double>(disagree) > allowed;
}

//===----------------------------------------------------------------------===//
// Measurement
//===----------------------------------------------------------------------===//

/// Runs the passes `build` adds on a candidate program, without verifying
/// the IR after each pass: the op verifier of a lookup reads its whole
/// table, and the search builds hundreds of candidates. The callers verify
/// a candidate once its passes have run, and one that fails verification
/// is not measured.
static LogicalResult runOnCandidate(ModuleOp program,
                                    function_ref<void(PassManager &)> build) {
  PassManager pm(program.getContext());
  pm.enableVerifier(false);
  build(pm);
  return pm.run(program);
}

/// Whether `module` multiplies two tensors elementwise (a qfhe.mul of two
/// encrypted values once quantized).
static bool hasProductOfTwoTensors(ModuleOp module) {
  WalkResult found = module.walk([](linalg::GenericOp generic) {
    std::optional<BinaryGeneric> binary = matchBinary(generic);
    return binary && binary->kind == BinaryKind::Mul ? WalkResult::interrupt()
                                                     : WalkResult::advance();
  });
  return found.wasInterrupted();
}

FailureOr<std::unique_ptr<AllocationScorer>> AllocationScorer::create(
    ModuleOp module, std::shared_ptr<ProgramEvaluator> evaluator,
    unsigned maxBitWidth, unsigned tluBitWidth, QuantizedWeightCache &cache,
    const RangeSolver &solver, bool fitTables) {
  std::unique_ptr<AllocationScorer> scorer(new AllocationScorer());
  scorer->module = module;
  scorer->evaluator = std::move(evaluator);
  scorer->cache = &cache;
  scorer->solver = &solver;
  scorer->maxBitWidth = maxBitWidth;
  scorer->tluBitWidth = tluBitWidth;
  scorer->fitTables = fitTables;
  // Candidates are measured as integer programs where the lowering changes
  // what they compute: rounding before lookups narrower than the cap, and
  // the quarter squares of a product of two tensors, which drop low bits to
  // fit a lookup; and the lookups narrowed for their tables to fit.
  scorer->lowerCandidates =
      tluBitWidth < maxBitWidth || fitTables || hasProductOfTwoTensors(module);
  // The entry: the one public function with a body.
  SmallVector<func::FuncOp> entries;
  for (auto function : module.getOps<func::FuncOp>())
    if (!function.isExternal() && function.isPublic())
      entries.push_back(function);
  if (entries.size() != 1)
    return emitError(module.getLoc())
           << "qfhe-allocate-bits: the measured search needs one public "
              "function with a body, found "
           << entries.size();
  scorer->entry = entries.front().getSymName().str();
  std::string warning = scorer->evaluator->getSampleWarning();
  if (!warning.empty())
    emitWarning(module.getLoc()) << "qfhe-allocate-bits: " << warning;
  llvm::Expected<EvaluatedOutputs> reference =
      scorer->evaluator->runOnce(module, scorer->entry);
  if (!reference)
    return emitError(module.getLoc())
           << "qfhe-allocate-bits: cannot run the float program on the "
              "calibration data: "
           << llvm::toString(reference.takeError());
  scorer->scorer = std::make_unique<OutputScorer>(std::move(*reference));
  return scorer;
}

OwningOpRef<ModuleOp> AllocationScorer::buildProgram() {
  IRMapping mapping;
  OwningOpRef<ModuleOp> candidate(cast<ModuleOp>(module->clone(mapping)));
  // The ranges of the module's values stand for those of their copies.
  DenseMap<Value, Value> originals;
  for (auto [from, to] : mapping.getValueMap())
    originals[to] = from;
  const RangeSolver &ranges = *solver;
  SoundRangeFn soundRange = [&](Value value) {
    auto it = originals.find(value);
    return ranges.getRange(it == originals.end() ? value : it->second);
  };
  QuantizeOptions options;
  options.biasCorrection = biasCorrection;
  if (failed(quantizeModule(*candidate, options, soundRange, cache)))
    return nullptr;
  // As the pipeline does: chains of lookups fused into one.
  if (failed(runOnCandidate(
          *candidate,
          [](PassManager &pm) { pm.addPass(createFuseUnivariate()); })) ||
      (lowerCandidates && failed(lowerToIntegers(*candidate))) ||
      failed(verify(*candidate)))
    return nullptr;
  return candidate;
}

LogicalResult AllocationScorer::lowerToIntegers(ModuleOp program) {
  LowerToIntegerOptions lowering;
  lowering.tluBitWidth = tluBitWidth;
  lowering.fitTables = fitTables;
  return runOnCandidate(program, [&](PassManager &pm) {
    pm.addPass(createLowerToInteger(lowering));
  });
}

std::optional<double> AllocationScorer::measureCostOf(ModuleOp program) {
  OwningOpRef<ModuleOp> lowered;
  if (!lowerCandidates) {
    lowered = cast<ModuleOp>(program->clone());
    if (failed(lowerToIntegers(*lowered)))
      return std::nullopt;
    program = *lowered;
  }
  // The verifier reads the program as the pipeline hands it over.
  if (failed(runOnCandidate(
          program,
          [](PassManager &pm) { pm.addPass(createCanonicalizerPass()); })) ||
      failed(verify(program)))
    return std::nullopt;
  VerifyOptions options;
  options.maxBitWidth = maxBitWidth;
  options.tluBitWidth = tluBitWidth;
  options.emitDiagnostics = false;
  return verifyBitWidth(program, options).getEstimatedCost();
}

std::optional<AllocationScore>
AllocationScorer::score(const ScoreBound &bound) {
  ++evaluations;
  std::optional<double> cost;
  OwningOpRef<ModuleOp> program;
  {
    // Candidates that fail say why through diagnostics the user need not
    // see; only those of this thread (other passes may run on others).
    std::thread::id thread = std::this_thread::get_id();
    ScopedDiagnosticHandler silence(
        module.getContext(), [thread](Diagnostic &) {
          return success(std::this_thread::get_id() == thread);
        });
    program = buildProgram();
    if (program && measureCost)
      cost = measureCostOf(*program);
  }
  if (!program)
    return std::nullopt;
  // The cost is known before the run.
  if (bound.costBelow && !(cost && *cost < *bound.costBelow))
    return std::nullopt;
  auto keepGoing = [&](const EvaluatedOutputs &partial) {
    return !(bound.best && scorer->cannotBeat(partial, *bound.best)) &&
           !scorer->cannotAgree(partial, bound.minAgreement);
  };
  llvm::Expected<EvaluatedOutputs> outputs =
      evaluator->run(*program, entry, keepGoing);
  if (!outputs) {
    llvm::consumeError(outputs.takeError());
    return std::nullopt;
  }
  // A run stopped early cannot win.
  if (outputs->samples < scorer->getNumSamples())
    return std::nullopt;
  AllocationScore result = scorer->score(*outputs);
  result.cost = cost;
  return result;
}

//===----------------------------------------------------------------------===//
// Candidates
//===----------------------------------------------------------------------===//

/// The clipped input ranges the search tries, as fractions of the
/// calibrated range: outliers saturate, the rest gets a finer step.
static constexpr double kClips[] = {0.85, 0.7, 0.55, 0.4};

SmallVector<int64_t> mlir::qfhe::getLevelCandidates(unsigned inputBits) {
  int64_t all = int64_t(1) << inputBits;
  if (inputBits < 2)
    return {all};
  return {all, 3 * all / 4};
}

SmallVector<CandidateStep>
mlir::qfhe::getCandidateSteps(const SearchLayer &layer,
                              const AllocationBuilder &builder,
                              unsigned maxBitWidth, unsigned maxInputBits,
                              bool narrowLevels, bool gramRounding) {
  SmallVector<CandidateStep> steps;
  // Pools and sums keep their bits; their input range may shrink (max
  // pooling passes it on to its users, which decide).
  if (!layer.weighted) {
    if (!layer.isMax)
      steps.push_back([&builder](AllocationAttr chosen) {
        SmallVector<AllocationAttr> candidates;
        for (double clip : kClips)
          candidates.push_back(builder.pool(chosen.getInputBits(), clip));
        return candidates;
      });
    return steps;
  }
  // Input bits within two of the current choice; weighted or nearest
  // rounding in one part, weighted in more.
  SmallVector<int64_t> chunkCounts = layer.chunkCounts;
  SmallVector<int64_t> gramPartTerms;
  if (gramRounding)
    gramPartTerms = layer.gramPartTerms;
  steps.push_back([&builder, chunkCounts, gramPartTerms, maxInputBits,
                   narrowLevels](AllocationAttr chosen) {
    unsigned current = chosen.getInputBits();
    unsigned low = current > 2 ? current - 2 : 1;
    unsigned high = std::min<unsigned>({current + 2, maxInputBits});
    // (chunks, rounding, weights of a part; 0 where any budget will do).
    SmallVector<std::tuple<int64_t, WeightRounding, int64_t>> shapes{
        {1, WeightRounding::weighted, 0}, {1, WeightRounding::nearest, 0}};
    for (int64_t chunks : chunkCounts)
      if (chunks > 1)
        shapes.push_back({chunks, WeightRounding::weighted, 0});
    for (auto [chunks, terms] : llvm::zip(chunkCounts, gramPartTerms))
      shapes.push_back({chunks, WeightRounding::gram, terms});
    double clip = chosen.getInputClip();
    bool corrected = chosen.allowsBiasCorrection();
    SmallVector<AllocationAttr> candidates;
    for (unsigned n = low; n <= high; ++n)
      for (int64_t levels : narrowLevels
                                ? getLevelCandidates(n)
                                : SmallVector<int64_t>{int64_t(1) << n})
        for (auto [chunks, rounding, terms] : shapes) {
          int64_t budget = builder.getBudget(n, chunks, levels);
          // Gram rounding is weighted rounding where the budget allows a
          // unit per weight: not a candidate of its own there.
          if (budget >= 1 && (!terms || budget < terms))
            candidates.push_back(
                builder.weighted(n, rounding, chunks, clip, levels)
                    .withBiasCorrection(corrected));
        }
    return candidates;
  });
  // Then the input range: clipping its outliers gives the values that
  // matter a finer step.
  steps.push_back([&builder](AllocationAttr chosen) {
    SmallVector<AllocationAttr> candidates;
    for (double clip : kClips)
      candidates.push_back(
          builder
              .weighted(chosen.getInputBits(),
                        chosen.getRounding().value_or(WeightRounding::nearest),
                        chosen.getChunks(), clip, chosen.getLevels())
              .withBiasCorrection(chosen.allowsBiasCorrection()));
    return candidates;
  });
  return steps;
}

//===----------------------------------------------------------------------===//
// The search
//===----------------------------------------------------------------------===//

namespace {

AllocationAttr allocationOf(Operation *op) {
  return op->getAttrOfType<AllocationAttr>(kAllocationAttr);
}

/// Costs are sums of the same terms in program order; a relative margin
/// keeps two equal ones equal.
constexpr double kCostMargin = 1e-9;

/// The cheapest allocation within the tolerance replaces the most faithful
/// one only when it saves a third of the cost or more: a fidelity loss,
/// however small, is not worth a smaller saving (docs/pipeline.md).
constexpr double kClearSaving = 1.5;

/// The most a cheaper allocation's agreement with the float program may
/// fall below the most faithful one's (a fraction of the samples).
constexpr double kCheaperAgreementDrop = 0.005;

/// Whether `candidate` costs less than `current` (a candidate of unknown
/// cost does not).
bool isCheaper(const AllocationScore &candidate,
               const AllocationScore &current) {
  return candidate.cost &&
         (!current.cost || *candidate.cost < *current.cost * (1 - kCostMargin));
}

/// The order of the fidelity descent: under a cost budget, a candidate
/// within it beats one over it, and of two over it the cheaper wins;
/// otherwise the more faithful wins.
class FidelityOrder {
public:
  explicit FidelityOrder(std::optional<double> maxCost) : maxCost(maxCost) {}

  bool fits(const AllocationScore &score) const {
    return !maxCost ||
           (score.cost && *score.cost <= *maxCost * (1 + kCostMargin));
  }

  /// Whether `candidate` is to be kept in place of `best`.
  bool prefers(const AllocationScore &candidate,
               const std::optional<AllocationScore> &best) const {
    if (!best)
      return true;
    if (fits(candidate) != fits(*best))
      return fits(candidate);
    if (!fits(candidate))
      return isCheaper(candidate, *best);
    return candidate.isBetterThan(*best);
  }

  /// What a candidate must reach to be kept in place of `best`.
  ScoreBound boundFor(const std::optional<AllocationScore> &best) const {
    ScoreBound bound;
    if (!best)
      return bound;
    if (fits(*best)) {
      bound.best = &*best;
      if (maxCost)
        bound.costBelow = *maxCost * (1 + kCostMargin);
    } else {
      bound.costBelow = *best->cost * (1 - kCostMargin);
    }
    return bound;
  }

private:
  std::optional<double> maxCost;
};

/// Measures the uniform baseline in place of the estimate; keeps whichever
/// `order` prefers. Returns whether the baseline was kept.
bool tryUniform(ModuleOp module, ArrayRef<SearchLayer> layers,
                const AllocationBuilder &builder, unsigned bits,
                AllocationScorer &scorer, const FidelityOrder &order,
                std::optional<AllocationScore> &best) {
  SmallVector<AllocationAttr> estimated;
  for (const SearchLayer &layer : layers)
    estimated.push_back(allocationOf(layer.op));
  Attribute estimatedDefault = module->getAttr(kDefaultBitsAttr);
  // The baseline's decrypted outputs take the cap, as the estimate's do
  // (qfhe.output_bits stays).
  for (const SearchLayer &layer : layers)
    layer.op->setAttr(kAllocationAttr, builder.uniform(bits));
  module->setAttr(
      kDefaultBitsAttr,
      IntegerAttr::get(IntegerType::get(module.getContext(), 64), bits));
  std::optional<AllocationScore> uniform = scorer.score();
  if (uniform && order.prefers(*uniform, best)) {
    best = uniform;
    return true;
  }
  for (auto [layer, allocation] : llvm::zip(layers, estimated))
    layer.op->setAttr(kAllocationAttr, allocation);
  module->setAttr(kDefaultBitsAttr, estimatedDefault);
  return false;
}

/// Allows or forbids the bias correction of every weighted layer.
void setBiasCorrection(ArrayRef<SearchLayer> layers, bool allowed) {
  for (const SearchLayer &layer : layers)
    if (layer.weighted)
      layer.op->setAttr(kAllocationAttr,
                        allocationOf(layer.op).withBiasCorrection(allowed));
}

/// Chooses the bias correction of every weighted layer at once: measures
/// the current allocation with and without it and keeps it only when it is
/// clearly more faithful (keepsBiasCorrection); `best` becomes the score of
/// the choice. Costs are equal either way (the same operations).
void chooseBiasCorrection(ArrayRef<SearchLayer> layers,
                          AllocationScorer &scorer,
                          std::optional<AllocationScore> &best) {
  setBiasCorrection(layers, true);
  std::optional<AllocationScore> corrected = scorer.score();
  setBiasCorrection(layers, false);
  std::optional<AllocationScore> plain = scorer.score();
  if (keepsBiasCorrection(corrected, plain)) {
    setBiasCorrection(layers, true);
    best = corrected;
    return;
  }
  if (plain)
    best = plain;
}

/// The most sweeps a descent makes: each is a round of every layer's
/// candidates; a descent usually falls quiet after two or three.
constexpr int kMaxSweeps = 6;

/// Configurations (every layer's allocation) a descent measured and did
/// not keep. The order a descent keeps by is transitive and its best only
/// improves, so a configuration it rejected once it rejects again: it is
/// not measured twice.
class RejectedConfigurations {
public:
  /// The configuration of `layers` now.
  static std::vector<const void *> of(ArrayRef<SearchLayer> layers) {
    std::vector<const void *> key;
    for (const SearchLayer &layer : layers)
      key.push_back(allocationOf(layer.op).getAsOpaquePointer());
    return key;
  }
  bool contains(const std::vector<const void *> &key) const {
    return rejected.count(key) != 0;
  }
  void insert(std::vector<const void *> key) {
    rejected.insert(std::move(key));
  }

private:
  std::set<std::vector<const void *>> rejected;
};

/// Coordinate descent over the layers' candidates: each layer keeps the
/// candidate `keep` accepts in place of the current best, measured under
/// the bound `boundFor` gives. Sweeps until every layer has been visited
/// once since the last change with nothing kept (kMaxSweeps at most), or
/// `done` holds. A configuration in `rejected` is not measured again; those
/// it measures and does not keep are added.
class Descent {
public:
  Descent(ArrayRef<SearchLayer> layers,
          ArrayRef<SmallVector<CandidateStep>> steps, AllocationScorer &scorer,
          ProgressLine &progress)
      : layers(layers), steps(steps), scorer(scorer), progress(progress) {}

  /// Runs the descent; returns whether it fell quiet (every layer visited
  /// once since the last change, nothing kept) before the sweep limit or
  /// `done`.
  bool
  run(std::optional<AllocationScore> &best,
      function_ref<ScoreBound(const std::optional<AllocationScore> &)> boundFor,
      function_ref<bool(const AllocationScore &,
                        const std::optional<AllocationScore> &)>
          keep,
      function_ref<bool(const std::optional<AllocationScore> &)> done,
      RejectedConfigurations &rejected) {
    // Layer visits since the last one that kept a candidate.
    size_t quietVisits = 0;
    for (int sweep = 0; sweep < kMaxSweeps && !done(best); ++sweep) {
      ++sweeps;
      // About as many candidates as the layers propose now.
      for (auto [layer, layerSteps] : llvm::zip(layers, steps))
        for (const CandidateStep &step : layerSteps)
          planned += step(allocationOf(layer.op)).size();
      for (auto [layer, layerSteps] : llvm::zip(layers, steps)) {
        // Every layer was visited, with nothing kept, in the allocation
        // there is now: a visit would measure the same candidates again.
        if (quietVisits >= layers.size())
          break;
        AllocationAttr chosen = allocationOf(layer.op);
        bool kept = false;
        for (const CandidateStep &step : layerSteps) {
          for (AllocationAttr candidate : step(chosen)) {
            if (candidate == chosen)
              continue;
            layer.op->setAttr(kAllocationAttr, candidate);
            std::vector<const void *> configuration =
                RejectedConfigurations::of(layers);
            if (rejected.contains(configuration)) {
              ++repeatsSkipped;
              continue;
            }
            std::optional<AllocationScore> score = scorer.score(boundFor(best));
            measured();
            if (score && keep(*score, best)) {
              best = score;
              chosen = candidate;
              kept = true;
            } else {
              rejected.insert(std::move(configuration));
            }
          }
        }
        layer.op->setAttr(kAllocationAttr, chosen);
        quietVisits = kept ? 0 : quietVisits + 1;
      }
      if (quietVisits >= layers.size())
        return true;
    }
    return false;
  }

  /// Sweeps begun so far (a last one may have stopped early, quiet).
  int getSweeps() const { return sweeps; }
  /// Candidates not measured because their configuration was rejected.
  int64_t getRepeatsSkipped() const { return repeatsSkipped; }

  /// Reports the candidates measured so far.
  void measured() {
    progress.update(scorer.getEvaluations(),
                    std::max<int64_t>(planned, scorer.getEvaluations()));
  }

private:
  ArrayRef<SearchLayer> layers;
  ArrayRef<SmallVector<CandidateStep>> steps;
  AllocationScorer &scorer;
  ProgressLine &progress;
  int64_t planned = 0;
  int sweeps = 0;
  int64_t repeatsSkipped = 0;
};

} // namespace

SearchResult mlir::qfhe::searchAllocations(ModuleOp module,
                                           ArrayRef<SearchLayer> layers,
                                           const AllocationBuilder &builder,
                                           const SearchOptions &options,
                                           AllocationScorer &scorer) {
  SearchResult result;
  // The descent over whole-bit inputs and importance-weighted rounding
  // first, then (with narrowLevels, or layers that may round against their
  // Gram matrix) over every candidate, narrowed input levels and Gram
  // rounding too, from its result: the finer candidates can only improve
  // on what the coarser search finds, never lead it elsewhere.
  SmallVector<SmallVector<CandidateStep>> steps, finerSteps;
  bool refines = options.narrowLevels;
  for (const SearchLayer &layer : layers) {
    steps.push_back(getCandidateSteps(layer, builder, options.maxBitWidth,
                                      options.maxInputBits,
                                      /*narrowLevels=*/false,
                                      /*gramRounding=*/false));
    finerSteps.push_back(getCandidateSteps(layer, builder, options.maxBitWidth,
                                           options.maxInputBits,
                                           options.narrowLevels,
                                           /*gramRounding=*/true));
    refines |= !layer.gramPartTerms.empty();
  }
  ProgressLine progress("qfhe-allocate-bits", "candidates measured");
  Descent descent(layers, steps, scorer, progress);
  Descent finer(layers, finerSteps, scorer, progress);
  FidelityOrder order(options.maxCost);
  // Costs are needed during the fidelity descent only under a budget.
  scorer.setMeasureCost(options.maxCost.has_value());
  std::optional<AllocationScore> &best = result.best;
  best = scorer.score();
  descent.measured();
  if (options.uniformBits) {
    result.uniformIsBest = tryUniform(
        module, layers, builder, *options.uniformBits, scorer, order, best);
    descent.measured();
  }
  // Bias correction on or off for the descent, and again after it.
  if (options.biasCorrection && !result.uniformIsBest) {
    chooseBiasCorrection(layers, scorer, best);
    descent.measured();
  }
  // The most faithful allocation (within the budget). An estimate that
  // already matches the float program is kept.
  auto fidelityBound = [&](const std::optional<AllocationScore> &current) {
    return order.boundFor(current);
  };
  auto moreFaithful = [&](const AllocationScore &candidate,
                          const std::optional<AllocationScore> &current) {
    return order.prefers(candidate, current);
  };
  auto nearlyExact = [&](const std::optional<AllocationScore> &current) {
    return current && order.fits(*current) && current->isNearlyExact();
  };
  // The two fidelity descents keep by the same order: what the first
  // rejected, the second need not measure again.
  RejectedConfigurations lessFaithful;
  result.quiet =
      descent.run(best, fidelityBound, moreFaithful, nearlyExact, lessFaithful);
  if (refines)
    result.quiet &=
        finer.run(best, fidelityBound, moreFaithful, nearlyExact, lessFaithful);
  result.sweeps = descent.getSweeps() + finer.getSweeps();
  // Then the cheapest allocation whose fidelity stays within the tolerance
  // of the most faithful one's (a fixed reference: the losses of several
  // layers' changes add up to the tolerance at most).
  if (options.costTolerance && best && !best->cost) {
    // The descent did not need costs: measure the most faithful's.
    scorer.setMeasureCost(true);
    best = scorer.score();
  }
  if (options.biasCorrection && !result.uniformIsBest) {
    chooseBiasCorrection(layers, scorer, best);
    descent.measured();
  }
  result.mostFaithful = best;
  if (options.costTolerance && best && best->cost) {
    SmallVector<AllocationAttr> mostFaithful;
    for (const SearchLayer &layer : layers)
      mostFaithful.push_back(allocationOf(layer.op));
    double minAgreement = best->agreement - kCheaperAgreementDrop;
    AllocationScore limit;
    limit.divergence = best->divergence * (1 + *options.costTolerance);
    RejectedConfigurations notCheaper;
    finer.run(
        best,
        [&](const std::optional<AllocationScore> &current) {
          ScoreBound bound;
          bound.best = &limit;
          bound.minAgreement = minAgreement;
          bound.costBelow = *current->cost * (1 - kCostMargin);
          return bound;
        },
        [&](const AllocationScore &candidate,
            const std::optional<AllocationScore> &current) {
          return isCheaper(candidate, *current) &&
                 candidate.agreement >= minAgreement - 1e-12 &&
                 candidate.divergence <= limit.divergence;
        },
        [](const std::optional<AllocationScore> &) { return false; },
        notCheaper);
    if (*best->cost * kClearSaving > *result.mostFaithful->cost) {
      for (auto [layer, allocation] : llvm::zip(layers, mostFaithful))
        layer.op->setAttr(kAllocationAttr, allocation);
      best = result.mostFaithful;
    }
  }
  result.repeatsSkipped =
      descent.getRepeatsSkipped() + finer.getRepeatsSkipped();
  progress.finish();
  return result;
}
