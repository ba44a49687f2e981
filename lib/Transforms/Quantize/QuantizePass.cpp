//===- QuantizePass.cpp - the qfhe-quantize pass --------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "QuantizationPlan.h"
#include "WeightCache.h"

#include "qfhe/Analysis/ModuleRanges.h"
#include "qfhe/Support/OptionRanges.h"
#include "qfhe/Transforms/CheckedOptions.h"
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

struct QuantizePass
    : CheckedOptionsPass<qfhe::impl::QuantizeBase<QuantizePass>> {
  using CheckedOptionsPass::CheckedOptionsPass;

  std::string checkOptions() const override {
    return OptionChecker()
        .inRange("input-bits", inputBits, kActivationBitsRange)
        .inRange("weight-bits", weightBits, kWeightBitsRange)
        .inRange("activation-bits", activationBits, kActivationBitsRange)
        .inRange("output-bits", outputBits, kActivationBitsRange)
        .inRange("accumulator-bits", accumulatorBits, kEncryptedBitsRange)
        .getMessage();
  }

  void runOnOperation() override {
    if (failed(checkOptionsBeforeRunning()))
      return signalPassFailure();
    QuantizeOptions options{
        inputBits,        weightBits,      activationBits,
        outputBits,       accumulatorBits, perChannelWeights,
        symmetricWeights, narrowRange,     symmetricActivations,
        useObserved,      floatFallback,   biasCorrection,
        gramRounding};

    // The range analysis and the weights qfhe-allocate-bits quantized, when
    // it ran just before.
    ModuleRanges &ranges = getAnalysis<ModuleRanges>();
    if (!ranges.succeeded())
      return signalPassFailure();
    QuantizedWeightCache *cache = nullptr;
    if (auto cached = getCachedAnalysis<QuantizedWeightCache>())
      cache = &cached->get();
    const RangeSolver &solver = ranges.getSolver();
    if (failed(quantizeModule(
            getOperation(), options,
            [&](Value value) { return solver.getRange(value); }, cache)))
      signalPassFailure();
  }
};

} // namespace
