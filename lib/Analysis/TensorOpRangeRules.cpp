//===- TensorOpRangeRules.cpp - ranges of tensor, arith and qfhe ops ------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Ops that move or combine elements without arithmetic keep the range of
// their sources (reshapes, slices, concatenation, padding with the pad
// value); constants have their exact range; arith and math ops applied to
// whole tensors follow the scalar rules; qfhe ops have the ranges their
// quantization parameters state.
//
//===----------------------------------------------------------------------===//

#include "RangeRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "qfhe/Support/QuantMath.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qfhe;

std::optional<RangeResults>
mlir::qfhe::inferElementwiseRanges(Operation *op,
                                   ArrayRef<TensorRange> operands) {
  if (!hasScalarRule(op) || op->getNumResults() != 1)
    return std::nullopt;
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    ScalarRange range = evaluateScalarOp(op, {});
    if (!range.reason.empty())
      return RangeResults{TensorRange::unknown(range.reason)};
    return RangeResults{TensorRange(range.interval)};
  }
  // Operands known per channel along one common axis are evaluated per
  // channel.
  std::optional<int64_t> axis;
  size_t channels = 0;
  bool perChannel = !operands.empty();
  for (const TensorRange &operand : operands) {
    if (!operand.hasChannels() || (axis && operand.getAxis() != axis) ||
        (channels && operand.getChannels().size() != channels)) {
      perChannel = false;
      break;
    }
    axis = operand.getAxis();
    channels = operand.getChannels().size();
  }
  // An unbounded result inherits the reason of an unbounded operand.
  auto lost = [&](StringRef own) {
    for (const TensorRange &operand : operands)
      if (!operand.isFinite() && !operand.getWhole().isEmpty())
        return RangeResults{TensorRange::unknown(operand.getReason())};
    return RangeResults{TensorRange::unknown(own)};
  };
  auto evaluate = [&](std::optional<size_t> channel) {
    SmallVector<Interval> inputs;
    for (const TensorRange &operand : operands)
      inputs.push_back(channel ? operand.getChannels()[*channel]
                               : operand.getWhole());
    return evaluateScalarOp(op, inputs);
  };
  if (!perChannel) {
    ScalarRange range = evaluate(std::nullopt);
    if (!range.reason.empty() || !range.interval.isFinite())
      return lost(range.reason);
    return RangeResults{TensorRange(range.interval)};
  }
  SmallVector<Interval> results;
  for (size_t channel = 0; channel < channels; ++channel) {
    ScalarRange range = evaluate(channel);
    if (!range.reason.empty() || !range.interval.isFinite())
      return lost(range.reason);
    results.push_back(range.interval);
  }
  return RangeResults{TensorRange::perChannel(*axis, results)};
}

/// The value a tensor.pad region yields, if it is a constant.
static std::optional<double> getPadValue(tensor::PadOp pad) {
  Value yielded = pad.getConstantPaddingValue();
  FloatAttr value;
  if (yielded && matchPattern(yielded, m_Constant(&value)))
    return value.getValueAsDouble();
  return std::nullopt;
}

static TensorRange padRange(tensor::PadOp pad, const TensorRange &source) {
  std::optional<double> value = getPadValue(pad);
  if (!value)
    return TensorRange::unknown("tensor.pad with a non-constant pad value");
  Interval padded = Interval::point(*value);
  std::optional<int64_t> axis = source.getAxis();
  if (axis && pad.getStaticLow()[*axis] == 0 &&
      pad.getStaticHigh()[*axis] == 0) {
    SmallVector<Interval> channels;
    for (const Interval &channel : source.getChannels())
      channels.push_back(channel.join(padded));
    return TensorRange::perChannel(*axis, channels);
  }
  return TensorRange(source.getWhole().join(padded))
      .withReason(source.getReason());
}

/// Range of the storage integers of a quantized value.
static TensorRange storageRange(Value value) {
  QuantParams params = *QuantParams::get(value.getType());
  return TensorRange(Interval(static_cast<double>(params.getQMin()),
                              static_cast<double>(params.getQMax())));
}

/// Range of the reals a dequantization of `quantized` into `real` gives.
static TensorRange dequantizedRange(Value quantized, Value real) {
  QuantParams params = *QuantParams::get(quantized.getType());
  Type type = real.getType();
  auto channel = [&](unsigned index) {
    double scale = params.getScale(index);
    double zeroPoint = static_cast<double>(params.getZeroPoint(index));
    Interval value((params.getQMin() - zeroPoint) * scale,
                   (params.getQMax() - zeroPoint) * scale);
    return widenForRounding(value, type);
  };
  if (!params.isPerAxis())
    return TensorRange(channel(0));
  SmallVector<Interval> channels;
  for (unsigned index = 0; index < params.getNumChannels(); ++index)
    channels.push_back(channel(index));
  return TensorRange::perChannel(*params.getAxis(), channels);
}

/// Range of the integers of an integer-typed qfhe result.
static TensorRange integerTypeRange(Value value) {
  auto type = cast<IntegerType>(getElementTypeOrSelf(value.getType()));
  IntegerRange range = getStorageRange(type.getWidth(), !type.isUnsigned());
  return TensorRange(
      Interval(static_cast<double>(range.min), static_cast<double>(range.max)));
}

std::optional<RangeResults>
mlir::qfhe::inferTensorOpRanges(Operation *op, ArrayRef<TensorRange> operands) {
  using Result = std::optional<RangeResults>;
  auto same = [&](unsigned index) -> Result {
    return RangeResults{TensorRange(operands[index].getWhole())
                            .withReason(operands[index].getReason())};
  };
  auto joined = [&](ArrayRef<TensorRange> ranges) -> Result {
    TensorRange result;
    for (const TensorRange &range : ranges)
      result = result.join(
          TensorRange(range.getWhole()).withReason(range.getReason()));
    return RangeResults{result};
  };
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([&](tensor::EmptyOp) { return RangeResults{TensorRange()}; })
      .Case<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp,
            tensor::ExtractSliceOp, tensor::ExtractOp, tensor::ReshapeOp,
            tensor::SplatOp, quant::StorageCastOp>(
          [&](auto) { return same(0); })
      .Case(
          [&](tensor::InsertSliceOp) { return joined(operands.take_front(2)); })
      .Case([&](tensor::InsertOp) { return joined(operands.take_front(2)); })
      .Case([&](tensor::ConcatOp) { return joined(operands); })
      .Case([&](tensor::FromElementsOp) { return joined(operands); })
      .Case([&](tensor::PadOp pad) {
        return RangeResults{padRange(pad, operands[0])};
      })
      .Case<DequantizeOp, quant::DequantizeCastOp>([&](Operation *dequantize) {
        return RangeResults{dequantizedRange(dequantize->getOperand(0),
                                             dequantize->getResult(0))};
      })
      .Case<QuantizeOp, RequantizeOp, quant::QuantizeCastOp>(
          [&](Operation *quantize) {
            return RangeResults{storageRange(quantize->getResult(0))};
          })
      .Case<LutOp, RoundOp>([&](Operation *integerOp) {
        return RangeResults{integerTypeRange(integerOp->getResult(0))};
      })
      .Default([](Operation *) { return std::nullopt; });
}
