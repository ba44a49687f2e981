//===- QFHEAttrs.h - qfhe attributes ----------------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The rounding of qfhe.requantize (`#qfhe.rounding`) and calibration
// statistics (`#qfhe.observed`). Quantization parameters are types
// (`!quant.uniform`, see QuantParams.h).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QFHEATTRS_H
#define QFHE_DIALECT_QFHE_IR_QFHEATTRS_H

#include "qfhe/Support/Statistics.h"

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "qfhe/Dialect/QFHE/IR/QFHEEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h.inc"

#endif // QFHE_DIALECT_QFHE_IR_QFHEATTRS_H
