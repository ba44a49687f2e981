//===- ImportQuantizationPass.cpp - the qfhe-import-quantization pass -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "UserQuantization.h"

#include "../Quantize/Classify.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/RegionUtils.h"
#include "qfhe/Transforms/Passes.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_IMPORTQUANTIZATION
#include "qfhe/Transforms/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

using Kind = KnownValue::Kind;

UserQuantization::UserQuantization(func::FuncOp func)
    : func(func), builder(func.getContext()) {}

const KnownValue *UserQuantization::lookup(Value value) const {
  auto it = known.find(value);
  return it == known.end() ? nullptr : &it->second;
}

void UserQuantization::setKnown(Value value, KnownValue knownValue) {
  known[value] = std::move(knownValue);
}

void UserQuantization::replaceQuantized(Value original, Value replacement) {
  if (original.getType() == replacement.getType()) {
    original.replaceAllUsesWith(replacement);
    return;
  }
  // A narrower value (a Relu's storage range) widened back to the type the
  // program states for other readers: the identity on its integers.
  OpBuilder builder(original.getContext());
  builder.setInsertionPointAfterValue(replacement);
  Value widened = RequantizeOp::create(builder, replacement.getLoc(),
                                       original.getType(), replacement);
  original.replaceAllUsesWith(widened);
}

LogicalResult UserQuantization::visit(Operation *op) {
  builder.setInsertionPoint(op);
  for (auto rule : {importQDQOp, importTosaOp})
    if (RuleResult result = rule(*this, op))
      return *result;
  return success();
}

bool UserQuantization::isClientCode(Operation *op) {
  if (auto it = clientCode.find(op); it != clientCode.end())
    return it->second;
  clientCode[op] = false;
  bool result = isa<func::ReturnOp>(op);
  if (!result) {
    bool candidate =
        isa<linalg::SoftmaxOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
            tensor::CastOp, tensor::ExtractSliceOp, tensor::ReshapeOp,
            linalg::TransposeOp>(op);
    if (auto generic = dyn_cast<linalg::GenericOp>(op))
      candidate = matchUnivariate(generic).has_value() ||
                  matchBinary(generic).has_value();
    result = candidate && llvm::all_of(op->getUsers(), [&](Operation *user) {
               return isClientCode(user);
             });
  }
  clientCode[op] = result;
  return result;
}

FailureOr<Value> UserQuantization::getQuantized(Value value, Operation *user,
                                                StringRef role) {
  const KnownValue *k = lookup(value);
  if (k && (k->kind == Kind::Dequantized || k->kind == Kind::Accumulated))
    return k->quantized;
  return user->emitError() << "cannot import '" << user->getName() << "': its "
                           << role << " is not a quantized value";
}

/// Erases, last first, the ops the rules consumed and every op left dead.
static void eraseDeadOps(Block &body, llvm::DenseSet<Operation *> &consumed) {
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body))) {
    if (!op.use_empty() || (!consumed.contains(&op) && !isOpTriviallyDead(&op)))
      continue;
    consumed.erase(&op);
    op.erase();
  }
}

LogicalResult UserQuantization::finishBoundary() {
  Block &body = func.getBody().front();
  DenseMap<Value, Value> dequantized;
  bool failedAny = false;
  for (Operation &op : body) {
    if (consumed.contains(&op))
      continue;
    for (OpOperand &operand : op.getOpOperands()) {
      const KnownValue *k = lookup(operand.get());
      if (!k || !isa<FloatType>(getElementTypeOrSelf(operand.get())))
        continue;
      if (k->kind == Kind::Univariate || k->kind == Kind::Pair)
        continue; // the links themselves stay, as client code
      if (isa<tensor::DimOp>(op) && k->quantized) {
        // Only the shape is read: the quantized value has the same one.
        operand.set(k->quantized);
        continue;
      }
      if (!isClientCode(&op) ||
          (k->kind != Kind::Dequantized && k->kind != Kind::Accumulated)) {
        op.emitError() << "'" << op.getName()
                       << "' computes in float on quantized values between "
                          "the user's quantizations; it has no exact integer "
                          "form (quantize its result with a QuantizeLinear, "
                          "or keep it after the last DequantizeLinear)";
        failedAny = true;
        break;
      }
      // The client dequantizes what it reads (decryption).
      Value &floats = dequantized[operand.get()];
      if (!floats) {
        builder.setInsertionPointAfterValue(k->quantized);
        floats = DequantizeOp::create(builder, operand.get().getLoc(),
                                      operand.get().getType(), k->quantized);
      }
      operand.set(floats);
    }
  }
  return failure(failedAny);
}

LogicalResult UserQuantization::run() {
  if (!func.getBody().hasOneBlock())
    return func.emitError()
           << "qfhe-import-quantization supports single-block functions";
  for (BlockArgument argument : func.getArguments())
    if (QuantParams::get(argument.getType()))
      return func.emitError()
             << "argument #" << argument.getArgNumber() << " has type "
             << argument.getType()
             << ": the client quantizes float arguments (quant.qcast in the "
                "program), so that results and data stay float";
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    ops.push_back(&op);
  for (Operation *op : ops)
    if (failed(visit(op)))
      return failure();
  Block &body = func.getBody().front();
  eraseDeadOps(body, consumed);
  if (failed(finishBoundary()))
    return failure();
  eraseDeadOps(body, consumed);
  // Whatever remains of the user's quantization was not understood.
  for (Operation &op : body)
    if (isa<quant::QuantizeCastOp, quant::DequantizeCastOp>(op) ||
        consumed.contains(&op))
      return op.emitError() << "cannot import '" << op.getName()
                            << "': its result is read by ops without an "
                               "integer form";
  return success();
}

namespace {

struct ImportQuantizationPass
    : qfhe::impl::ImportQuantizationBase<ImportQuantizationPass> {
  void runOnOperation() override {
    bool failedAny = false;
    getOperation().walk([&](func::FuncOp func) {
      if (!func.isExternal())
        failedAny |= failed(UserQuantization(func).run());
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
