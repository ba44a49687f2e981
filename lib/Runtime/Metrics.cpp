//===- Metrics.cpp - accuracy and comparison of program outputs -----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/Metrics.h"

#include "qfhe/Support/ClassMetrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qfhe;

/// Row `row` of `array` (`columns` elements) as doubles into `values`.
static void readRow(const HostArray &array, int64_t row, int64_t columns,
                    std::vector<double> &values) {
  values.resize(columns);
  for (int64_t column = 0; column < columns; ++column)
    values[column] = array.getAsDouble(row * columns + column);
}

std::vector<int64_t> mlir::qfhe::predictClasses(const HostArray &outputs,
                                                double threshold) {
  int64_t columns = outputs.getRank() < 2 ? 1 : outputs.getShape().back();
  int64_t rows = columns == 0 ? 0 : outputs.getNumElements() / columns;
  std::vector<int64_t> classes(rows);
  std::vector<double> scores;
  for (int64_t row = 0; row < rows; ++row) {
    readRow(outputs, row, columns, scores);
    classes[row] = predictClass(scores.data(), columns, threshold);
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

double mlir::qfhe::meanClassDivergence(const HostArray &reference,
                                       const HostArray &candidate) {
  int64_t rows = reference.getRank() ? reference.getShape()[0] : 1;
  int64_t total = reference.getNumElements();
  if (candidate.getNumElements() != total)
    return std::numeric_limits<double>::infinity();
  if (rows == 0 || total == 0)
    return 0;
  int64_t classes = total / rows;
  std::vector<double> p, q;
  double sum = 0;
  for (int64_t r = 0; r < rows; ++r) {
    readRow(reference, r, classes, p);
    readRow(candidate, r, classes, q);
    addClassDivergence(p.data(), q.data(), classes, sum);
  }
  return meanDivergenceOfSum(sum, rows);
}
