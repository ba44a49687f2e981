//===- GeneralizeElementwise.cpp - named elementwise ops as generics ------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Pipelines/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_GENERALIZEELEMENTWISE
#include "qfhe/Pipelines/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;

namespace {

/// Whether `op` is a named linalg op whose loops are all parallel (add,
/// sub, map, broadcast, fill, transpose...): one that elementwise fusion
/// could fuse if it were a generic.
bool isNamedParallelOp(linalg::LinalgOp op) {
  return !isa<linalg::GenericOp>(op.getOperation()) &&
         op.getNumLoops() == op.getNumParallelLoops() && op.getNumLoops() > 0;
}

struct GeneralizeElementwisePass
    : qfhe::impl::GeneralizeElementwiseBase<GeneralizeElementwisePass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> work;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (isNamedParallelOp(op))
        work.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : work) {
      rewriter.setInsertionPoint(op);
      // A named op without a region body to generalize stays as it is.
      (void)linalg::generalizeNamedOp(rewriter, op);
    }
  }
};

} // namespace
