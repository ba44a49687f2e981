//===- Metrics.h - accuracy and comparison of program outputs ---*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_RUNTIME_METRICS_H
#define QFHE_RUNTIME_METRICS_H

#include "qfhe/Runtime/HostArray.h"

#include "llvm/Support/Error.h"

#include <vector>

namespace mlir {
namespace qfhe {

/// The class each row of `outputs` predicts: the index of the largest value
/// along the last axis (the first one on ties; NaN never wins). With one
/// column (a last dimension of 1, or rank 1: one value per sample) the class
/// is 1 when the value exceeds `threshold` and 0 otherwise.
std::vector<int64_t> predictClasses(const HostArray &outputs, double threshold);

/// How many predictions match their label.
struct Accuracy {
  int64_t correct = 0;
  int64_t total = 0;
  /// correct / total.
  double getValue() const {
    return total == 0 ? 0.0 : static_cast<double>(correct) / total;
  }
};

/// Compares `predictions` with `labels`, integers (or integral floats) in C
/// order, one per prediction. `labelsName` names the labels in errors.
llvm::Expected<Accuracy> computeAccuracy(llvm::ArrayRef<int64_t> predictions,
                                         const HostArray &labels,
                                         llvm::StringRef labelsName);

/// Checks that every label is a class of `numClasses`: an integer (or an
/// integral float) in [0, numClasses). The error names the first label that
/// is not, its index and the range.
llvm::Error checkLabelClasses(const HostArray &labels, int64_t numClasses,
                              llvm::StringRef labelsName);

/// The element-wise agreement of two arrays of the same shape.
struct Comparison {
  int64_t numElements = 0;
  /// Elements where |actual - expected| > atol + rtol * |expected|.
  int64_t numMismatches = 0;
  /// The first of them in C order, or -1.
  int64_t firstMismatch = -1;
  /// Largest |actual - expected| over all elements (NaN pairs excluded).
  double maxAbsError = 0;
};

/// Compares `actual` with `expected` as numpy.isclose does, NaN matching
/// NaN. Errors when the shapes differ.
llvm::Expected<Comparison> compareArrays(const HostArray &actual,
                                         const HostArray &expected, double atol,
                                         double rtol);

/// How far `candidate`'s class probabilities are from `reference`'s: the
/// mean over samples (rows, the first dimension) of the Kullback-Leibler
/// divergence KL(softmax(reference row) || softmax(candidate row)). One
/// output per sample is the logit of a two-class sigmoid. Infinite when an
/// output is not finite or the sizes differ; 0 when empty.
double meanClassDivergence(const HostArray &reference,
                           const HostArray &candidate);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_RUNTIME_METRICS_H
