//===- InterchangeReductions.cpp - parallel innermost loops ---------------===//
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
#define GEN_PASS_DEF_INTERCHANGEREDUCTIONS
#include "qfhe/Pipelines/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;

namespace {

/// The loop order that moves the last parallel loop of `op` innermost, or
/// nothing when the innermost loop is parallel already or no loop is.
std::optional<SmallVector<unsigned>> getInterchange(linalg::LinalgOp op) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  auto lastParallel =
      llvm::find_if(llvm::reverse(iterators), linalg::isParallelIterator);
  if (iterators.empty() || lastParallel == iterators.rend() ||
      lastParallel == iterators.rbegin())
    return std::nullopt;
  unsigned moved = std::distance(lastParallel, iterators.rend()) - 1;
  SmallVector<unsigned> order;
  for (unsigned dim = 0; dim < iterators.size(); ++dim)
    if (dim != moved)
      order.push_back(dim);
  order.push_back(moved);
  return order;
}

struct InterchangeReductionsPass
    : qfhe::impl::InterchangeReductionsBase<InterchangeReductionsPass> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, SmallVector<unsigned>>> work;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (std::optional<SmallVector<unsigned>> order = getInterchange(op))
        work.emplace_back(op, std::move(*order));
    });
    IRRewriter rewriter(&getContext());
    for (auto &[op, order] : work) {
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue;
        generic = *generalized;
      }
      // A valid permutation of the loops cannot fail.
      (void)linalg::interchangeGenericOp(rewriter, generic, order);
    }
  }
};

} // namespace
