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
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

namespace {

struct VerifyBitWidthPass : qfhe::impl::VerifyBitWidthBase<VerifyBitWidthPass> {
  using VerifyBitWidthBase::VerifyBitWidthBase;

  void runOnOperation() override {
    unsigned tlu = tluBitWidth ? tluBitWidth : maxBitWidth;
    if (maxBitWidth < 1 || maxBitWidth > 62 || tlu > maxBitWidth) {
      getOperation().emitError()
          << "qfhe-verify-bitwidth: max-bit-width=" << maxBitWidth
          << " must be in [1, 62] and tlu-bit-width=" << tlu
          << " at most max-bit-width";
      return signalPassFailure();
    }
    VerifyOptions options;
    options.maxBitWidth = maxBitWidth;
    options.tluBitWidth = tlu;
    BitWidthReport result = verifyBitWidth(getOperation(), options);
    std::string path = report;
    if (!path.empty()) {
      llvm::json::Value document = toJson(result);
      if (path == "-") {
        llvm::outs() << llvm::formatv("{0:2}", document) << "\n";
      } else {
        std::error_code error;
        llvm::raw_fd_ostream os(path, error, llvm::sys::fs::OF_Text);
        if (error) {
          getOperation().emitError()
              << "cannot write report '" << path << "': " << error.message();
          return signalPassFailure();
        }
        os << llvm::formatv("{0:2}", document) << "\n";
      }
    }
    if (!result.proven)
      signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace
