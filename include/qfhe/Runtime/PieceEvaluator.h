//===- PieceEvaluator.h - run programs piece by piece -----------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The runtime's ProgramEvaluator (qfhe/Transforms/ProgramEvaluator.h): it
// runs a program on calibration samples with MLIR's JIT, cut into pieces of
// about a layer each (a piece ends after each contraction or reduction).
// Pieces are compiled once however many programs share them, and a piece's
// outputs are kept for the inputs it ran on: a program that differs from an
// earlier one in one layer compiles the pieces around that layer and runs
// the pieces from there on. Samples run in batches, and a run stops when
// its caller says the candidate cannot win.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_RUNTIME_PIECEEVALUATOR_H
#define QFHE_RUNTIME_PIECEEVALUATOR_H

#include "qfhe/Runtime/HostArray.h"
#include "qfhe/Transforms/ProgramEvaluator.h"

#include <memory>

namespace mlir {
namespace qfhe {

/// Options of a PieceEvaluator.
struct PieceEvaluatorOptions {
  /// Samples per batch (the last batch holds the rest).
  int64_t batchSize = 64;
  /// Bytes of piece outputs kept for later runs (the oldest go first).
  size_t outputBytes = size_t(1) << 30;
  /// Optimization level of the compiled pieces (0 to 3): each runs on a
  /// few hundred samples, so compile time dominates.
  unsigned optLevel = 0;
};

/// Creates an evaluator of `samples` (one array per argument of the
/// programs it runs; the leading dimension counts the samples, converted
/// exactly to each program's argument types as quant-run does).
std::shared_ptr<ProgramEvaluator>
createPieceEvaluator(llvm::SmallVector<HostArray> samples,
                     PieceEvaluatorOptions options = {});

/// Reads up to `maxSamples` samples of the .npy file `path` and creates an
/// evaluator of them.
llvm::Expected<std::shared_ptr<ProgramEvaluator>>
createPieceEvaluator(llvm::StringRef path, int64_t maxSamples,
                     PieceEvaluatorOptions options = {});

/// Installs, for `calibration-data` options, the factory that reads .npy
/// files into a PieceEvaluator (setProgramEvaluatorFactory). quant-opt
/// calls it at start-up.
void installPieceEvaluator();

} // namespace qfhe
} // namespace mlir

#endif // QFHE_RUNTIME_PIECEEVALUATOR_H
