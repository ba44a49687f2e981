//===- ElementwiseOps.cpp - arithmetic and activations --------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Elementwise operators as one `linalg.generic` each, with numpy broadcasting
// maps for binary operators and the bodies torch-mlir uses: arith.maximumf for
// Relu, cmpf+select for LeakyRelu, 1/(1+exp(-x)) for Sigmoid, and
// 0.5*x*(1+erf(x/sqrt(2))) for Gelu.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "QuantizedValues.h"
#include "Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// Integer arithmetic on import-time data (the shape computations PyTorch
/// exports for `x.chunk(2, dim=1)`: Gather of a dimension, Add, Div, Mul),
/// elementwise, one operand of one element or both of the same shape.
/// ONNX's integer Div truncates toward zero.
template <typename ArithOp>
LogicalResult foldIntegers(NodeContext &ctx, DenseElementsAttr lhs,
                           DenseElementsAttr rhs) {
  if (lhs.getType().getElementType() != rhs.getType().getElementType())
    return ctx.fail(ctx.getOpType() + " of integers of different types");
  DenseElementsAttr shaped =
      lhs.getNumElements() >= rhs.getNumElements() ? lhs : rhs;
  if (lhs.getNumElements() != 1 && rhs.getNumElements() != 1 &&
      lhs.getType().getShape() != rhs.getType().getShape())
    return ctx.fail(ctx.getOpType() + " of integer data of shapes " +
                    formatShape(lhs.getType().getShape()) + " and " +
                    formatShape(rhs.getType().getShape()) +
                    " is supported when they agree or one is a scalar");
  SmallVector<int64_t> a = getIntValues(lhs), b = getIntValues(rhs);
  auto element = cast<IntegerType>(shaped.getElementType());
  SmallVector<APInt> values;
  for (int64_t i = 0; i < shaped.getNumElements(); ++i) {
    int64_t x = a[a.size() == 1 ? 0 : i], y = b[b.size() == 1 ? 0 : i];
    int64_t result = 0;
    bool overflow;
    if constexpr (std::is_same_v<ArithOp, arith::AddFOp>)
      overflow = llvm::AddOverflow(x, y, result);
    else if constexpr (std::is_same_v<ArithOp, arith::SubFOp>)
      overflow = llvm::SubOverflow(x, y, result);
    else if constexpr (std::is_same_v<ArithOp, arith::MulFOp>)
      overflow = llvm::MulOverflow(x, y, result);
    else {
      if (y == 0)
        return ctx.fail("Div of integers by 0");
      overflow = x == std::numeric_limits<int64_t>::min() && y == -1;
      result = overflow ? 0 : x / y;
    }
    if (overflow)
      return ctx.fail(ctx.getOpType() + " of the integers " + Twine(x) +
                      " and " + Twine(y) + " overflows");
    values.push_back(APInt(element.getWidth(), static_cast<uint64_t>(result),
                           /*isSigned=*/true, /*implicitTrunc=*/true));
  }
  ctx.setConstantResult(0, DenseElementsAttr::get(shaped.getType(), values));
  return success();
}

/// Add, Sub, Mul, Div: `ArithOp` on the broadcast operands (on the data
/// for integers known at import time).
template <typename ArithOp> LogicalResult emitBinary(NodeContext &ctx) {
  DenseElementsAttr lhs = ctx.getConstantInput(0);
  DenseElementsAttr rhs = ctx.getConstantInput(1);
  if (lhs && rhs && isa<IntegerType>(lhs.getElementType()) &&
      isa<IntegerType>(rhs.getElementType()))
    return foldIntegers<ArithOp>(ctx, lhs, rhs);
  return emitBroadcast(ctx, {InputKind::Float32, InputKind::Float32},
                       ctx.getBuilder().getF32Type(),
                       [](OpBuilder &b, Location l, ValueRange args) {
                         return ArithOp::create(b, l, args[0], args[1]);
                       });
}

LogicalResult emitRelu(NodeContext &ctx) {
  return emitUnary(ctx, [](OpBuilder &b, Location l, Value x) -> Value {
    return arith::MaximumFOp::create(b, l, x, createF32(b, l, 0.0));
  });
}

LogicalResult emitLeakyRelu(NodeContext &ctx) {
  double alpha = ctx.getFloat("alpha", 0.01f);
  return emitUnary(ctx, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value positive = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x,
                                           createF32(b, l, 0.0));
    Value scaled = arith::MulFOp::create(b, l, x, createF32(b, l, alpha));
    return arith::SelectOp::create(b, l, positive, x, scaled);
  });
}

LogicalResult emitSigmoid(NodeContext &ctx) {
  return emitUnary(ctx, [](OpBuilder &b, Location l, Value x) -> Value {
    Value one = createF32(b, l, 1.0);
    Value exp = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, x));
    return arith::DivFOp::create(b, l, one,
                                 arith::AddFOp::create(b, l, exp, one));
  });
}

LogicalResult emitTanh(NodeContext &ctx) {
  return emitUnary(ctx, [](OpBuilder &b, Location l, Value x) -> Value {
    return math::TanhOp::create(b, l, x);
  });
}

LogicalResult emitErf(NodeContext &ctx) {
  return emitUnary(ctx, [](OpBuilder &b, Location l, Value x) -> Value {
    return math::ErfOp::create(b, l, x);
  });
}

/// 0.5 * x * (1 + erf(x / sqrt(2))), in the order of the Div/Erf/Add/Mul/Mul
/// pattern exporters emit; with approximate="tanh",
/// 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))).
LogicalResult emitGelu(NodeContext &ctx) {
  std::string approximate = ctx.getString("approximate", "none");
  if (approximate != "none" && approximate != "tanh")
    return ctx.failAttr("approximate", "'" + approximate + "'",
                        "expected 'none' or 'tanh'");
  bool useTanh = approximate == "tanh";
  return emitUnary(ctx, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value inner;
    if (useTanh) {
      Value cube =
          arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, x, x), x);
      Value sum = arith::AddFOp::create(
          b, l, x,
          arith::MulFOp::create(b, l, cube, createF32(b, l, 0.044715)));
      inner = math::TanhOp::create(
          b, l,
          arith::MulFOp::create(b, l, sum,
                                createF32(b, l, std::sqrt(2.0 / M_PI))));
    } else {
      inner = math::ErfOp::create(
          b, l, arith::DivFOp::create(b, l, x, createF32(b, l, M_SQRT2)));
    }
    Value onePlus = arith::AddFOp::create(b, l, inner, createF32(b, l, 1.0));
    Value product = arith::MulFOp::create(b, l, x, onePlus);
    return arith::MulFOp::create(b, l, product, createF32(b, l, 0.5));
  });
}

/// Reads the optional scalar bound `index` of Clip.
FailureOr<std::optional<float>> getClipBound(NodeContext &ctx, unsigned index,
                                             StringRef role) {
  if (!ctx.hasInput(index))
    return std::optional<float>();
  if (failed(ctx.requireConstant(index, role)))
    return failure();
  DenseElementsAttr data = ctx.getConstantInput(index);
  if (data.getNumElements() != 1)
    return ctx.fail("Clip " + role + " must be a scalar");
  return std::optional<float>(getFloatValues(data).front());
}

/// min(max(x, lo), hi) with constant bounds (inputs since opset 11).
LogicalResult emitClip(NodeContext &ctx) {
  if (!ctx.getInputType(0).getElementType().isF32())
    return emitQuantizedClip(ctx);
  for (unsigned bound = 1; bound <= 2; ++bound)
    if (ctx.hasInput(bound) &&
        !ctx.getInputType(bound).getElementType().isF32())
      return ctx.fail("Clip input '" + ctx.getInputName(bound) +
                      "' must be a float32 tensor");
  FailureOr<std::optional<float>> lo = getClipBound(ctx, 1, "min");
  FailureOr<std::optional<float>> hi = getClipBound(ctx, 2, "max");
  if (failed(lo) || failed(hi))
    return failure();
  for (auto [bound, role] : {std::pair{*lo, "min"}, {*hi, "max"}})
    if (bound && std::isnan(*bound))
      return ctx.fail("Clip " + Twine(role) + " is NaN");
  // ONNX defines it (every output is max), but it is rarely meant.
  if (*lo && *hi && **lo > **hi)
    ctx.warn("Clip min " + formatFloat(**lo) + " is above max " +
             formatFloat(**hi) + ": every output is " + formatFloat(**hi));
  if (!*lo && !*hi) {
    ctx.forwardInput(0);
    return success();
  }
  return emitUnary(ctx, [&](OpBuilder &b, Location l, Value x) -> Value {
    if (*lo)
      x = arith::MaximumFOp::create(b, l, x, createF32(b, l, **lo));
    if (*hi)
      x = arith::MinimumFOp::create(b, l, x, createF32(b, l, **hi));
    return x;
  });
}

} // namespace

namespace {

/// Whether input `index` holds booleans: an `i1` tensor, or constant `ui8`
/// data.
bool isBoolean(NodeContext &ctx, unsigned index) {
  Type element = ctx.getInputType(index).getElementType();
  if (element.isInteger(1))
    return true;
  return ctx.getConstantInput(index) && element.isUnsignedInteger(8);
}

/// Input `index` as an `i1` tensor: itself, or its constant `ui8` data
/// compared with 0.
Value getBooleanInput(NodeContext &ctx, unsigned index) {
  DenseElementsAttr data = ctx.getConstantInput(index);
  if (!data || ctx.getInputType(index).getElementType().isInteger(1))
    return ctx.getInput(index);
  OpBuilder &builder = ctx.getBuilder();
  SmallVector<bool> values;
  for (int64_t value : getIntValues(data))
    values.push_back(value != 0);
  auto type =
      RankedTensorType::get(data.getType().getShape(), builder.getI1Type());
  return arith::ConstantOp::create(builder, ctx.getLoc(),
                                   DenseElementsAttr::get(type, values));
}

} // namespace

LogicalResult mlir::qfhe::onnx_import::emitBroadcast(NodeContext &ctx,
                                                     ArrayRef<InputKind> kinds,
                                                     Type element,
                                                     BodyFn body) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (auto [index, kind] : llvm::enumerate(kinds)) {
    bool boolean = kind == InputKind::Boolean;
    bool ok = boolean ? isBoolean(ctx, index)
                      : ctx.getInputType(index).getElementType().isF32();
    if (!ok)
      return ctx.fail(ctx.getOpType() + " input '" + ctx.getInputName(index) +
                      "' must be a " + (boolean ? "boolean" : "float32") +
                      " tensor");
    shapes.push_back(ctx.getInputType(index).getShape());
  }
  std::string reason;
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(shapes, reason);
  if (failed(shape))
    return ctx.fail(ctx.getOpType() + ": " + reason);
  SmallVector<Value> operands;
  for (auto [index, kind] : llvm::enumerate(kinds))
    operands.push_back(kind == InputKind::Boolean ? getBooleanInput(ctx, index)
                                                  : ctx.getInput(index));
  ctx.setResult(
      0, buildBroadcastGeneric(ctx.getBuilder(), ctx.getLoc(), operands,
                               RankedTensorType::get(*shape, element), body));
  return success();
}

LogicalResult mlir::qfhe::onnx_import::emitUnary(NodeContext &ctx,
                                                 ScalarFn body) {
  ctx.setResult(0, buildUnary(ctx.getBuilder(), ctx.getLoc(), ctx.getInput(0),
                              [&](OpBuilder &b, Location l, ValueRange args) {
                                return body(b, l, args[0]);
                              }));
  return success();
}

void mlir::qfhe::onnx_import::addElementwiseOps(OpTable &table) {
  table["Add"] = {emitBinary<arith::AddFOp>, 2, 2, 1, {}, {}};
  table["Sub"] = {emitBinary<arith::SubFOp>, 2, 2, 1, {}, {}};
  table["Mul"] = {emitBinary<arith::MulFOp>, 2, 2, 1, {}, {}};
  table["Div"] = {emitBinary<arith::DivFOp>, 2, 2, 1, {}, {}};
  table["Relu"] = {emitRelu, 1, 1, 1, {}, {0}};
  table["LeakyRelu"] = {
      emitLeakyRelu, 1, 1, 1, {{"alpha", AttrKind::Float}}, {0}};
  table["Sigmoid"] = {emitSigmoid, 1, 1, 1, {}, {0}};
  table["Tanh"] = {emitTanh, 1, 1, 1, {}, {0}};
  table["Erf"] = {emitErf, 1, 1, 1, {}, {0}};
  table["Gelu"] = {emitGelu, 1, 1, 1, {{"approximate", AttrKind::String}}, {0}};
  table["Clip"] = {emitClip, 1, 3, 1, {}, {}};
}
