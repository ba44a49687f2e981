//===- VerifyBitWidthPass.cpp - the qfhe-verify-bitwidth pass -------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Runs verifyBitWidth (qfhe/Analysis/BitWidthReport.h) on the module, fails
// on any violation, and writes the report as JSON when asked.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/BitWidthReport.h"
#include "qfhe/Support/OptionRanges.h"
#include "qfhe/Support/OutputFile.h"
#include "qfhe/Transforms/CheckedOptions.h"
#include "qfhe/Transforms/Passes.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_VERIFYBITWIDTH
#include "qfhe/Transforms/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

namespace {

struct VerifyBitWidthPass
    : CheckedOptionsPass<qfhe::impl::VerifyBitWidthBase<VerifyBitWidthPass>> {
  using CheckedOptionsPass::CheckedOptionsPass;

  std::string checkOptions() const override {
    return OptionChecker()
        .bitWidths(maxBitWidth, tluBitWidth)
        .outputFile("report", report)
        .getMessage();
  }

  void runOnOperation() override {
    if (failed(checkOptionsBeforeRunning()))
      return signalPassFailure();
    VerifyOptions options;
    options.maxBitWidth = maxBitWidth;
    options.tluBitWidth = getTluBitWidth(maxBitWidth, tluBitWidth);
    BitWidthReport result = verifyBitWidth(getOperation(), options);
    std::string path = report;
    if (!path.empty()) {
      llvm::json::Value document = toJson(result);
      if (llvm::Error error = writeOutputFile(path, [&](llvm::raw_ostream &os) {
            os << llvm::formatv("{0:2}", document) << "\n";
            return llvm::Error::success();
          })) {
        emitError(getOperation().getLoc())
            << "qfhe-verify-bitwidth: " << llvm::toString(std::move(error));
        return signalPassFailure();
      }
    }
    if (!result.proven)
      signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace
