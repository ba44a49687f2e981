//===- ImportTosa.cpp - TOSA integer programs into the quantized level ----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A TOSA int8 program computes on storage integers: `tosa.matmul` with
// zero points accumulates in i32, `tosa.add` adds an i32 bias,
// `tosa.rescale` multiplies by a fixed-point multiplier and shift, adds the
// output zero point and saturates, `tosa.clamp` clamps. Its reals are
// stated only at the boundary, where `quant.scast` turns the client's
// `quant.qcast` into integers and the results back into quantized values.
// Each rescale fixes the scale of the accumulation it reads: the output's
// scale (the boundary's when the rescale's result reaches it, else 1) times
// the multiplier `M * 2^-s` is the accumulator's scale, so that
// qfhe.requantize recomputes exactly `M` and `s` (with TOSA's rounding:
// fixed_point for SINGLE_ROUND, fixed_point_double for DOUBLE_ROUND), and
// the weights' scale follows. The integers are the user's, unchanged.
//
//===----------------------------------------------------------------------===//

#include "UserQuantization.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "qfhe/Support/QuantMath.h"

using namespace mlir;
using namespace mlir::qfhe;

using Kind = KnownValue::Kind;

namespace {

/// The integers of a constant (tosa.const, arith.constant), sign-extended.
std::optional<SmallVector<int64_t>> getIntegers(Value value) {
  DenseIntElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> values;
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(v.getSExtValue());
  return values;
}

/// The one value of a zero-point operand (a constant of one element).
FailureOr<int64_t> getZeroPoint(Operation *op, Value value, StringRef role) {
  std::optional<SmallVector<int64_t>> values = getIntegers(value);
  if (!values || values->size() != 1)
    return op->emitError() << "cannot import '" << op->getName() << "': its "
                           << role << " zero point is not a constant";
  return values->front();
}

/// The quantized value `known` holds, read with zero point `zeroPoint` (the
/// integers reinterpreted when the operation states another one).
Value withZeroPoint(OpBuilder &b, Location loc, Value quantized,
                    int64_t zeroPoint) {
  QuantParams params = *QuantParams::get(quantized.getType());
  if (params.getZeroPoint() == zeroPoint && !params.isPerAxis())
    return quantized;
  auto type = cast<RankedTensorType>(quantized.getType());
  Value integers = quant::StorageCastOp::create(
      b, loc, type.clone(b.getIntegerType(params.getStorageWidth())),
      quantized);
  quant::QuantizedType element = getUniformType(
      params.getExpressedType(), params.getStorageWidth(), params.isSigned(),
      {params.getScale()}, {zeroPoint}, std::nullopt, params.getStorageRange());
  return quant::StorageCastOp::create(b, loc, type.clone(element), integers);
}

/// The integers a TOSA op reads: what the user's quantization made of an
/// integer tensor, which must be signed (TOSA reads int8 as signed).
FailureOr<Value> getIntegersOf(UserQuantization &state, Operation *op,
                               Value operand) {
  const KnownValue *known = state.lookup(operand);
  if (!known || known->kind != Kind::Integers)
    return op->emitError() << "cannot import '" << op->getName()
                           << "': its input holds no quantized integers (a "
                              "quant.scast of quantized values)";
  if (!QuantParams::get(known->quantized.getType())->isSigned())
    return op->emitError() << "cannot import '" << op->getName()
                           << "': TOSA reads its input as signed integers but "
                              "they hold unsigned quantized values";
  return known->quantized;
}

/// The parameters the boundary states for the integers `value` becomes:
/// through clamps and reshapes, a quant.scast to a quantized type.
std::optional<QuantParams> findDeclaredParameters(Value value) {
  for (Operation *user : value.getUsers()) {
    if (auto cast = dyn_cast<quant::StorageCastOp>(user))
      if (std::optional<QuantParams> params = QuantParams::get(cast.getType()))
        return params;
    if (isa<tosa::ClampOp, tosa::ReshapeOp>(user))
      if (std::optional<QuantParams> params =
              findDeclaredParameters(user->getResult(0)))
        return params;
  }
  return std::nullopt;
}

RuleResult importStorageCast(UserQuantization &state, quant::StorageCastOp op) {
  OpBuilder &b = state.getBuilder();
  if (QuantParams::get(op.getInput().getType())) {
    // Quantized values read as integers.
    if (getQuantizedConstant(op.getResult()) ||
        !isa<RankedTensorType>(op.getType()))
      return std::nullopt;
    state.setKnown(op.getResult(), KnownValue{Kind::Integers, op.getInput()});
    state.setConsumed(op);
    return success();
  }
  const KnownValue *known = state.lookup(op.getInput());
  if (!known || known->kind != Kind::Integers)
    return std::nullopt;
  // Integers read as quantized values: the same integers, with the
  // declared parameters.
  auto type = cast<RankedTensorType>(op.getType());
  QuantParams from = *QuantParams::get(known->quantized.getType());
  QuantParams to = *QuantParams::get(type);
  if (from.getZeroPoints() == to.getZeroPoints() &&
      from.isSigned() == to.isSigned() &&
      from.getStorageWidth() == to.getStorageWidth() &&
      from.getScales() != to.getScales()) {
    // The same integers read at other scales (ONNX MatMulInteger reads the
    // integers of a QuantizeLinear at scale 1): a reinterpretation through
    // the storage type, which leaves the integer program unchanged.
    Value integers = quant::StorageCastOp::create(
        b, op.getLoc(), op.getInput().getType(), known->quantized);
    Value result = quant::StorageCastOp::create(b, op.getLoc(), type, integers);
    UserQuantization::replaceQuantized(op.getResult(), result);
    state.setConsumed(op);
    return success();
  }
  if (from.getScales() != to.getScales() ||
      from.getZeroPoints() != to.getZeroPoints() ||
      from.isSigned() != to.isSigned())
    return op->emitError() << "cannot import: these integers have type "
                           << known->quantized.getType()
                           << " in the program but are declared " << type;
  Value result =
      known->quantized.getType() == type
          ? known->quantized
          : RequantizeOp::create(b, op.getLoc(), type, known->quantized)
                .getResult();
  UserQuantization::replaceQuantized(op.getResult(), result);
  state.setConsumed(op);
  return success();
}

RuleResult importReshape(UserQuantization &state, tosa::ReshapeOp op) {
  const KnownValue *known = state.lookup(op.getInput1());
  if (!known || known->kind != Kind::Integers)
    return std::nullopt;
  Value quantized = known->quantized;
  auto from = cast<RankedTensorType>(quantized.getType());
  if (QuantParams::get(from)->isPerAxis())
    return op->emitError() << "cannot import: reshape of integers quantized "
                              "per axis";
  auto to = getTensorType(op.getType(), from.getElementType());
  std::optional<SmallVector<ReassociationIndices>> reassociation =
      getReassociationIndicesForReshape(from, to);
  if (!reassociation)
    return op->emitError() << "cannot import: a reshape from " << from << " to "
                           << to << " is not a collapse or an expansion";
  OpBuilder &b = state.getBuilder();
  Value moved;
  if (from.getRank() > to.getRank())
    moved = tensor::CollapseShapeOp::create(b, op.getLoc(), to, quantized,
                                            *reassociation);
  else
    moved = tensor::ExpandShapeOp::create(b, op.getLoc(), to, quantized,
                                          *reassociation);
  state.setKnown(op.getResult(), KnownValue{Kind::Integers, moved});
  state.setConsumed(op);
  return success();
}

RuleResult importMatmul(UserQuantization &state, tosa::MatMulOp op) {
  if (!state.lookup(op.getA()))
    return std::nullopt;
  FailureOr<Value> data = getIntegersOf(state, op, op.getA());
  FailureOr<int64_t> dataZeroPoint = getZeroPoint(op, op.getAZp(), "a");
  FailureOr<int64_t> weightZeroPoint = getZeroPoint(op, op.getBZp(), "b");
  if (failed(data) || failed(dataZeroPoint) || failed(weightZeroPoint))
    return failure();
  auto weightType = cast<RankedTensorType>(op.getB().getType());
  if (!getIntegers(op.getB()) || weightType.getDimSize(0) != 1)
    return op->emitError() << "cannot import 'tosa.matmul': its weights are "
                              "not one constant matrix (products of two "
                              "encrypted tensors are not supported)";
  KnownValue pending{
      Kind::PendingAccumulator,
      withZeroPoint(state.getBuilder(), op.getLoc(), *data, *dataZeroPoint)};
  pending.producer = op;
  state.setKnown(op.getResult(), pending);
  state.setConsumed(op);
  return success();
}

RuleResult importBiasAdd(UserQuantization &state, tosa::AddOp op) {
  const KnownValue *lhs = state.lookup(op.getInput1());
  if (!lhs || lhs->kind != Kind::PendingAccumulator)
    return std::nullopt;
  std::optional<SmallVector<int64_t>> bias = getIntegers(op.getInput2());
  auto biasType = cast<RankedTensorType>(op.getInput2().getType());
  int64_t channels = cast<RankedTensorType>(op.getType()).getShape().back();
  if (!bias || !lhs->bias.empty() || biasType.getShape().back() != channels ||
      static_cast<int64_t>(bias->size()) != channels)
    return op->emitError() << "cannot import 'tosa.add': only one constant "
                              "bias per output channel may join an "
                              "accumulation";
  KnownValue pending = *lhs;
  pending.bias = *bias;
  state.setKnown(op.getResult(), pending);
  state.setConsumed(op);
  return success();
}

/// The fixed-point multipliers and shifts of a tosa.rescale, per channel.
FailureOr<SmallVector<FixedPointMultiplier>>
getMultipliers(tosa::RescaleOp op) {
  std::optional<SmallVector<int64_t>> multipliers =
      getIntegers(op.getMultiplier());
  std::optional<SmallVector<int64_t>> shifts = getIntegers(op.getShift());
  if (!multipliers || !shifts || multipliers->size() != shifts->size())
    return op->emitError() << "cannot import 'tosa.rescale': its multiplier "
                              "and shift are not constants of one size";
  SmallVector<FixedPointMultiplier> result;
  for (auto [m, s] : llvm::zip(*multipliers, *shifts)) {
    if (m <= 0 || s < 0 || s > 62)
      return op->emitError()
             << "cannot import 'tosa.rescale': multiplier " << m
             << " with shift " << s << " is not a positive fixed-point scale";
    result.push_back(FixedPointMultiplier{m, static_cast<unsigned>(s)});
  }
  return result;
}

/// Checks that qfhe.requantize, with the multiplier qfhe derives from the
/// ratio of scales `ratio`, computes what TOSA computes with `user`.
LogicalResult checkMultiplier(tosa::RescaleOp op, FixedPointMultiplier user,
                              double ratio, bool doubleRound) {
  std::optional<FixedPointMultiplier> derived =
      computeFixedPointMultiplier(ratio);
  __extension__ typedef __int128 Int128;
  bool same = derived && (Int128(derived->multiplier) << user.shift) ==
                             (Int128(user.multiplier) << derived->shift);
  // Double rounding depends on the shift itself beyond 31.
  if (same && doubleRound && (user.shift > 31 || derived->shift > 31))
    same =
        derived->multiplier == user.multiplier && derived->shift == user.shift;
  if (same)
    return success();
  return op->emitError()
         << "cannot import 'tosa.rescale': multiplier " << user.multiplier
         << " with shift " << user.shift
         << " is not in the normalized form qfhe.requantize computes "
            "(multiplier in [2^30, 2^31) for double rounding)";
}

RuleResult importRescale(UserQuantization &state, tosa::RescaleOp op) {
  const KnownValue *known = state.lookup(op.getInput());
  if (!known)
    return std::nullopt;
  if (known->kind != Kind::PendingAccumulator && known->kind != Kind::Integers)
    return op->emitError() << "cannot import 'tosa.rescale': its input is not "
                              "an accumulation or quantized integers";
  RoundingMode rounding;
  switch (op.getRoundingMode()) {
  case tosa::RoundingMode::SINGLE_ROUND:
    rounding = RoundingMode::fixed_point;
    break;
  case tosa::RoundingMode::DOUBLE_ROUND:
    rounding = op.getScale32() ? RoundingMode::fixed_point_double
                               : RoundingMode::fixed_point;
    break;
  default:
    return op->emitError() << "cannot import 'tosa.rescale': INEXACT_ROUND "
                              "has no exact integer form";
  }
  FailureOr<SmallVector<FixedPointMultiplier>> multipliers = getMultipliers(op);
  FailureOr<int64_t> inputZeroPoint =
      getZeroPoint(op, op.getInputZp(), "input");
  FailureOr<int64_t> outputZeroPoint =
      getZeroPoint(op, op.getOutputZp(), "output");
  if (failed(multipliers) || failed(inputZeroPoint) || failed(outputZeroPoint))
    return failure();
  auto resultType = cast<RankedTensorType>(op.getType());
  auto resultElement = dyn_cast<IntegerType>(resultType.getElementType());
  if (!resultElement || resultElement.getWidth() > 32)
    return op->emitError() << "cannot import 'tosa.rescale' into "
                           << resultType;
  bool resultSigned = !op.getOutputUnsigned();
  unsigned width = resultElement.getWidth();
  int64_t channels = resultType.getShape().back();
  if (op.getPerChannel() &&
      static_cast<int64_t>(multipliers->size()) != channels)
    return op->emitError() << "cannot import 'tosa.rescale': "
                           << multipliers->size() << " multipliers for "
                           << channels << " channels";

  // The result's scale: the boundary's, or 1 inside the program.
  std::optional<QuantParams> declared = findDeclaredParameters(op.getResult());
  double outputScale = declared ? declared->getScale() : 1.0;
  if (declared && declared->getZeroPoint() != *outputZeroPoint)
    return op->emitError() << "cannot import 'tosa.rescale': output zero "
                              "point "
                           << *outputZeroPoint
                           << " but the program's result declares "
                           << declared->getZeroPoint();
  SmallVector<double> ratios;
  for (const FixedPointMultiplier &m : *multipliers)
    ratios.push_back(std::ldexp(static_cast<double>(m.multiplier),
                                -static_cast<int>(m.shift)));

  OpBuilder &b = state.getBuilder();
  Location loc = op.getLoc();
  Value input;
  if (known->kind == Kind::PendingAccumulator) {
    if (*inputZeroPoint != 0)
      return op->emitError() << "cannot import 'tosa.rescale': an "
                                "accumulation has input zero point 0, got "
                             << *inputZeroPoint;
    // The accumulation: its scales make the rescale's ratio exact; the
    // weights' scales follow.
    auto matmul = cast<tosa::MatMulOp>(known->producer);
    QuantParams data = *QuantParams::get(known->quantized.getType());
    auto weightType = cast<RankedTensorType>(matmul.getB().getType());
    int64_t k = weightType.getDimSize(1), n = weightType.getDimSize(2);
    FailureOr<int64_t> weightZeroPoint =
        getZeroPoint(matmul, matmul.getBZp(), "b");
    if (failed(weightZeroPoint))
      return failure();
    SmallVector<double> accScales, weightScales;
    for (int64_t c = 0; c < n; ++c) {
      double ratio = ratios[op.getPerChannel() ? c : 0];
      accScales.push_back(outputScale * ratio);
      weightScales.push_back(accScales.back() / data.getScale());
    }
    bool perChannel = op.getPerChannel();
    if (!perChannel) {
      accScales.resize(1);
      weightScales.resize(1);
    }
    Type expressed = data.getExpressedType();
    auto weightElementType = cast<IntegerType>(weightType.getElementType());
    std::optional<int64_t> axis =
        perChannel ? std::optional<int64_t>(1) : std::nullopt;
    Value weights = createQuantizedConstant(
        b, loc,
        RankedTensorType::get(
            {k, n},
            getUniformType(
                expressed, weightElementType.getWidth(), true, weightScales,
                SmallVector<int64_t>(weightScales.size(), *weightZeroPoint),
                axis)),
        *getIntegers(matmul.getB()));
    auto accType = cast<RankedTensorType>(matmul.getType());
    int64_t rank = accType.getRank();
    auto accElement = getUniformType(
        expressed, 32, true, accScales,
        SmallVector<int64_t>(accScales.size(), 0),
        perChannel ? std::optional<int64_t>(rank - 1) : std::nullopt);
    Value bias;
    if (!known->bias.empty())
      bias = createQuantizedConstant(
          b, loc,
          RankedTensorType::get(
              {n}, getUniformType(expressed, 32, true, accScales,
                                  SmallVector<int64_t>(accScales.size(), 0),
                                  perChannel ? std::optional<int64_t>(0)
                                             : std::nullopt)),
          known->bias);
    input = MatmulOp::create(b, loc, accType.clone(accElement),
                             known->quantized, weights, bias, IntegerAttr());
  } else {
    // Integers rescaled: their scale over the ratio.
    input = withZeroPoint(b, loc, known->quantized, *inputZeroPoint);
    if (op.getPerChannel() && channels > 1)
      return op->emitError() << "cannot import 'tosa.rescale': per-channel "
                                "rescaling of quantized integers";
    outputScale = QuantParams::get(input.getType())->getScale() / ratios[0];
    if (declared && !scalesAgree(declared->getScale(), outputScale))
      return op->emitError()
             << "cannot import 'tosa.rescale': it gives scale "
             << formatScale(outputScale) << " but the program's result "
             << "declares " << formatScale(declared->getScale());
  }
  QuantParams from = *QuantParams::get(input.getType());
  for (auto [c, multiplier] : llvm::enumerate(*multipliers))
    if (failed(checkMultiplier(op, multiplier, from.getScale(c) / outputScale,
                               rounding == RoundingMode::fixed_point_double)))
      return failure();
  Type expressed = from.getExpressedType();
  quant::QuantizedType element = getUniformType(
      expressed, width, resultSigned, {outputScale}, {*outputZeroPoint});
  auto requantize =
      RequantizeOp::create(b, loc, resultType.clone(element), input);
  requantize.setRounding(rounding);
  state.setKnown(op.getResult(),
                 KnownValue{Kind::Integers, requantize.getResult()});
  state.setConsumed(op);
  return success();
}

RuleResult importClamp(UserQuantization &state, tosa::ClampOp op) {
  const KnownValue *known = state.lookup(op.getInput());
  if (!known || known->kind != Kind::Integers)
    return std::nullopt;
  auto min = dyn_cast<IntegerAttr>(op.getMinValAttr());
  auto max = dyn_cast<IntegerAttr>(op.getMaxValAttr());
  if (!min || !max)
    return op->emitError() << "cannot import 'tosa.clamp' of integers with "
                              "float bounds";
  QuantParams params = *QuantParams::get(known->quantized.getType());
  IntegerRange storage = params.getStorageRange();
  IntegerRange bounds{std::max(storage.min, min.getInt()),
                      std::min(storage.max, max.getInt())};
  if (bounds.min >= bounds.max)
    return op->emitError() << "cannot import 'tosa.clamp': it leaves at most "
                              "one integer";
  auto type = cast<RankedTensorType>(known->quantized.getType());
  Value clamped = RequantizeOp::create(
      state.getBuilder(), op.getLoc(),
      type.clone(withStorageBounds(params, bounds)), known->quantized);
  state.setKnown(op.getResult(), KnownValue{Kind::Integers, clamped});
  state.setConsumed(op);
  return success();
}

} // namespace

RuleResult mlir::qfhe::importTosaOp(UserQuantization &state, Operation *op) {
  if (auto cast = dyn_cast<quant::StorageCastOp>(op))
    return importStorageCast(state, cast);
  if (auto reshape = dyn_cast<tosa::ReshapeOp>(op))
    return importReshape(state, reshape);
  if (auto matmul = dyn_cast<tosa::MatMulOp>(op))
    return importMatmul(state, matmul);
  if (auto add = dyn_cast<tosa::AddOp>(op))
    return importBiasAdd(state, add);
  if (auto rescale = dyn_cast<tosa::RescaleOp>(op))
    return importRescale(state, rescale);
  if (auto clamp = dyn_cast<tosa::ClampOp>(op))
    return importClamp(state, clamp);
  return std::nullopt;
}
