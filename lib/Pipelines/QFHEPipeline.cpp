//===- QFHEPipeline.cpp - the whole flow from float to integers -----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Pipelines/QFHEPipeline.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "qfhe/Support/OptionRanges.h"
#include "qfhe/Transforms/Passes.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::qfhe;

unsigned QFHEPipelineOptions::getTluBitWidth() const {
  return qfhe::getTluBitWidth(maxBitWidth, tluBitWidth);
}

std::string
mlir::qfhe::checkQFHEPipelineOptions(const QFHEPipelineOptions &options) {
  return OptionChecker()
      .bitWidths(options.maxBitWidth, options.tluBitWidth)
      .oneOf("strategy", options.strategy, {"a2q", "uniform"})
      .inRange("weight-bits", options.weightBits, kWeightBitsRange)
      .powerOfTwo("max-chunks", options.maxChunks, kChunksRange)
      .inRange("max-activation-bits", options.maxActivationBits,
               kActivationBitsRange)
      .inputFile("calibration-data", options.calibrationData)
      .outputFile("report", options.report)
      .getMessage();
}

void mlir::qfhe::buildQFHEPipeline(OpPassManager &pm,
                                   const QFHEPipelineOptions &options) {
  unsigned cap = options.maxBitWidth;
  unsigned tlu = options.getTluBitWidth();
  unsigned activationBits = std::min<unsigned>(options.maxActivationBits, cap);

  pm.addPass(createNormalize());
  // The classic baseline stays classic: per-tensor ranges as calibrated.
  if (options.equalizeChannels && options.strategy == "a2q")
    pm.addPass(createEqualizeChannels());
  pm.addPass(createInferRanges());

  AllocateBitsOptions allocate;
  allocate.maxBitWidth = cap;
  allocate.maxActivationBits = activationBits;
  allocate.weightBits = options.weightBits;
  allocate.strategy = options.strategy;
  allocate.calibrationData = options.calibrationData;
  allocate.tluBitWidth = tlu;
  allocate.maxChunks = options.maxChunks;
  pm.addPass(createAllocateBits(allocate));
  CheckFidelityOptions fidelity;
  fidelity.minAgreement = options.minAgreement;
  pm.addPass(createCheckFidelity(fidelity));

  QuantizeOptions quantize;
  quantize.inputBits = quantize.activationBits = quantize.outputBits =
      activationBits;
  quantize.weightBits = options.weightBits;
  quantize.floatFallback = options.floatFallback;
  pm.addPass(createQuantize(quantize));
  pm.addPass(createFuseUnivariate());

  LowerToIntegerOptions lower;
  lower.tluBitWidth = tlu;
  pm.addPass(createLowerToInteger(lower));
  pm.addPass(createCanonicalizerPass());

  VerifyBitWidthOptions verify;
  verify.maxBitWidth = cap;
  verify.tluBitWidth = tlu;
  verify.report = options.report;
  pm.addPass(createVerifyBitWidth(verify));
}

void mlir::qfhe::registerQFHEPipeline() {
  // PassPipelineRegistration without its builder: the options are checked
  // once parsed, before anything runs.
  registerPassPipeline(
      "qfhe-pipeline",
      "From a float tensor program to the verified integer-only program "
      "whose encrypted values fit max-bit-width bits",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        QFHEPipelineOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        std::string problems = checkQFHEPipelineOptions(options);
        if (!problems.empty())
          return errorHandler("qfhe-pipeline: " + problems);
        buildQFHEPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> printOptions) {
        printOptions(QFHEPipelineOptions());
      });
}
