//===- AnnotateLoops.cpp - loop hints for LLVM's optimizer ----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The loops of a lowered linalg op run over its dimensions, the batch
// outermost and, after qfhe-interchange-reductions, a parallel dimension
// innermost: the one whose elements are consecutive in memory. Left to
// itself, LLVM's O3 pipeline fully unrolls small inner loops of constant
// trip count and then vectorizes the loop around them (the batch loop,
// say) across strided elements: every access becomes a gather or scatter,
// scalarized for bytes, and the vectorized body grows with the trip counts
// times the vector factor (64 lanes of i8 under AVX-512). Chunked integer
// programs, with many small inner loops, took tens of seconds to compile
// that way, mostly in instruction scheduling, and ran slower. This pass
// states what to do with each loop instead; see Passes.td.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Pipelines/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMAttrs.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_ANNOTATELOOPS
#include "qfhe/Pipelines/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;

namespace {

/// The attribute that SCF's lowering to control flow and then to LLVM
/// carries from an scf.for to its back edge (`llvm.br`'s
/// `loop_annotation`), where LLVM reads loop metadata.
constexpr llvm::StringLiteral kLoopAnnotation = "loop_annotation";

bool hasInnerLoop(scf::ForOp loop) {
  WalkResult inner = loop.getBody()->walk(
      [](LoopLikeOpInterface) { return WalkResult::interrupt(); });
  return inner.wasInterrupted();
}

/// `llvm.loop.vectorize.enable false`.
LLVM::LoopAnnotationAttr getNoVectorize(MLIRContext *ctx) {
  auto vectorize = LLVM::LoopVectorizeAttr::get(
      ctx, /*disable=*/BoolAttr::get(ctx, true), {}, {}, {}, {}, {}, {});
  return LLVM::LoopAnnotationAttr::get(ctx, {}, vectorize, {}, {}, {}, {}, {},
                                       {}, {}, {}, {}, {}, {}, {}, {});
}

/// `llvm.loop.unroll.full`.
LLVM::LoopAnnotationAttr getFullUnroll(MLIRContext *ctx) {
  auto unroll =
      LLVM::LoopUnrollAttr::get(ctx, {}, {}, {},
                                /*full=*/BoolAttr::get(ctx, true), {}, {}, {});
  return LLVM::LoopAnnotationAttr::get(ctx, {}, {}, {}, unroll, {}, {}, {}, {},
                                       {}, {}, {}, {}, {}, {}, {});
}

struct AnnotateLoopsPass : qfhe::impl::AnnotateLoopsBase<AnnotateLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    LLVM::LoopAnnotationAttr noVectorize = getNoVectorize(ctx);
    LLVM::LoopAnnotationAttr fullUnroll = getFullUnroll(ctx);
    getOperation()->walk([&](scf::ForOp loop) {
      if (loop->hasAttr(kLoopAnnotation))
        return;
      if (hasInnerLoop(loop)) {
        loop->setAttr(kLoopAnnotation, noVectorize);
        return;
      }
      std::optional<llvm::APInt> trips = loop.getStaticTripCount();
      if (trips && trips->ule(fullUnrollTripCount))
        loop->setAttr(kLoopAnnotation, fullUnroll);
    });
  }
};

} // namespace
