//===- InitQFHE.h - register qfhe with MLIR ---------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The entry points a toolchain calls to use qfhe: register the dialects its
// programs contain and its passes, then build passes or the pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_INITQFHE_H
#define QFHE_INITQFHE_H

namespace mlir {
class DialectRegistry;

namespace qfhe {

/// Registers the qfhe dialect and the upstream dialects qfhe programs are
/// written in or lowered to (func, arith, math, tensor, linalg, tosa, quant,
/// bufferization, scf, memref), with the interface implementations that
/// bufferization and lowering of those dialects need.
void registerQFHEDialects(DialectRegistry &registry);

/// Registers every qfhe pass (and pipeline) with the global pass registry so
/// that textual pipelines and `quant-opt` flags can name them.
void registerQFHEPasses();

} // namespace qfhe
} // namespace mlir

#endif // QFHE_INITQFHE_H
