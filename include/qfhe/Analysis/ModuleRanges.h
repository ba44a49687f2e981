//===- ModuleRanges.h - the range analysis shared by passes -----*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The range analysis of a whole module (default options: sound ranges from
// declared inputs; calibration ranges are read separately), as an analysis
// of the AnalysisManager: qfhe-infer-ranges, qfhe-allocate-bits and
// qfhe-quantize run it once between them. Passes that only add attributes
// keep it (markAnalysesPreserved<ModuleRanges>()); any other change of the
// module drops it.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_ANALYSIS_MODULERANGES_H
#define QFHE_ANALYSIS_MODULERANGES_H

#include "qfhe/Analysis/RangeAnalysis.h"

#include "mlir/Pass/AnalysisManager.h"

#include <memory>

namespace mlir {
namespace qfhe {

/// The range analysis of one operation (a module), run on construction.
class ModuleRanges {
public:
  /// Runs the analysis on `root`; errors are reported there once.
  explicit ModuleRanges(Operation *root);

  /// Whether the analysis ran (false when it failed and reported why).
  bool succeeded() const { return ok; }
  /// The solver, to query ranges (only when succeeded()).
  const RangeSolver &getSolver() const { return *solver; }

  bool isInvalidated(const AnalysisManager::PreservedAnalyses &preserved) {
    return !preserved.isPreserved<ModuleRanges>();
  }

private:
  std::unique_ptr<RangeSolver> solver;
  bool ok = false;
};

} // namespace qfhe
} // namespace mlir

#endif // QFHE_ANALYSIS_MODULERANGES_H
