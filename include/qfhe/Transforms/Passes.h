//===- Passes.h - qfhe transformation passes --------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_TRANSFORMS_PASSES_H
#define QFHE_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace qfhe {

#define GEN_PASS_DECL
#include "qfhe/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qfhe/Transforms/Passes.h.inc"

} // namespace qfhe
} // namespace mlir

#endif // QFHE_TRANSFORMS_PASSES_H
