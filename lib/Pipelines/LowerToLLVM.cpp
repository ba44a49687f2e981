//===- LowerToLLVM.cpp - lower qfhe programs for CPU execution ------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Pipelines/LowerToLLVM.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "qfhe/Conversion/Passes.h"
#include "qfhe/Pipelines/Passes.h"

using namespace mlir;

void mlir::qfhe::buildTensorFrontEndPipeline(OpPassManager &pm,
                                             bool keepOutputSoftmax) {
  tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions(),
                              TosaToLinalgNamedOptions(),
                              /*validationOptions=*/std::nullopt);
  pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
  DecomposeAggregatesOptions decompose;
  decompose.keepOutputs = keepOutputSoftmax;
  pm.addNestedPass<func::FuncOp>(createDecomposeAggregates(decompose));
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
}

/// tosa.apply_scale, which tosa-to-linalg leaves in the bodies of integer
/// rescalings (and programs may state themselves), lowered to arith with
/// 64-bit intermediates.
static void addApplyScaleLowering(OpPassManager &pm) {
  TosaToArithPassOptions options;
  options.includeApplyRescale = true;
  options.use32Bit = false;
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass(options));
}

void mlir::qfhe::buildLowerToLLVMPipeline(OpPassManager &pm) {
  // Front ends: qfhe, tosa and tensor arithmetic into linalg on tensors.
  pm.addPass(createConvertQFHEToLinalg());
  buildTensorFrontEndPipeline(pm);
  addApplyScaleLowering(pm);
  // Odd integer widths in bytes: vectorizable loops, same values.
  pm.addPass(createWidenIntegers());
  // Named elementwise ops (the sums of a split dot product's parts, say) as
  // generics, which fusion merges into one loop nest.
  pm.addNestedPass<func::FuncOp>(createGeneralizeElementwise());
  pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());
  // The parts of a split dot product as one contraction, one loop nest;
  // after fusion, which would fuse the producer of a batched contraction's
  // input into it (it reads the input itself, not one slice per part) and
  // recompute it at every step of the reduction.
  pm.addNestedPass<func::FuncOp>(createBatchContractions());
  pm.addPass(createCanonicalizerPass());
  // After fusion: vectorizable loops for contractions.
  pm.addNestedPass<func::FuncOp>(createInterchangeReductions());
  // Reductions over narrow rows (a convolution's output) vectorized over
  // the batch instead.
  pm.addNestedPass<func::FuncOp>(createBatchInnermost());

  // Tensors to buffers, with deallocation of every temporary.
  bufferization::OneShotBufferizePassOptions bufferization;
  bufferization.bufferizeFunctionBoundaries = true;
  bufferization.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferization));
  bufferization::buildBufferDeallocationPipeline(pm);
  // Results that alias an argument or a constant are returned as clones.
  pm.addPass(createConvertBufferizationToMemRefPass());

  // Loops, then LLVM.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // Which loops LLVM vectorizes and unrolls (JitProgram's LLVM pipeline
  // unrolls only where asked).
  pm.addNestedPass<func::FuncOp>(createAnnotateLoops());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void mlir::qfhe::registerLowerToLLVMPipeline() {
  PassPipelineRegistration<>(
      "qfhe-lower-to-llvm",
      "Lower a tensor program (float, qfhe, tosa, linalg) to the LLVM dialect "
      "for CPU execution",
      buildLowerToLLVMPipeline);
}
