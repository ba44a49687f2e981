//===- LowerToLLVM.h - lower qfhe programs for CPU execution ----*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_PIPELINES_LOWERTOLLVM_H
#define QFHE_PIPELINES_LOWERTOLLVM_H

namespace mlir {
class OpPassManager;

namespace qfhe {

/// Adds the passes that bring the front ends' tensor programs to linalg on
/// tensors: tosa into linalg, tensor and arith, aggregate linalg ops
/// (`linalg.softmax`) decomposed, elementwise arith and math on tensors
/// into linalg.generic. `pm` is anchored on the module. qfhe-normalize and
/// the LLVM lowering share it; with `keepOutputSoftmax` (qfhe-normalize), a
/// softmax whose results the function only returns stays whole, for the
/// client.
void buildTensorFrontEndPipeline(OpPassManager &pm,
                                 bool keepOutputSoftmax = false);

/// Adds the passes that turn a tensor program (float, quantized qfhe,
/// integer-only qfhe, tosa or linalg on tensors) into the LLVM dialect,
/// ready for `mlir-runner` or the ExecutionEngine: tosa and qfhe to linalg,
/// elementwise fusion, contraction loops reordered for vectorization
/// (`qfhe-interchange-reductions`), one-shot bufferization across function
/// boundaries, buffer deallocation, loops, then LLVM. `pm` is anchored on the
/// module. Registered as the `qfhe-lower-to-llvm` pipeline.
void buildLowerToLLVMPipeline(OpPassManager &pm);

/// Registers `qfhe-lower-to-llvm` with the global pipeline registry.
void registerLowerToLLVMPipeline();

} // namespace qfhe
} // namespace mlir

#endif // QFHE_PIPELINES_LOWERTOLLVM_H
