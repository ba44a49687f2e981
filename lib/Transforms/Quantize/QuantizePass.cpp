//===- QuantizePass.cpp - the qfhe-quantize pass --------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/RangeAnalysis.h"
#include "qfhe/Dialect/QFHE/IR/QFHEDialect.h"
#include "qfhe/Transforms/Quantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_QUANTIZE
#include "qfhe/Transforms/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

namespace {

struct QuantizePass : qfhe::impl::QuantizeBase<QuantizePass> {
  using QuantizeBase::QuantizeBase;

  /// Checks the bit widths of the options.
  LogicalResult checkOptions() {
    for (auto [name, bits] :
         {std::pair<StringRef, unsigned>{"input-bits", inputBits},
          {"weight-bits", weightBits},
          {"activation-bits", activationBits},
          {"output-bits", outputBits},
          {"accumulator-bits", accumulatorBits}})
      if (bits < 2 || bits > 32)
        return getOperation().emitError()
               << "qfhe-quantize option " << name << "=" << bits
               << " is out of range [2, 32]";
    return success();
  }

  void runOnOperation() override {
    if (failed(checkOptions()))
      return signalPassFailure();
    QuantizeOptions options{
        inputBits,        weightBits,      activationBits,
        outputBits,       accumulatorBits, perChannelWeights,
        symmetricWeights, narrowRange,     symmetricActivations,
        useObserved,      floatFallback};

    RangeSolver solver;
    if (failed(solver.run(getOperation())))
      return signalPassFailure();
    bool failedAny = false;
    getOperation().walk([&](func::FuncOp func) {
      if (!func.isExternal())
        failedAny |= failed(quantizeFunction(func, options, solver));
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
