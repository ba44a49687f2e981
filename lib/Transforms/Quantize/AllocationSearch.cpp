//===- AllocationSearch.cpp - measure allocations on calibration data -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "AllocationSearch.h"

#include "qfhe/Runtime/Calibration.h"
#include "qfhe/Runtime/EntryFunction.h"
#include "qfhe/Runtime/JitProgram.h"
#include "qfhe/Runtime/Metrics.h"
#include "qfhe/Runtime/Npy.h"
#include "qfhe/Runtime/SampleRunner.h"
#include "qfhe/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::qfhe;

bool AllocationScore::isBetterThan(const AllocationScore &other) const {
  if (divergence != other.divergence)
    return divergence < other.divergence;
  return agreement > other.agreement;
}

bool AllocationScore::isNearlyExact() const {
  return agreement >= 1.0 && relativeError < 1e-4;
}

/// The first `count` rows of `array` (all when it has fewer).
static HostArray takeRows(const HostArray &array, int64_t count) {
  if (array.getRank() == 0 || array.getShape()[0] <= count)
    return array;
  SmallVector<int64_t> shape(array.getShape());
  shape[0] = count;
  HostArray rows(array.getDType(), shape);
  std::memcpy(rows.getData(), array.getData(), rows.getSizeInBytes());
  return rows;
}

FailureOr<std::unique_ptr<AllocationScorer>>
AllocationScorer::create(ModuleOp module, StringRef dataPath,
                         int64_t maxSamples, unsigned maxBitWidth,
                         unsigned tluBitWidth) {
  auto fail = [&](llvm::Error error) {
    emitError(module.getLoc())
        << "qfhe-allocate-bits: " << llvm::toString(std::move(error));
    return failure();
  };
  std::unique_ptr<AllocationScorer> scorer(new AllocationScorer());
  scorer->tluBitWidth = tluBitWidth;
  scorer->lowerCandidates = tluBitWidth < maxBitWidth;
  llvm::Expected<func::FuncOp> entry = findEntryFunction(module, "");
  if (!entry)
    return fail(entry.takeError());
  scorer->entry = entry->getSymName().str();
  llvm::Expected<HostArray> data = readNpyFile(dataPath);
  if (!data)
    return fail(data.takeError());
  std::string warning = getCalibrationWarning(*data, dataPath);
  if (!warning.empty())
    emitWarning(module.getLoc()) << "qfhe-allocate-bits: " << warning;
  llvm::Expected<std::unique_ptr<JitProgram>> program =
      JitProgram::compile(module, scorer->entry);
  if (!program)
    return fail(program.takeError());
  SmallVector<HostArray> raw;
  raw.push_back(takeRows(*data, maxSamples));
  llvm::Expected<SmallVector<HostArray>> inputs =
      prepareInputs((*program)->getSpec(), std::move(raw), {dataPath.str()});
  if (!inputs)
    return fail(inputs.takeError());
  scorer->inputs = std::move(*inputs);
  llvm::Expected<SmallVector<HostArray>> outputs =
      runOnSamples(**program, scorer->inputs, RunOptions());
  if (!outputs)
    return fail(outputs.takeError());
  scorer->reference = std::move(outputs->front());
  scorer->referenceClasses = predictClasses(scorer->reference, 0.0);
  double power = 0;
  for (int64_t i = 0, e = scorer->reference.getNumElements(); i < e; ++i)
    power +=
        scorer->reference.getAsDouble(i) * scorer->reference.getAsDouble(i);
  if (scorer->reference.getNumElements())
    scorer->referencePower = power / scorer->reference.getNumElements();
  return scorer;
}

std::optional<AllocationScore> AllocationScorer::score(ModuleOp annotated) {
  ++evaluations;
  OwningOpRef<ModuleOp> candidate(cast<ModuleOp>(annotated->clone()));
  // Candidates that fail say why through diagnostics the user need not see.
  ScopedDiagnosticHandler silence(annotated.getContext(),
                                  [](Diagnostic &) { return success(); });
  PassManager pm(annotated.getContext());
  pm.addPass(createQuantize());
  if (lowerCandidates) {
    LowerToIntegerOptions lowering;
    lowering.tluBitWidth = tluBitWidth;
    pm.addPass(createLowerToInteger(lowering));
  }
  if (failed(pm.run(*candidate)))
    return std::nullopt;
  // Each candidate runs once on a few hundred samples: compile time
  // dominates, so no optimization.
  llvm::Expected<std::unique_ptr<JitProgram>> program =
      JitProgram::compile(*candidate, entry, /*optLevel=*/0);
  if (!program) {
    llvm::consumeError(program.takeError());
    return std::nullopt;
  }
  llvm::Expected<SmallVector<HostArray>> outputs =
      runOnSamples(**program, inputs, RunOptions());
  if (!outputs) {
    llvm::consumeError(outputs.takeError());
    return std::nullopt;
  }
  const HostArray &result = outputs->front();
  std::vector<int64_t> classes = predictClasses(result, 0.0);
  AllocationScore score;
  int64_t agree = 0;
  for (size_t i = 0; i < classes.size(); ++i)
    agree += classes[i] == referenceClasses[i];
  score.agreement =
      classes.empty() ? 0.0 : static_cast<double>(agree) / classes.size();
  double sum = 0;
  for (int64_t i = 0, e = result.getNumElements(); i < e; ++i) {
    double d = result.getAsDouble(i) - reference.getAsDouble(i);
    sum += d * d;
  }
  score.meanSquaredError =
      result.getNumElements() ? sum / result.getNumElements() : 0.0;
  score.divergence = meanClassDivergence(reference, result);
  score.relativeError = referencePower > 0
                            ? score.meanSquaredError / referencePower
                            : score.meanSquaredError;
  return score;
}
