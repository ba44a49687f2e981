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
// qfhe.mul of two encrypted tensors is the squares trick: s = x + y and
// d = x - y are exact integer sums, two lookups tabulate their quarter
// squares, whose difference is x * y, and a third requantizes it; x * x is
// one lookup.
//
//===----------------------------------------------------------------------===//

#include "BodyInterpreter.h"
#include "IntegerLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "qfhe/Support/Rescale.h"
#include "qfhe/Support/SquaresProduct.h"

#include <algorithm>
#include <atomic>
#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// qfhe.quantize's arithmetic on one value computed in the float type that
/// `round` rounds to.
int64_t quantizeLikeProgram(double y, double scale, int64_t zeroPoint,
                            IntegerRange storage, const FloatRounding &round) {
  double scaled = round(y / round(scale));
  double rounded = std::nearbyint(scaled);
  if (std::isnan(rounded))
    return zeroPoint;
  double low = static_cast<double>(storage.min - zeroPoint);
  double high = static_cast<double>(storage.max - zeroPoint);
  return static_cast<int64_t>(std::fmin(std::fmax(rounded, low), high)) +
         zeroPoint;
}

/// Tabulates `function` on `input` with the result storage, scale and zero
/// point of `out` (per tensor) and records the lookup as the integer form
/// of `result`.
template <typename Function>
LogicalResult
lookupInto(IntegerLowering &lowering, Value result, const IntegerForm &input,
           std::optional<int64_t> channelAxis, const Function &function,
           const QuantParams &out, Operation *op) {
  FailureOr<IntegerForm> form =
      lowering.emitLookup(input, channelAxis, function, out.getStorageRange(),
                          out.getScale(), out.getZeroPoint(), op);
  if (failed(form))
    return failure();
  lowering.setForm(result, *form);
  return success();
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
  FloatRounding round(op.getFunctionType());
  IntegerRange storage = out.getStorageRange();
  double outScale = out.getScale();
  int64_t outZero = out.getZeroPoint();
  // Integers stand for reals through the input's integer form; the
  // quantized op dequantizes with (q - zp) * scale in `type`, and q - zp is
  // the centered integer x.
  // A row (a channel's entries) at a time: the body op by op over the row
  // (rows in parallel, each with its own buffers).
  const IntegerForm &form = *input;
  bool withChannel = op.getChannelAxis().has_value();
  TableRowFunction function = [&](unsigned channel, ArrayRef<int64_t> xs,
                                  MutableArrayRef<int64_t> qs) {
    double scale = round(form.getScale(channel));
    SmallVector<double, 0> reals, ys;
    reals.resize_for_overwrite(xs.size());
    ys.resize_for_overwrite(xs.size());
    for (auto [x, real] : llvm::zip_equal(xs, reals))
      real = round(round(static_cast<double>(x)) * scale);
    double channelArgument = static_cast<double>(channel);
    interpreter.evaluateRow(reals,
                            withChannel ? ArrayRef<double>(channelArgument)
                                        : ArrayRef<double>(),
                            ys);
    for (auto [y, q] : llvm::zip_equal(ys, qs))
      q = quantizeLikeProgram(y, outScale, outZero, storage, round);
  };
  return lookupInto(lowering, op.getResult(), form, op.getChannelAxis(),
                    function, out, op);
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
  // What the quantized op computes: R(x) for the centered input x, the
  // multiplier computed once per row (rows in parallel).
  std::atomic<bool> failedAny{false};
  TableRowFunction function = [&](unsigned channel, ArrayRef<int64_t> xs,
                                  MutableArrayRef<int64_t> qs) {
    Rescaler rescaler(from.getScale(channel), to.getScale(), to.getZeroPoint(),
                      storage, rounding);
    bool failedRow = false;
    for (auto [x, q] : llvm::zip_equal(xs, qs)) {
      std::optional<int64_t> rescaled = rescaler(x);
      failedRow |= !rescaled;
      q = rescaled ? *rescaled : to.getZeroPoint();
    }
    if (failedRow)
      failedAny = true;
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

/// Emits a linalg.generic over two integer tensors of one shape into a
/// tensor of `width`-bit integers, its body built by `body` from the two
/// elements.
Value emitElementwise(
    IntegerLowering &lowering, Location loc, Value lhs, Value rhs,
    unsigned width,
    function_ref<Value(OpBuilder &, Location, IntegerType, Value, Value)>
        body) {
  OpBuilder &builder = lowering.getBuilder();
  IntegerType type = getSignlessType(builder.getContext(), width);
  Value init = tensor::EmptyOp::create(
      builder, loc, tensor::getMixedSizes(builder, loc, lhs), type);
  auto rank = cast<ShapedType>(lhs.getType()).getRank();
  AffineMap identity = builder.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      builder, loc, init.getType(), ValueRange{lhs, rhs}, ValueRange{init},
      SmallVector<AffineMap>(3, identity), iterators,
      [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
        linalg::YieldOp::create(b, bodyLoc,
                                body(b, bodyLoc, type, args[0], args[1]));
      });
  return generic.getResult(0);
}

/// Emits `lhs - rhs` (or `lhs + rhs`) of integer tensors of one shape into
/// `width`-bit integers: a linalg.generic that sign-extends each operand to
/// the result's type and adds or subtracts.
Value emitIntegerSumOrDifference(IntegerLowering &lowering, Location loc,
                                 Value lhs, Value rhs, unsigned width,
                                 bool subtract) {
  return emitElementwise(
      lowering, loc, lhs, rhs, width,
      [subtract](OpBuilder &b, Location bodyLoc, IntegerType type, Value x,
                 Value y) -> Value {
        auto extend = [&](Value v) -> Value {
          return v.getType() == type
                     ? v
                     : arith::ExtSIOp::create(b, bodyLoc, type, v).getResult();
        };
        Value a = extend(x), c = extend(y);
        return subtract ? arith::SubIOp::create(b, bodyLoc, a, c).getResult()
                        : arith::AddIOp::create(b, bodyLoc, a, c).getResult();
      });
}

/// Whether the squares trick may add and subtract the integers of `form`
/// directly: one scale and offset for every element, counted in units.
bool isPlainForm(const IntegerForm &form) {
  return form.isUniform() && form.unitBits == 0;
}

/// The finest scale at which a signed integer of `bits` bits holds reals
/// of magnitude up to `magnitude` (1 when it is 0).
double getSignedScale(double magnitude, unsigned bits) {
  return magnitude > 0 ? magnitude / ((int64_t(1) << (bits - 1)) - 1) : 1.0;
}

/// `form` rescaled with a lookup to a centered signed integer of `bits`
/// bits at `scale`, which holds its proven reals; the table's other
/// entries (inputs never reached) saturate.
FailureOr<IntegerForm> rescaleTo(IntegerLowering &lowering,
                                 const IntegerForm &form, double scale,
                                 unsigned bits, Operation *op) {
  IntegerRange storage = getStorageRange(bits, true);
  TableFunction function = [&form, scale, storage](unsigned channel,
                                                   int64_t x) {
    double rescaled = std::nearbyint(form.getScale(channel) * x / scale);
    return static_cast<int64_t>(std::clamp(rescaled,
                                           static_cast<double>(storage.min),
                                           static_cast<double>(storage.max)));
  };
  return lowering.emitLookup(form, std::nullopt, function, storage, scale, 0,
                             op);
}

/// `form` rescaled with a lookup to a centered signed integer of `bits`
/// bits at the finest scale that holds its reals.
FailureOr<IntegerForm> rescaleToSigned(IntegerLowering &lowering,
                                       const IntegerForm &form, unsigned bits,
                                       Operation *op) {
  return rescaleTo(lowering, form, getSignedScale(realMagnitude(form), bits),
                   bits, op);
}

/// An integer form of the exact sum or difference of two plain forms.
IntegerForm combineForms(IntegerLowering &lowering, Location loc,
                         const IntegerForm &lhs, const IntegerForm &rhs,
                         bool subtract) {
  IntegerRange a = lhs.getWholeRange(), b = rhs.getWholeRange();
  IntegerForm result;
  result.ranges = {subtract ? IntegerRange{a.min - b.max, a.max - b.min}
                            : IntegerRange{a.min + b.min, a.max + b.max}};
  result.value = emitIntegerSumOrDifference(
      lowering, loc, lhs.value, rhs.value,
      getSignedBitWidth(result.ranges.front()), subtract);
  result.scales = {1.0};
  result.offsets = {subtract ? lhs.getOffset(0) - rhs.getOffset(0)
                             : lhs.getOffset(0) + rhs.getOffset(0)};
  return result;
}

/// x * x: one lookup of the square, requantized.
LowerResult lowerSquare(IntegerLowering &lowering, MulOp op,
                        const IntegerForm &input, const QuantParams &out) {
  IntegerRange storage = out.getStorageRange();
  TableFunction square = [&](unsigned channel, int64_t x) {
    double real = input.getScale(channel) * static_cast<double>(x);
    return quantizeValue(real * real, out.getScale(), out.getZeroPoint(),
                         storage);
  };
  return lookupInto(lowering, op.getResult(), input, std::nullopt, square, out,
                    op);
}

/// The entry a packed lookup holds for a pair of centered integers (x of
/// the lhs, y of the rhs): the result's stored integer.
using PairEntry = function_ref<int64_t(int64_t x, int64_t y)>;

/// f(x, y) of two encrypted tensors as one lookup, where every pair of
/// their levels fits a table of at most `width` bits: p = ny * zx + zy + c
/// numbers the pairs (zx, zy the stored integers, ny the levels of y, c
/// centering p on 0), and entry p holds `entry` of the pair. Exact,
/// and one bootstrap (Concrete's packing of a two-input lookup into one).
/// The sum is computed in 64 bits and truncated: exact modulo 2^N, as the
/// verifier reads it, and p fits N bits. std::nullopt when an operand has
/// per-channel parameters or the pairs do not fit.
std::optional<LogicalResult>
lowerPackedPair(IntegerLowering &lowering, Operation *op,
                const IntegerForm &lhs, const IntegerForm &rhs,
                const QuantParams &out, unsigned width, PairEntry entry) {
  if (!isPlainForm(lhs) || !isPlainForm(rhs))
    return std::nullopt;
  IntegerRange rx = lhs.getWholeRange(), ry = rhs.getWholeRange();
  int64_t nx = rx.max - rx.min + 1, ny = ry.max - ry.min + 1;
  if (nx > (int64_t(1) << kMaxLookupBits) ||
      ny > (int64_t(1) << kMaxLookupBits))
    return std::nullopt;
  int64_t half = nx / 2;
  IntegerRange packed{-half * ny, (nx - half) * ny - 1};
  unsigned bits = getSignedBitWidth(packed);
  if (bits > width)
    return std::nullopt;
  int64_t shift = -(rx.min + half) * ny - ry.min;

  IntegerForm pairs;
  pairs.value = emitElementwise(
      lowering, op->getLoc(), lhs.value, rhs.value, bits,
      [&](OpBuilder &b, Location bodyLoc, IntegerType type, Value zx,
          Value zy) -> Value {
        IntegerType wide = b.getI64Type();
        auto constant = [&](int64_t value) -> Value {
          return arith::ConstantOp::create(b, bodyLoc,
                                           b.getIntegerAttr(wide, value));
        };
        Value x = arith::ExtSIOp::create(b, bodyLoc, wide, zx);
        Value y = arith::ExtSIOp::create(b, bodyLoc, wide, zy);
        Value scaled = arith::MulIOp::create(b, bodyLoc, x, constant(ny));
        Value sum = arith::AddIOp::create(b, bodyLoc, scaled, y);
        Value centered =
            arith::AddIOp::create(b, bodyLoc, sum, constant(shift));
        return arith::TruncIOp::create(b, bodyLoc, type, centered);
      });
  pairs.scales = {1.0};
  pairs.offsets = {0};
  pairs.ranges = {packed};
  // Entries outside the pairs never occur; they repeat the nearest pair's.
  TableFunction function = [&](unsigned, int64_t p) {
    int64_t index = std::clamp(p, packed.min, packed.max) - packed.min;
    int64_t x = rx.min + index / ny - lhs.getOffset(0);
    int64_t y = ry.min + index % ny - rhs.getOffset(0);
    return entry(x, y);
  };
  return lookupInto(lowering, op->getResult(0), pairs, std::nullopt, function,
                    out, op);
}

/// The integer forms of a binary op's operands and its result's parameters
/// (per tensor).
struct BinaryOperands {
  FailureOr<IntegerForm> lhs, rhs;
  QuantParams out;
};

/// Reads a binary op's operands; failure (reported) when one has no form
/// or the result has per-axis parameters.
template <typename BinaryOp>
FailureOr<BinaryOperands> getBinaryOperands(IntegerLowering &lowering,
                                            BinaryOp op) {
  BinaryOperands operands{lowering.getForm(op.getLhs(), op),
                          lowering.getForm(op.getRhs(), op),
                          *QuantParams::get(op.getResult().getType())};
  if (failed(operands.lhs) || failed(operands.rhs))
    return failure();
  if (operands.out.isPerAxis())
    return op->emitError() << "cannot lower: per-axis result parameters";
  return operands;
}

/// x + y or x - y of two encrypted tensors: one packed lookup where the
/// pairs fit (exact), else each operand rescaled by a lookup to a common
/// scale, the integers added, and a lookup that requantizes the sum.
template <typename BinaryOp>
LowerResult lowerAddOrSub(IntegerLowering &lowering, BinaryOp op,
                          bool subtract) {
  FailureOr<BinaryOperands> operands = getBinaryOperands(lowering, op);
  if (failed(operands))
    return failure();
  FailureOr<IntegerForm> lhs = operands->lhs, rhs = operands->rhs;
  QuantParams out = operands->out;
  unsigned width = std::min(lowering.getTluBitWidth(), kMaxLookupBits);
  // Where every pair of the operands' levels fits a table: one lookup,
  // exactly what the quantized program computes.
  double lhsScale = lhs->getScale(0), rhsScale = rhs->getScale(0);
  if (std::optional<LogicalResult> packed = lowerPackedPair(
          lowering, op, *lhs, *rhs, out, width, [&](int64_t x, int64_t y) {
            double a = static_cast<double>(x) * lhsScale;
            double b = static_cast<double>(y) * rhsScale;
            return quantizeValue(subtract ? a - b : a + b, out.getScale(),
                                 out.getZeroPoint(), out.getStorageRange());
          }))
    return *packed;
  // Otherwise both operands become integers at a common scale so that
  // their sum fits `width` bits; the sum is then requantized.
  double common =
      getSignedScale(realMagnitude(*lhs) + realMagnitude(*rhs), width);
  auto rescale = [&](const IntegerForm &form) {
    return rescaleTo(lowering, form, common, width, op);
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
  return lookupInto(lowering, op.getResult(), sum, std::nullopt, requantize,
                    out, op);
}

/// x * y of two encrypted tensors by the squares trick: x + y and x - y
/// (exact, in at most tlu-bit-width bits, after rescaling the operands to
/// tlu-bit-width - 1 bits when they are wider), a lookup of the quarter
/// square of each (exact, or scaled by planSquaresProduct's largest factor
/// that keeps both and their difference within tlu-bit-width, with the
/// entries solveExactSquares finds where they exist), their difference,
/// and a lookup that requantizes the product.
LowerResult lowerMul(IntegerLowering &lowering, MulOp op) {
  FailureOr<BinaryOperands> operands = getBinaryOperands(lowering, op);
  if (failed(operands))
    return failure();
  FailureOr<IntegerForm> lhs = operands->lhs, rhs = operands->rhs;
  QuantParams out = operands->out;
  if (op.getLhs() == op.getRhs())
    return lowerSquare(lowering, op, *lhs, out);

  unsigned width = std::min(lowering.getTluBitWidth(), kMaxLookupBits);
  double pairScale = lhs->getScale(0) * rhs->getScale(0);
  if (std::optional<LogicalResult> packed = lowerPackedPair(
          lowering, op, *lhs, *rhs, out, width, [&](int64_t x, int64_t y) {
            return quantizeValue(pairScale * static_cast<double>(x * y),
                                 out.getScale(), out.getZeroPoint(),
                                 out.getStorageRange());
          }))
    return *packed;
  auto sumsFit = [width](const IntegerForm &a, const IntegerForm &b) {
    IntegerRange ra = a.getWholeRange(), rb = b.getWholeRange();
    return isPlainForm(a) && isPlainForm(b) &&
           getSignedBitWidth({ra.min + rb.min, ra.max + rb.max}) <= width &&
           getSignedBitWidth({ra.min - rb.max, ra.max - rb.min}) <= width;
  };
  if (!sumsFit(*lhs, *rhs)) {
    lhs = rescaleToSigned(lowering, *lhs, width - 1, op);
    rhs = rescaleToSigned(lowering, *rhs, width - 1, op);
    if (failed(lhs) || failed(rhs))
      return failure();
  }
  Location loc = op.getLoc();
  IntegerForm sum = combineForms(lowering, loc, *lhs, *rhs, false);
  IntegerForm difference = combineForms(lowering, loc, *lhs, *rhs, true);
  auto centered = [](const IntegerForm &form) {
    IntegerRange range = form.getWholeRange();
    return IntegerRange{range.min - form.getOffset(0),
                        range.max - form.getOffset(0)};
  };
  std::optional<SquaresProductPlan> plan =
      planSquaresProduct(centered(sum), centered(difference), width);
  if (!plan)
    return op->emitError() << "cannot lower the product: its quarter squares "
                              "fit no table of at most "
                           << width << " bits";
  // A scaled plan rounds each quarter square; where some entries and
  // thresholds give every pair of factors the level of its product, the
  // tables hold those entries and the requantization reads the thresholds:
  // the integer program then computes the quantized product exactly.
  IntegerRange storage = out.getStorageRange();
  double factorsScale = lhs->getScale(0) * rhs->getScale(0);
  auto productLevel = [&](int64_t product) {
    return quantizeValue(factorsScale * static_cast<double>(product),
                         out.getScale(), out.getZeroPoint(), storage);
  };
  std::optional<ExactSquaresTables> exact =
      solveExactSquares(centered(*lhs), centered(*rhs), *plan, productLevel);
  // Each table's entries are held as they are (a signed storage of their
  // own width needs no shift), so their difference is exactly p. Inputs
  // outside the proven range never occur: their entries repeat the nearest
  // reachable one, which keeps every entry within the planned range.
  auto squares = [&](const IntegerForm &input, int64_t shift,
                     IntegerRange entries, const std::vector<int64_t> *solved,
                     int64_t solvedMin) {
    IntegerRange reachable = centered(input);
    TableFunction function = [&plan, shift, reachable, solved,
                              solvedMin](unsigned, int64_t x) {
      int64_t clamped = std::clamp(x, reachable.min, reachable.max);
      int64_t entry = solved ? (*solved)[clamped - solvedMin]
                             : quarterSquare(clamped, plan->scale);
      return entry - shift;
    };
    return lowering.emitLookup(
        input, std::nullopt, function,
        getStorageRange(getSignedBitWidth(entries), true), 1.0, 0, op);
  };
  FailureOr<IntegerForm> sumSquares =
      squares(sum, plan->sumShift, plan->sumTable,
              exact ? &exact->sumEntries : nullptr, exact ? exact->sumMin : 0);
  FailureOr<IntegerForm> differenceSquares =
      squares(difference, plan->differenceShift, plan->differenceTable,
              exact ? &exact->differenceEntries : nullptr,
              exact ? exact->differenceMin : 0);
  if (failed(sumSquares) || failed(differenceSquares))
    return failure();
  IntegerForm product;
  product.value = emitIntegerSumOrDifference(
      lowering, loc, sumSquares->value, differenceSquares->value,
      getSignedBitWidth(plan->product), true);
  // p = scale * x * y - (sumShift - differenceShift).
  product.scales = {factorsScale / plan->scale};
  product.offsets = {plan->differenceShift - plan->sumShift};
  product.ranges = {plan->product};
  double productScale = product.scales.front();
  TableFunction requantize = [&](unsigned, int64_t x) {
    if (exact)
      return exact->getLevel(x);
    return quantizeValue(productScale * static_cast<double>(x), out.getScale(),
                         out.getZeroPoint(), storage);
  };
  return lookupInto(lowering, op.getResult(), product, std::nullopt, requantize,
                    out, op);
}

/// f(x, y) of qfhe.apply_pair: one packed lookup of every pair of the
/// operands' levels, each entry the body evaluated with its own float
/// arithmetic (what the quantized op computes, bit for bit). There is no
/// other form: a program whose pairs do not fit a lookup is refused with
/// the bits they need.
LowerResult lowerApplyPair(IntegerLowering &lowering, ApplyPairOp op) {
  FailureOr<IntegerForm> lhs = lowering.getForm(op.getLhs(), op);
  FailureOr<IntegerForm> rhs = lowering.getForm(op.getRhs(), op);
  if (failed(lhs) || failed(rhs))
    return failure();
  BodyInterpreter interpreter(op.getBody().front());
  if (!interpreter.isValid())
    return op->emitError() << interpreter.getError();
  QuantParams out = *QuantParams::get(op.getResult().getType());
  IntegerRange storage = out.getStorageRange();
  FloatRounding round(op.getFunctionType());
  double lhsScale = round(lhs->getScale(0)), rhsScale = round(rhs->getScale(0));
  unsigned width = std::min(lowering.getTluBitWidth(), kMaxLookupBits);
  if (std::optional<LogicalResult> packed = lowerPackedPair(
          lowering, op, *lhs, *rhs, out, width, [&](int64_t x, int64_t y) {
            double reals[2] = {round(round(static_cast<double>(x)) * lhsScale),
                               round(round(static_cast<double>(y)) * rhsScale)};
            return quantizeLikeProgram(interpreter.evaluate(reals),
                                       out.getScale(), out.getZeroPoint(),
                                       storage, round);
          }))
    return *packed;
  if (!isPlainForm(*lhs) || !isPlainForm(*rhs))
    return op->emitError() << "cannot lower: an operand of this table of "
                              "pairs is not a plain integer (per-channel "
                              "parameters or a chunked accumulator)";
  IntegerRange rx = lhs->getWholeRange(), ry = rhs->getWholeRange();
  int64_t nx = rx.max - rx.min + 1, ny = ry.max - ry.min + 1;
  int64_t half = nx / 2;
  unsigned bits = getSignedBitWidth({-half * ny, (nx - half) * ny - 1});
  return op->emitError() << "cannot lower: the pairs of its operands' levels ("
                         << nx << " x " << ny << ") need a " << bits
                         << "-bit lookup but tlu-bit-width is " << width
                         << " (quantize the operands to fewer levels)";
}

} // namespace

LowerResult mlir::qfhe::lowerTableOp(IntegerLowering &lowering, Operation *op) {
  if (auto apply = dyn_cast<ApplyOp>(op))
    return lowerApply(lowering, apply);
  if (auto pair = dyn_cast<ApplyPairOp>(op))
    return lowerApplyPair(lowering, pair);
  if (auto requantize = dyn_cast<RequantizeOp>(op))
    return lowerRequantize(lowering, requantize);
  if (auto add = dyn_cast<AddOp>(op))
    return lowerAddOrSub(lowering, add, false);
  if (auto sub = dyn_cast<SubOp>(op))
    return lowerAddOrSub(lowering, sub, true);
  if (auto mul = dyn_cast<MulOp>(op))
    return lowerMul(lowering, mul);
  return std::nullopt;
}
