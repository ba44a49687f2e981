//===- Metrics.cpp - accuracy and comparison of program outputs -----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/Metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qfhe;

std::vector<int64_t> mlir::qfhe::predictClasses(const HostArray &outputs,
                                                double threshold) {
  int64_t columns = outputs.getRank() < 2 ? 1 : outputs.getShape().back();
  int64_t rows = columns == 0 ? 0 : outputs.getNumElements() / columns;
  std::vector<int64_t> classes(rows);
  for (int64_t row = 0; row < rows; ++row) {
    if (columns == 1) {
      classes[row] = outputs.getAsDouble(row) > threshold ? 1 : 0;
      continue;
    }
    int64_t best = 0;
    double bestValue = outputs.getAsDouble(row * columns);
    for (int64_t column = 1; column < columns; ++column) {
      double value = outputs.getAsDouble(row * columns + column);
      if (value > bestValue || (std::isnan(bestValue) && !std::isnan(value))) {
        best = column;
        bestValue = value;
      }
    }
    classes[row] = best;
  }
  return classes;
}

llvm::Expected<Accuracy>
mlir::qfhe::computeAccuracy(llvm::ArrayRef<int64_t> predictions,
                            const HostArray &labels,
                            llvm::StringRef labelsName) {
  if (labels.getNumElements() != static_cast<int64_t>(predictions.size()))
    return llvm::createStringError(
        labelsName + " has " + llvm::Twine(labels.getNumElements()) +
        " labels (shape " + formatShape(labels.getShape()) +
        ") but there are " + llvm::Twine(predictions.size()) + " predictions");
  Accuracy accuracy;
  accuracy.total = predictions.size();
  for (auto [index, predicted] : llvm::enumerate(predictions)) {
    std::optional<int64_t> label = labels.getAsInteger(index);
    if (!label)
      return llvm::createStringError(
          labelsName + ": label " + formatNumber(labels.getAsDouble(index)) +
          " at " + formatIndex(labels.getShape(), index) +
          " is not an integer class");
    accuracy.correct += *label == predicted;
  }
  return accuracy;
}

llvm::Error mlir::qfhe::checkLabelClasses(const HostArray &labels,
                                          int64_t numClasses,
                                          llvm::StringRef labelsName) {
  for (int64_t index = 0, e = labels.getNumElements(); index < e; ++index) {
    std::optional<int64_t> label = labels.getAsInteger(index);
    if (label && *label >= 0 && *label < numClasses)
      continue;
    return llvm::createStringError(
        labelsName + ": label " + formatNumber(labels.getAsDouble(index)) +
        " at " + formatIndex(labels.getShape(), index) +
        (label ? " is not a class of the model's " + llvm::Twine(numClasses) +
                     " (expected 0 to " + llvm::Twine(numClasses - 1) + ")"
               : llvm::Twine(" is not an integer class")));
  }
  return llvm::Error::success();
}

llvm::Expected<Comparison> mlir::qfhe::compareArrays(const HostArray &actual,
                                                     const HostArray &expected,
                                                     double atol, double rtol) {
  if (actual.getShape() != expected.getShape())
    return llvm::createStringError("cannot compare arrays of shapes " +
                                   formatShape(actual.getShape()) + " and " +
                                   formatShape(expected.getShape()));
  Comparison comparison;
  comparison.numElements = actual.getNumElements();
  for (int64_t i = 0; i < comparison.numElements; ++i) {
    double a = actual.getAsDouble(i);
    double e = expected.getAsDouble(i);
    if (a == e || (std::isnan(a) && std::isnan(e)))
      continue;
    double error = std::fabs(a - e);
    if (!(error <= comparison.maxAbsError))
      comparison.maxAbsError = error;
    // Unequal infinities are never close.
    bool close = std::isfinite(a) && std::isfinite(e) &&
                 error <= atol + rtol * std::fabs(e);
    if (!close) {
      if (comparison.numMismatches++ == 0)
        comparison.firstMismatch = i;
    }
  }
  return comparison;
}

/// log(sum exp(row)) of `count` logits, stably.
static double logSumExp(const double *row, int64_t count) {
  double largest = *std::max_element(row, row + count);
  double sum = 0;
  for (int64_t i = 0; i < count; ++i)
    sum += std::exp(row[i] - largest);
  return largest + std::log(sum);
}

double mlir::qfhe::meanClassDivergence(const HostArray &reference,
                                       const HostArray &candidate) {
  int64_t rows = reference.getRank() ? reference.getShape()[0] : 1;
  int64_t total = reference.getNumElements();
  if (candidate.getNumElements() != total)
    return std::numeric_limits<double>::infinity();
  if (rows == 0 || total == 0)
    return 0;
  int64_t classes = total / rows;
  std::vector<double> p(std::max<int64_t>(classes, 2)),
      q(std::max<int64_t>(classes, 2));
  double sum = 0;
  for (int64_t r = 0; r < rows; ++r) {
    if (classes == 1) {
      // One logit: the two classes of a sigmoid.
      p = {0.0, reference.getAsDouble(r)};
      q = {0.0, candidate.getAsDouble(r)};
    } else {
      for (int64_t c = 0; c < classes; ++c) {
        p[c] = reference.getAsDouble(r * classes + c);
        q[c] = candidate.getAsDouble(r * classes + c);
      }
    }
    int64_t n = static_cast<int64_t>(p.size());
    double pNorm = logSumExp(p.data(), n), qNorm = logSumExp(q.data(), n);
    for (int64_t c = 0; c < n; ++c) {
      double logP = p[c] - pNorm, logQ = q[c] - qNorm;
      sum += std::exp(logP) * (logP - logQ);
    }
  }
  // Non-finite outputs are as far as can be.
  return std::isfinite(sum) ? sum / rows
                            : std::numeric_limits<double>::infinity();
}
