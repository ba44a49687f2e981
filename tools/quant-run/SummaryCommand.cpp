//===- SummaryCommand.cpp - print the per-layer summary of a compile ------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "qfhe/Report/LayerSummary.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qfhe;

llvm::Error mlir::qfhe::summaryCommand(llvm::StringRef reportPath) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(reportPath, /*IsText=*/true);
  if (!buffer)
    return llvm::createStringError("cannot read " + reportPath + ": " +
                                   buffer.getError().message());
  llvm::Expected<llvm::json::Value> report =
      llvm::json::parse((*buffer)->getBuffer());
  if (!report)
    return llvm::createStringError(
        reportPath + " is not JSON: " + toString(report.takeError()));
  MLIRContext context;
  llvm::Expected<ReportSummary> summary = summarizeReport(*report, context);
  if (!summary)
    return llvm::createStringError(reportPath + ": " +
                                   toString(summary.takeError()));
  printReportSummary(*summary, llvm::outs());
  return llvm::Error::success();
}
