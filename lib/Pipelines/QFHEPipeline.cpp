//===- QFHEPipeline.cpp - the whole flow from float to integers -----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Pipelines/QFHEPipeline.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "qfhe/Support/OptionRanges.h"
#include "qfhe/Transforms/Passes.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::qfhe;

unsigned QFHEPipelineOptions::getTluBitWidth() const {
  return qfhe::getTluBitWidth(maxBitWidth, tluBitWidth);
}

bool QFHEPipelineOptions::fitsTables() const { return tluBitWidth == 0; }

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
      .inRealRange("max-cost", options.maxCost, 0, HUGE_VAL)
      .inRealRange("cost-tolerance", options.costTolerance, -1, 1000)
      .needs("max-cost", options.maxCost > 0, "calibration-data",
             !options.calibrationData.empty(), kCostIsMeasured)
      .outputFile("report", options.report)
      .getMessage();
}

/// Canonicalizes the integer program and proves its cap.
static void addVerification(OpPassManager &pm,
                            const QFHEPipelineOptions &options) {
  pm.addPass(createCanonicalizerPass());
  VerifyBitWidthOptions verify;
  verify.maxBitWidth = options.maxBitWidth;
  verify.tluBitWidth = options.getTluBitWidth();
  verify.report = options.report;
  pm.addPass(createVerifyBitWidth(verify));
}

/// The float path: the compiler chooses the quantization.
static void buildFloatPath(OpPassManager &pm,
                           const QFHEPipelineOptions &options) {
  unsigned cap = options.maxBitWidth;
  unsigned tlu = options.getTluBitWidth();
  unsigned activationBits = std::min<unsigned>(options.maxActivationBits, cap);

  pm.addPass(createNormalize());
  // Sums of more terms than half the cap's bits leave each term become sums
  // of partial sums (the means of LayerNorm and GroupNorm).
  SplitSumsOptions split;
  // (A cap above 32 is reported by qfhe-allocate-bits.)
  split.maxTerms = int64_t(1) << ((std::min(cap, 32u) + 1) / 2);
  pm.addPass(createSplitSums(split));
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
  // 0 stays 0: the allocation then plans the narrower lookups of layers
  // whose tables would not fit (fit-tables below).
  allocate.tluBitWidth = options.tluBitWidth;
  allocate.maxChunks = options.maxChunks;
  allocate.maxCost = options.maxCost;
  allocate.costTolerance = options.costTolerance;
  allocate.biasCorrection = options.biasCorrection;
  allocate.gramRounding = options.gramRounding;
  allocate.inputLevels = options.inputLevels;
  pm.addPass(createAllocateBits(allocate));
  CheckFidelityOptions fidelity;
  fidelity.minAgreement = options.minAgreement;
  pm.addPass(createCheckFidelity(fidelity));

  QuantizeOptions quantize;
  quantize.inputBits = quantize.activationBits = quantize.outputBits =
      activationBits;
  quantize.weightBits = options.weightBits;
  quantize.floatFallback = options.floatFallback;
  quantize.biasCorrection = options.biasCorrection;
  // The allocation says which layers round against their Gram matrix
  // (`rounding = gram`): the search may have kept weighted rounding.
  pm.addPass(createQuantize(quantize));
  pm.addPass(createFuseUnivariate());

  LowerToIntegerOptions lower;
  lower.tluBitWidth = tlu;
  lower.fitTables = options.fitsTables();
  pm.addPass(createLowerToInteger(lower));
  addVerification(pm, options);
}

/// The user path: the program's own quantization, kept as it is.
static void buildUserPath(OpPassManager &pm,
                          const QFHEPipelineOptions &options) {
  pm.addPass(createImportQuantization());
  LowerToIntegerOptions lower;
  lower.tluBitWidth = options.getTluBitWidth();
  lower.allowRounding = options.roundUserLookups;
  lower.fitTables = options.fitsTables();
  pm.addPass(createLowerToInteger(lower));
  addVerification(pm, options);
}

bool mlir::qfhe::isUserQuantized(Operation *module) {
  auto isQuantized = [](Type type) {
    return isa<quant::QuantizedType>(getElementTypeOrSelf(type));
  };
  auto isInteger = [](Type type) {
    return isa<IntegerType>(getElementTypeOrSelf(type));
  };
  WalkResult result = module->walk([&](Operation *op) {
    bool user = isa<quant::QuantDialect>(op->getDialect()) ||
                isa<QuantizeOp, DequantizeOp, RequantizeOp, MatmulOp, Conv2DOp,
                    SumPoolOp, ReduceSumOp, MaxPoolOp, ApplyOp>(op) ||
                llvm::any_of(op->getOperandTypes(), isQuantized) ||
                llvm::any_of(op->getResultTypes(), isQuantized) ||
                isa<tosa::RescaleOp>(op) ||
                (isa<tosa::MatMulOp, tosa::Conv2DOp>(op) &&
                 isInteger(op->getOperand(0).getType()));
    return user ? WalkResult::interrupt() : WalkResult::advance();
  });
  return result.wasInterrupted();
}

namespace {

/// Runs the float path or the user path, as the module says
/// (isUserQuantized).
struct QFHEPipelinePass
    : PassWrapper<QFHEPipelinePass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(QFHEPipelinePass)

  QFHEPipelinePass(const QFHEPipelineOptions &options)
      : floatPath(ModuleOp::getOperationName()),
        userPath(ModuleOp::getOperationName()) {
    buildFloatPath(floatPath, options);
    buildUserPath(userPath, options);
  }

  StringRef getArgument() const override { return "qfhe-pipeline-paths"; }
  StringRef getDescription() const override {
    return "The float path or the user path of qfhe-pipeline";
  }

  void getDependentDialects(DialectRegistry &registry) const override {
    floatPath.getDependentDialects(registry);
    userPath.getDependentDialects(registry);
  }

  void runOnOperation() override {
    OpPassManager &path =
        isUserQuantized(getOperation()) ? userPath : floatPath;
    if (failed(runPipeline(path, getOperation())))
      signalPassFailure();
  }

  OpPassManager floatPath, userPath;
};

} // namespace

void mlir::qfhe::buildQFHEPipeline(OpPassManager &pm,
                                   const QFHEPipelineOptions &options) {
  pm.addPass(std::make_unique<QFHEPipelinePass>(options));
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
      [](function_ref<void(const mlir::detail::PassOptions &)> printOptions) {
        printOptions(QFHEPipelineOptions());
      });
}
