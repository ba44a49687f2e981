//===- quant-opt.cpp - the qfhe optimizer driver --------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Runs qfhe and upstream MLIR passes on .mlir files, like mlir-opt, with the
// qfhe dialect and passes registered. The measured allocation search
// (`calibration-data`) runs its candidates with the runtime's evaluator,
// which this tool installs: the compiler libraries do not execute programs
// or read data files.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "qfhe/InitQFHE.h"
#include "qfhe/Runtime/PieceEvaluator.h"
#include "qfhe/Support/Progress.h"

#include "llvm/Support/CommandLine.h"

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

} // namespace

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::qfhe::registerQFHEDialects(registry);
  mlir::registerAllPasses();
  mlir::qfhe::registerQFHEPasses();
  mlir::qfhe::installPieceEvaluator();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "qfhe optimizer driver: quantization passes for FHE\n",
      registry));
}
