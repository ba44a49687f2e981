//===- QFHEDialect.cpp - qfhe dialect -------------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QFHEDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"

using namespace mlir;
using namespace mlir::qfhe;

#include "qfhe/Dialect/QFHE/IR/QFHEDialect.cpp.inc"

void QFHEDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "qfhe/Dialect/QFHE/IR/QFHEOps.cpp.inc"
      >();
}
