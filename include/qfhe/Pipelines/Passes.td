//===- Passes.td - passes of the qfhe pipelines -------------*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_PIPELINES_PASSES_TD
#define QFHE_PIPELINES_PASSES_TD

include "mlir/Pass/PassBase.td"

def InterchangeReductions : Pass<"qfhe-interchange-reductions"> {
  let summary = "Make a parallel loop the innermost loop of linalg reductions";
  let description = [{
    Lowered to loops as they are, contractions such as `linalg.matmul`
    (loops `i, j, k`) put their reduction loop innermost: each step adds to
    the same output element, a chain the CPU cannot vectorize without
    reassociating float additions. This pass generalizes every linalg op
    whose innermost loop is a reduction and that has a parallel loop, and
    moves its last parallel loop innermost (`i, k, j` for a matmul), so that
    the innermost loop updates consecutive output elements independently and
    LLVM's loop vectorizer can run it on vectors.

    Results do not change, to the bit: every output element is still
    accumulated over the reduction loops in the same order. Only the order in
    which output elements are visited changes.

    Run it after elementwise fusion: a generic contraction accepts fused
    producers, which would then be recomputed for every step of the
    reduction. `qfhe-lower-to-llvm` runs it just before bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // QFHE_PIPELINES_PASSES_TD
