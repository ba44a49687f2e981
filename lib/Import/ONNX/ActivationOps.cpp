//===- ActivationOps.cpp - univariate activations and Dropout -------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The activation functions of the ONNX standard beyond Relu, LeakyRelu,
// Sigmoid, Tanh, Erf and Gelu (ElementwiseOps.cpp), each one
// `linalg.generic` whose body computes the operator's formula in f32 (the
// compiler tabulates any such body), PRelu with its slope broadcast like a
// binary operator's operand, inference-mode Dropout (the identity), and the
// other univariate functions of the standard (Floor, Ceil, Round half to
// even, Sign, Sin, Cos).
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// x > 0 ? x : negative(x).
Value selectPositive(OpBuilder &b, Location l, Value x, Value negative) {
  Value positive = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x,
                                         createF32(b, l, 0.0));
  return arith::SelectOp::create(b, l, positive, x, negative);
}

/// alpha * (exp(x) - 1), the negative side of Elu and Selu.
Value scaledExpM1(OpBuilder &b, Location l, Value x, double alpha) {
  return arith::MulFOp::create(b, l, math::ExpM1Op::create(b, l, x),
                               createF32(b, l, alpha));
}

/// max(0, min(1, alpha * x + beta)).
Value hardSigmoid(OpBuilder &b, Location l, Value x, double alpha,
                  double beta) {
  Value line = arith::AddFOp::create(
      b, l, arith::MulFOp::create(b, l, x, createF32(b, l, alpha)),
      createF32(b, l, beta));
  Value top = arith::MinimumFOp::create(b, l, line, createF32(b, l, 1.0));
  return arith::MaximumFOp::create(b, l, top, createF32(b, l, 0.0));
}

LogicalResult emitHardSigmoid(NodeContext &ctx) {
  double alpha = ctx.getFloat("alpha", 0.2f), beta = ctx.getFloat("beta", 0.5f);
  return emitUnary(ctx, [&](OpBuilder &b, Location l, Value x) {
    return hardSigmoid(b, l, x, alpha, beta);
  });
}

/// x * HardSigmoid(x) with alpha 1/6, beta 1/2.
LogicalResult emitHardSwish(NodeContext &ctx) {
  return emitUnary(ctx, [](OpBuilder &b, Location l, Value x) -> Value {
    return arith::MulFOp::create(b, l, x, hardSigmoid(b, l, x, 1.0 / 6.0, 0.5));
  });
}

LogicalResult emitElu(NodeContext &ctx) {
  double alpha = ctx.getFloat("alpha", 1.0f);
  return emitUnary(ctx, [&](OpBuilder &b, Location l, Value x) {
    return selectPositive(b, l, x, scaledExpM1(b, l, x, alpha));
  });
}

LogicalResult emitSelu(NodeContext &ctx) {
  double alpha = ctx.getFloat("alpha", 1.67326319217681884765625f);
  double gamma = ctx.getFloat("gamma", 1.05070102214813232421875f);
  return emitUnary(ctx, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value elu = selectPositive(b, l, x, scaledExpM1(b, l, x, alpha));
    return arith::MulFOp::create(b, l, elu, createF32(b, l, gamma));
  });
}

/// max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
LogicalResult emitCelu(NodeContext &ctx) {
  double alpha = ctx.getFloat("alpha", 1.0f);
  if (alpha == 0)
    return ctx.failAttr("alpha", "0", "Celu divides by alpha");
  return emitUnary(ctx, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value zero = createF32(b, l, 0.0);
    Value scaled = arith::DivFOp::create(b, l, x, createF32(b, l, alpha));
    Value negative =
        arith::MinimumFOp::create(b, l, scaledExpM1(b, l, scaled, alpha), zero);
    return arith::AddFOp::create(b, l, arith::MaximumFOp::create(b, l, x, zero),
                                 negative);
  });
}

/// log(1 + exp(x)), as max(x, 0) + log1p(exp(-|x|)): the same function
/// without overflowing exp for large x.
LogicalResult emitSoftplus(NodeContext &ctx) {
  return emitUnary(ctx, [](OpBuilder &b, Location l, Value x) -> Value {
    Value magnitude = math::AbsFOp::create(b, l, x);
    Value tail = math::Log1pOp::create(
        b, l,
        math::ExpOp::create(b, l, arith::NegFOp::create(b, l, magnitude)));
    return arith::AddFOp::create(
        b, l, arith::MaximumFOp::create(b, l, x, createF32(b, l, 0.0)), tail);
  });
}

/// x / (1 + |x|).
LogicalResult emitSoftsign(NodeContext &ctx) {
  return emitUnary(ctx, [](OpBuilder &b, Location l, Value x) -> Value {
    Value denominator = arith::AddFOp::create(
        b, l, math::AbsFOp::create(b, l, x), createF32(b, l, 1.0));
    return arith::DivFOp::create(b, l, x, denominator);
  });
}

LogicalResult emitThresholdedRelu(NodeContext &ctx) {
  double alpha = ctx.getFloat("alpha", 1.0f);
  return emitUnary(ctx, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value above = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x,
                                        createF32(b, l, alpha));
    return arith::SelectOp::create(b, l, above, x, createF32(b, l, 0.0));
  });
}

/// One math or arith op of x.
template <typename OpTy> LogicalResult emitMath(NodeContext &ctx) {
  return emitUnary(ctx, [](OpBuilder &b, Location l, Value x) -> Value {
    return OpTy::create(b, l, x);
  });
}

LogicalResult emitReciprocal(NodeContext &ctx) {
  return emitUnary(ctx, [](OpBuilder &b, Location l, Value x) -> Value {
    return arith::DivFOp::create(b, l, createF32(b, l, 1.0), x);
  });
}

/// x < 0 ? slope * x : x, the slope broadcast to x (unidirectionally).
LogicalResult emitPRelu(NodeContext &ctx) {
  ArrayRef<int64_t> shape = ctx.getInputType(0).getShape();
  std::string reason;
  FailureOr<SmallVector<int64_t>> broadcast =
      broadcastShapes({shape, ctx.getInputType(1).getShape()}, reason);
  if (failed(broadcast) || ArrayRef<int64_t>(*broadcast) != shape)
    return ctx.fail("PRelu slope " +
                    formatShape(ctx.getInputType(1).getShape()) +
                    " does not broadcast to the input " + formatShape(shape) +
                    (failed(broadcast) ? ": " + reason : std::string()));
  OpBuilder &builder = ctx.getBuilder();
  auto type = RankedTensorType::get(shape, builder.getF32Type());
  ctx.setResult(
      0, buildBroadcastGeneric(
             builder, ctx.getLoc(), {ctx.getInput(0), ctx.getInput(1)}, type,
             [](OpBuilder &b, Location l, ValueRange args) {
               Value scaled = arith::MulFOp::create(b, l, args[0], args[1]);
               return selectPositive(b, l, args[0], scaled);
             }));
  return success();
}

/// -1, 0 or 1 by the sign of x (NaN stays NaN, -0 stays -0).
LogicalResult emitSign(NodeContext &ctx) {
  return emitUnary(ctx, [](OpBuilder &b, Location l, Value x) -> Value {
    Value zero = createF32(b, l, 0.0);
    Value negative =
        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x, zero);
    Value positive =
        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, zero);
    Value nonPositive =
        arith::SelectOp::create(b, l, negative, createF32(b, l, -1.0), x);
    return arith::SelectOp::create(b, l, positive, createF32(b, l, 1.0),
                                   nonPositive);
  });
}

/// Dropout at inference: the identity. A training_mode input must be a
/// constant false.
LogicalResult emitDropout(NodeContext &ctx) {
  if (ctx.hasInput(2)) {
    if (failed(ctx.requireConstant(2, "training_mode")))
      return failure();
    if (llvm::any_of(getIntValues(ctx.getConstantInput(2)),
                     [](int64_t value) { return value != 0; }))
      return ctx.fail("Dropout in training mode is not supported (the "
                      "compiler runs inference)");
  }
  ctx.forwardInput(0);
  return success();
}

} // namespace

void mlir::qfhe::onnx_import::addActivationOps(OpTable &table) {
  auto unary = [&](StringRef name, EmitFn emit,
                   SmallVector<AttrSpec> attributes = {}) {
    table[name] = {emit, 1, 1, 1, std::move(attributes), {0}};
  };
  unary("HardSigmoid", emitHardSigmoid,
        {{"alpha", AttrKind::Float}, {"beta", AttrKind::Float}});
  unary("HardSwish", emitHardSwish);
  unary("Elu", emitElu, {{"alpha", AttrKind::Float}});
  unary("Selu", emitSelu,
        {{"alpha", AttrKind::Float}, {"gamma", AttrKind::Float}});
  unary("Celu", emitCelu, {{"alpha", AttrKind::Float}});
  unary("Softplus", emitSoftplus);
  unary("Softsign", emitSoftsign);
  unary("ThresholdedRelu", emitThresholdedRelu, {{"alpha", AttrKind::Float}});
  unary("Abs", emitMath<math::AbsFOp>);
  unary("Neg", emitMath<arith::NegFOp>);
  unary("Exp", emitMath<math::ExpOp>);
  unary("Log", emitMath<math::LogOp>);
  unary("Sqrt", emitMath<math::SqrtOp>);
  unary("Reciprocal", emitReciprocal);
  unary("Floor", emitMath<math::FloorOp>);
  unary("Ceil", emitMath<math::CeilOp>);
  unary("Round", emitMath<math::RoundEvenOp>);
  unary("Sin", emitMath<math::SinOp>);
  unary("Cos", emitMath<math::CosOp>);
  unary("Sign", emitSign);
  table["PRelu"] = {emitPRelu, 2, 2, 1, {}, {0, 1}};
  table["Dropout"] = {emitDropout,
                      1,
                      3,
                      1,
                      {{"seed", AttrKind::Int}, {"ratio", AttrKind::Float}},
                      {0}};
}
