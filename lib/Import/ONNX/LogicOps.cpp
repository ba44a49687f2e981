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

template <arith::CmpFPredicate Predicate>
LogicalResult emitCompare(NodeContext &ctx) {
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
