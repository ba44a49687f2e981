//===- ObserveValues.cpp - programs that report their value ranges --------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "ObserveValues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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

/// The minimum (or maximum) of `value` over `dims`, a tensor of the
/// remaining dimensions.
Value reduce(OpBuilder &b, Location loc, Value value,
             llvm::ArrayRef<int64_t> dims, bool isMin) {
  auto type = cast<RankedTensorType>(value.getType());
  auto elementType = cast<FloatType>(type.getElementType());
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<Value> dynamicSizes;
  for (int64_t dim = 0; dim < type.getRank(); ++dim) {
    if (llvm::is_contained(dims, dim))
      continue;
    shape.push_back(type.getDimSize(dim));
    if (type.isDynamicDim(dim))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, value, dim));
  }
  Value empty =
      tensor::EmptyOp::create(b, loc, shape, elementType, dynamicSizes);
  // Start from the identity of the reduction: +inf for min, -inf for max.
  llvm::APFloat identity = llvm::APFloat::getInf(
      elementType.getFloatSemantics(), /*Negative=*/!isMin);
  Value init = arith::ConstantOp::create(b, loc, elementType,
                                         FloatAttr::get(elementType, identity));
  Value filled = linalg::FillOp::create(b, loc, init, empty).getResult(0);
  auto reduction = linalg::ReduceOp::create(
      b, loc, ValueRange{value}, ValueRange{filled}, dims,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        // minnum/maxnum return the other operand when one is NaN.
        Value result =
            isMin
                ? arith::MinNumFOp::create(nested, nestedLoc, args[0], args[1])
                      .getResult()
                : arith::MaxNumFOp::create(nested, nestedLoc, args[0], args[1])
                      .getResult();
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return reduction.getResult(0);
}

/// Appends to `results` the reductions that observe `value`.
void observe(OpBuilder &b, Location loc, Value value,
             llvm::SmallVectorImpl<Value> &results) {
  auto type = cast<RankedTensorType>(value.getType());
  // Reduce a 0-d value as a 1-d one of one element.
  if (type.getRank() == 0)
    value = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({1}, type.getElementType()), value,
        llvm::ArrayRef<ReassociationIndices>{});
  int64_t rank = std::max<int64_t>(type.getRank(), 1);
  auto allDims = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  results.push_back(reduce(b, loc, value, allDims, /*isMin=*/true));
  results.push_back(reduce(b, loc, value, allDims, /*isMin=*/false));
  if (!hasChannels(value))
    return;
  llvm::SmallVector<int64_t> otherDims(allDims.begin(), allDims.end());
  otherDims.erase(otherDims.begin() + 1);
  results.push_back(reduce(b, loc, value, otherDims, /*isMin=*/true));
  results.push_back(reduce(b, loc, value, otherDims, /*isMin=*/false));
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
  OpBuilder b(terminator);
  llvm::SmallVector<Value> results(terminator.getOperands());
  for (Value value : values)
    observe(b, value.getLoc(), mapping.lookup(value), results);
  terminator->setOperands(results);
  observer.setFunctionType(b.getFunctionType(observer.getArgumentTypes(),
                                             ValueRange(results).getTypes()));
  return observer.getSymName().str();
}
