//===- QFHEAttrs.h - qfhe attributes ----------------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Quantization parameters (`#qfhe.quant`) and calibration statistics
// (`#qfhe.observed`).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QFHEATTRS_H
#define QFHE_DIALECT_QFHE_IR_QFHEATTRS_H

#include "qfhe/Support/Statistics.h"

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include <optional>

#define GET_ATTRDEF_CLASSES
#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h.inc"

#endif // QFHE_DIALECT_QFHE_IR_QFHEATTRS_H
