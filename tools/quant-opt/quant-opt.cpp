//===- quant-opt.cpp - the qfhe optimizer driver --------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Runs qfhe and upstream MLIR passes on .mlir files, like mlir-opt, with the
// qfhe dialect and passes registered. The output (-o) is written whole or
// not at all: a write that fails is an error naming the file, and a failed
// run leaves an existing output file as it was. The measured allocation
// search (`calibration-data`) runs its candidates with the runtime's
// evaluator, which this tool installs: the compiler libraries do not
// execute programs or read data files.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "qfhe/InitQFHE.h"
#include "qfhe/Runtime/PieceEvaluator.h"
#include "qfhe/Support/Allocator.h"
#include "qfhe/Support/Interrupt.h"
#include "qfhe/Support/OutputFile.h"
#include "qfhe/Support/ParserWorkarounds.h"
#include "qfhe/Support/Progress.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"

namespace {

/// --quiet and --progress set the process' progress mode when parsed.
llvm::cl::opt<bool> quiet(
    "quiet",
    llvm::cl::desc("Print no progress on standard error (by default it shows "
                   "on a terminal; QFHE_PROGRESS=1 shows it anywhere)"),
    llvm::cl::cb<void, bool>([](bool value) {
      if (value)
        mlir::qfhe::setProgressMode(mlir::qfhe::ProgressMode::Never);
    }));
llvm::cl::opt<bool> progress(
    "progress",
    llvm::cl::desc("Print the progress of long stages on standard error even "
                   "when it is not a terminal"),
    llvm::cl::cb<void, bool>([](bool value) {
      if (value && !quiet)
        mlir::qfhe::setProgressMode(mlir::qfhe::ProgressMode::Always);
    }));

/// Diagnostics do not print the op they are attached to unless
/// --mlir-print-op-on-diagnostic asks: the source line and its caret name
/// the op, and the op of a compiled program holds its weights or its
/// lookup tables (megabytes for one error of the verifier).
void printNoOpOnDiagnosticByDefault() {
  mlir::registerMLIRContextCLOptions();
  auto &options = llvm::cl::getRegisteredOptions();
  auto it = options.find("mlir-print-op-on-diagnostic");
  if (it != options.end())
    static_cast<llvm::cl::opt<bool> *>(it->second)->setInitialValue(false);
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  // Ctrl-C on a long search ends it with a message and no partial output.
  mlir::qfhe::reportInterrupts("quant-opt");
  // Large models allocate and free buffers of megabytes per layer.
  mlir::qfhe::keepFreedMemoryForReuse();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::qfhe::registerQFHEDialects(registry);
  mlir::registerAllPasses();
  mlir::qfhe::registerQFHEPasses();
  mlir::qfhe::installPieceEvaluator();
  printNoOpOnDiagnosticByDefault();
  auto [inputPath, outputPath] = mlir::registerAndParseCLIOptions(
      argc, argv, "qfhe optimizer driver: quantization passes for FHE\n",
      registry);

  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  // Listings write no output file: upstream's driver prints them.
  if (config.shouldShowDialects() || config.shouldListPasses())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, inputPath, outputPath, registry));

  // An output that cannot be created fails before the passes run.
  if (llvm::Error error = mlir::qfhe::checkOutputPath(outputPath)) {
    llvm::WithColor::error(llvm::errs(), "quant-opt")
        << llvm::toString(std::move(error)) << "\n";
    return 1;
  }
  std::string message;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputPath, &message);
  if (!input) {
    llvm::WithColor::error(llvm::errs(), "quant-opt") << message << "\n";
    return 1;
  }
  if (mlir::qfhe::reportLinalgParserCrashSite(*input))
    return 1;
  bool failedRun = false;
  llvm::Error error = mlir::qfhe::writeOutputFile(
      outputPath, [&](llvm::raw_ostream &os) -> llvm::Error {
        if (succeeded(
                mlir::MlirOptMain(os, std::move(input), registry, config)))
          return llvm::Error::success();
        // The diagnostics said why.
        failedRun = true;
        return llvm::createStringError("the run failed");
      });
  if (!error)
    return 0;
  if (failedRun)
    llvm::consumeError(std::move(error));
  else
    llvm::WithColor::error(llvm::errs(), "quant-opt")
        << llvm::toString(std::move(error)) << "\n";
  return 1;
}
