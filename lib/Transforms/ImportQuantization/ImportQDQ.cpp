//===- ImportQDQ.cpp - QDQ pairs into the quantized level -----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A QDQ program computes in float between `quant.dcast` and `quant.qcast`
// (DequantizeLinear and QuantizeLinear). Its integer meaning is the one
// ONNX Runtime gives it when it fuses QDQ pairs into QLinearMatMul and
// QLinearConv: a matmul, a convolution or a sum of dequantized values is
// the exact integer accumulation at the product of the scales, a bias
// quantized at that scale adds to it, and the quantization that follows
// requantizes it (float multiplier, ties to even; a Relu or Clip in
// between narrows the result's storage range). Any other univariate float
// arithmetic between a dequantization and a quantization becomes a table
// of exactly that arithmetic. Data movement runs on the integers; constant
// weights are folded (transposes, reshapes).
//
//===----------------------------------------------------------------------===//

#include "UserQuantization.h"

#include "../Quantize/Classify.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "qfhe/Support/ChannelLayout.h"
#include "qfhe/Support/QuantMath.h"

using namespace mlir;
using namespace mlir::qfhe;

using Kind = KnownValue::Kind;

namespace {

/// Whether two quantized types have the same scales and zero points.
bool sameParameters(const QuantParams &a, const QuantParams &b) {
  return a.getScales() == b.getScales() &&
         a.getZeroPoints() == b.getZeroPoints() && a.getAxis() == b.getAxis();
}

/// The real interval a chain of max/min-with-constant links clamps to, when
/// every link is one (Relu, Clip); std::nullopt otherwise.
std::optional<std::pair<double, double>>
getClampInterval(ArrayRef<Operation *> links) {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  for (Operation *link : links) {
    std::optional<UnivariateGeneric> univariate =
        matchUnivariate(cast<linalg::GenericOp>(link));
    if (!univariate || univariate->channelDim)
      return std::nullopt;
    Block &body = *univariate->op.getBlock();
    Value current = body.getArgument(univariate->dataOperand);
    for (Operation &op : body.without_terminator()) {
      if (isa<arith::ConstantOp>(op))
        continue;
      if (op.getNumOperands() != 2 || op.getOperand(0) != current)
        return std::nullopt;
      FloatAttr constant;
      Value bound = op.getOperand(1);
      double c;
      if (matchPattern(bound, m_Constant(&constant)))
        c = constant.getValueAsDouble();
      else if (auto argument = dyn_cast<BlockArgument>(bound);
               argument &&
               univariate->constantValues.count(argument.getArgNumber()) &&
               univariate->constantValues[argument.getArgNumber()].size() == 1)
        c = univariate->constantValues[argument.getArgNumber()].front();
      else
        return std::nullopt;
      if (isa<arith::MaximumFOp, arith::MaxNumFOp>(op)) {
        lo = std::max(lo, c);
        hi = std::max(hi, c);
      } else if (isa<arith::MinimumFOp, arith::MinNumFOp>(op)) {
        lo = std::min(lo, c);
        hi = std::min(hi, c);
      } else {
        return std::nullopt;
      }
      current = op.getResult(0);
    }
    if (body.getTerminator()->getOperand(0) != current)
      return std::nullopt;
  }
  return std::make_pair(lo, hi);
}

/// `type` with its storage bounds narrowed to the integers a clamp to the
/// real interval [lo, hi] leaves (quantized with the type's parameters).
RankedTensorType narrowToInterval(RankedTensorType type, double lo, double hi) {
  QuantParams params = *QuantParams::get(type);
  IntegerRange storage = params.getStorageRange();
  IntegerRange narrowed = storage;
  if (std::isfinite(lo))
    narrowed.min =
        std::max(storage.min, quantizeValue(lo, params.getScale(),
                                            params.getZeroPoint(), storage));
  if (std::isfinite(hi))
    narrowed.max =
        std::min(storage.max, quantizeValue(hi, params.getScale(),
                                            params.getZeroPoint(), storage));
  if (narrowed.min >= narrowed.max || narrowed == storage)
    return type;
  return type.clone(withStorageBounds(params, narrowed));
}

} // namespace

Value mlir::qfhe::buildRequantization(OpBuilder &b, Location loc, Value source,
                                      bool sourceIsAccumulator,
                                      ArrayRef<Operation *> links,
                                      RankedTensorType type) {
  QuantParams from = *QuantParams::get(source.getType());
  QuantParams to = *QuantParams::get(type);
  std::optional<std::pair<double, double>> clamp = getClampInterval(links);
  if (clamp && (sourceIsAccumulator || sameParameters(from, to))) {
    // A requantization, then a clamp of its integers: the storage bounds.
    RankedTensorType narrowed =
        narrowToInterval(type, clamp->first, clamp->second);
    auto requantize = RequantizeOp::create(b, loc, narrowed, source);
    if (sourceIsAccumulator)
      requantize.setRounding(RoundingMode::float_half_even);
    return requantize;
  }
  // The float arithmetic of the model: a table.
  SmallVector<UnivariateGeneric> chain;
  std::optional<int64_t> channel;
  Type floatType = from.getExpressedType();
  for (Operation *link : links) {
    chain.push_back(*matchUnivariate(cast<linalg::GenericOp>(link)));
    if (chain.back().channelDim)
      channel = chain.back().channelDim;
    floatType = getElementTypeOrSelf(link->getResult(0).getType());
  }
  auto apply =
      ApplyOp::create(b, loc, type, source,
                      channel ? b.getI64IntegerAttr(*channel) : IntegerAttr());
  OpBuilder::InsertionGuard guard(b);
  buildApplyBody(b, apply, chain, floatType, channel.has_value());
  return apply;
}

namespace {

//===----------------------------------------------------------------------===//
// The quantization casts
//===----------------------------------------------------------------------===//

/// A narrowing requantize's widening back (same parameters, wider bounds)
/// is the identity: the narrower value.
Value lookThroughWidening(Value value) {
  auto requantize = value.getDefiningOp<RequantizeOp>();
  if (!requantize)
    return value;
  QuantParams from = *QuantParams::get(requantize.getInput().getType());
  QuantParams to = *QuantParams::get(requantize.getType());
  if (sameParameters(from, to) && from.getQMin() >= to.getQMin() &&
      from.getQMax() <= to.getQMax())
    return requantize.getInput();
  return value;
}

/// A quantization into the parameters of `quantized` with narrower storage
/// bounds (a Clip on quantized integers) clamps: when `quantized` comes
/// from a quantize, requantize or table (of one value or of pairs) read
/// only through `dequantized` (read only here), its own storage range
/// narrows instead (saturating into the narrower range is the same), so
/// the client quantizes 4-bit values in uint8 into 4 bits. Null when that
/// does not apply.
Value narrowInPlace(Value quantized, Value dequantized, RankedTensorType type) {
  QuantParams from = *QuantParams::get(quantized.getType());
  QuantParams to = *QuantParams::get(type);
  if (!sameParameters(from, to) || from.isSigned() != to.isSigned() ||
      from.getStorageWidth() != to.getStorageWidth() ||
      !isa_and_nonnull<QuantizeOp, RequantizeOp, ApplyOp, ApplyPairOp>(
          quantized.getDefiningOp()) ||
      !quantized.hasOneUse() || !dequantized.hasOneUse())
    return Value();
  IntegerRange bounds{std::max(from.getQMin(), to.getQMin()),
                      std::min(from.getQMax(), to.getQMax())};
  if (bounds.min >= bounds.max)
    return Value();
  quantized.setType(
      getTensorType(quantized.getType(), withStorageBounds(from, bounds)));
  return quantized;
}

/// The table of pairs a quantization into `type` makes of `pair`: the
/// user's float arithmetic of two dequantized tensors (and the univariate
/// links after it), evaluated exactly as the program states it.
FailureOr<Value> buildPairTable(OpBuilder &b, Location loc,
                                const KnownValue &pair, RankedTensorType type,
                                Operation *user) {
  auto refuse = [&](StringRef why) {
    return user->emitError()
           << "cannot import the float arithmetic of two quantized tensors "
              "this quantization reads: "
           << why;
  };
  if (QuantParams::get(pair.quantized.getType())->isPerAxis() ||
      QuantParams::get(pair.pairRhs.getType())->isPerAxis() ||
      QuantParams::get(type)->isPerAxis())
    return refuse("its operands and result must be quantized per tensor "
                  "(one table of pairs)");
  SmallVector<UnivariateGeneric> chain;
  Type floatType = pair.pairFloatType;
  for (Operation *link : pair.links) {
    chain.push_back(*matchUnivariate(cast<linalg::GenericOp>(link)));
    if (chain.back().channelDim)
      return refuse("the float arithmetic after it differs per channel");
  }
  if (!pair.links.empty() &&
      getElementTypeOrSelf(pair.links.back()->getResult(0).getType()) !=
          floatType)
    return refuse("the float arithmetic after it changes its float type");
  auto apply = ApplyPairOp::create(b, loc, type, pair.quantized, pair.pairRhs);
  OpBuilder::InsertionGuard guard(b);
  Block *block = b.createBlock(&apply.getBody());
  Value x = block->addArgument(floatType, loc);
  Value y = block->addArgument(floatType, loc);
  Value combined;
  switch (pair.pairKind) {
  case BinaryKind::Add:
    combined = arith::AddFOp::create(b, loc, x, y);
    break;
  case BinaryKind::Sub:
    combined = arith::SubFOp::create(b, loc, x, y);
    break;
  case BinaryKind::Mul:
    combined = arith::MulFOp::create(b, loc, x, y);
    break;
  }
  YieldOp::create(b, loc,
                  appendUnivariateChain(b, loc, combined, chain, Value()));
  return apply.getResult();
}

RuleResult importQuantizeCast(UserQuantization &state,
                              quant::QuantizeCastOp op) {
  auto type = dyn_cast<RankedTensorType>(op.getType());
  if (!type || !QuantParams::get(type))
    return op->emitError() << "cannot import " << op.getType()
                           << ": qfhe takes ranked tensors of !quant.uniform "
                              "(per tensor or per axis)";
  OpBuilder &b = state.getBuilder();
  Location loc = op.getLoc();
  Value input = op.getInput();
  const KnownValue *known = state.lookup(input);
  Value result;
  if (!known) {
    // The client quantizes what it computes in the clear (the inputs).
    result = QuantizeOp::create(b, loc, type, input);
  } else {
    switch (known->kind) {
    case Kind::Dequantized:
      if (Value narrowed = narrowInPlace(known->quantized, input, type)) {
        result = narrowed;
        break;
      }
      [[fallthrough]];
    case Kind::Accumulated:
      result =
          known->quantized.getType() == type
              ? known->quantized
              : buildRequantization(b, loc, known->quantized,
                                    known->kind == Kind::Accumulated, {}, type);
      break;
    case Kind::Univariate: {
      const KnownValue *source = state.lookup(known->source);
      result = buildRequantization(b, loc, source->quantized,
                                   source->kind == Kind::Accumulated,
                                   known->links, type);
      break;
    }
    case Kind::Pair: {
      FailureOr<Value> table = buildPairTable(b, loc, *known, type, op);
      if (failed(table))
        return failure();
      result = *table;
      break;
    }
    default:
      return op->emitError() << "cannot import: the quantized value is not "
                                "a float value of the program";
    }
  }
  UserQuantization::replaceQuantized(op.getResult(), result);
  state.setConsumed(op);
  return success();
}

RuleResult importDequantizeCast(UserQuantization &state,
                                quant::DequantizeCastOp op) {
  if (!isa<RankedTensorType>(op.getInput().getType()) ||
      !QuantParams::get(op.getInput().getType()))
    return op->emitError() << "cannot import " << op.getInput().getType()
                           << ": qfhe takes ranked tensors of !quant.uniform "
                              "(per tensor or per axis)";
  Value quantized = lookThroughWidening(op.getInput());
  // The dequantization of a qfhe accumulator (a QOperator MatMulInteger
  // cast to float) is the accumulator itself.
  bool accumulator =
      isa_and_nonnull<MatmulOp, Conv2DOp, SumPoolOp, ReduceSumOp>(
          quantized.getDefiningOp());
  state.setKnown(op.getResult(),
                 KnownValue{accumulator ? Kind::Accumulated : Kind::Dequantized,
                            quantized});
  state.setConsumed(op);
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// The dimension of `source` an axis of the result of a reshape with
/// `reassociation` (result dims grouped by source... ) keeps: the result
/// dimension whose group holds `axis` alone among non-unit sizes.
std::optional<int64_t> mapAxisThroughReshape(RankedTensorType from,
                                             RankedTensorType to,
                                             int64_t axis) {
  // Elements before the axis and the axis size are preserved exactly when
  // some result dimension starts after the same number of elements and has
  // the same size.
  int64_t before = 1;
  for (int64_t dim = 0; dim < axis; ++dim)
    before *= from.getDimSize(dim);
  int64_t count = 1;
  for (int64_t dim = 0; dim < to.getRank(); ++dim) {
    if (count == before && to.getDimSize(dim) == from.getDimSize(axis))
      return dim;
    count *= to.getDimSize(dim);
  }
  return std::nullopt;
}

/// Moves a quantized constant at compile time: transposes and reshapes.
FailureOr<Value> moveConstant(UserQuantization &state, Operation *op,
                              Value quantized, ArrayRef<int64_t> values) {
  auto sourceType = cast<RankedTensorType>(quantized.getType());
  auto resultShape =
      cast<RankedTensorType>(op->getResult(0).getType()).getShape();
  QuantParams params = *QuantParams::get(sourceType);
  std::optional<int64_t> axis = params.getAxis();
  SmallVector<int64_t> moved(values);
  if (auto transpose = dyn_cast<linalg::TransposeOp>(op)) {
    ArrayRef<int64_t> permutation = transpose.getPermutation();
    ArrayRef<int64_t> shape = sourceType.getShape();
    SmallVector<int64_t> strides(shape.size(), 1);
    for (int64_t dim = shape.size() - 2; dim >= 0; --dim)
      strides[dim] = strides[dim + 1] * shape[dim + 1];
    int64_t count = sourceType.getNumElements();
    SmallVector<int64_t> index(shape.size(), 0);
    for (int64_t flat = 0; flat < count; ++flat) {
      // `index` walks the result in order; its element comes from the
      // source at the permuted index.
      int64_t source = 0;
      for (size_t dim = 0; dim < shape.size(); ++dim)
        source += index[dim] * strides[permutation[dim]];
      moved[flat] = values[source];
      for (int64_t dim = shape.size() - 1; dim >= 0; --dim) {
        if (++index[dim] < resultShape[dim])
          break;
        index[dim] = 0;
      }
    }
    if (axis)
      axis = llvm::find(permutation, *axis) - permutation.begin();
  } else if (axis) {
    axis = mapAxisThroughReshape(
        sourceType,
        RankedTensorType::get(resultShape, sourceType.getElementType()), *axis);
    if (!axis)
      return op->emitError()
             << "cannot import: this reshape splits the quantized axis "
             << *params.getAxis() << " of the weights";
  }
  quant::QuantizedType element =
      axis ? getUniformType(params.getExpressedType(), params.getStorageWidth(),
                            params.isSigned(), params.getScales(),
                            params.getZeroPoints(), axis,
                            params.getStorageRange())
           : params.getType();
  return createQuantizedConstant(state.getBuilder(), op->getLoc(),
                                 RankedTensorType::get(resultShape, element),
                                 moved);
}

RuleResult importMovement(UserQuantization &state, Operation *op) {
  const KnownValue *known = state.lookup(op->getOperand(0));
  if (!known)
    return std::nullopt;
  if (known->kind != Kind::Dequantized && known->kind != Kind::Accumulated)
    return std::nullopt;
  Value quantized = known->quantized;
  Value moved;
  if (std::optional<SmallVector<int64_t>> values =
          getQuantizedConstant(quantized)) {
    FailureOr<Value> constant = moveConstant(state, op, quantized, *values);
    if (failed(constant))
      return failure();
    moved = *constant;
  } else {
    QuantParams params = *QuantParams::get(quantized.getType());
    if (params.isPerAxis())
      return op->emitError() << "cannot import: data movement of a value "
                                "quantized per axis";
    OpBuilder &b = state.getBuilder();
    Type element = params.getType();
    Location loc = op->getLoc();
    if (auto transpose = dyn_cast<linalg::TransposeOp>(op)) {
      Value init = tensor::EmptyOp::create(
          b, loc, tensor::getMixedSizes(b, loc, transpose.getInit()), element);
      moved = linalg::TransposeOp::create(b, loc, quantized, init,
                                          transpose.getPermutation())
                  .getResult()[0];
    } else {
      IRMapping mapping;
      mapping.map(op->getOperand(0), quantized);
      Operation *clone = b.clone(*op, mapping);
      moved = clone->getResult(0);
      moved.setType(getTensorType(moved.getType(), element));
    }
  }
  state.setKnown(op->getResult(0), KnownValue{known->kind, moved});
  state.setConsumed(op);
  return success();
}

RuleResult importPad(UserQuantization &state, tensor::PadOp pad) {
  const KnownValue *known = state.lookup(pad.getSource());
  if (!known || known->kind != Kind::Dequantized)
    return std::nullopt;
  FloatAttr value;
  Value padValue = pad.getConstantPaddingValue();
  ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
  bool spatial = low.size() == 4 && !low[0] && !low[1] && !high[0] &&
                 !high[1] && llvm::none_of(low, ShapedType::isDynamic) &&
                 llvm::none_of(high, ShapedType::isDynamic);
  if (!padValue || !matchPattern(padValue, m_Constant(&value)) || !spatial)
    return pad->emitError() << "cannot import: padding of a dequantized value "
                               "other than a constant spatial (NCHW) padding";
  bool zero = value.getValue().isZero();
  bool lowest = value.getValue().isInfinity() && value.getValue().isNegative();
  if (!zero && !lowest)
    return pad->emitError() << "cannot import: padding of a dequantized value "
                               "with "
                            << value.getValueAsDouble()
                            << " (only 0 and -inf, for convolutions and pools)";
  KnownValue padded{Kind::Padded, known->quantized};
  padded.padding = {low[2], low[3], high[2], high[3]};
  padded.padLowest = lowest;
  state.setKnown(pad.getResult(), padded);
  state.setConsumed(pad);
  return success();
}

//===----------------------------------------------------------------------===//
// Linear ops
//===----------------------------------------------------------------------===//

/// The quantized data operand of a linear op and its padding: a
/// per-tensor dequantized value, padded as `lowest` says (zeros or the
/// lowest value) or not at all.
FailureOr<std::pair<Value, SmallVector<int64_t>>>
getLinearInput(UserQuantization &state, Operation *op, Value operand,
               bool lowest) {
  const KnownValue *known = state.lookup(operand);
  SmallVector<int64_t> padding = {0, 0, 0, 0};
  if (known && known->kind == Kind::Padded && known->padLowest == lowest) {
    padding = known->padding;
  } else if (!known || known->kind != Kind::Dequantized) {
    return op->emitError() << "cannot import '" << op->getName()
                           << "': its input is not the dequantization of a "
                              "quantized value (a DequantizeLinear)";
  }
  if (getQuantizedConstant(known->quantized))
    return op->emitError() << "cannot import '" << op->getName()
                           << "': its input is a constant";
  if (QuantParams::get(known->quantized.getType())->isPerAxis())
    return op->emitError() << "cannot import '" << op->getName()
                           << "': its input is quantized per axis; a linear "
                              "op reads a per-tensor activation";
  return std::make_pair(known->quantized, padding);
}

/// The quantized constant weights of a linear op (a dequantized constant).
FailureOr<Value> getWeights(UserQuantization &state, Operation *op,
                            Value operand) {
  const KnownValue *known = state.lookup(operand);
  if (known && known->kind == Kind::Dequantized &&
      getQuantizedConstant(known->quantized))
    return known->quantized;
  if (matchPattern(operand, m_Constant()))
    return op->emitError() << "cannot import '" << op->getName()
                           << "': its weights are float; quantize them "
                              "(DequantizeLinear of integer weights)";
  return op->emitError() << "cannot import '" << op->getName()
                         << "': its weights are not constant (products of "
                            "two encrypted tensors are not supported)";
}

/// The accumulator type of `input` times `weights` (scales per axis
/// `axis` when the weights have several), or of a sum of `input` when
/// `weights` is null; i32 storage, zero point 0.
RankedTensorType accumulatorType(Type like, Value input, Value weights,
                                 int64_t axis) {
  QuantParams in = *QuantParams::get(input.getType());
  SmallVector<double> scales;
  if (weights) {
    QuantParams w = *QuantParams::get(weights.getType());
    for (double scale : w.getScales())
      scales.push_back(in.getScale() * scale);
  } else {
    scales.push_back(in.getScale());
  }
  SmallVector<int64_t> zeros(scales.size(), 0);
  return getTensorType(like, getUniformType(in.getExpressedType(), 32,
                                            /*isSigned=*/true, scales, zeros,
                                            scales.size() > 1
                                                ? std::optional<int64_t>(axis)
                                                : std::nullopt));
}

/// Checks that a linear op accumulates into zeros.
LogicalResult checkZeroInit(Operation *op, Value init) {
  if (isZeroFilled(init))
    return success();
  return op->emitError() << "cannot import '" << op->getName()
                         << "': it accumulates into a non-zero initial value";
}

RuleResult importMatmul(UserQuantization &state, linalg::LinalgOp op,
                        bool batch) {
  Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
  if (!state.lookup(lhs) && !state.lookup(rhs))
    return std::nullopt;
  if (op.hasUserDefinedMaps())
    return op->emitError() << "cannot import: matmul with transposing "
                              "indexing maps";
  if (failed(checkZeroInit(op, op.getDpsInits()[0])))
    return failure();
  auto input = getLinearInput(state, op, lhs, false);
  if (failed(input))
    return failure();
  FailureOr<Value> weights = getWeights(state, op, rhs);
  if (failed(weights))
    return failure();
  OpBuilder &b = state.getBuilder();
  if (batch) {
    // Weights shared by the batch: [1, K, N] is [K, N].
    auto type = cast<RankedTensorType>(weights->getType());
    if (type.getDimSize(0) != 1)
      return op->emitError() << "cannot import: batch_matmul whose weights "
                                "differ per batch";
    QuantParams params = *QuantParams::get(type);
    std::optional<int64_t> axis = params.getAxis();
    if (axis && *axis == 0)
      return op->emitError() << "cannot import: weights quantized per batch";
    quant::QuantizedType element =
        axis ? getUniformType(params.getExpressedType(),
                              params.getStorageWidth(), params.isSigned(),
                              params.getScales(), params.getZeroPoints(),
                              *axis - 1, params.getStorageRange())
             : params.getType();
    weights = createQuantizedConstant(
        b, op.getLoc(),
        RankedTensorType::get(type.getShape().drop_front(), element),
        *getQuantizedConstant(*weights));
  }
  int64_t rank = cast<RankedTensorType>(lhs.getType()).getRank();
  RankedTensorType type = accumulatorType(op->getResult(0).getType(),
                                          input->first, *weights, rank - 1);
  Value acc = MatmulOp::create(b, op.getLoc(), type, input->first, *weights,
                               Value(), IntegerAttr());
  state.setKnown(op->getResult(0), KnownValue{Kind::Accumulated, acc});
  state.setConsumed(op);
  return success();
}

/// The values of a `tensor<2xi64>` window attribute.
SmallVector<int64_t> pairOf(DenseIntElementsAttr attr) {
  SmallVector<int64_t> values;
  for (const APInt &value : attr.getValues<APInt>())
    values.push_back(value.getSExtValue());
  return values;
}

RuleResult importConv(UserQuantization &state, linalg::LinalgOp op,
                      DenseIntElementsAttr strides,
                      DenseIntElementsAttr dilations, bool depthwise) {
  Value data = op.getDpsInputs()[0], filter = op.getDpsInputs()[1];
  if (!state.lookup(data) && !state.lookup(filter))
    return std::nullopt;
  if (failed(checkZeroInit(op, op.getDpsInits()[0])))
    return failure();
  auto input = getLinearInput(state, op, data, false);
  if (failed(input))
    return failure();
  FailureOr<Value> weights = getWeights(state, op, filter);
  if (failed(weights))
    return failure();
  OpBuilder &b = state.getBuilder();
  auto filterType = cast<RankedTensorType>(weights->getType());
  if (depthwise) {
    // [C, KH, KW] is [C, 1, KH, KW], one group per channel.
    SmallVector<int64_t> shape(filterType.getShape());
    shape.insert(shape.begin() + 1, 1);
    weights = createQuantizedConstant(
        b, op.getLoc(),
        RankedTensorType::get(shape, filterType.getElementType()),
        *getQuantizedConstant(*weights));
    filterType = cast<RankedTensorType>(weights->getType());
  }
  RankedTensorType type =
      accumulatorType(op->getResult(0).getType(), input->first, *weights, 1);
  int64_t groups = depthwise ? filterType.getDimSize(0) : 1;
  Value acc = Conv2DOp::create(b, op.getLoc(), type, input->first, *weights,
                               Value(), b.getDenseI64ArrayAttr(pairOf(strides)),
                               b.getDenseI64ArrayAttr(pairOf(dilations)),
                               b.getDenseI64ArrayAttr(input->second),
                               b.getI64IntegerAttr(groups), IntegerAttr());
  state.setKnown(op->getResult(0), KnownValue{Kind::Accumulated, acc});
  state.setConsumed(op);
  return success();
}

template <typename PoolOp>
RuleResult importPool(UserQuantization &state, PoolOp op, bool isMax) {
  Value data = op.getInputs()[0];
  if (!state.lookup(data))
    return std::nullopt;
  if (llvm::any_of(pairOf(op.getDilations()), [](int64_t d) { return d != 1; }))
    return op->emitError() << "cannot import: dilated pooling";
  auto input = getLinearInput(state, op, data, isMax);
  if (failed(input))
    return failure();
  OpBuilder &b = state.getBuilder();
  auto window = cast<ShapedType>(op.getInputs()[1].getType());
  DenseI64ArrayAttr kernel = b.getDenseI64ArrayAttr(window.getShape());
  DenseI64ArrayAttr strides = b.getDenseI64ArrayAttr(pairOf(op.getStrides()));
  DenseI64ArrayAttr pads = b.getDenseI64ArrayAttr(input->second);
  Type like = op->getResult(0).getType();
  if (isMax) {
    // Quantization is monotone: the maximum of the integers.
    Value max = MaxPoolOp::create(
        b, op.getLoc(), getTensorType(like, getElementTypeOrSelf(input->first)),
        input->first, kernel, strides, pads);
    state.setKnown(op->getResult(0), KnownValue{Kind::Dequantized, max});
  } else {
    if (failed(checkZeroInit(op, op.getOutputs()[0])))
      return failure();
    Value sum = SumPoolOp::create(
        b, op.getLoc(), accumulatorType(like, input->first, Value(), 0),
        input->first, kernel, strides, pads, b.getI64IntegerAttr(1));
    state.setKnown(op->getResult(0), KnownValue{Kind::Accumulated, sum});
  }
  state.setConsumed(op);
  return success();
}

RuleResult importReduction(UserQuantization &state, linalg::GenericOp op,
                           const SumReduction &reduction) {
  auto input = getLinearInput(state, op, reduction.input, false);
  if (failed(input))
    return failure();
  OpBuilder &b = state.getBuilder();
  Value sum = ReduceSumOp::create(
      b, op.getLoc(),
      accumulatorType(op->getResult(0).getType(), input->first, Value(), 0),
      input->first, b.getDenseI64ArrayAttr(reduction.dimensions),
      b.getI64IntegerAttr(1));
  state.setKnown(op->getResult(0), KnownValue{Kind::Accumulated, sum});
  state.setConsumed(op);
  return success();
}

//===----------------------------------------------------------------------===//
// Bias adds and univariate arithmetic
//===----------------------------------------------------------------------===//

/// A bias add: `addf(accumulator, bias)` where the bias (a dequantized
/// quantized constant, one value per output channel) joins the
/// accumulation when its scale is the accumulator's (up to float32
/// rounding).
RuleResult importBiasAdd(UserQuantization &state, linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 0)
    return std::nullopt;
  Block &body = *op.getBlock();
  auto add = dyn_cast<arith::AddFOp>(body.front());
  if (!add || body.getOperations().size() != 2 ||
      body.getTerminator()->getOperand(0) != add.getResult())
    return std::nullopt;
  const KnownValue *known[2] = {state.lookup(op.getDpsInputs()[0]),
                                state.lookup(op.getDpsInputs()[1])};
  int accIndex = known[0] && known[0]->kind == Kind::Accumulated   ? 0
                 : known[1] && known[1]->kind == Kind::Accumulated ? 1
                                                                   : -1;
  if (accIndex < 0)
    return std::nullopt;
  const KnownValue *bias = known[1 - accIndex];
  if (!bias || bias->kind != Kind::Dequantized ||
      !getQuantizedConstant(bias->quantized))
    return std::nullopt;
  Value accumulator = known[accIndex]->quantized;
  Operation *producer = accumulator.getDefiningOp();
  if (!isa_and_nonnull<MatmulOp, Conv2DOp>(producer) ||
      producer->getNumOperands() > 2 || !accumulator.use_empty() ||
      getDataUsers(op.getDpsInputs()[accIndex]).size() != 1)
    return op->emitError() << "cannot import the bias add: its accumulator "
                              "is not the result of one matmul or "
                              "convolution read only here";
  auto accType = cast<RankedTensorType>(accumulator.getType());
  int64_t channelDim = isa<MatmulOp>(producer) ? accType.getRank() - 1 : 1;
  AffineMap biasMap =
      op.getMatchingIndexingMap(op.getDpsInputOperand(1 - accIndex));
  auto biasType = cast<RankedTensorType>(bias->quantized.getType());
  if (biasType.getRank() != 1 || biasMap.getNumResults() != 1 ||
      biasMap.getResult(0) != getAffineDimExpr(channelDim, op.getContext()) ||
      op.getMatchingIndexingMap(op.getDpsInputOperand(accIndex)) !=
          op.getMatchingIndexingMap(op.getDpsInitOperand(0)))
    return op->emitError() << "cannot import the bias add: the bias is not "
                              "one value per output channel";
  QuantParams accParams = *QuantParams::get(accType);
  QuantParams biasParams = *QuantParams::get(biasType);
  for (unsigned c = 0;
       c < std::max(accParams.getNumChannels(), biasParams.getNumChannels());
       ++c)
    if (!scalesAgree(biasParams.getScale(c), accParams.getScale(c)) ||
        biasParams.getZeroPoint(c) != 0)
      return op->emitError()
             << "cannot import the bias add: the bias of channel " << c
             << " has scale " << formatScale(biasParams.getScale(c))
             << " and zero point " << biasParams.getZeroPoint(c)
             << " but the accumulator's scale is "
             << formatScale(accParams.getScale(c))
             << " (zero point 0; float32 rounding allows 2^-23)";
  OpBuilder &b = state.getBuilder();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(producer);
  Operation *folded;
  if (auto matmul = dyn_cast<MatmulOp>(producer))
    folded = MatmulOp::create(b, matmul.getLoc(), matmul.getType(),
                              matmul.getLhs(), matmul.getRhs(), bias->quantized,
                              matmul.getChunksAttr());
  else {
    auto conv = cast<Conv2DOp>(producer);
    folded = Conv2DOp::create(
        b, conv.getLoc(), conv.getType(), conv.getInput(), conv.getFilter(),
        bias->quantized, conv.getStridesAttr(), conv.getDilationsAttr(),
        conv.getPaddingAttr(), conv.getGroupsAttr(), conv.getChunksAttr());
  }
  producer->getResult(0).replaceAllUsesWith(folded->getResult(0));
  producer->erase();
  // The float accumulator (its shape may still be read, by tensor.dim)
  // is now the folded op's result.
  state.setKnown(op.getDpsInputs()[accIndex],
                 KnownValue{Kind::Accumulated, folded->getResult(0)});
  state.setKnown(op->getResult(0),
                 KnownValue{Kind::Accumulated, folded->getResult(0)});
  state.setConsumed(op);
  return success();
}

/// The float constant a DequantizeLinear of the quantized constant
/// `quantized` (storage integers `values`) computes, `(q - zp) * scale` per
/// element (per axis), in float32 or float64 as `type` says; null for
/// other float types.
Value dequantizeConstant(OpBuilder &b, Location loc, Value quantized,
                         ArrayRef<int64_t> values, RankedTensorType type) {
  Type element = type.getElementType();
  if (!element.isF32() && !element.isF64())
    return Value();
  QuantParams params = *QuantParams::get(quantized.getType());
  auto shape = cast<RankedTensorType>(quantized.getType()).getShape();
  ChannelCursor cursor(params.isPerAxis()
                           ? ChannelLayout::along(shape, *params.getAxis())
                           : ChannelLayout());
  SmallVector<Attribute> reals;
  for (int64_t q : values) {
    unsigned channel = cursor.channel();
    cursor.next();
    int64_t centered = q - params.getZeroPoint(channel);
    double scale = params.getScale(channel);
    double real = element.isF32()
                      ? static_cast<double>(static_cast<float>(centered) *
                                            static_cast<float>(scale))
                      : static_cast<double>(centered) * scale;
    reals.push_back(b.getFloatAttr(element, real));
  }
  return arith::ConstantOp::create(b, loc, type,
                                   DenseElementsAttr::get(type, reals));
}

/// Elementwise float arithmetic of a known value and dequantized quantized
/// constants (ONNX Runtime quantizes the constant operand of an Add or a
/// Mul): the constants become the float values their DequantizeLinear
/// computes, so that the arithmetic is univariate (a table, per channel
/// where they vary along one). Never applies to a bias add (matched first).
void materializeDequantizedConstants(UserQuantization &state,
                                     linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0)
    return;
  SmallVector<std::pair<OpOperand *, SmallVector<int64_t>>> constants;
  bool readsData = false;
  for (OpOperand *input : op.getDpsInputOperands()) {
    const KnownValue *known = state.lookup(input->get());
    if (!known)
      continue;
    std::optional<SmallVector<int64_t>> values;
    if (known->kind == Kind::Dequantized)
      values = getQuantizedConstant(known->quantized);
    if (values)
      constants.push_back({input, std::move(*values)});
    else
      readsData = true;
  }
  if (!readsData)
    return;
  OpBuilder &b = state.getBuilder();
  for (auto &[input, values] : constants) {
    Value real = dequantizeConstant(
        b, op.getLoc(), state.lookup(input->get())->quantized, values,
        cast<RankedTensorType>(input->get().getType()));
    if (real)
      input->set(real);
  }
}

/// Float arithmetic of two dequantized encrypted tensors (a residual sum):
/// pending until a quantization (a table of pairs) or the client reads it.
RuleResult importPair(UserQuantization &state, linalg::GenericOp op) {
  std::optional<BinaryGeneric> binary = matchBinary(op);
  if (!binary)
    return std::nullopt;
  const KnownValue *lhs = state.lookup(binary->lhs);
  const KnownValue *rhs = state.lookup(binary->rhs);
  auto isEncrypted = [](const KnownValue *k) {
    return k && k->kind == Kind::Dequantized &&
           !getQuantizedConstant(k->quantized);
  };
  if (!isEncrypted(lhs) || !isEncrypted(rhs))
    return std::nullopt;
  KnownValue result{Kind::Pair, lhs->quantized};
  result.pairRhs = rhs->quantized;
  result.pairKind = binary->kind;
  result.pairFloatType = getElementTypeOrSelf(op->getResult(0).getType());
  state.setKnown(op->getResult(0), result);
  return success();
}

/// Univariate float arithmetic of a known value: pending until a
/// quantization (a table) or the client (float code) reads it.
RuleResult importUnivariate(UserQuantization &state, linalg::GenericOp op) {
  std::optional<UnivariateGeneric> univariate = matchUnivariate(op);
  if (!univariate)
    return std::nullopt;
  Value data = op->getOperand(univariate->dataOperand);
  const KnownValue *known = state.lookup(data);
  if (!known)
    return std::nullopt;
  KnownValue result{Kind::Univariate, Value()};
  if (known->kind == Kind::Univariate) {
    result.source = known->source;
    result.links = known->links;
  } else if (known->kind == Kind::Pair) {
    result = *known;
  } else if (known->kind == Kind::Dequantized ||
             known->kind == Kind::Accumulated) {
    result.source = data;
  } else {
    return std::nullopt;
  }
  result.links.push_back(op);
  state.setKnown(op->getResult(0), result);
  return success();
}

} // namespace

RuleResult mlir::qfhe::importQDQOp(UserQuantization &state, Operation *op) {
  if (auto qcast = dyn_cast<quant::QuantizeCastOp>(op))
    return importQuantizeCast(state, qcast);
  if (auto dcast = dyn_cast<quant::DequantizeCastOp>(op))
    return importDequantizeCast(state, dcast);
  if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp,
          tensor::ExtractSliceOp, tensor::ReshapeOp, linalg::TransposeOp>(op))
    return importMovement(state, op);
  if (auto pad = dyn_cast<tensor::PadOp>(op))
    return importPad(state, pad);
  if (auto matmul = dyn_cast<linalg::MatmulOp>(op))
    return importMatmul(state, matmul, false);
  if (auto batch = dyn_cast<linalg::BatchMatmulOp>(op))
    return importMatmul(state, batch, true);
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
    return importConv(state, conv, conv.getStrides(), conv.getDilations(),
                      false);
  if (auto conv = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op))
    return importConv(state, conv, conv.getStrides(), conv.getDilations(),
                      true);
  if (auto pool = dyn_cast<linalg::PoolingNchwSumOp>(op))
    return importPool(state, pool, false);
  if (auto pool = dyn_cast<linalg::PoolingNchwMaxOp>(op))
    return importPool(state, pool, true);
  if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
    if (std::optional<SumReduction> reduction = matchSumReduction(generic))
      if (state.lookup(reduction->input))
        return importReduction(state, generic, *reduction);
    if (RuleResult result = importBiasAdd(state, generic))
      return result;
    materializeDequantizedConstants(state, generic);
    if (RuleResult result = importPair(state, generic))
      return result;
    return importUnivariate(state, generic);
  }
  return std::nullopt;
}
