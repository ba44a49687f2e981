//===- QFHEDialect.h - qfhe dialect -----------------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The qfhe dialect: quantized and integer-only tensor programs.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QFHEDIALECT_H
#define QFHE_DIALECT_QFHE_IR_QFHEDIALECT_H

#include "mlir/IR/Dialect.h"

#include "qfhe/Dialect/QFHE/IR/QFHEDialect.h.inc"

#endif // QFHE_DIALECT_QFHE_IR_QFHEDIALECT_H
