//===- LowerTables.cpp - univariate functions as table lookups ------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// qfhe.apply and qfhe.requantize are functions of one integer: each becomes
// one qfhe.lut whose entries are what the quantized op computes for every
// input value (the apply body is evaluated with its own float arithmetic).
// qfhe.add and qfhe.sub rescale both operands to a common scale with a
// lookup each, add or subtract exactly, and requantize with a third lookup.
//
//===----------------------------------------------------------------------===//

#include "BodyInterpreter.h"
#include "IntegerLowering.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "qfhe/Support/Rescale.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// qfhe.quantize's arithmetic on one value computed in float type `type`.
int64_t quantizeLikeProgram(double y, double scale, int64_t zeroPoint,
                            IntegerRange storage, Type type) {
  double scaled = roundToType(y / roundToType(scale, type), type);
  double rounded = std::nearbyint(scaled);
  if (std::isnan(rounded))
    return zeroPoint;
  double low = static_cast<double>(storage.min - zeroPoint);
  double high = static_cast<double>(storage.max - zeroPoint);
  return static_cast<int64_t>(std::fmin(std::fmax(rounded, low), high)) +
         zeroPoint;
}

LowerResult lowerApply(IntegerLowering &lowering, ApplyOp op) {
  FailureOr<IntegerForm> input = lowering.getForm(op.getInput(), op);
  if (failed(input))
    return failure();
  QuantParams out = *QuantParams::get(op.getResult().getType());
  if (out.isPerAxis())
    return op->emitError() << "cannot lower: per-axis result parameters of "
                              "a table";
  Block &body = op.getBody().front();
  BodyInterpreter interpreter(body);
  if (!interpreter.isValid())
    return op->emitError() << interpreter.getError();
  FloatType type = op.getFunctionType();
  IntegerRange storage = out.getStorageRange();
  double outScale = out.getScale();
  int64_t outZero = out.getZeroPoint();
  // Integers stand for reals through the input's integer form; the
  // quantized op dequantizes with (q - zp) * scale in `type`, and q - zp is
  // the centered integer x.
  const IntegerForm &form = *input;
  bool withChannel = op.getChannelAxis().has_value();
  TableFunction function = [&](unsigned channel, int64_t x) {
    double real = roundToType(roundToType(static_cast<double>(x), type) *
                                  roundToType(form.getScale(channel), type),
                              type);
    SmallVector<double, 2> arguments{real};
    if (withChannel)
      arguments.push_back(static_cast<double>(channel));
    double y = interpreter.evaluate(arguments);
    return quantizeLikeProgram(y, outScale, outZero, storage, type);
  };
  FailureOr<IntegerForm> result = lowering.emitLookup(
      form, op.getChannelAxis(), function, storage, outScale, outZero, op);
  if (failed(result))
    return failure();
  lowering.setForm(op.getResult(), *result);
  return success();
}

LowerResult lowerRequantize(IntegerLowering &lowering, RequantizeOp op) {
  FailureOr<IntegerForm> input = lowering.getForm(op.getInput(), op);
  if (failed(input))
    return failure();
  QuantParams from = *QuantParams::get(op.getInput().getType());
  QuantParams to = *QuantParams::get(op.getResult().getType());
  if (to.isPerAxis())
    return op->emitError() << "cannot lower: requantization to per-axis "
                              "parameters";
  IntegerRange storage = to.getStorageRange();
  RescaleRounding rounding = op.getRescaleRounding();
  // What the quantized op computes: R(x) for the centered input x.
  bool failedAny = false;
  TableFunction function = [&](unsigned channel, int64_t x) {
    std::optional<int64_t> q = rescale(x, from.getScale(channel), to.getScale(),
                                       to.getZeroPoint(), storage, rounding);
    failedAny |= !q;
    return q ? *q : to.getZeroPoint();
  };
  FailureOr<IntegerForm> result =
      lowering.emitLookup(*input, std::nullopt, function, storage,
                          to.getScale(), to.getZeroPoint(), op);
  if (failed(result))
    return failure();
  if (failedAny)
    return op->emitError() << "cannot lower: scale ratio without a "
                              "fixed-point form";
  lowering.setForm(op.getResult(), *result);
  return success();
}

/// The largest magnitude of the reals a form stands for.
double realMagnitude(const IntegerForm &form) {
  double magnitude = 0;
  for (unsigned c = 0; c < form.getNumChannels(); ++c) {
    IntegerRange range = form.getRange(c);
    double scale = form.getScale(c);
    int64_t offset = form.getOffset(c);
    int64_t unit = int64_t(1) << form.unitBits;
    magnitude =
        std::max({magnitude, std::fabs(scale * (range.min * unit - offset)),
                  std::fabs(scale * (range.max * unit - offset))});
  }
  return magnitude;
}

template <typename BinaryOp>
LowerResult lowerAddOrSub(IntegerLowering &lowering, BinaryOp op,
                          bool subtract) {
  FailureOr<IntegerForm> lhs = lowering.getForm(op.getLhs(), op);
  FailureOr<IntegerForm> rhs = lowering.getForm(op.getRhs(), op);
  if (failed(lhs) || failed(rhs))
    return failure();
  QuantParams out = *QuantParams::get(op.getResult().getType());
  if (out.isPerAxis())
    return op->emitError() << "cannot lower: per-axis result parameters";
  // Both operands become integers at a common scale so that their sum fits
  // `width` bits; the sum is then requantized.
  unsigned width = std::min(lowering.getTluBitWidth(), 16u);
  double magnitude = realMagnitude(*lhs) + realMagnitude(*rhs);
  double common =
      magnitude > 0 ? magnitude / ((int64_t(1) << (width - 1)) - 1) : 1.0;
  auto rescale = [&](const IntegerForm &form) {
    TableFunction function = [&form, common](unsigned channel, int64_t x) {
      return static_cast<int64_t>(
          std::nearbyint(form.getScale(channel) * x / common));
    };
    return lowering.emitLookup(form, std::nullopt, function,
                               getStorageRange(width, true), common, 0, op);
  };
  FailureOr<IntegerForm> a = rescale(*lhs);
  FailureOr<IntegerForm> b = rescale(*rhs);
  if (failed(a) || failed(b))
    return failure();
  OpBuilder &builder = lowering.getBuilder();
  Location loc = op.getLoc();
  Value init = tensor::EmptyOp::create(
      builder, loc, tensor::getMixedSizes(builder, loc, a->value),
      cast<ShapedType>(a->value.getType()).getElementType());
  Value combined =
      subtract
          ? linalg::SubOp::create(builder, loc, ValueRange{a->value, b->value},
                                  ValueRange{init})
                .getResult(0)
          : linalg::AddOp::create(builder, loc, ValueRange{a->value, b->value},
                                  ValueRange{init})
                .getResult(0);
  IntegerForm sum;
  sum.value = combined;
  sum.scales = {common};
  sum.offsets = {0};
  IntegerRange ra = a->getWholeRange(), rb = b->getWholeRange();
  sum.ranges = {subtract ? IntegerRange{ra.min - rb.max, ra.max - rb.min}
                         : IntegerRange{ra.min + rb.min, ra.max + rb.max}};
  IntegerRange storage = out.getStorageRange();
  TableFunction requantize = [&](unsigned, int64_t x) {
    return quantizeValue(common * x, out.getScale(), out.getZeroPoint(),
                         storage);
  };
  FailureOr<IntegerForm> result =
      lowering.emitLookup(sum, std::nullopt, requantize, storage,
                          out.getScale(), out.getZeroPoint(), op);
  if (failed(result))
    return failure();
  lowering.setForm(op.getResult(), *result);
  return success();
}

} // namespace

LowerResult mlir::qfhe::lowerTableOp(IntegerLowering &lowering, Operation *op) {
  if (auto apply = dyn_cast<ApplyOp>(op))
    return lowerApply(lowering, apply);
  if (auto requantize = dyn_cast<RequantizeOp>(op))
    return lowerRequantize(lowering, requantize);
  if (auto add = dyn_cast<AddOp>(op))
    return lowerAddOrSub(lowering, add, false);
  if (auto sub = dyn_cast<SubOp>(op))
    return lowerAddOrSub(lowering, sub, true);
  if (isa<MulOp>(op))
    return op->emitError() << "cannot lower qfhe.mul of two encrypted "
                              "tensors yet";
  return std::nullopt;
}
