//===- LogicOps.cpp - comparisons, boolean logic and Where ----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The boolean side of PyTorch's exports (`torch.where(x > 0, x, 0.1 * x)`,
// softshrink, `(x > 0).float()`): Greater, Less, GreaterOrEqual, LessOrEqual
// and Equal of float tensors as `arith.cmpf` into an `i1` tensor, Not, And,
// Or and Xor on `i1` tensors, Where as `arith.select`, and Cast of an `i1`
// tensor to float32 (1.0 or 0.0). Each is one `linalg.generic` with numpy
// broadcasting; qfhe-normalize fuses every `i1` generic into its users, so
// that no boolean tensor reaches the quantizer and a Where of functions of
// one tensor is one table. Boolean constants (read as `ui8` 0 and 1) are
// compared with 0. On integer data known at import time (shape
// computations) comparisons and Where are computed at import time.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// Whether every input of the node is integer data known at import time
/// (shape computations).
bool allIntegerData(NodeContext &ctx) {
  for (unsigned i = 0; i < ctx.getNumInputs(); ++i) {
    DenseElementsAttr data = ctx.getConstantInput(i);
    if (!data || !isa<IntegerType>(data.getElementType()))
      return false;
  }
  return true;
}

/// Defines output 0 as `compute` on the elements of the node's integer
/// inputs known at import time (PyTorch's `x.expand(-1, 4)` compares its
/// sizes with -1 and selects), of one shape or scalars, with elements of
/// `element`.
LogicalResult
foldIntegerData(NodeContext &ctx, IntegerType element,
                function_ref<int64_t(ArrayRef<int64_t>)> compute) {
  SmallVector<SmallVector<int64_t>> inputs;
  ShapedType shaped;
  for (unsigned i = 0; i < ctx.getNumInputs(); ++i) {
    DenseElementsAttr data = ctx.getConstantInput(i);
    inputs.push_back(getIntValues(data));
    if (data.getNumElements() == 1)
      continue;
    if (shaped && shaped.getShape() != data.getType().getShape())
      return ctx.fail(ctx.getOpType() + " of integer data of shapes " +
                      formatShape(shaped.getShape()) + " and " +
                      formatShape(data.getType().getShape()) +
                      " is supported when they agree or are scalars");
    shaped = data.getType();
  }
  if (!shaped)
    shaped = ctx.getConstantInput(0).getType();
  SmallVector<APInt> values;
  SmallVector<int64_t> operands(inputs.size());
  for (int64_t i = 0; i < shaped.getNumElements(); ++i) {
    for (auto [operand, input] : llvm::zip(operands, inputs))
      operand = input[input.size() == 1 ? 0 : i];
    values.push_back(APInt(element.getWidth(),
                           static_cast<uint64_t>(compute(operands)),
                           /*isSigned=*/true, /*implicitTrunc=*/true));
  }
  ctx.setConstantResult(0,
                        DenseElementsAttr::get(shaped.clone(element), values));
  return success();
}

/// ONNX BOOL data as the importer reads it.
IntegerType getBooleanDataType(NodeContext &ctx) {
  return IntegerType::get(ctx.getContext(), 8, IntegerType::Unsigned);
}

/// `Predicate` on two integers.
template <arith::CmpFPredicate Predicate> bool compare(int64_t x, int64_t y) {
  using P = arith::CmpFPredicate;
  static_assert(Predicate == P::OGT || Predicate == P::OLT ||
                Predicate == P::OGE || Predicate == P::OLE ||
                Predicate == P::OEQ);
  if constexpr (Predicate == P::OGT)
    return x > y;
  else if constexpr (Predicate == P::OLT)
    return x < y;
  else if constexpr (Predicate == P::OGE)
    return x >= y;
  else if constexpr (Predicate == P::OLE)
    return x <= y;
  else
    return x == y;
}

template <arith::CmpFPredicate Predicate>
LogicalResult emitCompare(NodeContext &ctx) {
  if (allIntegerData(ctx))
    return foldIntegerData(ctx, getBooleanDataType(ctx),
                           [](ArrayRef<int64_t> args) -> int64_t {
                             return compare<Predicate>(args[0], args[1]);
                           });
  return emitBroadcast(ctx, {InputKind::Float32, InputKind::Float32},
                       ctx.getBuilder().getI1Type(),
                       [](OpBuilder &b, Location l, ValueRange args) {
                         return arith::CmpFOp::create(b, l, Predicate, args[0],
                                                      args[1]);
                       });
}

template <typename LogicOp> LogicalResult emitLogic(NodeContext &ctx) {
  return emitBroadcast(ctx, {InputKind::Boolean, InputKind::Boolean},
                       ctx.getBuilder().getI1Type(),
                       [](OpBuilder &b, Location l, ValueRange args) {
                         return LogicOp::create(b, l, args[0], args[1]);
                       });
}

LogicalResult emitNot(NodeContext &ctx) {
  return emitBroadcast(ctx, {InputKind::Boolean}, ctx.getBuilder().getI1Type(),
                       [](OpBuilder &b, Location l, ValueRange args) -> Value {
                         Value one = arith::ConstantOp::create(
                             b, l, b.getBoolAttr(true));
                         return arith::XOrIOp::create(b, l, args[0], one);
                       });
}

LogicalResult emitWhere(NodeContext &ctx) {
  if (allIntegerData(ctx)) {
    auto element = cast<IntegerType>(ctx.getConstantInput(1).getElementType());
    if (element != ctx.getConstantInput(2).getElementType())
      return ctx.fail("Where of integers of different types");
    return foldIntegerData(ctx, element, [](ArrayRef<int64_t> args) {
      return args[0] != 0 ? args[1] : args[2];
    });
  }
  return emitBroadcast(
      ctx, {InputKind::Boolean, InputKind::Float32, InputKind::Float32},
      ctx.getBuilder().getF32Type(),
      [](OpBuilder &b, Location l, ValueRange args) {
        return arith::SelectOp::create(b, l, args[0], args[1], args[2]);
      });
}

} // namespace

LogicalResult mlir::qfhe::onnx_import::emitBooleanToFloat(NodeContext &ctx) {
  return emitBroadcast(ctx, {InputKind::Boolean}, ctx.getBuilder().getF32Type(),
                       [](OpBuilder &b, Location l, ValueRange args) {
                         return arith::SelectOp::create(b, l, args[0],
                                                        createF32(b, l, 1.0),
                                                        createF32(b, l, 0.0));
                       });
}

void mlir::qfhe::onnx_import::addLogicOps(OpTable &table) {
  using P = arith::CmpFPredicate;
  table["Greater"] = {emitCompare<P::OGT>, 2, 2, 1, {}, {}};
  table["Less"] = {emitCompare<P::OLT>, 2, 2, 1, {}, {}};
  table["GreaterOrEqual"] = {emitCompare<P::OGE>, 2, 2, 1, {}, {}};
  table["LessOrEqual"] = {emitCompare<P::OLE>, 2, 2, 1, {}, {}};
  table["Equal"] = {emitCompare<P::OEQ>, 2, 2, 1, {}, {}};
  table["Not"] = {emitNot, 1, 1, 1, {}, {}};
  table["And"] = {emitLogic<arith::AndIOp>, 2, 2, 1, {}, {}};
  table["Or"] = {emitLogic<arith::OrIOp>, 2, 2, 1, {}, {}};
  table["Xor"] = {emitLogic<arith::XOrIOp>, 2, 2, 1, {}, {}};
  table["Where"] = {emitWhere, 3, 3, 1, {}, {}};
}
