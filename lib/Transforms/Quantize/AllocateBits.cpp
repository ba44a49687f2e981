//===- AllocateBits.cpp - the qfhe-allocate-bits pass ---------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Per linear layer, the bits of its input and the l1 budget of its weights
// that make its accumulator fit the cap with the least estimated error, or
// the uniform baseline. See Passes.td for the model.
//
//===----------------------------------------------------------------------===//

#include "Allocation.h"
#include "AllocationSearch.h"
#include "Classify.h"
#include "QuantizationPlan.h"
#include "WeightCache.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Threading.h"
#include "qfhe/Analysis/ConstantValues.h"
#include "qfhe/Analysis/ModuleRanges.h"
#include "qfhe/Support/ChannelLayout.h"
#include "qfhe/Support/NumberFormat.h"
#include "qfhe/Support/OptionRanges.h"
#include "qfhe/Support/QuantMath.h"
#include "qfhe/Transforms/CheckedOptions.h"
#include "qfhe/Transforms/Passes.h"
#include "qfhe/Transforms/ProgramEvaluator.h"

#include <cmath>
#include <limits>

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_ALLOCATEBITS
#include "qfhe/Transforms/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// A linear op of the float program.
struct LinearLayer {
  Operation *op;
  /// The float input (padding looked through).
  Value data;
  /// Weights per output channel (empty for pools and sums).
  std::vector<std::vector<double>> channels;
  /// For pools and sums: how many inputs each output adds.
  int64_t terms = 0;
  bool isMax = false;
  /// Weights per input channel of each output channel's weights (the
  /// elements of channels[j] are grouped by input channel) and the axis of
  /// the data holding those channels; none when not known.
  int64_t weightsPerInputChannel = 0;
  std::optional<int64_t> dataChannelAxis;
  /// The constant weights (none for pools and sums), uniqued: the key of
  /// their quantizations.
  Value weightsValue;
  DenseFPElementsAttr weights;

  /// The most parts its dot products can be split into (qfhe.matmul and
  /// qfhe.conv2d `chunks`: terms of a 2-D matmul, input channels of a
  /// convolution), 1 when they cannot.
  int64_t getMaxChunks() const {
    if (channels.empty() || !weightsPerInputChannel)
      return 1;
    return static_cast<int64_t>(channels.front().size()) /
           weightsPerInputChannel;
  }
  /// The weights of one channel in each part of `chunks` (0: one part).
  size_t getSegmentSize(int64_t chunks) const {
    if (chunks <= 1)
      return 0;
    auto parts = getChunkParts(getMaxChunks(), chunks);
    return static_cast<size_t>((parts.front().second - parts.front().first) *
                               weightsPerInputChannel);
  }
};

/// The unpadded input of an NCHW op.
Value unpadded(Value value) {
  if (auto pad = value.getDefiningOp<tensor::PadOp>())
    if (isFoldedPadding(pad))
      return pad.getSource();
  return value;
}

/// Splits constant weights into output channels: `channelDim` indexes them.
std::vector<std::vector<double>> splitChannels(DenseFPElementsAttr weights,
                                               int64_t channelDim) {
  auto type = cast<ShapedType>(weights.getType());
  int64_t channels = type.getDimSize(channelDim);
  SmallVector<double> values = getElementsAsDoubles(weights);
  std::vector<std::vector<double>> result(channels);
  for (std::vector<double> &channel : result)
    channel.reserve(values.size() / std::max<int64_t>(channels, 1));
  ChannelCursor cursor(ChannelLayout::along(type.getShape(), channelDim));
  for (double value : values) {
    result[cursor.channel()].push_back(value);
    cursor.next();
  }
  return result;
}

std::optional<LinearLayer> matchLinearLayer(Operation *op) {
  DenseFPElementsAttr weights;
  LinearLayer layer{op, Value(), {}, 0, false, 0, std::nullopt, Value(), {}};
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op)) {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    if (!matchPattern(linalgOp.getDpsInputs()[1], m_Constant(&weights)))
      return std::nullopt;
    layer.weightsValue = linalgOp.getDpsInputs()[1];
    layer.weights = weights;
    layer.data = linalgOp.getDpsInputs()[0];
    layer.channels = splitChannels(
        weights, cast<ShapedType>(weights.getType()).getRank() - 1);
    if (cast<ShapedType>(layer.data.getType()).getRank() == 2) {
      layer.weightsPerInputChannel = 1;
      layer.dataChannelAxis = 1;
    }
    return layer;
  }
  if (isa<linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp>(op)) {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    if (!matchPattern(linalgOp.getDpsInputs()[1], m_Constant(&weights)))
      return std::nullopt;
    layer.weightsValue = linalgOp.getDpsInputs()[1];
    layer.weights = weights;
    layer.data = unpadded(linalgOp.getDpsInputs()[0]);
    layer.channels = splitChannels(weights, 0);
    auto shape = cast<ShapedType>(weights.getType()).getShape();
    if (isa<linalg::Conv2DNchwFchwOp>(op)) {
      layer.weightsPerInputChannel = shape[2] * shape[3];
      layer.dataChannelAxis = 1;
    }
    return layer;
  }
  if (isa<linalg::PoolingNchwSumOp, linalg::PoolingNchwMaxOp>(op)) {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    layer.data = unpadded(linalgOp.getDpsInputs()[0]);
    layer.terms =
        cast<ShapedType>(linalgOp.getDpsInputs()[1].getType()).getNumElements();
    layer.isMax = isa<linalg::PoolingNchwMaxOp>(op);
    return layer;
  }
  if (auto generic = dyn_cast<linalg::GenericOp>(op))
    if (std::optional<SumReduction> sum = matchSumReduction(generic)) {
      auto type = cast<ShapedType>(sum->input.getType());
      layer.data = sum->input;
      layer.terms = 1;
      for (int64_t dim : sum->dimensions) {
        if (type.isDynamicDim(dim))
          return std::nullopt;
        layer.terms *= type.getDimSize(dim);
      }
      return layer;
    }
  return std::nullopt;
}

/// The record of what the search found: the chosen allocation's score and,
/// when it has a cost, that cost and the most faithful one's score and
/// cost. Null, with an error at `loc`, when a score is not a valid entry (a
/// divergence that is not finite, say).
SearchSummaryAttr
getSearchSummary(Location loc, int64_t candidates, int64_t samples,
                 const AllocationScore &chosen,
                 const std::optional<AllocationScore> &mostFaithful,
                 bool uniformIsBest) {
  Builder b(loc.getContext());
  FloatAttr cost, faithfulAgreement, faithfulDivergence, faithfulCost;
  if (chosen.cost) {
    cost = b.getF64FloatAttr(*chosen.cost);
    if (mostFaithful && mostFaithful->cost) {
      faithfulAgreement = b.getF64FloatAttr(mostFaithful->agreement);
      faithfulDivergence = b.getF64FloatAttr(mostFaithful->divergence);
      faithfulCost = b.getF64FloatAttr(*mostFaithful->cost);
    }
  }
  return SearchSummaryAttr::getChecked(
      [&] { return emitError(loc) << "qfhe-allocate-bits: "; },
      loc.getContext(), candidates, samples,
      b.getF64FloatAttr(chosen.agreement), b.getF64FloatAttr(chosen.divergence),
      b.getF64FloatAttr(std::sqrt(chosen.relativeError)),
      b.getBoolAttr(uniformIsBest), cost, faithfulAgreement, faithfulDivergence,
      faithfulCost);
}

/// The remark's words on the chosen allocation's cost, against the most
/// faithful one's.
std::string describeCosts(const AllocationScore &chosen,
                          const std::optional<AllocationScore> &mostFaithful) {
  if (!chosen.cost)
    return "";
  std::string text = "; estimated cost " + formatReal(*chosen.cost, 4) +
                     " 8-bit bootstraps per sample";
  if (mostFaithful && mostFaithful->cost && *mostFaithful->cost != *chosen.cost)
    text += " (the most faithful, agreeing on " +
            formatReal(100.0 * mostFaithful->agreement, 4) + "%, costs " +
            formatReal(*mostFaithful->cost, 4) + ")";
  return text;
}

/// The most integers a P-bit value can take: 2^P - 1 (as the span).
double span(unsigned bits) { return std::ldexp(1.0, bits) - 1.0; }

struct AllocateBitsPass
    : CheckedOptionsPass<qfhe::impl::AllocateBitsBase<AllocateBitsPass>> {
  using CheckedOptionsPass::CheckedOptionsPass;

  std::string checkOptions() const override {
    return OptionChecker()
        .bitWidths(maxBitWidth, tluBitWidth)
        .inRange("max-activation-bits", maxActivationBits, kActivationBitsRange)
        .inRange("weight-bits", weightBits, kWeightBitsRange)
        .oneOf("strategy", strategy, {"a2q", "uniform"})
        .powerOfTwo("max-chunks", maxChunks, kChunksRange)
        .inRange("search-samples", searchSamples, {1, INT32_MAX})
        .inputFile("calibration-data", calibrationData)
        .inRealRange("max-cost", maxCost, 0, HUGE_VAL)
        .inRealRange("cost-tolerance", costTolerance, -1, 1000)
        .needs("max-cost", maxCost > 0, "calibration-data",
               evaluator || !std::string(calibrationData).empty(),
               kCostIsMeasured)
        .getMessage();
  }

  /// The estimated noise power (relative to the signal's) above which a
  /// layer may split its dot products.
  static constexpr double kSplitNoise = 0.005;
  /// The layers that may split.
  DenseSet<Operation *> splittable;
  /// What the measured search found, for the module's summary.
  SearchSummaryAttr searchSummary;
  /// Quantized weights, shared with qfhe-quantize.
  QuantizedWeightCache *weightCache = nullptr;
  /// The evaluator given to the pass (createAllocateBits), if any.
  std::shared_ptr<ProgramEvaluator> evaluator;
  /// The widest lookup input (planLookupBits).
  unsigned lookupBits = 0;

  /// Records the choices on the module (kAllocationSummaryAttr).
  void recordSummary(ArrayRef<LinearLayer> layers) {
    Builder b(&getContext());
    SmallVector<Attribute> choices;
    for (const LinearLayer &layer : layers) {
      std::string loc;
      llvm::raw_string_ostream os(loc);
      layer.op->getLoc().print(os);
      choices.push_back(LayerChoiceAttr::get(
          &getContext(), b.getStringAttr(layer.op->getName().getStringRef()),
          b.getStringAttr(loc),
          layer.op->getAttrOfType<AllocationAttr>(kAllocationAttr)));
    }
    getOperation()->setAttr(
        kAllocationSummaryAttr,
        AllocationSummaryAttr::get(&getContext(), b.getStringAttr(strategy),
                                   b.getArrayAttr(choices), searchSummary));
  }

  /// The range a value is quantized from.
  std::optional<TensorRange> rangeOf(Value value, const RangeSolver &solver) {
    std::optional<TensorRange> observed;
    if (useObserved)
      observed = getObservedRange(value);
    TensorRange range = observed ? *observed : solver.getRange(value);
    if (!range.isFinite())
      return std::nullopt;
    return range;
  }

  /// The mean square of the input each weight of a channel multiplies.
  std::vector<double> getImportance(const LinearLayer &layer,
                                    const TensorRange &range) {
    size_t count = layer.channels.front().size();
    if (!layer.weightsPerInputChannel)
      return std::vector<double>(
          count, getChannelMeanSquares(range, std::nullopt, 1).front());
    int64_t channels = count / layer.weightsPerInputChannel;
    std::vector<double> squares =
        getChannelMeanSquares(range, layer.dataChannelAxis, channels);
    std::vector<double> importance(count);
    for (size_t i = 0; i < count; ++i)
      importance[i] = squares[i / layer.weightsPerInputChannel];
    return importance;
  }

  /// What the estimates of one weighted layer share: its input range, the
  /// importance of each weight of a channel, each channel's sum of squared
  /// weights, the signal power, and the channels the estimates quantize.
  struct LayerStatistics {
    Interval input;
    std::vector<double> importance;
    /// The importance per input (importance[i] = perInput[i / repeat]).
    std::vector<double> perInput;
    int64_t repeat = 1;
    std::vector<double> squares;
    double signal = 0;
    /// At most kEstimateChannels channels, evenly spaced (all of a layer
    /// with fewer).
    std::vector<size_t> sampled;
    bool sampledAll = true;
  };

  /// The most output channels an estimate quantizes. A layer's noise is a
  /// sum over its channels: larger layers are estimated from evenly spaced
  /// channels, scaled to all, so that an estimate costs the same whatever
  /// the layer's width (the quantizer then quantizes every channel once).
  static constexpr size_t kEstimateChannels = 64;
  /// The sampled channels an estimate quantizes (on the context's threads)
  /// before it checks its partial sum against the bound.
  static constexpr size_t kEstimateBlock = 8;

  LayerStatistics getStatistics(const LinearLayer &layer,
                                const TensorRange &input) {
    LayerStatistics stats;
    stats.input = input.getWhole();
    stats.importance = getImportance(layer, input);
    size_t weightsPerChannel = layer.channels.front().size();
    if (layer.weightsPerInputChannel) {
      stats.repeat = layer.weightsPerInputChannel;
      stats.perInput = getChannelMeanSquares(input, layer.dataChannelAxis,
                                             weightsPerChannel / stats.repeat);
    } else {
      stats.repeat = static_cast<int64_t>(weightsPerChannel);
      stats.perInput = {stats.importance.front()};
    }
    for (const std::vector<double> &channel : layer.channels) {
      double squares = 0;
      for (size_t i = 0; i < channel.size(); ++i) {
        squares += channel[i] * channel[i];
        stats.signal += channel[i] * channel[i] * stats.importance[i];
      }
      stats.squares.push_back(squares);
    }
    size_t count = layer.channels.size();
    size_t sampled = std::min(count, kEstimateChannels);
    stats.sampledAll = sampled == count;
    for (size_t k = 0; k < sampled; ++k)
      stats.sampled.push_back(k * count / sampled);
    return stats;
  }

  /// Estimated output noise power and signal power of a weighted layer with
  /// `inputBits`-bit inputs under cap P, its dot products in `chunks` parts:
  /// input rounding noise through the weights, the weights' rounding error
  /// (quantized as the quantizer will) through the inputs' mean squares,
  /// and with parts, their rounding to multiples of 2^d. When the estimate
  /// quantized every channel, the quantizer reuses its integers (`cache`).
  /// The channels' noises are nonnegative and summed in order: once the
  /// partial sum reaches `bound` (a candidate that cannot win), the rest
  /// are skipped and the noise returned is infinite.
  std::pair<double, double>
  estimate(const LinearLayer &layer, const LayerStatistics &stats,
           unsigned inputBits, unsigned cap, int64_t chunks = 1,
           double bound = std::numeric_limits<double>::infinity()) {
    double step = (stats.input.getHi() - stats.input.getLo()) / span(inputBits);
    int64_t budget = getBudget(cap, inputBits, chunks);
    size_t segmentSize = layer.getSegmentSize(chunks);
    int64_t parts =
        chunks > 1 ? static_cast<int64_t>(
                         getChunkParts(layer.getMaxChunks(), chunks).size())
                   : 0;
    double partUnit = std::ldexp(1.0, getChunkDropBits(chunks));
    size_t perChannel = layer.channels.front().size();
    size_t sampled = stats.sampled.size();
    std::vector<double> noise(sampled), scales(sampled);
    std::vector<int32_t> integers(stats.sampledAll ? sampled * perChannel : 0);
    auto quantizeSampled = [&](size_t k) {
      size_t c = stats.sampled[k];
      double weightError = 0;
      std::vector<int64_t> q;
      double scale = quantizeChannelWeighted(
          layer.channels[c], stats.importance, weightBits, true, budget, q,
          &weightError, segmentSize);
      double partStep = partUnit * step * scale;
      noise[k] = step * step / 12.0 * stats.squares[c] + weightError +
                 static_cast<double>(parts) * partStep * partStep / 12.0;
      scales[k] = scale;
      if (stats.sampledAll)
        std::copy(q.begin(), q.end(), integers.begin() + k * perChannel);
    };
    // The total scaled to all channels, as the partial sums grow: it only
    // grows (the noises are nonnegative), so a partial sum at the bound
    // decides.
    auto scaledToAll = [&](double total) {
      return total * static_cast<double>(layer.channels.size()) /
             static_cast<double>(sampled);
    };
    double total = 0;
    for (size_t begin = 0; begin < sampled; begin += kEstimateBlock) {
      size_t end = std::min(sampled, begin + kEstimateBlock);
      parallelFor(&getContext(), begin, end, quantizeSampled);
      for (size_t k = begin; k < end; ++k)
        total += noise[k];
      if (end < sampled && scaledToAll(total) >= bound)
        return {std::numeric_limits<double>::infinity(), stats.signal};
    }
    if (stats.sampledAll && weightCache && cap == maxBitWidth) {
      // What the quantizer computes for this allocation (see
      // QuantizeLinear's quantizeWeights): recorded once.
      QuantizedChannels entry;
      entry.scales = std::move(scales);
      entry.zeroPoints.assign(sampled, 0);
      entry.integers = std::move(integers);
      weightCache->insert(getWeightKey(layer, stats, inputBits, chunks),
                          std::move(entry));
    }
    return {scaledToAll(total), stats.signal};
  }

  /// The widest lookup input: accumulators wider are rounded first.
  unsigned getLookupBits() const { return lookupBits; }

  /// tlu-bit-width, or when it is 0 the default narrowed to what the
  /// tables of the widest layer fit (the lowering's fit-tables): every
  /// budget keeps the headroom of that layer's rounding.
  unsigned planLookupBits(ArrayRef<LinearLayer> layers) const {
    unsigned bits = getTluBitWidth(maxBitWidth, tluBitWidth);
    if (tluBitWidth != 0)
      return bits;
    for (const LinearLayer &layer : layers)
      if (!layer.channels.empty()) {
        unsigned fitted = getFittedLookupBits(
            bits, static_cast<int64_t>(layer.channels.size()));
        if (fitted >= 2)
          bits = fitted;
      }
    return bits;
  }

  /// The l1 budget of each part's weights under cap `cap` (getPartBudget,
  /// with the headroom of the rounding before a lookup).
  int64_t getBudget(unsigned cap, unsigned inputBits, int64_t chunks) const {
    return getPartBudget(cap, inputBits, chunks, getLookupBits());
  }

  /// The key under which qfhe-quantize looks up the weights of `layer`
  /// under the weighted allocation of `inputBits`-bit inputs and `chunks`.
  WeightQuantizationKey getWeightKey(const LinearLayer &layer,
                                     const LayerStatistics &stats,
                                     unsigned inputBits, int64_t chunks) {
    WeightQuantizationKey key;
    key.weights = layer.weights.getAsOpaquePointer();
    key.channels = static_cast<int64_t>(layer.channels.size());
    key.bits = weightBits;
    key.perChannel = key.symmetric = key.narrow = true;
    key.weightedRounding = true;
    key.l1Budget = getBudget(maxBitWidth, inputBits, chunks);
    key.segmentSize = layer.getSegmentSize(chunks);
    key.importance =
        WeightQuantizationKey::hashImportance(stats.perInput, stats.repeat);
    return key;
  }

  /// The chunk counts to consider for a layer: powers of two up to
  /// max-chunks and the layer's terms.
  SmallVector<int64_t> chunkCandidates(const LinearLayer &layer) {
    SmallVector<int64_t> candidates{1};
    if (!splittable.contains(layer.op))
      return candidates;
    for (int64_t c = 2;
         c <= static_cast<int64_t>(maxChunks) && c <= layer.getMaxChunks();
         c *= 2)
      candidates.push_back(c);
    return candidates;
  }

  /// The smallest cap with a useful choice for a weighted layer.
  unsigned smallestUsefulCap(const LinearLayer &layer,
                             const LayerStatistics &stats) {
    for (unsigned cap = maxBitWidth + 1; cap <= 32; ++cap)
      for (unsigned n = 1; n <= maxActivationBits && n <= cap; ++n) {
        if (getBudget(cap, n, 1) < 1)
          continue;
        auto [noise, signal] = estimate(layer, stats, n, cap);
        if (noise < signal)
          return cap;
      }
    return 32;
  }

  /// Chooses the allocation of one layer under strategy a2q.
  FailureOr<AllocationAttr> allocate(const LinearLayer &layer,
                                     const RangeSolver &solver) {
    Builder b(&getContext());
    unsigned cap = maxBitWidth;
    if (layer.channels.empty()) {
      // Pools and sums: the most input bits that fit.
      unsigned best = 0;
      for (unsigned n = 1; n <= maxActivationBits; ++n) {
        bool fits = layer.isMax ? n + 1 <= cap
                                : static_cast<double>(layer.terms) * span(n) <=
                                      span(cap);
        if (fits)
          best = n;
      }
      if (!best) {
        unsigned needed =
            layer.isMax ? 2
                        : static_cast<unsigned>(std::ceil(
                              std::log2(static_cast<double>(layer.terms) + 1)));
        return layer.op->emitError()
               << "cannot fit max-bit-width=" << cap << ": this op adds "
               << layer.terms << " values; the smallest cap that would is "
               << needed;
      }
      return getBuilder().pool(best);
    }
    std::optional<TensorRange> input = rangeOf(layer.data, solver);
    if (!input)
      return layer.op->emitError()
             << "cannot allocate bits: the input of this op has no finite "
                "range (declare qfhe.range or calibrate)";
    LayerStatistics stats = getStatistics(layer, *input);
    unsigned best = 0;
    int64_t bestChunks = 1;
    double bestNoise = 0, bestSignal = 1;
    // Splitting costs a rounding per part and output: only layers whose
    // unsplit noise is worth it (above kSplitNoise of the signal) may split.
    for (unsigned n = 1; n <= maxActivationBits && n <= cap; ++n) {
      // The headroom of a narrower lookup may leave no budget at all.
      if (getBudget(cap, n, 1) < 1)
        continue;
      auto [noise, signal] =
          estimate(layer, stats, n, cap, 1,
                   best ? bestNoise : std::numeric_limits<double>::infinity());
      if (!best || noise < bestNoise) {
        best = n;
        bestNoise = noise;
        bestSignal = signal;
      }
    }
    if (bestNoise > kSplitNoise * bestSignal)
      splittable.insert(layer.op);
    // The candidates outlive the loops: drop_begin keeps a reference to
    // its range, so it must not be a temporary. Parts give each weight more
    // room, so they are tried around the unsplit choice and above it.
    SmallVector<int64_t> splits = chunkCandidates(layer);
    unsigned unsplit = best;
    for (unsigned n = std::max(unsplit, 2u) - 1;
         n <= unsplit + 2 && n <= maxActivationBits && n <= cap; ++n) {
      for (int64_t chunks : llvm::drop_begin(splits)) {
        if (getBudget(cap, n, chunks) < 1)
          continue;
        // More parts cost more roundings: only for a clear gain.
        double toBeat = bestNoise * (chunks > bestChunks ? 0.8 : 1.0);
        auto [noise, signal] =
            estimate(layer, stats, n, cap, chunks,
                     best ? toBeat : std::numeric_limits<double>::infinity());
        if (!best || noise < toBeat) {
          best = n;
          bestChunks = chunks;
          bestNoise = noise;
          bestSignal = signal;
        }
      }
    }
    // A layer with no signal (all-zero weights or inputs) computes its
    // bias whatever its bits.
    if (bestSignal > 0 && !(bestNoise < bestSignal))
      return layer.op->emitError()
             << "cannot fit max-bit-width=" << cap
             << " with a useful layer: at best the rounding noise is "
             << formatReal(100.0 * bestNoise / bestSignal, 3)
             << "% of the signal; the smallest cap that would do is "
             << smallestUsefulCap(layer, stats);
    if (printChoices)
      layer.op->emitRemark()
          << "estimated: input_bits = " << best << ", chunks = " << bestChunks
          << ", estimated noise "
          << (bestSignal > 0
                  ? formatReal(bestNoise / bestSignal, 3) + " of the signal"
                  : formatReal(bestNoise, 3) + " (no signal)");
    return getBuilder().weighted(best,
                                 useGramRounding(layer, bestChunks, best)
                                     ? WeightRounding::gram
                                     : WeightRounding::weighted,
                                 bestChunks);
  }

  /// The weights of one output channel in each part of `chunks`.
  static int64_t getPartTerms(const LinearLayer &layer, int64_t chunks) {
    size_t segment = layer.getSegmentSize(chunks);
    return static_cast<int64_t>(segment ? segment
                                        : layer.channels.front().size());
  }

  /// Whether a measured search follows the estimate.
  bool searches() const {
    return evaluator || !std::string(calibrationData).empty();
  }

  /// Whether the estimate rounds `layer` against its inputs' Gram matrix
  /// (gram-rounding=true, where calibration recorded one, and no search
  /// follows: the search measures it): where the budget of `inputBits`-bit
  /// inputs in `chunks` parts allows fewer units than a part has weights.
  bool useGramRounding(const LinearLayer &layer, int64_t chunks,
                       unsigned inputBits) {
    return gramRounding && !searches() && layer.op->hasAttr(kInputGramAttr) &&
           getBuilder().getBudget(inputBits, chunks) <
               getPartTerms(layer, chunks);
  }

  /// Builds the allocations of this cap.
  AllocationBuilder getBuilder() {
    return AllocationBuilder(&getContext(), maxBitWidth, weightBits,
                             getLookupBits());
  }

  /// The evaluator of the measured search: the one given to the pass,
  /// else the installed factory's for `calibration-data`.
  FailureOr<std::shared_ptr<ProgramEvaluator>> getEvaluator() {
    if (evaluator)
      return evaluator;
    const ProgramEvaluatorFactory &factory = getProgramEvaluatorFactory();
    if (!factory)
      return emitError(getOperation().getLoc())
             << "qfhe-allocate-bits: calibration-data needs a program "
                "evaluator, and none is installed (quant-opt installs the "
                "runtime's; an embedder calls setProgramEvaluatorFactory or "
                "passes one to createAllocateBits)";
    llvm::Expected<std::shared_ptr<ProgramEvaluator>> made =
        factory(calibrationData, searchSamples);
    if (!made)
      return emitError(getOperation().getLoc())
             << "qfhe-allocate-bits: " << llvm::toString(made.takeError());
    return *made;
  }

  /// Improves the estimated choices by measuring candidates on the
  /// calibration data (searchAllocations), and records what it measured.
  LogicalResult search(ArrayRef<LinearLayer> layers,
                       std::optional<unsigned> uniformBits,
                       const RangeSolver &solver) {
    FailureOr<std::shared_ptr<ProgramEvaluator>> programs = getEvaluator();
    if (failed(programs))
      return failure();
    // Candidates lower as the pipeline does: lookups of at most
    // tlu-bit-width bits, narrower where their tables would not fit.
    unsigned tlu = getTluBitWidth(maxBitWidth, tluBitWidth);
    FailureOr<std::unique_ptr<AllocationScorer>> scorer =
        AllocationScorer::create(getOperation(), *programs, maxBitWidth, tlu,
                                 *weightCache, solver,
                                 /*fitTables=*/getLookupBits() < tlu);
    if (failed(scorer))
      return failure();
    (*scorer)->setBiasCorrection(biasCorrection);
    SmallVector<SearchLayer> searchLayers;
    for (const LinearLayer &layer : layers) {
      SearchLayer &entry = searchLayers.emplace_back();
      entry.op = layer.op;
      entry.weighted = !layer.channels.empty();
      entry.isMax = layer.isMax;
      entry.chunkCounts = chunkCandidates(layer);
      if (gramRounding && entry.weighted && layer.op->hasAttr(kInputGramAttr))
        for (int64_t chunks : entry.chunkCounts)
          entry.gramPartTerms.push_back(getPartTerms(layer, chunks));
    }
    SearchOptions options;
    options.maxBitWidth = maxBitWidth;
    options.maxInputBits = std::min<unsigned>(maxActivationBits, maxBitWidth);
    options.uniformBits = uniformBits;
    options.biasCorrection = biasCorrection;
    options.narrowLevels = inputLevels;
    if (maxCost > 0)
      options.maxCost = maxCost;
    if (costTolerance >= 0)
      options.costTolerance = costTolerance;
    AllocationBuilder builder = getBuilder();
    SearchResult result = searchAllocations(getOperation(), searchLayers,
                                            builder, options, **scorer);
    std::optional<AllocationScore> best = result.best;
    if (best) {
      searchSummary =
          getSearchSummary(getOperation().getLoc(), (*scorer)->getEvaluations(),
                           (*scorer)->getNumSamples(), *best,
                           result.mostFaithful, result.uniformIsBest);
      if (!searchSummary)
        return failure();
    }
    if (printChoices) {
      if (result.uniformIsBest)
        emitRemark(getOperation().getLoc())
            << "measured: the uniform " << *uniformBits
            << "-bit allocation beats the estimate";
      for (const LinearLayer &layer : layers) {
        if (layer.channels.empty())
          continue;
        auto allocation =
            layer.op->getAttrOfType<AllocationAttr>(kAllocationAttr);
        InFlightDiagnostic remark = layer.op->emitRemark();
        remark << "measured: input_bits = " << allocation.getInputBits() << ", "
               << (allocation.hasRounding()
                       ? stringifyWeightRounding(*allocation.getRounding())
                       : "uniform per-tensor")
               << " rounding, chunks = " << allocation.getChunks()
               << ", input range x "
               << formatReal(allocation.getInputClip(), 3);
        if (allocation.getInputLevels() > 0)
          remark << ", " << allocation.getLevels() << " input levels";
      }
      if (best)
        emitRemark(getOperation().getLoc())
            << (*scorer)->getEvaluations() << " candidates measured in "
            << result.sweeps << " sweeps of the layers"
            << (result.quiet ? ", the last keeping nothing" : "") << " ("
            << result.repeatsSkipped
            << " repeated configurations not measured again); best agrees with "
               "the float program on "
            << formatReal(100.0 * best->agreement, 4)
            << "% of the calibration samples, output error "
            << formatReal(100.0 * std::sqrt(best->relativeError), 3)
            << "% (rms)" << describeCosts(*best, result.mostFaithful);
    }
    if (best && maxCost > 0 && !(best->cost && *best->cost <= maxCost)) {
      InFlightDiagnostic diag = emitError(getOperation().getLoc())
                                << "qfhe-allocate-bits: no measured "
                                   "allocation meets max-cost="
                                << formatReal(maxCost, 6);
      if (best->cost)
        diag << ": the cheapest found costs " << formatReal(*best->cost, 3)
             << " 8-bit bootstraps per sample";
      return failure();
    }
    return success();
  }

  /// The classic baseline's width: the largest n (at most the activation
  /// cap) whose uniform per-tensor quantization fits every layer, if any
  /// n >= 2 does.
  std::optional<unsigned> largestUniformBits(ArrayRef<LinearLayer> layers,
                                             const RangeSolver &solver) {
    for (unsigned n = std::min<unsigned>(maxActivationBits, maxBitWidth);
         n >= 2; --n)
      if (uniformFits(layers, n, solver))
        return n;
    return std::nullopt;
  }

  /// Records the uniform n-bit allocation: every input, weight and
  /// activation on n bits, weights per tensor (min/max, asymmetric); the
  /// decrypted outputs take the cap, as in classic PTQ and for a2q.
  void setUniform(ArrayRef<LinearLayer> layers, unsigned n) {
    AllocationBuilder builder = getBuilder();
    for (const LinearLayer &layer : layers)
      layer.op->setAttr(kAllocationAttr, builder.uniform(n));
    Builder b(&getContext());
    getOperation()->setAttr(kDefaultBitsAttr, b.getI64IntegerAttr(n));
    getOperation()->setAttr(
        kOutputBitsAttr,
        b.getI64IntegerAttr(std::min<unsigned>(maxBitWidth, 16)));
  }

  /// Whether every layer fits with uniform n-bit per-tensor min/max
  /// quantization.
  bool uniformFits(ArrayRef<LinearLayer> layers, unsigned n,
                   const RangeSolver &solver) {
    for (const LinearLayer &layer : layers) {
      if (layer.channels.empty()) {
        bool fits = layer.isMax ? n + 1 <= maxBitWidth
                                : static_cast<double>(layer.terms) * span(n) <=
                                      span(maxBitWidth);
        if (!fits)
          return false;
        continue;
      }
      double lo = 0, hi = 0;
      for (const std::vector<double> &channel : layer.channels)
        for (double w : channel) {
          lo = std::min(lo, w);
          hi = std::max(hi, w);
        }
      IntegerRange storage = getStorageRange(n, true);
      std::optional<AffineParams> params =
          computeAffineParams(lo, hi, storage, QuantScheme::Asymmetric);
      if (!params)
        return false;
      for (const std::vector<double> &channel : layer.channels) {
        double l1 = 0;
        for (double w : channel)
          l1 += std::fabs(static_cast<double>(
              quantizeValue(w, params->scale, params->zeroPoint, storage) -
              params->zeroPoint));
        if (l1 * span(n) > span(maxBitWidth))
          return false;
      }
    }
    return true;
  }

  void runOnOperation() override {
    if (failed(checkOptionsBeforeRunning()))
      return signalPassFailure();
    ModuleRanges &ranges = getAnalysis<ModuleRanges>();
    if (!ranges.succeeded())
      return signalPassFailure();
    const RangeSolver &solver = ranges.getSolver();
    // The weights the estimates quantize are kept for qfhe-quantize.
    weightCache = &getAnalysis<QuantizedWeightCache>();
    markAnalysesPreserved<ModuleRanges, QuantizedWeightCache>();
    SmallVector<LinearLayer> layers;
    bool badWeights = false;
    getOperation().walk([&](Operation *op) {
      std::optional<LinearLayer> layer = matchLinearLayer(op);
      if (!layer)
        return;
      if (layer->weights &&
          failed(checkFiniteWeights(layer->weights, layer->weightsValue, op)))
        badWeights = true;
      layers.push_back(std::move(*layer));
    });
    if (badWeights)
      return signalPassFailure();
    lookupBits = planLookupBits(layers);
    Builder b(&getContext());
    std::optional<unsigned> uniformBits = largestUniformBits(layers, solver);
    if (strategy == "uniform") {
      if (!uniformBits) {
        emitError(getOperation().getLoc())
            << "uniform quantization cannot fit max-bit-width="
            << static_cast<unsigned>(maxBitWidth) << " with 2 bits or more";
        return signalPassFailure();
      }
      setUniform(layers, *uniformBits);
      if (printChoices)
        emitRemark(getOperation().getLoc())
            << "uniform quantization: " << *uniformBits << " bits";
      recordSummary(layers);
      return;
    }
    bool failedAny = false;
    for (const LinearLayer &layer : layers) {
      FailureOr<AllocationAttr> allocation = allocate(layer, solver);
      if (failed(allocation)) {
        failedAny = true;
        continue;
      }
      layer.op->setAttr(kAllocationAttr, *allocation);
    }
    if (failedAny)
      return signalPassFailure();
    getOperation()->setAttr(kDefaultBitsAttr,
                            b.getI64IntegerAttr(std::min<unsigned>(
                                maxActivationBits, maxBitWidth)));
    // The client receives the results: decryption is exact at any width, so
    // they take the whole cap (at most 16 bits) instead of an activation's
    // width.
    getOperation()->setAttr(
        kOutputBitsAttr,
        b.getI64IntegerAttr(std::min<unsigned>(maxBitWidth, 16)));
    if (searches() && failed(search(layers, uniformBits, solver)))
      return signalPassFailure();
    recordSummary(layers);
  }
};

} // namespace

std::unique_ptr<Pass>
mlir::qfhe::createAllocateBits(const AllocateBitsOptions &options,
                               std::shared_ptr<ProgramEvaluator> evaluator) {
  auto pass = std::make_unique<AllocateBitsPass>(options);
  pass->evaluator = std::move(evaluator);
  return pass;
}
