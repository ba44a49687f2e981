//===- QFHEAttrs.cpp - qfhe attributes ------------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"

#include "mlir/IR/Builders.h"
#include "qfhe/Dialect/QFHE/IR/QFHEDialect.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qfhe;

#include "qfhe/Dialect/QFHE/IR/QFHEEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.cpp.inc"

void QFHEDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.cpp.inc"
      >();
}
