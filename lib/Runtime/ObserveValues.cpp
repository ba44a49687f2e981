//===- ObserveValues.cpp - programs that return their values --------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "ObserveValues.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

bool isFloatTensor(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && isa<FloatType>(type.getElementType());
}

/// Ops whose results hold initial values rather than computed ones.
bool isInitialValue(Operation *op) {
  return op->hasTrait<OpTrait::ConstantLike>() ||
         isa<tensor::EmptyOp, linalg::FillOp>(op);
}

} // namespace

bool mlir::qfhe::hasChannels(Value value) {
  return cast<RankedTensorType>(value.getType()).getRank() >= 2;
}

llvm::Expected<llvm::SmallVector<Value>>
mlir::qfhe::getObservedValues(func::FuncOp entry) {
  if (!entry.getBody().hasOneBlock())
    return llvm::createStringError(
        "calibration needs @" + entry.getSymName() +
        " to have a single block (structured control flow)");
  llvm::SmallVector<Value> values;
  for (BlockArgument argument : entry.getArguments())
    if (isFloatTensor(argument))
      values.push_back(argument);
  for (Operation &op : entry.getBody().front()) {
    if (isInitialValue(&op))
      continue;
    for (Value result : op.getResults())
      if (isFloatTensor(result))
        values.push_back(result);
  }
  return values;
}

std::string mlir::qfhe::addObserverFunction(func::FuncOp entry,
                                            llvm::ArrayRef<Value> values) {
  IRMapping mapping;
  auto observer = cast<func::FuncOp>(entry->clone(mapping));
  observer.setSymName((entry.getSymName() + "_observed").str());
  observer.setPublic();
  observer.removeResAttrsAttr();
  // Inserting renames the copy if its name is taken.
  SymbolTable(entry->getParentOfType<ModuleOp>()).insert(observer);

  auto terminator =
      cast<func::ReturnOp>(observer.getBody().front().getTerminator());
  llvm::SmallVector<Value> results(terminator.getOperands());
  for (Value value : values)
    if (!isa<BlockArgument>(value))
      results.push_back(mapping.lookup(value));
  terminator->setOperands(results);
  observer.setFunctionType(FunctionType::get(observer.getContext(),
                                             observer.getArgumentTypes(),
                                             ValueRange(results).getTypes()));
  return observer.getSymName().str();
}
