//===- ArithmeticOps.cpp - Pow and the variadic Min, Max, Sum, Mean -------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Pow with a constant exponent (PyTorch's `x ** 2`, and the variance of the
// LayerNorm decomposition) as one elementwise `linalg.generic`: `x * x` for
// the exponent 2, the input itself for 1, `math.powf` otherwise. Min, Max,
// Sum and Mean of any number of operands, numpy-broadcast like Add, as one
// `linalg.generic` folding its operands left to right (`arith.minimumf` and
// `arith.maximumf`, which propagate NaN as ONNX does; the mean divides the
// sum by the count).
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// The exponent of Pow: a constant of one element (float or integer) whose
/// rank does not exceed the base's, so that the result has the base's shape.
FailureOr<double> getExponent(NodeContext &ctx) {
  if (failed(ctx.requireConstant(1, "exponent")))
    return failure();
  DenseElementsAttr data = ctx.getConstantInput(1);
  if (data.getNumElements() != 1)
    return ctx.fail("Pow exponent '" + ctx.getInputName(1) + "' has " +
                    Twine(data.getNumElements()) +
                    " elements; the importer supports one exponent for every "
                    "element");
  if (data.getType().getRank() > ctx.getInputType(0).getRank())
    return ctx.fail("Pow exponent '" + ctx.getInputName(1) + "' of shape " +
                    formatShape(data.getType().getShape()) +
                    " has a higher rank than the base");
  double exponent;
  if (isa<FloatType>(data.getElementType()))
    exponent = getFloatValues(data).front();
  else if (isa<IntegerType>(data.getElementType()))
    exponent = static_cast<double>(getIntValues(data).front());
  else
    return ctx.fail("Pow exponent '" + ctx.getInputName(1) +
                    "' must be a float or integer tensor");
  if (std::isnan(exponent))
    return ctx.fail("Pow exponent is NaN");
  return exponent;
}

LogicalResult emitPow(NodeContext &ctx) {
  FailureOr<double> exponent = getExponent(ctx);
  if (failed(exponent))
    return failure();
  if (*exponent == 1.0) {
    ctx.forwardInput(0);
    return success();
  }
  double power = *exponent;
  return emitUnary(ctx, [&](OpBuilder &b, Location l, Value x) -> Value {
    if (power == 2.0)
      return arith::MulFOp::create(b, l, x, x);
    return math::PowFOp::create(b, l, x, createF32(b, l, power));
  });
}

/// The elementwise fold of every operand with `Combine`, numpy-broadcast;
/// divided by the number of operands when `mean`.
template <typename Combine>
LogicalResult emitVariadic(NodeContext &ctx, bool mean = false) {
  unsigned count = ctx.getNumInputs();
  for (unsigned i = 0; i < count; ++i)
    if (!ctx.hasInput(i))
      return ctx.fail(ctx.getOpType() + " input " + Twine(i) + " is empty");
  if (count == 1 && !mean && ctx.getInputType(0).getElementType().isF32()) {
    ctx.forwardInput(0);
    return success();
  }
  SmallVector<InputKind> kinds(count, InputKind::Float32);
  return emitBroadcast(ctx, kinds, ctx.getBuilder().getF32Type(),
                       [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                         Value result = args[0];
                         for (Value next : args.drop_front())
                           result = Combine::create(b, l, result, next);
                         if (mean)
                           result = arith::DivFOp::create(
                               b, l, result,
                               createF32(b, l, static_cast<double>(count)));
                         return result;
                       });
}

LogicalResult emitMin(NodeContext &ctx) {
  return emitVariadic<arith::MinimumFOp>(ctx);
}
LogicalResult emitMax(NodeContext &ctx) {
  return emitVariadic<arith::MaximumFOp>(ctx);
}
LogicalResult emitSum(NodeContext &ctx) {
  return emitVariadic<arith::AddFOp>(ctx);
}
LogicalResult emitMean(NodeContext &ctx) {
  return emitVariadic<arith::AddFOp>(ctx, /*mean=*/true);
}

} // namespace

void mlir::qfhe::onnx_import::addArithmeticOps(OpTable &table) {
  table["Pow"] = {emitPow, 2, 2, 1, {}, {0}};
  // Variadic: at least one input; the cap only bounds the generic's size.
  constexpr unsigned kMaxOperands = 64;
  table["Min"] = {emitMin, 1, kMaxOperands, 1, {}, {}};
  table["Max"] = {emitMax, 1, kMaxOperands, 1, {}, {}};
  table["Sum"] = {emitSum, 1, kMaxOperands, 1, {}, {}};
  table["Mean"] = {emitMean, 1, kMaxOperands, 1, {}, {}};
}
