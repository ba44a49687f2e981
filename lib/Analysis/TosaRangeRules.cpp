//===- TosaRangeRules.cpp - ranges of tosa ops ----------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// tosa ops on float tensors. Contractions with constant weights (matmul,
// conv2d, depthwise_conv2d) are exact per output channel, as for linalg;
// elementwise ops follow the scalar rules with broadcasting; data movement
// keeps the source range.
//
//===----------------------------------------------------------------------===//

#include "RangeRules.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

ElementsAttr getConstant(Value value) { return getConstantElements(value); }

double gamma(uint64_t n, Type type) {
  return sumErrorFactor(n, getUnitRoundoff(type));
}

/// Accumulates sum_i [min, max](w_i * x_i) for one output channel.
struct DotBound {
  double lo = 0, hi = 0, magnitude = 0;
  uint64_t terms = 0;
  bool nonNegative = true, nonPositive = true;

  void add(double w, const Interval &x) {
    ++terms;
    if (w == 0)
      return;
    double p = w * x.getLo(), q = w * x.getHi();
    lo += std::min(p, q);
    hi += std::max(p, q);
    nonNegative &= std::min(p, q) >= 0;
    nonPositive &= std::max(p, q) <= 0;
    magnitude += std::fabs(w) * x.magnitude();
  }

  /// The bound plus `bias`, widened by the rounding of the sum.
  Interval finish(double bias, Type type) const {
    double error = gamma(terms + 1, type) * (magnitude + std::fabs(bias));
    return widenSum(Interval(lo + bias, hi + bias), error,
                    nonNegative && bias >= 0, nonPositive && bias <= 0);
  }
};

/// The range of one input channel, including 0 when the op pads with 0.
Interval channelWithPadding(const TensorRange &input, int64_t axis,
                            int64_t channel, bool padded) {
  Interval range = input.getChannel(axis, channel);
  return padded ? range.join(Interval::point(0.0)) : range;
}

bool hasPadding(ArrayRef<int64_t> pad) {
  return llvm::any_of(pad, [](int64_t p) { return p != 0; });
}

/// conv2d: input NHWC, weight [OC, KH, KW, IC], bias [OC].
std::optional<TensorRange> conv2dRange(tosa::Conv2DOp op,
                                       ArrayRef<TensorRange> operands) {
  ElementsAttr weight = getConstant(op.getWeight());
  ElementsAttr bias = getConstant(op.getBias());
  const TensorRange &input = operands[0];
  if (!weight || !bias || !input.isFinite())
    return std::nullopt;
  auto shape = cast<ShapedType>(weight.getType()).getShape();
  SmallVector<double> w = getElementsAsDoubles(weight);
  SmallVector<double> b = getElementsAsDoubles(bias);
  bool padded = hasPadding(op.getPad());
  int64_t oc = shape[0], window = shape[1] * shape[2], ic = shape[3];
  Type type = op.getOutput().getType();
  SmallVector<Interval> channels;
  for (int64_t o = 0; o < oc; ++o) {
    DotBound dot;
    for (int64_t k = 0; k < window; ++k)
      for (int64_t i = 0; i < ic; ++i)
        dot.add(w[(o * window + k) * ic + i],
                channelWithPadding(input, 3, i, padded));
    channels.push_back(dot.finish(b[b.size() == 1 ? 0 : o], type));
  }
  return TensorRange::perChannel(3, channels);
}

/// depthwise_conv2d: input NHWC, weight [KH, KW, C, M], output channel c*M+m.
std::optional<TensorRange> depthwiseRange(tosa::DepthwiseConv2DOp op,
                                          ArrayRef<TensorRange> operands) {
  ElementsAttr weight = getConstant(op.getWeight());
  ElementsAttr bias = getConstant(op.getBias());
  const TensorRange &input = operands[0];
  if (!weight || !bias || !input.isFinite())
    return std::nullopt;
  auto shape = cast<ShapedType>(weight.getType()).getShape();
  SmallVector<double> w = getElementsAsDoubles(weight);
  SmallVector<double> b = getElementsAsDoubles(bias);
  bool padded = hasPadding(op.getPad());
  int64_t window = shape[0] * shape[1], c = shape[2], m = shape[3];
  Type type = op.getOutput().getType();
  SmallVector<Interval> channels;
  for (int64_t ci = 0; ci < c; ++ci)
    for (int64_t mi = 0; mi < m; ++mi) {
      DotBound dot;
      Interval x = channelWithPadding(input, 3, ci, padded);
      for (int64_t k = 0; k < window; ++k)
        dot.add(w[(k * c + ci) * m + mi], x);
      int64_t o = ci * m + mi;
      channels.push_back(dot.finish(b[b.size() == 1 ? 0 : o], type));
    }
  return TensorRange::perChannel(3, channels);
}

/// Bounds of a batched product with one constant side: output index `o` (of
/// `outer`) gets, over every batch, sum_k weight(batch, o, k) * data_k, with
/// data_k the range of channel k of `data` along `dataAxis`.
SmallVector<Interval>
constantSideProduct(int64_t batches, int64_t outer, int64_t inner,
                    function_ref<double(int64_t, int64_t, int64_t)> weight,
                    const TensorRange &data, int64_t dataAxis, Type type) {
  SmallVector<Interval> bounds(outer, Interval::empty());
  for (int64_t batch = 0; batch < batches; ++batch)
    for (int64_t o = 0; o < outer; ++o) {
      DotBound dot;
      for (int64_t k = 0; k < inner; ++k)
        dot.add(weight(batch, o, k), data.getChannel(dataAxis, k));
      bounds[o] = bounds[o].join(dot.finish(0.0, type));
    }
  return bounds;
}

/// matmul: a [N, H, C] x b [N, C, W]; one side constant is exact.
std::optional<TensorRange> matmulRange(tosa::MatMulOp op,
                                       ArrayRef<TensorRange> operands) {
  Type type = op.getOutput().getType();
  auto aType = cast<ShapedType>(op.getA().getType());
  auto bType = cast<ShapedType>(op.getB().getType());
  int64_t c = aType.getDimSize(2);
  if (ShapedType::isDynamic(c))
    return std::nullopt;
  if (ElementsAttr b = getConstant(op.getB())) {
    if (!operands[0].isFinite() || !bType.hasStaticShape())
      return std::nullopt;
    SmallVector<double> values = getElementsAsDoubles(b);
    int64_t width = bType.getDimSize(2);
    return TensorRange::perChannel(
        2, constantSideProduct(
               bType.getDimSize(0), width, c,
               [&](int64_t batch, int64_t col, int64_t k) {
                 return values[(batch * c + k) * width + col];
               },
               operands[0], 2, type));
  }
  if (ElementsAttr a = getConstant(op.getA())) {
    if (!operands[1].isFinite() || !aType.hasStaticShape())
      return std::nullopt;
    SmallVector<double> values = getElementsAsDoubles(a);
    int64_t height = aType.getDimSize(1);
    return TensorRange::perChannel(
        1, constantSideProduct(
               aType.getDimSize(0), height, c,
               [&](int64_t batch, int64_t row, int64_t k) {
                 return values[(batch * height + row) * c + k];
               },
               operands[1], 1, type));
  }
  std::optional<Interval> product =
      mul(operands[0].getWhole(), operands[1].getWhole());
  std::optional<Interval> sum = product ? repeatAdd(*product, c) : std::nullopt;
  if (!sum)
    return std::nullopt;
  return TensorRange(sum->widen(0.0, gamma(c, type) * sum->magnitude()));
}

/// Applies a scalar interval function to the whole ranges of the operands.
template <typename Fn>
std::optional<RangeResults> elementwise(ArrayRef<TensorRange> operands,
                                        Fn &&fn) {
  for (const TensorRange &operand : operands)
    if (!operand.isFinite() && !operand.getWhole().isEmpty())
      return RangeResults{TensorRange::unknown(operand.getReason())};
  ScalarRange range = fn();
  if (!range.reason.empty())
    return RangeResults{TensorRange::unknown(range.reason)};
  return RangeResults{TensorRange(range.interval)};
}

ScalarRange fromOptional(std::optional<Interval> interval, Type type,
                         StringRef why, double ulps = 1.0) {
  if (!interval)
    return ScalarRange::unknown(why);
  return ScalarRange::of(widenForRounding(*interval, type, ulps));
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

/// A monotone library function of the whole input, rounded, kept inside the
/// function's own bounds [lo, hi].
ScalarRange boundedIncreasing(const Interval &x,
                              const std::function<double(double)> &f, Type type,
                              double lo, double hi) {
  Interval range = widenForRounding(applyIncreasing(x, f), type, 4.0);
  if (range.isEmpty())
    return ScalarRange::of(range);
  return ScalarRange::of(Interval(std::clamp(range.getLo(), lo, hi),
                                  std::clamp(range.getHi(), lo, hi)));
}

/// A real attribute of tosa.clamp (float or integer).
double clampBound(Attribute attr) {
  if (auto floatAttr = dyn_cast<FloatAttr>(attr))
    return floatAttr.getValueAsDouble();
  return static_cast<double>(cast<IntegerAttr>(attr).getInt());
}

} // namespace

std::optional<RangeResults>
mlir::qfhe::inferTosaRanges(Operation *op, ArrayRef<TensorRange> operands) {
  using Result = std::optional<RangeResults>;
  Type type = op->getNumResults() ? op->getResult(0).getType() : Type();
  auto whole = [&](unsigned i) { return operands[i].getWhole(); };
  auto keep = [&](unsigned i) -> Result {
    return RangeResults{
        TensorRange(whole(i)).withReason(operands[i].getReason())};
  };
  auto contraction = [&](std::optional<TensorRange> range,
                         StringRef name) -> Result {
    if (range)
      return RangeResults{*range};
    for (const TensorRange &operand : operands)
      if (!operand.isFinite() && !operand.getWhole().isEmpty())
        return RangeResults{TensorRange::unknown(operand.getReason())};
    return RangeResults{TensorRange::unknown(
        (name + " with non-constant weights or dynamic shapes").str())};
  };
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([&](tosa::ConstOp constant) -> Result {
        return RangeResults{TensorRange(
            getElementsRange(cast<ElementsAttr>(constant.getValues())))};
      })
      .Case([&](tosa::AddOp) {
        return elementwise(operands, [&] {
          return fromOptional(add(whole(0), whole(1)), type, "inf - inf");
        });
      })
      .Case([&](tosa::SubOp) {
        return elementwise(operands, [&] {
          return fromOptional(sub(whole(0), whole(1)), type, "inf - inf");
        });
      })
      .Case([&](tosa::MulOp mulOp) {
        return elementwise(operands.take_front(2), [&] {
          if (mulOp.getInput1() == mulOp.getInput2())
            return ScalarRange::of(widenForRounding(square(whole(0)), type));
          return fromOptional(mul(whole(0), whole(1)), type, "0 * inf");
        });
      })
      .Case([&](tosa::MaximumOp) {
        return elementwise(
            operands, [&] { return ScalarRange::of(max(whole(0), whole(1))); });
      })
      .Case([&](tosa::MinimumOp) {
        return elementwise(
            operands, [&] { return ScalarRange::of(min(whole(0), whole(1))); });
      })
      .Case([&](tosa::NegateOp) {
        return elementwise(operands.take_front(1),
                           [&] { return ScalarRange::of(neg(whole(0))); });
      })
      .Case([&](tosa::AbsOp) {
        return elementwise(operands,
                           [&] { return ScalarRange::of(abs(whole(0))); });
      })
      .Case([&](tosa::ClampOp clamp) {
        double lo = clampBound(clamp.getMinValAttr());
        double hi = clampBound(clamp.getMaxValAttr());
        Interval x = whole(0);
        if (x.isEmpty())
          return Result(RangeResults{TensorRange()});
        return Result(RangeResults{TensorRange(Interval(
            std::clamp(x.getLo(), lo, hi), std::clamp(x.getHi(), lo, hi)))});
      })
      .Case([&](tosa::SigmoidOp) {
        return elementwise(operands, [&] {
          return boundedIncreasing(whole(0), sigmoid, type, 0.0, 1.0);
        });
      })
      .Case([&](tosa::TanhOp) {
        return elementwise(operands, [&] {
          return boundedIncreasing(
              whole(0), [](double v) { return std::tanh(v); }, type, -1.0, 1.0);
        });
      })
      .Case([&](tosa::ErfOp) {
        return elementwise(operands, [&] {
          return boundedIncreasing(
              whole(0), [](double v) { return std::erf(v); }, type, -1.0, 1.0);
        });
      })
      .Case([&](tosa::ExpOp) {
        return elementwise(operands, [&] {
          return ScalarRange::of(widenForRounding(
              applyIncreasing(whole(0), [](double v) { return std::exp(v); }),
              type, 4.0));
        });
      })
      .Case([&](tosa::ReciprocalOp) {
        return elementwise(operands, [&] {
          return fromOptional(div(Interval::point(1.0), whole(0)), type,
                              "reciprocal of a range containing 0");
        });
      })
      .Case([&](tosa::Conv2DOp conv) {
        return contraction(conv2dRange(conv, operands), "tosa.conv2d");
      })
      .Case([&](tosa::DepthwiseConv2DOp conv) {
        return contraction(depthwiseRange(conv, operands),
                           "tosa.depthwise_conv2d");
      })
      .Case([&](tosa::MatMulOp matmul) {
        return contraction(matmulRange(matmul, operands), "tosa.matmul");
      })
      .Case([&](tosa::AvgPool2dOp pool) -> Result {
        // An average stays within its inputs (and the zero padding).
        Interval x = whole(0);
        if (hasPadding(pool.getPad()))
          x = x.join(Interval::point(0.0));
        return RangeResults{TensorRange(widenForRounding(x, type, 2.0))
                                .withReason(operands[0].getReason())};
      })
      .Case([&](tosa::MaxPool2dOp) { return keep(0); })
      .Case<tosa::ReduceMaxOp, tosa::ReduceMinOp>([&](auto) { return keep(0); })
      .Case([&](tosa::ReduceSumOp reduce) -> Result {
        auto inputType = cast<ShapedType>(reduce.getInput().getType());
        int64_t count = inputType.getDimSize(reduce.getAxis());
        if (ShapedType::isDynamic(count))
          return RangeResults{
              TensorRange::unknown("reduce_sum over a dynamic dimension")};
        return elementwise(operands, [&] {
          std::optional<Interval> sum = repeatAdd(whole(0), count);
          if (!sum)
            return ScalarRange::unknown("sum of infinities (NaN)");
          return ScalarRange::of(
              widenSum(*sum, gamma(count, type) * sum->magnitude(),
                       whole(0).getLo() >= 0, whole(0).getHi() <= 0));
        });
      })
      .Case<tosa::ReshapeOp, tosa::TransposeOp, tosa::SliceOp, tosa::TileOp,
            tosa::IdentityOp, tosa::CastOp>([&](auto) { return keep(0); })
      .Case([&](tosa::ConcatOp) -> Result {
        TensorRange result;
        for (const TensorRange &operand : operands)
          result = result.join(
              TensorRange(operand.getWhole()).withReason(operand.getReason()));
        return RangeResults{result};
      })
      .Case([&](tosa::PadOp) -> Result {
        return RangeResults{TensorRange(whole(0).join(whole(2)))
                                .withReason(operands[0].getReason())};
      })
      .Default([](Operation *) { return std::nullopt; });
}
