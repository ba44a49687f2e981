//===- Passes.h - passes of the qfhe pipelines ------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Passes that exist for the pipelines' sake: they change how a program runs,
// never what it computes.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_PIPELINES_PASSES_H
#define QFHE_PIPELINES_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
namespace qfhe {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "qfhe/Pipelines/Passes.h.inc"

} // namespace qfhe
} // namespace mlir

#endif // QFHE_PIPELINES_PASSES_H
