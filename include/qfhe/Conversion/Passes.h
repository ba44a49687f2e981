//===- Passes.h - qfhe conversion passes ------------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_CONVERSION_PASSES_H
#define QFHE_CONVERSION_PASSES_H

#include "qfhe/Conversion/QFHEToLinalg/QFHEToLinalg.h"

namespace mlir {
namespace qfhe {

#define GEN_PASS_REGISTRATION
#include "qfhe/Conversion/Passes.h.inc"

} // namespace qfhe
} // namespace mlir

#endif // QFHE_CONVERSION_PASSES_H
