//===- QFHEOps.h - qfhe operations ------------------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QFHEOPS_H
#define QFHE_DIALECT_QFHE_IR_QFHEOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferIntRangeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"
#include "qfhe/Dialect/QFHE/IR/QFHEDialect.h"
#include "qfhe/Dialect/QFHE/IR/QuantParams.h"
#include "qfhe/Dialect/QFHE/IR/RawIntegers.h"
#include "qfhe/Support/QuantMath.h"
#include "qfhe/Support/Rescale.h"

#define GET_OP_CLASSES
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h.inc"

#endif // QFHE_DIALECT_QFHE_IR_QFHEOPS_H
