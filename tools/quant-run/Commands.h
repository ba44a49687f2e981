//===- Commands.h - the commands of quant-run -------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_TOOLS_QUANTRUN_COMMANDS_H
#define QFHE_TOOLS_QUANTRUN_COMMANDS_H

#include "qfhe/Runtime/HostArray.h"
#include "qfhe/Runtime/SampleRunner.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/Support/Error.h"

#include <chrono>
#include <string>
#include <vector>

namespace mlir {
namespace qfhe {

/// What `quant-run MODEL --data X.npy ...` was asked to do.
struct RunConfig {
  std::string model;
  std::vector<std::string> data;
  std::string entry;
  std::vector<std::string> outputs;
  std::string labels;
  /// Where to write the class each sample's result 0 predicts (int64 .npy).
  std::string predictions;
  double threshold = 0.5;
  std::vector<std::string> compare;
  double atol = 1e-5;
  double rtol = 1e-5;
  std::string report;
  int64_t batchSize = 256;
  /// Fail when the accuracy is below this (negative: no check).
  double minAccuracy = -1;
};

/// What `quant-run calibrate MODEL --data X.npy ...` was asked to do.
struct CalibrateConfig {
  std::string model;
  std::vector<std::string> data;
  std::string entry;
  std::string output;
  int64_t batchSize = 256;
};

/// Runs the program over the data; reports on standard output.
llvm::Error runCommand(const RunConfig &config);

/// Calibrates the program and writes it with the observed ranges.
llvm::Error calibrateCommand(const CalibrateConfig &config);

/// Prints the per-layer summary of the verifier's JSON report at
/// `reportPath` ('-': standard input).
llvm::Error summaryCommand(llvm::StringRef reportPath);

//===----------------------------------------------------------------------===//
// Shared by the commands
//===----------------------------------------------------------------------===//

/// A context with the dialects qfhe programs use, and the parsed model.
struct LoadedModel {
  std::unique_ptr<MLIRContext> context;
  OwningOpRef<ModuleOp> module;
  /// The entry function's name.
  std::string entry;
};

/// Parses the model at `path` and finds its entry function (`entry`, or
/// the only public function when empty).
llvm::Expected<LoadedModel> loadModel(llvm::StringRef path,
                                      llvm::StringRef entry);

/// Reads the .npy files at `paths`.
llvm::Expected<llvm::SmallVector<HostArray>>
readArrays(llvm::ArrayRef<std::string> paths);

/// Run options with a progress line on standard error when it is a
/// terminal and the run has taken over a second; nothing otherwise.
RunOptions makeRunOptions(int64_t batchSize);

/// Seconds since `start`.
double secondsSince(std::chrono::steady_clock::time_point start);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_TOOLS_QUANTRUN_COMMANDS_H
