//===- QuantizeLinear.cpp - quantize contractions, convolutions, pools ----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Linear ops become qfhe ops that accumulate exactly: the data operand is
// requantized to a per-tensor activation, constant weights are quantized
// (per output channel by default), and the accumulator's parameters follow:
// scale input_scale * weight_scale, zero point 0. Zero padding in front of
// a convolution or a pool folds into the op.
//
//===----------------------------------------------------------------------===//

#include "Classify.h"
#include "Quantizer.h"
#include "WeightCache.h"

#include "qfhe/Analysis/ConstantValues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Threading.h"
#include "mlir/IR/Verifier.h"
#include "qfhe/Support/QuantMath.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// Quantized constant weights and their parameters.
struct QuantizedWeights {
  Value value;
  QuantParamsAttr params;
};

/// The importance of the weights of an output channel: weight i (in the
/// order of the flat index) has importance perInput[i / repeat].
struct WeightImportance {
  std::vector<double> perInput;
  int64_t repeat = 1;
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

  WeightPolicy(const QuantizeOptions &options, Operation *op)
      : bits(options.weightBits), perChannel(options.perChannelWeights),
        symmetric(options.symmetricWeights), narrow(options.narrowRange) {
    auto allocation = op->getAttrOfType<DictionaryAttr>(kAllocationAttr);
    if (!allocation)
      return;
    if (auto value = allocation.getAs<IntegerAttr>("weight_bits"))
      bits = value.getInt();
    if (auto value = allocation.getAs<IntegerAttr>("weight_l1"))
      l1Budget = value.getInt();
    if (auto value = allocation.getAs<BoolAttr>("per_channel"))
      perChannel = value.getValue();
    if (auto value = allocation.getAs<BoolAttr>("symmetric"))
      symmetric = value.getValue();
    if (auto value = allocation.getAs<StringAttr>("rounding"))
      weightedRounding = value.getValue() == "weighted";
    if (auto value = allocation.getAs<IntegerAttr>("chunks"))
      chunks = value.getInt();
    if (l1Budget > 0)
      symmetric = perChannel = true;
  }
};

/// The importance of each weight under a budget: the mean square of the
/// input it multiplies, when weight dimension `inputDim` indexes channel
/// `dataAxis` of the layer's input `data` (all 1 without one). The weights
/// of an output channel (an index along `axis`, outside `inputDim`), in the
/// order of their flat index, run over the inputs in order, each input's
/// `repeat` weights together (a convolution's window).
WeightImportance getWeightImportance(Quantizer &quantizer,
                                     ArrayRef<int64_t> shape, int64_t axis,
                                     std::optional<int64_t> inputDim,
                                     Value data, int64_t dataAxis) {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  if (!inputDim)
    return {{1.0}, count};
  int64_t inner = 1;
  for (int64_t dim = *inputDim + 1; dim < static_cast<int64_t>(shape.size());
       ++dim)
    if (dim != axis)
      inner *= shape[dim];
  return {getChannelMeanSquares(quantizer.getRange(data), dataAxis,
                                shape[*inputDim]),
          inner};
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

/// The `chunks` attribute of a linear op under `policy` (none for one part).
IntegerAttr getChunksAttr(OpBuilder &b, const WeightPolicy &policy) {
  return policy.chunks > 1 ? b.getI64IntegerAttr(policy.chunks) : IntegerAttr();
}

/// The quantized weights of `entry` as a constant of `shape` (channels
/// along `axis`, or one), built once per cache entry.
QuantizedWeights
materializeWeights(Quantizer &quantizer, QuantizedWeightCache *cache,
                   const QuantizedChannels &entry, const WeightPolicy &policy,
                   ArrayRef<int64_t> shape, int64_t axis, Operation *user) {
  MLIRContext *ctx = user->getContext();
  int64_t channels = static_cast<int64_t>(entry.scales.size());
  QuantParamsAttr params =
      channels == 1
          ? QuantParamsAttr::get(ctx, policy.bits, true, entry.scales[0],
                                 entry.zeroPoints[0], policy.narrow)
          : QuantParamsAttr::get(ctx, policy.bits, true, policy.narrow, axis,
                                 entry.scales, entry.zeroPoints);
  auto type = RankedTensorType::get(shape, params.getStorageType());
  auto constant =
      cache ? dyn_cast_or_null<DenseElementsAttr>(cache->getConstant(entry))
            : DenseElementsAttr();
  if (!constant || constant.getType() != type) {
    // The cache holds each channel's integers contiguously; the tensor
    // interleaves them along `axis`.
    int64_t inner = 1;
    for (int64_t dim = axis + 1; dim < static_cast<int64_t>(shape.size());
         ++dim)
      inner *= shape[dim];
    int64_t count = static_cast<int64_t>(entry.integers.size());
    int64_t perChannel = count / channels;
    SmallVector<APInt> integers(count, APInt(policy.bits, 0));
    std::vector<int64_t> next(channels, 0);
    for (int64_t index = 0; index < count; ++index) {
      int64_t c = channels == 1 ? 0 : (index / inner) % channels;
      integers[index] =
          APInt(policy.bits, entry.integers[c * perChannel + next[c]++],
                /*isSigned=*/true);
    }
    constant = DenseElementsAttr::get(type, integers);
    if (cache)
      cache->setConstant(entry, constant);
  }
  Value value = arith::ConstantOp::create(quantizer.getBuilder(),
                                          user->getLoc(), type, constant);
  return QuantizedWeights{value, params};
}

/// Quantizes the float constant `weights`, laid out as `shape` (same number
/// of elements), per index along `axis` or per tensor, under an l1 budget
/// per channel when the allocation sets one.
FailureOr<QuantizedWeights> quantizeWeights(Quantizer &quantizer,
                                            DenseFPElementsAttr weights,
                                            ArrayRef<int64_t> shape,
                                            int64_t axis, Operation *user,
                                            const WeightImportance &importance,
                                            std::optional<int64_t> termsDim) {
  WeightPolicy policy(quantizer.getOptions(), user);
  size_t segmentSize = getSegmentSize(policy, shape, axis, termsDim);
  int64_t channels = policy.perChannel ? shape[axis] : 1;
  int64_t inner = 1;
  for (int64_t dim = axis + 1; dim < static_cast<int64_t>(shape.size()); ++dim)
    inner *= shape[dim];
  auto channelOf = [&](int64_t index) {
    return channels == 1 ? 0 : (index / inner) % channels;
  };
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
  if (key.weightedRounding)
    key.importance = WeightQuantizationKey::hashImportance(importance.perInput,
                                                           importance.repeat);
  if (cache)
    if (std::shared_ptr<QuantizedChannels> entry = cache->lookup(key))
      return materializeWeights(quantizer, cache, *entry, policy, shape, axis,
                                user);
  SmallVector<double> values = getElementsAsDoubles(weights);
  SmallVector<Interval> ranges(channels, Interval::point(0.0));
  for (auto [index, value] : llvm::enumerate(values)) {
    if (!std::isfinite(value))
      return user->emitError()
             << "cannot quantize weights: element " << index << " is " << value;
    ranges[channelOf(index)] =
        ranges[channelOf(index)].join(Interval::point(value));
  }
  IntegerRange storage = getStorageRange(policy.bits, true, policy.narrow);
  // Each channel's integers go to their own run of entry.integers.
  QuantizedChannels entry;
  int64_t perChannel = static_cast<int64_t>(values.size()) / channels;
  entry.integers.resize(values.size());
  std::vector<std::vector<int64_t>> indices(channels);
  for (int64_t index = 0, e = values.size(); index < e; ++index)
    indices[channelOf(index)].push_back(index);
  if (policy.l1Budget > 0) {
    // Accumulator-aware: each channel's integers meet the l1 budget. The
    // channels are independent: quantized in parallel.
    entry.scales.resize(channels);
    entry.zeroPoints.assign(channels, 0);
    parallelFor(user->getContext(), 0, channels, [&](size_t c) {
      std::vector<double> channel, weightOf;
      for (auto [position, index] : llvm::enumerate(indices[c])) {
        channel.push_back(values[index]);
        weightOf.push_back(importance.perInput[std::min<size_t>(
            position / importance.repeat, importance.perInput.size() - 1)]);
      }
      std::vector<int64_t> q;
      entry.scales[c] =
          policy.weightedRounding
              ? quantizeChannelWeighted(channel, weightOf, policy.bits,
                                        policy.narrow, policy.l1Budget, q,
                                        nullptr, segmentSize)
              : quantizeChannelWithBudget(channel, policy.bits, policy.narrow,
                                          policy.l1Budget, q, segmentSize);
      std::copy(q.begin(), q.end(), entry.integers.begin() + c * perChannel);
    });
  } else {
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
      for (auto [i, index] : llvm::enumerate(indices[c]))
        entry.integers[c * perChannel + i] = quantizeValue(
            values[index], entry.scales[c], entry.zeroPoints[c], storage);
  }
  if (!cache)
    return materializeWeights(quantizer, nullptr, entry, policy, shape, axis,
                              user);
  return materializeWeights(quantizer, cache, *cache->insert(key, entry),
                            policy, shape, axis, user);
}

/// The constant float weights of an operand.
DenseFPElementsAttr getWeights(Value value) {
  DenseFPElementsAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    return attr;
  return {};
}

/// Accumulator scales: the input scale times each weight scale.
SmallVector<double> productScales(QuantParamsAttr input,
                                  QuantParamsAttr weights) {
  SmallVector<double> scales;
  for (double scale : weights.getScales())
    scales.push_back(input.getScale() * scale);
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

/// The values of a `tensor<2xi64>` window attribute.
SmallVector<int64_t> pairOf(DenseIntElementsAttr attr) {
  SmallVector<int64_t> values;
  for (const APInt &value : attr.getValues<APInt>())
    values.push_back(value.getSExtValue());
  return values;
}

RewriteResult quantizeMatmul(Quantizer &quantizer, linalg::LinalgOp op,
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
  FailureOr<QValue> input = quantizer.getActivation(data, op);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> shape = weightType.getShape().drop_front(weightBatch);
  int64_t rank = cast<ShapedType>(data.getType()).getRank();
  // Input features are dimension 1 of a 2-D input; calibration records
  // channels along dimension 1 only.
  std::optional<int64_t> inputDim =
      rank == 2 ? std::optional<int64_t>(0) : std::nullopt;
  FailureOr<QuantizedWeights> w = quantizeWeights(
      quantizer, weights, shape, 1, op,
      getWeightImportance(quantizer, shape, 1, inputDim, data, 1),
      /*termsDim=*/0);
  if (failed(w))
    return failure();
  QuantParamsAttr accumulator = quantizer.accumulatorParams(
      productScales(input->params, w->params), rank - 1);
  Value result = op->getResult(0);
  Value acc = MatmulOp::create(
      quantizer.getBuilder(), op.getLoc(),
      Quantizer::storageType(result.getType(), accumulator), input->value,
      w->value, Value(), input->params, w->params, accumulator,
      getChunksAttr(quantizer.getBuilder(),
                    WeightPolicy(quantizer.getOptions(), op)));
  quantizer.setQuantized(result, QValue{acc, accumulator, true});
  return success();
}

/// Runs the verifier of the window op (convolution, pooling) that defines
/// `value`, erasing it when it fails. linalg does not check that a window
/// op's static output size matches its input, kernel, strides and padding
/// (an output too large reads past the input), the qfhe ops do: the error
/// ("output height is 4 but the window gives 3") is located at the float op.
/// (Found by fuzzing: the pass succeeded with IR that did not verify.)
LogicalResult verifyWindowOp(Value value) {
  Operation *op = value.getDefiningOp();
  if (succeeded(verify(op, /*verifyRecursively=*/false)))
    return success();
  op->erase();
  return failure();
}

RewriteResult quantizeConv(Quantizer &quantizer, linalg::LinalgOp op,
                           DenseIntElementsAttr strides,
                           DenseIntElementsAttr dilations, bool depthwise) {
  DenseFPElementsAttr weights = getWeights(op.getDpsInputs()[1]);
  if (!weights)
    return op->emitError() << "cannot quantize: convolution with a "
                              "non-constant filter";
  if (!isZeroFilled(op.getDpsInits()[0]))
    return op->emitError() << "cannot quantize: convolution into a non-zero "
                              "initial value";
  auto [data, padding] = unpad(op.getDpsInputs()[0]);
  FailureOr<QValue> input = quantizer.getActivation(data, op);
  if (failed(input))
    return failure();
  SmallVector<int64_t> shape(cast<ShapedType>(weights.getType()).getShape());
  if (depthwise)
    shape.insert(shape.begin() + 1, 1);
  // A filter's dimension 1 indexes the input channels (not for depthwise).
  std::optional<int64_t> inputDim =
      depthwise ? std::nullopt : std::optional<int64_t>(1);
  FailureOr<QuantizedWeights> w = quantizeWeights(
      quantizer, weights, shape, 0, op,
      getWeightImportance(quantizer, shape, 0, inputDim, data, 1), inputDim);
  if (failed(w))
    return failure();
  QuantParamsAttr accumulator =
      quantizer.accumulatorParams(productScales(input->params, w->params), 1);
  Value result = op->getResult(0);
  OpBuilder &b = quantizer.getBuilder();
  int64_t groups = depthwise ? shape[0] : 1;
  Value acc = Conv2DOp::create(
      b, op.getLoc(), Quantizer::storageType(result.getType(), accumulator),
      input->value, w->value, Value(), input->params, w->params, accumulator,
      b.getDenseI64ArrayAttr(pairOf(strides)),
      b.getDenseI64ArrayAttr(pairOf(dilations)),
      b.getDenseI64ArrayAttr(padding), b.getI64IntegerAttr(groups),
      depthwise ? IntegerAttr()
                : getChunksAttr(b, WeightPolicy(quantizer.getOptions(), op)));
  if (failed(verifyWindowOp(acc)))
    return failure();
  quantizer.setQuantized(result, QValue{acc, accumulator, true});
  return success();
}

template <typename PoolOp>
RewriteResult quantizePool(Quantizer &quantizer, PoolOp op, bool isMax) {
  if (llvm::any_of(pairOf(op.getDilations()), [](int64_t d) { return d != 1; }))
    return op->emitError() << "cannot quantize: dilated pooling";
  auto [data, padding] = unpad(op.getInputs()[0]);
  FailureOr<QValue> input = quantizer.getActivation(data, op);
  if (failed(input))
    return failure();
  auto window = cast<ShapedType>(op.getInputs()[1].getType());
  OpBuilder &b = quantizer.getBuilder();
  Value result = op->getResult(0);
  DenseI64ArrayAttr kernel = b.getDenseI64ArrayAttr(window.getShape());
  DenseI64ArrayAttr strides = b.getDenseI64ArrayAttr(pairOf(op.getStrides()));
  DenseI64ArrayAttr pads = b.getDenseI64ArrayAttr(padding);
  if (isMax) {
    Value max = MaxPoolOp::create(
        b, op.getLoc(), Quantizer::storageType(result.getType(), input->params),
        input->value, input->params, kernel, strides, pads);
    if (failed(verifyWindowOp(max)))
      return failure();
    quantizer.setQuantized(result, QValue{max, input->params, false});
    return success();
  }
  if (!isZeroFilled(op.getOutputs()[0]))
    return op->emitError() << "cannot quantize: sum pooling into a non-zero "
                              "initial value";
  QuantParamsAttr accumulator =
      quantizer.accumulatorParams({input->params.getScale()}, std::nullopt);
  Value sum = SumPoolOp::create(
      b, op.getLoc(), Quantizer::storageType(result.getType(), accumulator),
      input->value, input->params, accumulator, kernel, strides, pads,
      b.getI64IntegerAttr(1));
  if (failed(verifyWindowOp(sum)))
    return failure();
  quantizer.setQuantized(result, QValue{sum, accumulator, true});
  return success();
}

RewriteResult quantizeReduction(Quantizer &quantizer, linalg::GenericOp op,
                                const SumReduction &reduction) {
  FailureOr<QValue> input = quantizer.getActivation(reduction.input, op);
  if (failed(input))
    return failure();
  OpBuilder &b = quantizer.getBuilder();
  QuantParamsAttr accumulator =
      quantizer.accumulatorParams({input->params.getScale()}, std::nullopt);
  Value result = op->getResult(0);
  Value sum = ReduceSumOp::create(
      b, op.getLoc(), Quantizer::storageType(result.getType(), accumulator),
      input->value, input->params, accumulator,
      b.getDenseI64ArrayAttr(reduction.dimensions), b.getI64IntegerAttr(1));
  quantizer.setQuantized(result, QValue{sum, accumulator, true});
  return success();
}

} // namespace

RewriteResult mlir::qfhe::quantizeLinearOp(Quantizer &quantizer,
                                           Operation *op) {
  if (auto matmul = dyn_cast<linalg::MatmulOp>(op))
    return quantizeMatmul(quantizer, matmul, 0);
  if (auto batch = dyn_cast<linalg::BatchMatmulOp>(op))
    return quantizeMatmul(quantizer, batch, 1);
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
    return quantizeConv(quantizer, conv, conv.getStrides(), conv.getDilations(),
                        false);
  if (auto conv = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op))
    return quantizeConv(quantizer, conv, conv.getStrides(), conv.getDilations(),
                        true);
  if (auto pool = dyn_cast<linalg::PoolingNchwSumOp>(op))
    return quantizePool(quantizer, pool, false);
  if (auto pool = dyn_cast<linalg::PoolingNchwMaxOp>(op))
    return quantizePool(quantizer, pool, true);
  if (auto generic = dyn_cast<linalg::GenericOp>(op))
    if (std::optional<SumReduction> reduction = matchSumReduction(generic))
      return quantizeReduction(quantizer, generic, *reduction);
  return std::nullopt;
}
