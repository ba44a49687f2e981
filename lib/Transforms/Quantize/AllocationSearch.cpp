//===- AllocationSearch.cpp - measure allocations on calibration data -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "AllocationSearch.h"
#include "QuantizationPlan.h"

#include "qfhe/Support/ClassMetrics.h"
#include "qfhe/Support/Progress.h"
#include "qfhe/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"

#include <cmath>
#include <limits>
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
    double divergence = divergenceSum(outputs, outputs.samples);
    score.divergence = std::isfinite(divergence)
                           ? divergence / reference.samples
                           : std::numeric_limits<double>::infinity();
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

//===----------------------------------------------------------------------===//
// Measurement
//===----------------------------------------------------------------------===//

FailureOr<std::unique_ptr<AllocationScorer>> AllocationScorer::create(
    ModuleOp module, std::shared_ptr<ProgramEvaluator> evaluator,
    unsigned maxBitWidth, unsigned tluBitWidth, QuantizedWeightCache &cache,
    const RangeSolver &solver) {
  std::unique_ptr<AllocationScorer> scorer(new AllocationScorer());
  scorer->module = module;
  scorer->evaluator = std::move(evaluator);
  scorer->cache = &cache;
  scorer->solver = &solver;
  scorer->tluBitWidth = tluBitWidth;
  scorer->lowerCandidates = tluBitWidth < maxBitWidth;
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
  // Candidates that fail say why through diagnostics the user need not
  // see; only those of this thread (other passes may run on others).
  std::thread::id thread = std::this_thread::get_id();
  ScopedDiagnosticHandler silence(module.getContext(), [thread](Diagnostic &) {
    return success(std::this_thread::get_id() == thread);
  });
  if (failed(quantizeModule(*candidate, QuantizeOptions(), soundRange, cache)))
    return nullptr;
  if (lowerCandidates) {
    PassManager pm(module.getContext());
    LowerToIntegerOptions lowering;
    lowering.tluBitWidth = tluBitWidth;
    pm.addPass(createLowerToInteger(lowering));
    if (failed(pm.run(*candidate)))
      return nullptr;
  }
  return candidate;
}

std::optional<AllocationScore>
AllocationScorer::score(const AllocationScore *best) {
  ++evaluations;
  OwningOpRef<ModuleOp> program = buildProgram();
  if (!program)
    return std::nullopt;
  auto keepGoing = [&](const EvaluatedOutputs &partial) {
    return !best || !scorer->cannotBeat(partial, *best);
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
  return scorer->score(*outputs);
}

//===----------------------------------------------------------------------===//
// Candidates
//===----------------------------------------------------------------------===//

/// The clipped input ranges the search tries, as fractions of the
/// calibrated range: outliers saturate, the rest gets a finer step.
static constexpr double kClips[] = {0.85, 0.7, 0.55, 0.4};

SmallVector<CandidateStep>
mlir::qfhe::getCandidateSteps(const SearchLayer &layer,
                              const AllocationBuilder &builder,
                              unsigned maxBitWidth, unsigned maxInputBits) {
  SmallVector<CandidateStep> steps;
  // Pools and sums keep their bits; their input range may shrink (max
  // pooling passes it on to its users, which decide).
  if (!layer.weighted) {
    if (!layer.isMax)
      steps.push_back([&builder](DictionaryAttr chosen) {
        SmallVector<DictionaryAttr> candidates;
        for (double clip : kClips)
          candidates.push_back(
              builder.pool(getAllocatedInputBits(chosen), clip));
        return candidates;
      });
    return steps;
  }
  // Input bits within two of the current choice; weighted or nearest
  // rounding in one part, weighted in more.
  SmallVector<int64_t> chunkCounts = layer.chunkCounts;
  steps.push_back([&builder, chunkCounts, maxBitWidth,
                   maxInputBits](DictionaryAttr chosen) {
    unsigned current = getAllocatedInputBits(chosen);
    unsigned low = current > 2 ? current - 2 : 1;
    unsigned high = std::min<unsigned>({current + 2, maxInputBits});
    SmallVector<std::pair<int64_t, bool>> shapes{{1, true}, {1, false}};
    for (int64_t chunks : chunkCounts)
      if (chunks > 1)
        shapes.push_back({chunks, true});
    double clip = getAllocatedInputClip(chosen);
    SmallVector<DictionaryAttr> candidates;
    for (unsigned n = low; n <= high; ++n)
      for (auto [chunks, weighted] : shapes)
        if (getPartBudget(maxBitWidth, n, chunks) >= 1)
          candidates.push_back(builder.weighted(n, weighted, chunks, clip));
    return candidates;
  });
  // Then the input range: clipping its outliers gives the values that
  // matter a finer step.
  steps.push_back([&builder](DictionaryAttr chosen) {
    SmallVector<DictionaryAttr> candidates;
    for (double clip : kClips)
      candidates.push_back(builder.weighted(getAllocatedInputBits(chosen),
                                            hasWeightedRounding(chosen),
                                            getAllocatedChunks(chosen), clip));
    return candidates;
  });
  return steps;
}

//===----------------------------------------------------------------------===//
// The search
//===----------------------------------------------------------------------===//

namespace {

DictionaryAttr allocationOf(Operation *op) {
  return op->getAttrOfType<DictionaryAttr>(kAllocationAttr);
}

/// Measures the uniform baseline in place of the estimate; keeps whichever
/// scores better. Returns whether the baseline did.
bool tryUniform(ModuleOp module, ArrayRef<SearchLayer> layers,
                const AllocationBuilder &builder, unsigned bits,
                AllocationScorer &scorer,
                std::optional<AllocationScore> &best) {
  SmallVector<DictionaryAttr> estimated;
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
  std::optional<AllocationScore> uniform = scorer.score(nullptr);
  if (uniform && (!best || uniform->isBetterThan(*best))) {
    best = uniform;
    return true;
  }
  for (auto [layer, allocation] : llvm::zip(layers, estimated))
    layer.op->setAttr(kAllocationAttr, allocation);
  module->setAttr(kDefaultBitsAttr, estimatedDefault);
  return false;
}

} // namespace

SearchResult mlir::qfhe::searchAllocations(ModuleOp module,
                                           ArrayRef<SearchLayer> layers,
                                           const AllocationBuilder &builder,
                                           const SearchOptions &options,
                                           AllocationScorer &scorer) {
  SearchResult result;
  SmallVector<SmallVector<CandidateStep>> steps;
  for (const SearchLayer &layer : layers)
    steps.push_back(getCandidateSteps(layer, builder, options.maxBitWidth,
                                      options.maxInputBits));
  ProgressLine progress("qfhe-allocate-bits", "candidates measured");
  int64_t planned = 0;
  auto measured = [&] {
    progress.update(scorer.getEvaluations(),
                    std::max<int64_t>(planned, scorer.getEvaluations()));
  };
  result.best = scorer.score(nullptr);
  measured();
  if (options.uniformBits) {
    result.uniformIsBest = tryUniform(
        module, layers, builder, *options.uniformBits, scorer, result.best);
    measured();
  }
  // An estimate that already matches the float program is kept.
  for (int sweep = 0;
       sweep < 2 && !(result.best && result.best->isNearlyExact()); ++sweep) {
    // About as many candidates as the layers propose now.
    for (auto [layer, layerSteps] : llvm::zip(layers, steps))
      for (const CandidateStep &step : layerSteps)
        planned += step(allocationOf(layer.op)).size();
    bool improved = false;
    for (auto [layer, layerSteps] : llvm::zip(layers, steps)) {
      DictionaryAttr chosen = allocationOf(layer.op);
      for (const CandidateStep &step : layerSteps) {
        for (DictionaryAttr candidate : step(chosen)) {
          if (candidate == chosen)
            continue;
          layer.op->setAttr(kAllocationAttr, candidate);
          std::optional<AllocationScore> score =
              scorer.score(result.best ? &*result.best : nullptr);
          measured();
          if (score && (!result.best || score->isBetterThan(*result.best))) {
            result.best = score;
            chosen = candidate;
            improved = true;
          }
        }
      }
      layer.op->setAttr(kAllocationAttr, chosen);
    }
    if (!improved)
      break;
  }
  progress.finish();
  return result;
}
