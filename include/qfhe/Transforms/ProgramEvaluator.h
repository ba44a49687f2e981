//===- ProgramEvaluator.h - run programs on calibration samples -*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// What the measured allocation search (qfhe-allocate-bits with
// calibration-data) needs to measure a candidate: something that runs a
// program on calibration samples. The compiler libraries do not execute
// programs and do not read data files: the runtime implements this
// interface (qfhe/Runtime/PieceEvaluator.h, with MLIR's JIT) and the tools
// install it (quant-opt); an embedder installs its own, or the runtime's,
// or passes an evaluator to createAllocateBits / buildQFHEPipeline.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_TRANSFORMS_PROGRAMEVALUATOR_H
#define QFHE_TRANSFORMS_PROGRAMEVALUATOR_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
namespace qfhe {

/// Result 0 of a program on the first `samples` samples, one row of `width`
/// values per sample.
struct EvaluatedOutputs {
  int64_t samples = 0;
  int64_t width = 0;
  /// samples x width values, row-major.
  std::vector<double> values;
};

/// Runs programs on a fixed set of samples.
class ProgramEvaluator {
public:
  virtual ~ProgramEvaluator() = default;

  /// The number of samples a whole run evaluates.
  virtual int64_t getNumSamples() const = 0;

  /// What makes the samples a poor basis for measuring (one sample, all
  /// samples identical), as a sentence for a warning; empty when nothing
  /// does.
  virtual std::string getSampleWarning() const { return {}; }

  /// Runs the function `entry` of `program` (left unchanged) on the
  /// samples, batch after batch, and returns its result 0 for the samples
  /// run. After each batch `keepGoing`, when given, sees the outputs so far;
  /// when it returns false the run stops there. Programs a search measures
  /// one after the other differ in few places: an evaluator may reuse the
  /// work of earlier runs. Errors say why the program cannot be compiled or
  /// run.
  virtual llvm::Expected<EvaluatedOutputs>
  run(ModuleOp program, StringRef entry,
      llvm::function_ref<bool(const EvaluatedOutputs &)> keepGoing =
          nullptr) = 0;

  /// Runs a program that is measured once (the float program every
  /// candidate is compared with) on every sample, as the tools would run it
  /// (quant-run). By default, as run does.
  virtual llvm::Expected<EvaluatedOutputs> runOnce(ModuleOp program,
                                                   StringRef entry) {
    return run(program, entry);
  }
};

/// Makes the evaluator of the `calibration-data` option of a pass: `source`
/// names the samples (quant-opt reads it as a .npy file), of which at most
/// `maxSamples` are used.
using ProgramEvaluatorFactory =
    std::function<llvm::Expected<std::shared_ptr<ProgramEvaluator>>(
        StringRef source, int64_t maxSamples)>;

/// Installs the factory passes use for `calibration-data` (tools call it
/// once at start-up).
void setProgramEvaluatorFactory(ProgramEvaluatorFactory factory);

/// The installed factory (empty when none is).
const ProgramEvaluatorFactory &getProgramEvaluatorFactory();

} // namespace qfhe
} // namespace mlir

#endif // QFHE_TRANSFORMS_PROGRAMEVALUATOR_H
