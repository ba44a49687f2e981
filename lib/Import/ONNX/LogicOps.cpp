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
// compared with 0.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// Whether input `index` holds booleans: an `i1` tensor, or constant `ui8`
/// data (ONNX BOOL as the importer reads it).
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

/// Checks that every input is float32 (`wantBoolean` false) or boolean, and
/// collects the inputs (booleans as `i1`) and the broadcast shape.
LogicalResult collectOperands(NodeContext &ctx, ArrayRef<bool> wantBoolean,
                              SmallVector<Value> &operands,
                              SmallVector<int64_t> &shape) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (auto [index, boolean] : llvm::enumerate(wantBoolean)) {
    bool ok = boolean ? isBoolean(ctx, index)
                      : ctx.getInputType(index).getElementType().isF32();
    if (!ok)
      return ctx.fail(ctx.getOpType() + " input '" + ctx.getInputName(index) +
                      "' must be a " + (boolean ? "boolean" : "float32") +
                      " tensor");
    shapes.push_back(ctx.getInputType(index).getShape());
  }
  std::string reason;
  FailureOr<SmallVector<int64_t>> broadcast = broadcastShapes(shapes, reason);
  if (failed(broadcast))
    return ctx.fail(ctx.getOpType() + ": " + reason);
  shape = *broadcast;
  for (auto [index, boolean] : llvm::enumerate(wantBoolean))
    operands.push_back(boolean ? getBooleanInput(ctx, index)
                               : ctx.getInput(index));
  return success();
}

/// Defines output 0 as `body` on the broadcast inputs, elements of `element`.
LogicalResult emitElementwise(NodeContext &ctx, ArrayRef<bool> wantBoolean,
                              Type element, BodyFn body) {
  SmallVector<Value> operands;
  SmallVector<int64_t> shape;
  if (failed(collectOperands(ctx, wantBoolean, operands, shape)))
    return failure();
  ctx.setResult(
      0, buildBroadcastGeneric(ctx.getBuilder(), ctx.getLoc(), operands,
                               RankedTensorType::get(shape, element), body));
  return success();
}

template <arith::CmpFPredicate Predicate>
LogicalResult emitCompare(NodeContext &ctx) {
  return emitElementwise(ctx, {false, false}, ctx.getBuilder().getI1Type(),
                         [](OpBuilder &b, Location l, ValueRange args) {
                           return arith::CmpFOp::create(b, l, Predicate,
                                                        args[0], args[1]);
                         });
}

template <typename LogicOp> LogicalResult emitLogic(NodeContext &ctx) {
  return emitElementwise(ctx, {true, true}, ctx.getBuilder().getI1Type(),
                         [](OpBuilder &b, Location l, ValueRange args) {
                           return LogicOp::create(b, l, args[0], args[1]);
                         });
}

LogicalResult emitNot(NodeContext &ctx) {
  return emitElementwise(
      ctx, {true}, ctx.getBuilder().getI1Type(),
      [](OpBuilder &b, Location l, ValueRange args) -> Value {
        Value one = arith::ConstantOp::create(b, l, b.getBoolAttr(true));
        return arith::XOrIOp::create(b, l, args[0], one);
      });
}

LogicalResult emitWhere(NodeContext &ctx) {
  return emitElementwise(
      ctx, {true, false, false}, ctx.getBuilder().getF32Type(),
      [](OpBuilder &b, Location l, ValueRange args) {
        return arith::SelectOp::create(b, l, args[0], args[1], args[2]);
      });
}

} // namespace

LogicalResult mlir::qfhe::onnx_import::emitBooleanToFloat(NodeContext &ctx) {
  return emitElementwise(ctx, {true}, ctx.getBuilder().getF32Type(),
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
