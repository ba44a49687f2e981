//===- QuantizeLinear.cpp - quantize contractions, convolutions, pools ----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Linear ops become qfhe ops that accumulate exactly: the data operand is
// read as a per-tensor activation, constant weights are quantized (per
// output channel by default), and the accumulator's type follows: scale
// input_scale * weight_scale, zero point 0. Zero padding in front of a
// convolution or a pool folds into the op; a bias add after a matmul or a
// convolution folds into the accumulator (planned with the tables).
//
//===----------------------------------------------------------------------===//

#include "Allocation.h"
#include "QuantizationPlan.h"

#include "qfhe/Analysis/ConstantValues.h"
#include "qfhe/Dialect/QFHE/IR/RawIntegers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Threading.h"
#include "mlir/IR/TypeUtilities.h"
#include "qfhe/Support/ChannelLayout.h"
#include "qfhe/Support/GramRounding.h"
#include "qfhe/Support/QuantMath.h"
#include "qfhe/Support/QuantileMeans.h"
#include "qfhe/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// The input of a weighted layer: weight dimension `inputDim` (none when
/// the weights do not index the input's channels) indexes channel
/// `dataAxis` of `data`, which the layer reads as `type`.
struct LayerInput {
  Value data;
  int64_t dataAxis;
  std::optional<int64_t> inputDim;
  quant::QuantizedType type;
};

/// The importance of the weights of an output channel: weight i (in the
/// order of the flat index) has importance perInput[i / repeat].
struct WeightImportance {
  std::vector<double> perInput;
  int64_t repeat = 1;
};

/// The calibrated mean of each input of a layer and its mean once
/// quantized, indexed as WeightImportance::perInput (empty when unknown).
struct InputMeans {
  std::vector<double> calibrated, quantized;
};

/// How the weights of one op are quantized: the options, overridden by the
/// op's qfhe.allocation.
struct WeightPolicy {
  unsigned bits;
  bool perChannel, symmetric, narrow;
  int64_t l1Budget = 0;
  /// Under a budget: round by the importance of the inputs (else to
  /// nearest at the scale meeting the budget).
  bool weightedRounding = true;
  /// Parts the dot products are accumulated in (qfhe.matmul's `chunks`):
  /// the budget bounds each part's weights.
  int64_t chunks = 1;
  /// Whether a folded bias gains the mean error of the quantized layer.
  bool biasCorrection;
  /// Under a budget, with weighted rounding: round against the second
  /// moments of the inputs where calibration recorded them (the option, or
  /// the allocation's `rounding = gram`).
  bool gramRounding;

  WeightPolicy(const QuantizeOptions &options, Operation *op)
      : bits(options.weightBits), perChannel(options.perChannelWeights),
        symmetric(options.symmetricWeights), narrow(options.narrowRange),
        biasCorrection(options.biasCorrection),
        gramRounding(options.gramRounding) {
    auto allocation = op->getAttrOfType<AllocationAttr>(kAllocationAttr);
    if (!allocation)
      return;
    biasCorrection = biasCorrection && allocation.allowsBiasCorrection();
    bits = allocation.getWeightBits().value_or(bits);
    l1Budget = allocation.getWeightL1();
    perChannel = allocation.getPerChannel().value_or(perChannel);
    symmetric = allocation.getSymmetric().value_or(symmetric);
    if (allocation.hasRounding())
      weightedRounding = allocation.hasWeightedRounding();
    gramRounding = gramRounding || allocation.hasGramRounding();
    chunks = allocation.getChunks();
    if (l1Budget > 0)
      symmetric = perChannel = true;
  }
};

/// The calibrated distribution of each of the `count` channels of `data`
/// along `axis` (the whole value's for each when calibration recorded no
/// channels); empty when calibration recorded no quantiles.
std::vector<QuantileFunction> getChannelDistributions(Value data, int64_t axis,
                                                      int64_t count) {
  auto observed = dyn_cast_or_null<ObservedAttr>(getObservedAttr(data));
  if (!observed || observed.getQuantiles().empty())
    return {};
  std::vector<double> levels = observed.getQuantileLevels();
  if (observed.getAxis() && *observed.getAxis() == axis &&
      observed.getNumChannels() == count &&
      observed.getChannelQuantilesAttr()) {
    std::vector<QuantileFunction> channels;
    for (int64_t c = 0; c < count; ++c)
      channels.push_back(QuantileFunction::fromQuantiles(
          levels, observed.getChannelQuantiles(c), observed.getChannelMin()[c],
          observed.getChannelMax()[c]));
    return channels;
  }
  return std::vector<QuantileFunction>(
      count,
      QuantileFunction::fromQuantiles(levels, observed.getQuantiles(),
                                      observed.getMin(), observed.getMax()));
}

/// The number of weights of an output channel per input (a convolution's
/// window; 1 for a matmul) when weight dimension `inputDim` of `shape`
/// indexes the inputs and `axis` the output channels.
int64_t getWeightsPerInput(ArrayRef<int64_t> shape, int64_t axis,
                           int64_t inputDim) {
  int64_t inner = 1;
  for (int64_t dim = inputDim + 1; dim < static_cast<int64_t>(shape.size());
       ++dim)
    if (dim != axis)
      inner *= shape[dim];
  return inner;
}

/// The importance of each weight under a budget: the mean square of the
/// input it multiplies (all 1 when the weights do not index the input's
/// channels). The weights of an output channel (an index along `axis`,
/// outside the input dimension), in the order of their flat index, run over
/// the inputs in order, each input's weights together.
WeightImportance getWeightImportance(QuantizationPlan &quantizer,
                                     ArrayRef<int64_t> shape, int64_t axis,
                                     const LayerInput &input) {
  if (!input.inputDim) {
    int64_t count = 1;
    for (int64_t size : shape)
      count *= size;
    return {{1.0}, count};
  }
  return {getChannelMeanSquares(quantizer.getRange(input.data), input.dataAxis,
                                shape[*input.inputDim]),
          getWeightsPerInput(shape, axis, *input.inputDim)};
}

/// The means of each input of the layer, as calibrated and once quantized
/// as the layer reads it (per tensor); empty when calibration recorded no
/// quantiles or the weights do not index the input's channels.
InputMeans getInputMeans(ArrayRef<int64_t> shape, const LayerInput &input) {
  InputMeans means;
  std::optional<QuantParams> params = QuantParams::get(input.type);
  if (!input.inputDim || !params || params->isPerAxis())
    return means;
  for (const QuantileFunction &distribution : getChannelDistributions(
           input.data, input.dataAxis, shape[*input.inputDim])) {
    means.calibrated.push_back(getMean(distribution));
    means.quantized.push_back(getQuantizedMean(distribution, params->getScale(),
                                               params->getZeroPoint(),
                                               params->getStorageRange()));
  }
  return means;
}

/// The number of weights per channel in each part of a chunked dot
/// product: dimension `termsDim` of the weights indexes the terms the
/// parts split; 0 (one part) without chunks.
size_t getSegmentSize(const WeightPolicy &policy, ArrayRef<int64_t> shape,
                      int64_t axis, std::optional<int64_t> termsDim) {
  if (policy.chunks <= 1 || !termsDim)
    return 0;
  int64_t perTerm = 1;
  for (int64_t dim = *termsDim + 1; dim < static_cast<int64_t>(shape.size());
       ++dim)
    if (dim != axis)
      perTerm *= shape[dim];
  auto parts = getChunkParts(shape[*termsDim], policy.chunks);
  return static_cast<size_t>((parts.front().second - parts.front().first) *
                             perTerm);
}

/// The layout of weights of `shape` quantized per index along `axis`, or per
/// tensor (one channel; `inner` still that of `axis`).
ChannelLayout getChannelLayout(ArrayRef<int64_t> shape, int64_t axis,
                               bool perChannel) {
  ChannelLayout layout = ChannelLayout::along(shape, axis);
  if (!perChannel)
    layout.channels = 1;
  return layout;
}

/// The integers and parameters of the float constant `weights` under
/// `policy`, split into channels by `layout`, each part of `segmentSize`
/// weights under the budget.
FailureOr<QuantizedChannels>
quantizeChannels(DenseFPElementsAttr weights, const WeightPolicy &policy,
                 ChannelLayout layout, const WeightImportance &importance,
                 const InputGram *gram, size_t segmentSize,
                 IntegerRange storage, Operation *user) {
  SmallVector<double> values = getElementsAsDoubles(weights);
  for (auto [index, value] : llvm::enumerate(values))
    if (!std::isfinite(value))
      return user->emitError()
             << "cannot quantize weights: element " << index << " is " << value;
  // Each channel's integers go to their own run of entry.integers.
  QuantizedChannels entry;
  int64_t channels = layout.channels;
  int64_t perChannel = static_cast<int64_t>(values.size()) / channels;
  entry.integers.resize(values.size());
  if (policy.l1Budget > 0) {
    // Accumulator-aware: each channel's integers meet the l1 budget. The
    // channels are independent: quantized in parallel. Weight i of every
    // channel has the same importance.
    std::vector<double> weightOf(perChannel);
    for (int64_t position = 0; position < perChannel; ++position)
      weightOf[position] = importance.perInput[std::min<size_t>(
          position / importance.repeat, importance.perInput.size() - 1)];
    entry.scales.resize(channels);
    entry.zeroPoints.assign(channels, 0);
    parallelFor(user->getContext(), 0, channels, [&](size_t c) {
      std::vector<double> channel(perChannel);
      layout.forEachOfChannel(c, values.size(),
                              [&](int64_t position, int64_t index) {
                                channel[position] = values[index];
                              });
      std::vector<int64_t> q;
      entry.scales[c] =
          policy.weightedRounding && gram
              ? quantizeChannelWithGram(channel, *gram, policy.bits,
                                        policy.narrow, policy.l1Budget, q,
                                        nullptr, segmentSize)
          : policy.weightedRounding
              ? quantizeChannelWeighted(channel, weightOf, policy.bits,
                                        policy.narrow, policy.l1Budget, q,
                                        nullptr, segmentSize)
              : quantizeChannelWithBudget(channel, policy.bits, policy.narrow,
                                          policy.l1Budget, q, segmentSize);
      std::copy(q.begin(), q.end(), entry.integers.begin() + c * perChannel);
    });
    return entry;
  }
  SmallVector<Interval> ranges(channels, Interval::point(0.0));
  ChannelCursor cursor(layout);
  for (double value : values) {
    Interval &range = ranges[cursor.channel()];
    range = range.join(Interval::point(value));
    cursor.next();
  }
  for (const Interval &range : ranges) {
    std::optional<AffineParams> params = computeAffineParams(
        range.getLo(), range.getHi(), storage,
        policy.symmetric ? QuantScheme::Symmetric : QuantScheme::Asymmetric);
    if (!params)
      return user->emitError()
             << "cannot quantize weights of range " << range.str() << " to "
             << policy.bits << " bits";
    entry.scales.push_back(params->scale);
    entry.zeroPoints.push_back(params->zeroPoint);
  }
  for (int64_t c = 0; c < channels; ++c)
    layout.forEachOfChannel(
        c, values.size(), [&](int64_t position, int64_t index) {
          entry.integers[c * perChannel + position] = quantizeValue(
              values[index], entry.scales[c], entry.zeroPoints[c], storage);
        });
  return entry;
}

/// What calibration recorded of the inputs of `user` (`qfhe.input_gram`,
/// docs/attributes.md), when it is of the `perChannel` weights of an
/// output channel.
struct InputGramEntry {
  DenseFPElementsAttr secondMoments;
  int64_t rows;
};
std::optional<InputGramEntry> getInputGram(Operation *user,
                                           int64_t perChannel) {
  auto entry = user->getAttrOfType<DictionaryAttr>(kInputGramAttr);
  if (!entry)
    return std::nullopt;
  auto gram = entry.getAs<DenseFPElementsAttr>("second_moments");
  auto rows = entry.getAs<IntegerAttr>("rows");
  if (!gram || !rows || gram.getType().getRank() != 2 ||
      gram.getType().getDimSize(0) != perChannel ||
      gram.getType().getDimSize(1) != perChannel)
    return std::nullopt;
  return InputGramEntry{gram, rows.getInt()};
}

/// The mean error of each of the `outputs` output channels of a layer
/// (output channel of flat weight index i: (i / inner) % outputs), to add
/// to its bias: sum_i (w_i E[x_i] - w^_i E[x^_i]) over the channel's
/// weights w_i, their quantized values w^_i (`quantized`, split into
/// channels by `layout`), the calibrated means of their inputs E[x_i]
/// and the means of the inputs once quantized E[x^_i] (`means`, one per
/// `weightsPerInput` weights of a channel). Counts the rounding of the
/// weights and of the inputs alike; empty without means.
std::vector<double> getBiasCorrection(DenseFPElementsAttr weights,
                                      const QuantizedChannels &quantized,
                                      int64_t outputs, ChannelLayout layout,
                                      const InputMeans &means,
                                      int64_t weightsPerInput) {
  if (means.calibrated.empty())
    return {};
  SmallVector<double> values = getElementsAsDoubles(weights);
  int64_t perChannel = static_cast<int64_t>(values.size()) /
                       static_cast<int64_t>(quantized.scales.size());
  // Positions of the next weight within its quantization channel (which
  // orders the integers) and within its output channel (which orders the
  // inputs).
  std::vector<int64_t> inChannel(quantized.scales.size(), 0),
      inOutput(outputs, 0);
  std::vector<double> correction(outputs, 0.0);
  ChannelCursor channelOf(layout), outputOf({outputs, layout.inner});
  for (int64_t index = 0, e = values.size(); index < e;
       ++index, channelOf.next(), outputOf.next()) {
    int64_t c = channelOf.channel(), output = outputOf.channel();
    double rounded = quantized.scales[c] *
                     (quantized.integers[c * perChannel + inChannel[c]++] -
                      quantized.zeroPoints[c]);
    size_t in = std::min<size_t>(inOutput[output]++ / weightsPerInput,
                                 means.calibrated.size() - 1);
    correction[output] +=
        values[index] * means.calibrated[in] - rounded * means.quantized[in];
  }
  return correction;
}

/// Quantizes the float constant `weights`, laid out as `shape` (same number
/// of elements), per index along `axis` or per tensor, under an l1 budget
/// per channel when the allocation sets one, into `plan` (the weights' type,
/// their integers and the op's chunks).
LogicalResult quantizeWeights(QuantizationPlan &quantizer,
                              DenseFPElementsAttr weights,
                              ArrayRef<int64_t> shape, int64_t axis,
                              Operation *user, const LayerInput &input,
                              std::optional<int64_t> termsDim,
                              LinearPlan &plan) {
  WeightPolicy policy(quantizer.getOptions(), user);
  WeightImportance importance =
      getWeightImportance(quantizer, shape, axis, input);
  size_t segmentSize = getSegmentSize(policy, shape, axis, termsDim);
  ChannelLayout layout = getChannelLayout(shape, axis, policy.perChannel);
  int64_t channels = layout.channels;
  // Every layer and allocation is quantized once (the measured search
  // quantizes the same layers for many candidates; qfhe-allocate-bits
  // records what its estimates computed).
  QuantizedWeightCache *cache = quantizer.getWeightCache();
  WeightQuantizationKey key;
  key.weights = weights.getAsOpaquePointer();
  key.channels = channels;
  key.bits = policy.bits;
  key.perChannel = policy.perChannel;
  key.symmetric = policy.symmetric;
  key.narrow = policy.narrow;
  key.weightedRounding = policy.l1Budget > 0 && policy.weightedRounding;
  key.l1Budget = policy.l1Budget;
  key.segmentSize = segmentSize;
  std::optional<InputGramEntry> gramEntry;
  if (key.weightedRounding) {
    key.importance = WeightQuantizationKey::hashImportance(importance.perInput,
                                                           importance.repeat);
    // Where the budget allows less than one unit per weight of a part, most
    // weights round to 0 and which ones keep a unit decides the error: there
    // the rounding follows the inputs' correlations.
    int64_t perChannel = weights.getNumElements() / channels;
    int64_t partTerms =
        segmentSize ? static_cast<int64_t>(segmentSize) : perChannel;
    if (policy.gramRounding && policy.perChannel && policy.l1Budget < partTerms)
      gramEntry = getInputGram(user, perChannel);
    if (gramEntry)
      key.gram = gramEntry->secondMoments.getAsOpaquePointer();
  }
  IntegerRange storage = getStorageRange(policy.bits, true, policy.narrow);
  std::shared_ptr<QuantizedChannels> quantized =
      cache ? cache->lookup(key) : nullptr;
  if (!quantized) {
    std::optional<InputGram> gram;
    if (gramEntry) {
      SmallVector<double> moments =
          getElementsAsDoubles(gramEntry->secondMoments);
      gram = InputGram::prepare(
          {moments.begin(), moments.end()},
          gramEntry->secondMoments.getType().getDimSize(0), gramEntry->rows);
    }
    FailureOr<QuantizedChannels> entry =
        quantizeChannels(weights, policy, layout, importance,
                         gram ? &*gram : nullptr, segmentSize, storage, user);
    if (failed(entry))
      return failure();
    quantized = cache ? cache->insert(key, std::move(*entry))
                      : std::make_shared<QuantizedChannels>(std::move(*entry));
  }
  plan.weightType = RankedTensorType::get(
      shape, getUniformType(
                 weights.getElementType(), policy.bits,
                 /*isSigned=*/true, quantized->scales, quantized->zeroPoints,
                 channels == 1 ? std::nullopt : std::optional<int64_t>(axis),
                 storage));
  if (policy.biasCorrection)
    plan.biasCorrection =
        getBiasCorrection(weights, *quantized, shape[axis], layout,
                          getInputMeans(shape, input), importance.repeat);
  plan.weights = std::move(quantized);
  plan.weightAxis = axis;
  plan.chunks = policy.chunks > 1
                    ? IntegerAttr::get(IntegerType::get(user->getContext(), 64),
                                       policy.chunks)
                    : IntegerAttr();
  return success();
}

/// The constant float weights of an operand.
DenseFPElementsAttr getWeights(Value value) {
  DenseFPElementsAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    return attr;
  return {};
}

/// Accumulator scales: the input scale times each weight scale.
SmallVector<double> productScales(quant::QuantizedType input,
                                  RankedTensorType weights) {
  QuantParams in = *QuantParams::get(input);
  QuantParams w = *QuantParams::get(weights);
  SmallVector<double> scales;
  for (double scale : w.getScales())
    scales.push_back(in.getScale() * scale);
  return scales;
}

/// The unpadded source and the spatial padding [top, left, bottom, right]
/// of an NCHW operand, when it is a folded tensor.pad.
std::pair<Value, SmallVector<int64_t>> unpad(Value value) {
  auto pad = value.getDefiningOp<tensor::PadOp>();
  if (!pad || !isFoldedPadding(pad))
    return {value, {0, 0, 0, 0}};
  ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
  if (low.size() != 4 || low[0] || low[1] || high[0] || high[1] ||
      llvm::any_of(low, ShapedType::isDynamic) ||
      llvm::any_of(high, ShapedType::isDynamic))
    return {value, {0, 0, 0, 0}};
  return {pad.getSource(), {low[2], low[3], high[2], high[3]}};
}

/// The values of a `tensor<2xi64>` window attribute ({1, 1} when absent: the
/// default strides and dilations).
SmallVector<int64_t> pairOf(DenseIntElementsAttr attr) {
  if (!attr)
    return {1, 1};
  SmallVector<int64_t> values;
  for (const APInt &value : attr.getValues<APInt>())
    values.push_back(value.getSExtValue());
  return values;
}

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

/// Plans `result` as the accumulator of `input` times the weights of type
/// `weightType` (scales per axis `axis` when the weights have several), or
/// as a sum of `input` when `weightType` is null.
void setAccumulatorType(QuantizationPlan &quantizer, Value result,
                        const QuantizedRead &input, RankedTensorType weightType,
                        int64_t axis) {
  SmallVector<double> scales =
      weightType
          ? productScales(input.type, weightType)
          : SmallVector<double>{QuantParams::get(input.type)->getScale()};
  quantizer.setType(result,
                    quantizer.accumulatorType(
                        getElementTypeOrSelf(result.getType()), scales, axis),
                    /*accumulator=*/true);
}

PlanResult planMatmul(QuantizationPlan &quantizer, linalg::LinalgOp op,
                      int64_t weightBatch) {
  Value data = op.getDpsInputs()[0];
  if (op.hasUserDefinedMaps())
    return op->emitError()
           << "cannot quantize: matmul with transposing indexing maps";
  DenseFPElementsAttr weights = getWeights(op.getDpsInputs()[1]);
  if (!weights)
    return op->emitError() << "cannot quantize: the second operand of '"
                           << op->getName()
                           << "' is not constant (products of two encrypted "
                              "tensors are not supported)";
  if (!isZeroFilled(op.getDpsInits()[0]))
    return op->emitError() << "cannot quantize: '" << op->getName()
                           << "' accumulates into a non-zero initial value";
  auto weightType = cast<ShapedType>(weights.getType());
  if (weightBatch && weightType.getDimSize(0) != 1)
    return op->emitError() << "cannot quantize: batch_matmul whose weights "
                              "differ per batch";
  FailureOr<QuantizedRead> input = quantizer.getActivation(data, op);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> shape = weightType.getShape().drop_front(weightBatch);
  int64_t rank = cast<ShapedType>(data.getType()).getRank();
  // Input features are dimension 1 of a 2-D input; calibration records
  // channels along dimension 1 only.
  std::optional<int64_t> inputDim =
      rank == 2 ? std::optional<int64_t>(0) : std::nullopt;
  LinearPlan plan;
  plan.input = *input;
  if (failed(quantizeWeights(quantizer, weights, shape, 1, op,
                             LayerInput{data, 1, inputDim, input->type},
                             /*termsDim=*/0, plan)))
    return failure();
  setAccumulatorType(quantizer, op->getResult(0), *input, plan.weightType,
                     rank - 1);
  quantizer.setLinear(op, std::move(plan));
  return success();
}

/// Checks that the NCHW result of window op `op` has the spatial sizes its
/// input `data`, `padding` [top, left, bottom, right], `kernel`, `strides`
/// and `dilations` give (linalg does not check them; the qfhe op does).
LogicalResult checkWindowShape(Operation *op, Value data,
                               ArrayRef<int64_t> padding,
                               ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> dilations) {
  auto in = cast<ShapedType>(data.getType());
  auto out = cast<ShapedType>(op->getResult(0).getType());
  if (in.getRank() != 4 || out.getRank() != 4 || kernel.size() != 2 ||
      strides.size() != 2 || dilations.size() != 2 || padding.size() != 4)
    return op->emitError() << "cannot quantize: a window op on rank "
                           << in.getRank() << " (NCHW expected)";
  for (int dim = 0; dim < 2; ++dim) {
    int64_t inSize = in.getDimSize(2 + dim), outSize = out.getDimSize(2 + dim);
    if (ShapedType::isDynamic(inSize) || ShapedType::isDynamic(outSize))
      continue;
    int64_t span = inSize + padding[dim] + padding[2 + dim] -
                   dilations[dim] * (kernel[dim] - 1) - 1;
    int64_t expected = span < 0 ? 0 : span / strides[dim] + 1;
    if (span < 0 || outSize != expected)
      return op->emitError()
             << "cannot quantize: output " << (dim == 0 ? "height" : "width")
             << " is " << outSize << " but the window gives " << expected;
  }
  return success();
}

PlanResult planConv(QuantizationPlan &quantizer, linalg::LinalgOp op,
                    bool depthwise) {
  DenseFPElementsAttr weights = getWeights(op.getDpsInputs()[1]);
  if (!weights)
    return op->emitError() << "cannot quantize: convolution with a "
                              "non-constant filter";
  if (!isZeroFilled(op.getDpsInits()[0]))
    return op->emitError() << "cannot quantize: convolution into a non-zero "
                              "initial value";
  auto [data, padding] = unpad(op.getDpsInputs()[0]);
  auto filter = cast<ShapedType>(weights.getType());
  if (filter.getRank() < 2 ||
      failed(checkWindowShape(
          op, data, padding, filter.getShape().take_back(2),
          pairOf(op->getAttrOfType<DenseIntElementsAttr>("strides")),
          pairOf(op->getAttrOfType<DenseIntElementsAttr>("dilations")))))
    return failure();
  FailureOr<QuantizedRead> input = quantizer.getActivation(data, op);
  if (failed(input))
    return failure();
  SmallVector<int64_t> shape(filter.getShape());
  if (depthwise)
    shape.insert(shape.begin() + 1, 1);
  // A filter's dimension 1 indexes the input channels (not for depthwise).
  std::optional<int64_t> inputDim =
      depthwise ? std::nullopt : std::optional<int64_t>(1);
  LinearPlan plan;
  plan.input = *input;
  plan.padding = padding;
  if (failed(quantizeWeights(quantizer, weights, shape, 0, op,
                             LayerInput{data, 1, inputDim, input->type},
                             inputDim, plan)))
    return failure();
  if (depthwise)
    plan.chunks = IntegerAttr();
  setAccumulatorType(quantizer, op->getResult(0), *input, plan.weightType, 1);
  quantizer.setLinear(op, std::move(plan));
  return success();
}

template <typename PoolOp>
PlanResult planPool(QuantizationPlan &quantizer, PoolOp op, bool isMax) {
  if (llvm::any_of(pairOf(op.getDilations()), [](int64_t d) { return d != 1; }))
    return op->emitError() << "cannot quantize: dilated pooling";
  auto [data, padding] = unpad(op.getInputs()[0]);
  auto window = cast<ShapedType>(op.getInputs()[1].getType());
  if (failed(checkWindowShape(op, data, padding, window.getShape(),
                              pairOf(op.getStrides()),
                              pairOf(op.getDilations()))))
    return failure();
  FailureOr<QuantizedRead> input = quantizer.getActivation(data, op);
  if (failed(input))
    return failure();
  Value result = op->getResult(0);
  if (isMax) {
    quantizer.setType(result, input->type, /*accumulator=*/false);
  } else {
    if (!isZeroFilled(op.getOutputs()[0]))
      return op->emitError() << "cannot quantize: sum pooling into a non-zero "
                                "initial value";
    setAccumulatorType(quantizer, result, *input, RankedTensorType(), 0);
  }
  LinearPlan plan;
  plan.input = *input;
  plan.padding = padding;
  quantizer.setLinear(op, std::move(plan));
  return success();
}

PlanResult planReduction(QuantizationPlan &quantizer, linalg::GenericOp op,
                         const SumReduction &reduction) {
  FailureOr<QuantizedRead> input = quantizer.getActivation(reduction.input, op);
  if (failed(input))
    return failure();
  setAccumulatorType(quantizer, op->getResult(0), *input, RankedTensorType(),
                     0);
  LinearPlan plan;
  plan.input = *input;
  quantizer.setLinear(op, std::move(plan));
  return success();
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// The storage integers of a plan's weights (the cache holds each channel's
/// integers contiguously; the tensor interleaves them along the axis), built
/// once per cache entry.
DenseElementsAttr getWeightStorage(const LinearPlan &plan,
                                   QuantizedWeightCache *cache) {
  const QuantizedChannels &entry = *plan.weights;
  auto storageType = RankedTensorType::get(
      plan.weightType.getShape(),
      IntegerType::get(plan.weightType.getContext(),
                       QuantParams::get(plan.weightType)->getStorageWidth()));
  if (cache)
    if (auto constant =
            dyn_cast_or_null<DenseElementsAttr>(cache->getConstant(entry)))
      if (constant.getType() == storageType)
        return constant;
  ChannelLayout layout =
      getChannelLayout(plan.weightType.getShape(), plan.weightAxis,
                       /*perChannel=*/entry.scales.size() > 1);
  int64_t count = static_cast<int64_t>(entry.integers.size());
  int64_t perChannel = count / layout.channels;
  std::vector<int64_t> integers(count);
  for (int64_t c = 0; c < layout.channels; ++c)
    layout.forEachOfChannel(c, count, [&](int64_t position, int64_t index) {
      integers[index] = entry.integers[c * perChannel + position];
    });
  DenseElementsAttr constant = getRawIntegers(storageType, integers);
  if (cache)
    cache->setConstant(entry, constant);
  return constant;
}

/// The quantized weights (and folded bias) of a linear op's plan.
std::pair<Value, Value> createConstants(OpBuilder &b, Location loc,
                                        const LinearPlan &plan,
                                        QuantizedWeightCache *cache) {
  DenseElementsAttr storage = getWeightStorage(plan, cache);
  Value weights = quant::StorageCastOp::create(
      b, loc, plan.weightType,
      arith::ConstantOp::create(b, loc, storage.getType(), storage));
  Value bias = plan.biasType
                   ? createQuantizedConstant(b, loc, plan.biasType, plan.bias)
                   : Value();
  return {weights, bias};
}

/// matmul and batch_matmul (with shared weights): qfhe.matmul.
Value buildLinear(OpBuilder &b, linalg::LinalgOp op, Value input,
                  const LinearPlan &linear, RankedTensorType type,
                  QuantizedWeightCache *cache) {
  auto [weights, bias] = createConstants(b, op.getLoc(), linear, cache);
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
    return MatmulOp::create(b, op.getLoc(), type, input, weights, bias,
                            linear.chunks);
  // Convolutions (depthwise: one group per channel): qfhe.conv2d.
  auto strides = op->getAttrOfType<DenseIntElementsAttr>("strides");
  auto dilations = op->getAttrOfType<DenseIntElementsAttr>("dilations");
  bool depthwise = isa<linalg::DepthwiseConv2DNchwChwOp>(op);
  int64_t groups = depthwise ? linear.weightType.getDimSize(0) : 1;
  return Conv2DOp::create(b, op.getLoc(), type, input, weights, bias,
                          b.getDenseI64ArrayAttr(pairOf(strides)),
                          b.getDenseI64ArrayAttr(pairOf(dilations)),
                          b.getDenseI64ArrayAttr(linear.padding),
                          b.getI64IntegerAttr(groups), linear.chunks);
}

/// Sum and max pooling: qfhe.sum_pool and qfhe.max_pool.
template <typename PoolOp>
Value buildPool(OpBuilder &b, PoolOp op, Value input, const LinearPlan &linear,
                RankedTensorType type) {
  auto window = cast<ShapedType>(op.getInputs()[1].getType());
  DenseI64ArrayAttr kernel = b.getDenseI64ArrayAttr(window.getShape());
  DenseI64ArrayAttr strides = b.getDenseI64ArrayAttr(pairOf(op.getStrides()));
  DenseI64ArrayAttr pads = b.getDenseI64ArrayAttr(linear.padding);
  if (isa<linalg::PoolingNchwMaxOp>(op))
    return MaxPoolOp::create(b, op.getLoc(), type, input, kernel, strides,
                             pads);
  return SumPoolOp::create(b, op.getLoc(), type, input, kernel, strides, pads,
                           b.getI64IntegerAttr(1));
}

/// A planned linear op: its data read at the planned type, its constants,
/// the qfhe op.
template <typename OpTy> struct LinearPattern : PlannedPattern<OpTy> {
  using PlannedPattern<OpTy>::PlannedPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const LinearPlan *linear = this->plan.getLinear(op);
    if (!linear)
      return rewriter.notifyMatchFailure(op, "not planned");
    Value input = this->plan.materialize(rewriter, linear->input);
    RankedTensorType type = this->resultType(op);
    Value result;
    if constexpr (std::is_same_v<OpTy, linalg::PoolingNchwSumOp> ||
                  std::is_same_v<OpTy, linalg::PoolingNchwMaxOp>)
      result = buildPool(rewriter, op, input, *linear, type);
    else
      result = buildLinear(rewriter, op, input, *linear, type,
                           this->plan.getWeightCache());
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

PlanResult mlir::qfhe::planLinearOp(QuantizationPlan &plan, Operation *op) {
  if (auto matmul = dyn_cast<linalg::MatmulOp>(op))
    return planMatmul(plan, matmul, 0);
  if (auto batch = dyn_cast<linalg::BatchMatmulOp>(op))
    return planMatmul(plan, batch, 1);
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
    return planConv(plan, conv, false);
  if (auto conv = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op))
    return planConv(plan, conv, true);
  if (auto pool = dyn_cast<linalg::PoolingNchwSumOp>(op))
    return planPool(plan, pool, false);
  if (auto pool = dyn_cast<linalg::PoolingNchwMaxOp>(op))
    return planPool(plan, pool, true);
  if (auto generic = dyn_cast<linalg::GenericOp>(op))
    if (std::optional<SumReduction> reduction = matchSumReduction(generic))
      return planReduction(plan, generic, *reduction);
  return std::nullopt;
}

Value mlir::qfhe::createReduceSum(OpBuilder &builder, linalg::GenericOp op,
                                  Value input, RankedTensorType resultType) {
  std::optional<SumReduction> reduction = matchSumReduction(op);
  return ReduceSumOp::create(
      builder, op.getLoc(), resultType, input,
      builder.getDenseI64ArrayAttr(reduction->dimensions),
      builder.getI64IntegerAttr(1));
}

void mlir::qfhe::populateLinearQuantizePatterns(const TypeConverter &converter,
                                                QuantizationPlan &plan,
                                                RewritePatternSet &patterns) {
  patterns.add<LinearPattern<linalg::MatmulOp>,
               LinearPattern<linalg::BatchMatmulOp>,
               LinearPattern<linalg::Conv2DNchwFchwOp>,
               LinearPattern<linalg::DepthwiseConv2DNchwChwOp>,
               LinearPattern<linalg::PoolingNchwSumOp>,
               LinearPattern<linalg::PoolingNchwMaxOp>>(converter, plan);
}
