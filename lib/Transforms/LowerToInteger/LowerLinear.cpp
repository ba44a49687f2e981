//===- LowerLinear.cpp - linear ops on integers ---------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A linear op on an input standing for scale * (z - o) accumulates
// T = sum (z - o) * w' + bias exactly, with w' = w - zw. The program
// computes A = linalg(z, w') + beta with beta = bias - o * sum(w') + c: the
// zero-point terms are clear constants folded into beta, and the clear
// shift c centers T's exact range per output channel so that A's type has
// the fewest bits. A stands for scale * (A - c).
//
//===----------------------------------------------------------------------===//

#include "IntegerLowering.h"
#include "qfhe/Dialect/QFHE/Utils/TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// Exact bounds of one output channel: sum of terms w * x for x in [lo, hi]
/// plus a constant, and the shift that centers them.
struct ChannelBound {
  int64_t lo = 0, hi = 0;

  void addTerm(int64_t weight, int64_t xlo, int64_t xhi) {
    int64_t p = weight * xlo, q = weight * xhi;
    lo += std::min(p, q);
    hi += std::max(p, q);
  }
  /// The centering shift c: [lo + c, hi + c] starts at -2^(W-1) for the
  /// fewest bits W that hold hi - lo + 1 values, so it fits W signed bits.
  int64_t center() const {
    uint64_t size = static_cast<uint64_t>(hi - lo) + 1;
    unsigned width = 1;
    while (width < 63 && (uint64_t(1) << width) < size)
      ++width;
    return -(int64_t(1) << (width - 1)) - lo;
  }
};

/// Linalg's named contractions compute on i1 with and/or (a boolean
/// semiring), not with a sum: accumulators and weights have at least 2
/// bits (weights of -1 and 0 alone would otherwise be i1).
constexpr unsigned kMinContractionWidth = 2;

/// The accumulator form of per-channel bounds (constant already added):
/// centered ranges, scales and offsets; returns the beta vector.
struct Accumulator {
  IntegerForm form;
  SmallVector<int64_t> beta;
  unsigned width = kMinContractionWidth;
};

Accumulator makeAccumulator(ArrayRef<ChannelBound> bounds,
                            ArrayRef<int64_t> constants,
                            const QuantParams &resultParams, int64_t axis,
                            unsigned operandWidth = 0) {
  Accumulator acc;
  acc.width = std::max(acc.width, operandWidth);
  for (auto [channel, bound] : llvm::enumerate(bounds)) {
    int64_t shift = bound.center();
    IntegerRange range{bound.lo + shift, bound.hi + shift};
    acc.width = std::max(acc.width, getSignedBitWidth(range));
    acc.beta.push_back(constants[channel] + shift);
    acc.form.ranges.push_back(range);
    acc.form.offsets.push_back(shift);
    acc.form.scales.push_back(
        resultParams.getScale(static_cast<unsigned>(channel)));
  }
  if (bounds.size() > 1)
    acc.form.axis = axis;
  return acc;
}

/// The accumulators of a linear op computed in parts (the op's `chunks`):
/// part p of output channel c has exact bounds bounds[p][c] (constants
/// added) and holds T + shift[p][c], a multiple of 2^drop that centers it;
/// each part drops `drop` bits, and the rounded parts add up to the result
/// S, which stands for scale * (S * 2^drop - sum_p shift[p][c]): units of
/// 2^drop (IntegerForm::unitBits).
struct ChunkedAccumulator {
  IntegerForm form;
  /// Per part, the constants the part's accumulation starts from.
  SmallVector<SmallVector<int64_t>> betas;
  /// Width of the parts' accumulators and of the rounded parts and sums.
  unsigned partWidth = 1, sumWidth = 1;
};

ChunkedAccumulator
makeChunkedAccumulator(ArrayRef<SmallVector<ChannelBound>> parts,
                       ArrayRef<SmallVector<int64_t>> constants,
                       const QuantParams &resultParams, int64_t axis,
                       unsigned drop, unsigned operandWidth) {
  ChunkedAccumulator acc;
  int64_t unit = int64_t(1) << drop;
  size_t channels = parts.front().size();
  SmallVector<IntegerRange> sums(channels, IntegerRange{0, 0});
  SmallVector<int64_t> offsets(channels, 0);
  unsigned width = std::max(kMinContractionWidth, operandWidth),
           sumWidth = kMinContractionWidth;
  for (auto [bounds, partConstants] : llvm::zip(parts, constants)) {
    SmallVector<int64_t> beta;
    for (auto [channel, bound] : llvm::enumerate(bounds)) {
      // The multiple of 2^drop nearest to minus the midpoint.
      int64_t twice = bound.lo + bound.hi;
      int64_t halves = twice + unit;
      int64_t shift =
          -unit * (halves >= 0 ? halves / (2 * unit)
                               : -((-halves + 2 * unit - 1) / (2 * unit)));
      IntegerRange range{bound.lo + shift, bound.hi + shift};
      width = std::max(width, getSignedBitWidth(range));
      sums[channel].min += roundingShiftRight(range.min, drop);
      sums[channel].max += roundingShiftRight(range.max, drop);
      offsets[channel] += shift;
      beta.push_back(partConstants[channel] + shift);
    }
    acc.betas.push_back(beta);
  }
  for (auto [channel, range] : llvm::enumerate(sums)) {
    sumWidth = std::max(sumWidth, getSignedBitWidth(range));
    acc.form.ranges.push_back(range);
    acc.form.offsets.push_back(offsets[channel]);
    acc.form.scales.push_back(
        resultParams.getScale(static_cast<unsigned>(channel)));
  }
  acc.form.unitBits = drop;
  if (channels > 1)
    acc.form.axis = axis;
  // The rounding takes the parts from partWidth bits to between
  // partWidth - drop and partWidth bits.
  acc.partWidth = std::max(width, sumWidth);
  acc.sumWidth = std::max(sumWidth, acc.partWidth - drop);
  return acc;
}

/// `value` reduced modulo 2^width into [-2^(width-1), 2^(width-1)).
int64_t wrapSigned(int64_t value, unsigned width) {
  return APInt(64, value, /*isSigned=*/true).trunc(width).getSExtValue();
}

/// A tensor of `shape` (dynamic sizes from `like`) holding `beta` along
/// `axis` (or everywhere when it has one value), in the accumulator's
/// `width`-bit type. The constants are reduced modulo 2^width: the
/// accumulation is modulo 2^width too, and its final value fits (the shift
/// c centered it), so the result is exact even though beta alone may not
/// fit the type.
Value broadcastBeta(IntegerLowering &lowering, Location loc,
                    ArrayRef<int64_t> beta, unsigned width,
                    RankedTensorType type, Value like, int64_t axis) {
  OpBuilder &b = lowering.getBuilder();
  SmallVector<OpFoldResult> sizes;
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    sizes.push_back(type.isDynamicDim(dim)
                        ? tensor::getMixedSize(b, loc, like, dim)
                        : OpFoldResult(b.getIndexAttr(type.getDimSize(dim))));
  auto elementType = cast<IntegerType>(type.getElementType());
  unsigned typeWidth = elementType.getWidth();
  SmallVector<int64_t> wrapped;
  for (int64_t value : beta)
    wrapped.push_back(wrapSigned(value, typeWidth));
  Value empty = tensor::EmptyOp::create(b, loc, sizes, elementType);
  if (wrapped.size() == 1) {
    Value scalar = arith::ConstantOp::create(
        b, loc, elementType,
        b.getIntegerAttr(elementType,
                         APInt(typeWidth, wrapped.front(), /*isSigned=*/true)));
    return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
  }
  Value vector = lowering.createIntConstant(
      loc, {static_cast<int64_t>(wrapped.size())}, wrapped, typeWidth);
  SmallVector<int64_t> dims;
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    if (dim != axis)
      dims.push_back(dim);
  return linalg::BroadcastOp::create(b, loc, vector, empty, dims)
      .getResult()[0];
}

/// Emits a chunked accumulation: `emitPart(p, beta, type)` builds part p's
/// accumulator of `type` starting from the constants `beta`; each part
/// drops the chunk bits and the parts are added.
Value emitChunkedSum(
    IntegerLowering &lowering, Location loc, const ChunkedAccumulator &acc,
    unsigned drop, RankedTensorType resultType,
    function_ref<Value(unsigned, ArrayRef<int64_t>, RankedTensorType)>
        emitPart) {
  OpBuilder &b = lowering.getBuilder();
  MLIRContext *ctx = b.getContext();
  auto partType = resultType.clone(getSignlessType(ctx, acc.partWidth));
  auto sumType = resultType.clone(getSignlessType(ctx, acc.sumWidth));
  Value total;
  for (auto [index, beta] : llvm::enumerate(acc.betas)) {
    Value part = emitPart(index, beta, partType);
    Value rounded =
        RoundOp::create(b, loc,
                        cast<RankedTensorType>(part.getType())
                            .clone(getSignlessType(ctx, acc.sumWidth)),
                        part, b.getI64IntegerAttr(drop));
    if (!total) {
      total = rounded;
      continue;
    }
    total = addTensors(b, loc, total, rounded, sumType.getElementType());
  }
  return total;
}

/// The input form of a linear op: per tensor, its centered range x = z - o.
FailureOr<std::pair<IntegerForm, IntegerRange>>
getLinearInput(IntegerLowering &lowering, Value quantized, Operation *op) {
  FailureOr<IntegerForm> input = lowering.getForm(quantized, op);
  if (failed(input))
    return failure();
  if (!input->isUniform() || input->unitBits)
    return op->emitError() << "cannot lower: the input of a linear op must "
                              "have one scale and offset";
  IntegerRange range = input->getWholeRange();
  int64_t offset = input->getOffset(0);
  return std::make_pair(*input,
                        IntegerRange{range.min - offset, range.max - offset});
}

DenseIntElementsAttr pair(OpBuilder &b, ArrayRef<int64_t> values) {
  return b.getI64TensorAttr(values);
}

/// Bounds and constants of the parts of a linear op: weights[c] are the
/// centered integer weights of output channel c (terms grouped by the
/// `termsPerPart`-sized runs of `parts`, `stride` integers a term),
/// x the centered input range; the bias goes to the first part.
void boundParts(ArrayRef<SmallVector<int64_t>> weights,
                ArrayRef<std::pair<int64_t, int64_t>> parts, int64_t stride,
                IntegerRange x, int64_t offset, ArrayRef<int64_t> bias,
                SmallVector<SmallVector<ChannelBound>> &bounds,
                SmallVector<SmallVector<int64_t>> &constants) {
  for (auto [index, part] : llvm::enumerate(parts)) {
    SmallVector<ChannelBound> partBounds(weights.size());
    SmallVector<int64_t> partConstants(weights.size());
    for (auto [channel, channelWeights] : llvm::enumerate(weights)) {
      int64_t sum = 0;
      for (int64_t i = part.first * stride; i < part.second * stride; ++i) {
        sum += channelWeights[i];
        partBounds[channel].addTerm(channelWeights[i], x.min, x.max);
      }
      int64_t constant = index == 0 ? bias[channel] : 0;
      partBounds[channel].lo += constant;
      partBounds[channel].hi += constant;
      partConstants[channel] = constant - offset * sum;
    }
    bounds.push_back(partBounds);
    constants.push_back(partConstants);
  }
}

/// The width of the wider operand of a contraction: its input's, or that of
/// its (centered) integer weights `w`.
unsigned getOperandWidth(const IntegerForm &input, ArrayRef<int64_t> w) {
  IntegerRange range{0, 0};
  for (int64_t weight : w) {
    range.min = std::min(range.min, weight);
    range.max = std::max(range.max, weight);
  }
  return std::max(input.getWidth(), getSignedBitWidth(range));
}

/// Builds the accumulator of a linear op from its parts' bounds and
/// constants: one part in the fewest bits, or the op's `chunks` parts each
/// dropping the chunk bits before they are added. `emitPart(begin, end,
/// beta, type)` builds the accumulation of terms [begin, end) of `parts`
/// into `type`, starting from `beta`. The accumulators are at least as wide
/// as the operands (`operandWidth`): a contraction casts its operands to the
/// accumulator's type, and a narrowing cast is not one linalg's contraction
/// bodies allow. Returns the form, its value set.
IntegerForm emitAccumulation(
    IntegerLowering &lowering, Location loc,
    ArrayRef<SmallVector<ChannelBound>> bounds,
    ArrayRef<SmallVector<int64_t>> constants, const QuantParams &resultParams,
    int64_t axis, int64_t chunks, ArrayRef<std::pair<int64_t, int64_t>> parts,
    unsigned operandWidth, RankedTensorType type,
    function_ref<Value(int64_t, int64_t, ArrayRef<int64_t>, RankedTensorType)>
        emitPart) {
  if (chunks == 1) {
    Accumulator acc = makeAccumulator(bounds.front(), constants.front(),
                                      resultParams, axis, operandWidth);
    acc.form.value =
        emitPart(parts.front().first, parts.front().second, acc.beta,
                 type.clone(getSignlessType(type.getContext(), acc.width)));
    return acc.form;
  }
  unsigned drop = getChunkDropBits(chunks);
  ChunkedAccumulator acc = makeChunkedAccumulator(
      bounds, constants, resultParams, axis, drop, operandWidth);
  acc.form.value = emitChunkedSum(
      lowering, loc, acc, drop, type,
      [&](unsigned index, ArrayRef<int64_t> beta, RankedTensorType partType) {
        return emitPart(parts[index].first, parts[index].second, beta,
                        partType);
      });
  return acc.form;
}

/// Subtracts each output channel's weight zero point (`params`, per axis or
/// per tensor) from the weights `w` in place; returns the centered weights
/// of each of the `outputs` channels, its `terms` in order. `indexOf(channel,
/// term)` is a weight's position in `w`.
SmallVector<SmallVector<int64_t>>
centerWeights(SmallVector<int64_t> &w, const QuantParams &params,
              int64_t outputs, int64_t terms,
              function_ref<int64_t(int64_t, int64_t)> indexOf) {
  SmallVector<SmallVector<int64_t>> centered(outputs);
  SmallVector<int64_t> zeroPoints(outputs);
  for (int64_t channel = 0; channel < outputs; ++channel) {
    zeroPoints[channel] = params.getZeroPoint(channel);
    centered[channel].resize(terms);
  }
  auto center = [&](int64_t channel, int64_t term) {
    int64_t &weight = w[indexOf(channel, term)];
    weight -= zeroPoints[channel];
    centered[channel][term] = weight;
  };
  // In the order of `w`: term by term when the channels of a term are
  // adjacent (a matmul's weights: a 2048 x 2048 layer read column by
  // column would miss the cache on every weight), else channel by channel
  // (a convolution's filters).
  if (outputs > 1 && terms > 1 && indexOf(1, 0) - indexOf(0, 0) == 1) {
    for (int64_t term = 0; term < terms; ++term)
      for (int64_t channel = 0; channel < outputs; ++channel)
        center(channel, term);
  } else {
    for (int64_t channel = 0; channel < outputs; ++channel)
      for (int64_t term = 0; term < terms; ++term)
        center(channel, term);
  }
  return centered;
}

LowerResult lowerMatmul(IntegerLowering &lowering, MatmulOp op) {
  auto input = getLinearInput(lowering, op.getLhs(), op);
  if (failed(input))
    return failure();
  auto [form, x] = *input;
  SmallVector<int64_t> w = getConstantIntegers(op.getRhs());
  if (w.empty())
    return op->emitError() << "cannot lower: matmul weights are not a "
                              "constant (clear) tensor";
  int64_t k = op.getRhs().getType().getDimSize(0);
  int64_t n = op.getRhs().getType().getDimSize(1);
  QuantParams rhs = *QuantParams::get(op.getRhs().getType());
  SmallVector<int64_t> bias = op.getBias() ? getConstantIntegers(op.getBias())
                                           : SmallVector<int64_t>(n, 0);
  // Centered weights, per output column.
  SmallVector<SmallVector<int64_t>> columns = centerWeights(
      w, rhs, n, k, [&](int64_t col, int64_t row) { return row * n + col; });
  int64_t chunks = op.getChunks().value_or(1);
  auto parts = getChunkParts(k, chunks);
  SmallVector<SmallVector<ChannelBound>> bounds;
  SmallVector<SmallVector<int64_t>> constants;
  boundParts(columns, parts, 1, x, form.getOffset(0), bias, bounds, constants);

  int64_t rank = op.getLhs().getType().getRank();
  Location loc = op.getLoc();
  OpBuilder &b = lowering.getBuilder();
  // Leading dimensions fold into the rows of a 2-D product.
  SmallVector<ReassociationIndices> groups(2);
  for (int64_t dim = 0; dim < rank - 1; ++dim)
    groups[0].push_back(dim);
  groups[1].push_back(rank - 1);
  Value rows = form.value;
  if (rank > 2)
    rows = tensor::CollapseShapeOp::create(b, loc, rows, groups);
  auto rowsType = cast<RankedTensorType>(rows.getType());
  auto productType = RankedTensorType::get({rowsType.getDimSize(0), n},
                                           rowsType.getElementType());
  // Part [begin, end) of the terms, from the constants `beta`.
  auto multiply = [&](int64_t begin, int64_t end, ArrayRef<int64_t> beta,
                      RankedTensorType type) -> Value {
    SmallVector<int64_t> slice(w.begin() + begin * n, w.begin() + end * n);
    Value weights = lowering.createIntConstant(loc, {end - begin, n}, slice,
                                               kMinContractionWidth);
    Value lhs = chunks > 1 ? sliceAlong(b, loc, rows, 1, begin, end) : rows;
    unsigned width = cast<IntegerType>(type.getElementType()).getWidth();
    Value init = broadcastBeta(lowering, loc, beta, width, type, rows, 1);
    return linalg::MatmulOp::create(b, loc, ValueRange{lhs, weights},
                                    ValueRange{init})
        .getResult(0);
  };
  IntegerForm result = emitAccumulation(
      lowering, loc, bounds, constants,
      *QuantParams::get(op.getResult().getType()), rank - 1, chunks, parts,
      getOperandWidth(form, w), productType, multiply);
  Value product = result.value;
  if (rank > 2) {
    SmallVector<OpFoldResult> shape = tensor::getMixedSizes(b, loc, form.value);
    shape.back() = b.getIndexAttr(n);
    auto resultType =
        cast<RankedTensorType>(op.getType())
            .clone(cast<RankedTensorType>(product.getType()).getElementType());
    product = tensor::ExpandShapeOp::create(b, loc, resultType, product, groups,
                                            shape);
  }
  result.value = product;
  lowering.setForm(op.getResult(), result);
  return success();
}

LowerResult lowerConv(IntegerLowering &lowering, Conv2DOp op) {
  auto input = getLinearInput(lowering, op.getInput(), op);
  if (failed(input))
    return failure();
  auto [form, x] = *input;
  SmallVector<int64_t> w = getConstantIntegers(op.getFilter());
  if (w.empty())
    return op->emitError() << "cannot lower: convolution filter is not a "
                              "constant (clear) tensor";
  auto filterType = op.getFilter().getType();
  int64_t filters = filterType.getDimSize(0);
  int64_t perFilter = filterType.getNumElements() / filters;
  int64_t channels = filterType.getDimSize(1);
  int64_t perChannel = perFilter / channels;
  bool padded = llvm::any_of(op.getPadding(), [](int64_t p) { return p; });
  // Padding positions hold z = o, that is x = 0.
  IntegerRange xrange{padded ? std::min<int64_t>(x.min, 0) : x.min,
                      padded ? std::max<int64_t>(x.max, 0) : x.max};
  QuantParams filterParams = *QuantParams::get(op.getFilter().getType());
  SmallVector<int64_t> bias = op.getBias() ? getConstantIntegers(op.getBias())
                                           : SmallVector<int64_t>(filters, 0);
  // Centered weights, per filter, ordered by input channel.
  SmallVector<SmallVector<int64_t>> perFilterWeights =
      centerWeights(w, filterParams, filters, perFilter,
                    [&](int64_t f, int64_t i) { return f * perFilter + i; });
  int64_t chunks = op.getChunks().value_or(1);
  auto parts = getChunkParts(channels, chunks);
  SmallVector<SmallVector<ChannelBound>> bounds;
  SmallVector<SmallVector<int64_t>> constants;
  boundParts(perFilterWeights, parts, perChannel, xrange, form.getOffset(0),
             bias, bounds, constants);

  Location loc = op.getLoc();
  OpBuilder &b = lowering.getBuilder();
  Value padInput =
      padSpatial(b, loc, form.value, op.getPadding(), form.getOffset(0));
  DenseIntElementsAttr strides = pair(b, op.getStrides());
  DenseIntElementsAttr dilations = pair(b, op.getDilations());
  auto resultType = cast<RankedTensorType>(op.getType());
  Value like = form.value;
  // Input channels [begin, end), from the constants `beta`.
  auto convolve = [&](int64_t begin, int64_t end, ArrayRef<int64_t> beta,
                      RankedTensorType type) -> Value {
    unsigned width = cast<IntegerType>(type.getElementType()).getWidth();
    Value init = broadcastBeta(lowering, loc, beta, width, type, like, 1);
    if (op.getGroups() != 1) {
      Value weights = lowering.createIntConstant(
          loc, {filters, filterType.getDimSize(2), filterType.getDimSize(3)}, w,
          kMinContractionWidth);
      return linalg::DepthwiseConv2DNchwChwOp::create(
                 b, loc, TypeRange{type}, ValueRange{padInput, weights},
                 ValueRange{init}, strides, dilations)
          .getResult(0);
    }
    SmallVector<int64_t> slice;
    for (int64_t f = 0; f < filters; ++f)
      slice.append(w.begin() + f * perFilter + begin * perChannel,
                   w.begin() + f * perFilter + end * perChannel);
    Value weights = lowering.createIntConstant(loc,
                                               {filters, end - begin,
                                                filterType.getDimSize(2),
                                                filterType.getDimSize(3)},
                                               slice, kMinContractionWidth);
    Value in =
        chunks > 1 ? sliceAlong(b, loc, padInput, 1, begin, end) : padInput;
    return linalg::Conv2DNchwFchwOp::create(
               b, loc, TypeRange{type}, ValueRange{in, weights},
               ValueRange{init}, strides, dilations)
        .getResult(0);
  };
  IntegerForm result =
      emitAccumulation(lowering, loc, bounds, constants,
                       *QuantParams::get(op.getResult().getType()), 1, chunks,
                       parts, getOperandWidth(form, w), resultType, convolve);
  lowering.setForm(op.getResult(), result);
  return success();
}

/// Sums of `count` centered inputs: T in count * [x], computed as
/// sum(z) - count * o + c.
Accumulator sumAccumulator(const IntegerForm &form, IntegerRange x,
                           int64_t count, const QuantParams &resultParams) {
  ChannelBound bound;
  bound.lo = count * x.min;
  bound.hi = count * x.max;
  return makeAccumulator({bound}, {-count * form.getOffset(0)}, resultParams,
                         0);
}

LowerResult lowerSumPool(IntegerLowering &lowering, SumPoolOp op) {
  auto input = getLinearInput(lowering, op.getInput(), op);
  if (failed(input))
    return failure();
  auto [form, x] = *input;
  bool padded = llvm::any_of(op.getPadding(), [](int64_t p) { return p; });
  IntegerRange term{padded ? std::min<int64_t>(x.min, 0) : x.min,
                    padded ? std::max<int64_t>(x.max, 0) : x.max};
  int64_t window = op.getKernel()[0] * op.getKernel()[1];
  Accumulator acc = sumAccumulator(form, term, window,
                                   *QuantParams::get(op.getResult().getType()));
  Location loc = op.getLoc();
  OpBuilder &b = lowering.getBuilder();
  Value padInput =
      padSpatial(b, loc, form.value, op.getPadding(), form.getOffset(0));
  auto resultType = cast<RankedTensorType>(op.getType())
                        .clone(getSignlessType(op.getContext(), acc.width));
  Value init = broadcastBeta(lowering, loc, acc.beta, acc.width, resultType,
                             form.value, 1);
  Value kernel = tensor::EmptyOp::create(b, loc, op.getKernel(),
                                         resultType.getElementType());
  acc.form.value =
      linalg::PoolingNchwSumOp::create(
          b, loc, TypeRange{resultType}, ValueRange{padInput, kernel},
          ValueRange{init}, pair(b, op.getStrides()), pair(b, {1, 1}))
          .getResult(0);
  lowering.setForm(op.getResult(), acc.form);
  return success();
}

LowerResult lowerReduceSum(IntegerLowering &lowering, ReduceSumOp op) {
  auto input = getLinearInput(lowering, op.getInput(), op);
  if (failed(input))
    return failure();
  auto [form, x] = *input;
  auto inputType = op.getInput().getType();
  int64_t count = 1;
  for (int64_t dim : op.getDimensions()) {
    if (inputType.isDynamicDim(dim))
      return op->emitError()
             << "cannot lower a sum over dynamic dimension " << dim;
    count *= inputType.getDimSize(dim);
  }
  Accumulator acc = sumAccumulator(form, x, count,
                                   *QuantParams::get(op.getResult().getType()));
  Location loc = op.getLoc();
  OpBuilder &b = lowering.getBuilder();
  auto resultType = cast<RankedTensorType>(op.getType())
                        .clone(getSignlessType(op.getContext(), acc.width));
  Value init = broadcastBeta(lowering, loc, acc.beta, acc.width, resultType,
                             form.value, 0);
  unsigned rank = inputType.getRank();
  SmallVector<AffineExpr> kept;
  SmallVector<utils::IteratorType> iterators;
  for (unsigned dim = 0; dim < rank; ++dim) {
    bool reduced = llvm::is_contained(op.getDimensions(), dim);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    if (!reduced)
      kept.push_back(b.getAffineDimExpr(dim));
  }
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank),
                              AffineMap::get(rank, 0, kept, b.getContext())};
  Type elementType = resultType.getElementType();
  acc.form.value =
      linalg::GenericOp::create(
          b, loc, TypeRange{resultType}, ValueRange{form.value},
          ValueRange{init}, maps, iterators,
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            Value in = args[0];
            unsigned inWidth = in.getType().getIntOrFloatBitWidth();
            unsigned outWidth = elementType.getIntOrFloatBitWidth();
            if (inWidth < outWidth)
              in = arith::ExtSIOp::create(nested, nestedLoc, elementType, in);
            else if (inWidth > outWidth)
              in = arith::TruncIOp::create(nested, nestedLoc, elementType, in);
            Value sum = arith::AddIOp::create(nested, nestedLoc, args[1], in);
            linalg::YieldOp::create(nested, nestedLoc, sum);
          })
          .getResult(0);
  lowering.setForm(op.getResult(), acc.form);
  return success();
}

LowerResult lowerMaxPool(IntegerLowering &lowering, MaxPoolOp op) {
  FailureOr<IntegerForm> form = lowering.getForm(op.getInput(), op);
  if (failed(form))
    return failure();
  if (!form->isUniform())
    return op->emitError() << "cannot lower: max pooling of per-channel "
                              "values";
  Location loc = op.getLoc();
  OpBuilder &b = lowering.getBuilder();
  // Padding holds the smallest value the input can take: it never wins.
  int64_t lowest = form->getWholeRange().min;
  Value padInput = padSpatial(b, loc, form->value, op.getPadding(), lowest);
  auto resultType =
      cast<RankedTensorType>(op.getType())
          .clone(cast<ShapedType>(form->value.getType()).getElementType());
  Value init = broadcastBeta(lowering, loc, {lowest}, form->getWidth(),
                             resultType, form->value, 1);
  Value kernel = tensor::EmptyOp::create(b, loc, op.getKernel(),
                                         resultType.getElementType());
  IntegerForm result = *form;
  result.value =
      linalg::PoolingNchwMaxOp::create(
          b, loc, TypeRange{resultType}, ValueRange{padInput, kernel},
          ValueRange{init}, pair(b, op.getStrides()), pair(b, {1, 1}))
          .getResult(0);
  lowering.setForm(op.getResult(), result);
  return success();
}

} // namespace

LowerResult mlir::qfhe::lowerLinearOp(IntegerLowering &lowering,
                                      Operation *op) {
  if (auto matmul = dyn_cast<MatmulOp>(op))
    return lowerMatmul(lowering, matmul);
  if (auto conv = dyn_cast<Conv2DOp>(op))
    return lowerConv(lowering, conv);
  if (auto pool = dyn_cast<SumPoolOp>(op))
    return lowerSumPool(lowering, pool);
  if (auto reduce = dyn_cast<ReduceSumOp>(op))
    return lowerReduceSum(lowering, reduce);
  if (auto pool = dyn_cast<MaxPoolOp>(op))
    return lowerMaxPool(lowering, pool);
  return std::nullopt;
}
