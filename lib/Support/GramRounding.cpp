//===- GramRounding.cpp - weights rounded against their inputs' Gram ------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/GramRounding.h"
#include "qfhe/Support/QuantMath.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <numeric>

namespace mlir {
namespace qfhe {

namespace {

/// GPTQ's damping: 1% of the mean diagonal.
constexpr double kDamping = 0.01;

/// Factors the symmetric positive definite `a` (n x n, row-major) in place
/// into its lower Cholesky factor L (a = L L^T; the upper triangle is left
/// as it was). Fails when `a` is not positive definite.
bool choleskyInPlace(std::vector<double> &a, size_t n) {
  for (size_t j = 0; j < n; ++j) {
    double diagonal = a[j * n + j];
    for (size_t k = 0; k < j; ++k)
      diagonal -= a[j * n + k] * a[j * n + k];
    if (!(diagonal > 0))
      return false;
    double root = std::sqrt(diagonal);
    a[j * n + j] = root;
    for (size_t i = j + 1; i < n; ++i) {
      double sum = a[i * n + j];
      for (size_t k = 0; k < j; ++k)
        sum -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = sum / root;
    }
  }
  return true;
}

/// The inverse of a = L L^T from its lower factor `lower` (n x n,
/// row-major; only the lower triangle is read), symmetric, row-major.
std::vector<double> inverseFromCholesky(const std::vector<double> &lower,
                                        size_t n) {
  // M = L^-1 (lower triangular), column by column of the identity.
  std::vector<double> m(n * n, 0.0);
  for (size_t c = 0; c < n; ++c) {
    m[c * n + c] = 1.0 / lower[c * n + c];
    for (size_t i = c + 1; i < n; ++i) {
      double sum = 0;
      for (size_t k = c; k < i; ++k)
        sum -= lower[i * n + k] * m[k * n + c];
      m[i * n + c] = sum / lower[i * n + i];
    }
  }
  // a^-1 = M^T M.
  std::vector<double> inverse(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i; j < n; ++j) {
      double sum = 0;
      for (size_t k = j; k < n; ++k)
        sum += m[k * n + i] * m[k * n + j];
      inverse[i * n + j] = inverse[j * n + i] = sum;
    }
  return inverse;
}

/// A positive scale rounded to float32, kept a positive normal number.
double toFloatScale(double scale) {
  return std::max(static_cast<double>(static_cast<float>(scale)),
                  static_cast<double>(FLT_MIN));
}

/// q^T G q, w^T G q over `gram` (n x n).
std::pair<double, double> quadraticForms(const std::vector<double> &gram,
                                         const std::vector<double> &weights,
                                         const std::vector<int64_t> &integers) {
  size_t n = weights.size();
  double squares = 0, cross = 0;
  for (size_t i = 0; i < n; ++i) {
    if (integers[i] == 0 && weights[i] == 0)
      continue;
    double gq = 0;
    const double *row = gram.data() + i * n;
    for (size_t j = 0; j < n; ++j)
      gq += row[j] * static_cast<double>(integers[j]);
    squares += static_cast<double>(integers[i]) * gq;
    cross += weights[i] * gq;
  }
  return {squares, cross};
}

} // namespace

std::optional<InputGram> InputGram::prepare(std::vector<double> gram,
                                            size_t size, int64_t rows) {
  if (size == 0 || gram.size() != size * size || rows <= 0)
    return std::nullopt;
  double trace = 0;
  for (size_t i = 0; i < size; ++i) {
    double diagonal = gram[i * size + i];
    if (!(diagonal >= 0))
      return std::nullopt;
    trace += diagonal;
  }
  if (!std::all_of(gram.begin(), gram.end(),
                   [](double x) { return std::isfinite(x); }) ||
      !(trace > 0))
    return std::nullopt;
  InputGram prepared;
  prepared.order.resize(size);
  std::iota(prepared.order.begin(), prepared.order.end(), 0);
  // Equal mean squares keep their order (ties by index).
  std::sort(prepared.order.begin(), prepared.order.end(),
            [&](size_t a, size_t b) {
              double da = gram[a * size + a], db = gram[b * size + b];
              return da > db || (da == db && a < b);
            });
  // The correlations shrink toward none by K / (K + rows): G averaged over
  // few rows against its K inputs fits those rows (a rounding fitted to
  // them by error feedback, and chosen by its error on them, does worse on
  // others); with many rows G stands. The shrunk G is what the rounding
  // minimizes and measures. Then GPTQ's ridge, 1% of the mean diagonal,
  // makes it positive definite.
  double shrink = static_cast<double>(size) /
                  (static_cast<double>(size) + static_cast<double>(rows));
  for (size_t i = 0; i < size; ++i)
    for (size_t j = 0; j < size; ++j)
      if (i != j)
        gram[i * size + j] *= 1 - shrink;
  double damping = kDamping * trace / static_cast<double>(size);
  std::vector<double> permuted(size * size);
  for (size_t i = 0; i < size; ++i)
    for (size_t j = 0; j < size; ++j)
      permuted[i * size + j] =
          gram[prepared.order[i] * size + prepared.order[j]] +
          (i == j ? damping : 0.0);
  if (!choleskyInPlace(permuted, size))
    return std::nullopt;
  std::vector<double> inverse = inverseFromCholesky(permuted, size);
  // The upper factor of the inverse: the transpose of its lower factor.
  if (!choleskyInPlace(inverse, size))
    return std::nullopt;
  prepared.inverseFactor.assign(size * size, 0.0);
  for (size_t i = 0; i < size; ++i)
    for (size_t j = 0; j <= i; ++j)
      prepared.inverseFactor[j * size + i] = inverse[i * size + j];
  prepared.gram = std::move(gram);
  return prepared;
}

double InputGram::outputError(const std::vector<double> &weights, double scale,
                              const std::vector<int64_t> &integers) const {
  size_t n = size();
  std::vector<double> error(n);
  for (size_t i = 0; i < n; ++i)
    error[i] = weights[i] - scale * static_cast<double>(integers[i]);
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    if (error[i] == 0)
      continue;
    double ge = 0;
    const double *row = gram.data() + i * n;
    for (size_t j = 0; j < n; ++j)
      ge += row[j] * error[j];
    total += error[i] * ge;
  }
  return std::max(total, 0.0);
}

double InputGram::refitScale(const std::vector<double> &weights, double scale,
                             const std::vector<int64_t> &integers) const {
  auto [squares, cross] = quadraticForms(gram, weights, integers);
  if (!(squares > 0) || !(cross > 0))
    return scale;
  return toFloatScale(cross / squares);
}

void InputGram::roundWithFeedback(const std::vector<double> &weights,
                                  double scale, int64_t minimum,
                                  int64_t maximum, int64_t l1Budget,
                                  size_t segmentSize,
                                  std::vector<int64_t> &integers) const {
  size_t n = size();
  integers.assign(n, 0);
  size_t segments = segmentSize ? (n + segmentSize - 1) / segmentSize : 1;
  std::vector<int64_t> left(segments, l1Budget);
  // The weights still to round, in `order`, with the errors passed on.
  std::vector<double> work(n);
  for (size_t t = 0; t < n; ++t)
    work[t] = weights[order[t]];
  for (size_t t = 0; t < n; ++t) {
    size_t input = order[t];
    int64_t q = 0;
    if (gram[input * n + input] > 0) {
      double quotient = std::nearbyint(work[t] / scale);
      double low = static_cast<double>(minimum),
             high = static_cast<double>(maximum);
      int64_t &budget = left[segmentSize ? input / segmentSize : 0];
      if (l1Budget > 0) {
        low = std::max(low, -static_cast<double>(budget));
        high = std::min(high, static_cast<double>(budget));
      }
      q = std::isnan(quotient)
              ? 0
              : static_cast<int64_t>(std::clamp(quotient, low, high));
      budget -= q < 0 ? -q : q;
    }
    integers[input] = q;
    const double *row = inverseFactor.data() + t * n;
    double passed = (work[t] - scale * static_cast<double>(q)) / row[t];
    for (size_t u = t + 1; u < n; ++u)
      work[u] -= passed * row[u];
  }
}

double quantizeChannelWithGram(const std::vector<double> &weights,
                               const InputGram &gram, unsigned bits,
                               bool narrowRange, int64_t l1Budget,
                               std::vector<int64_t> &integers, double *error,
                               size_t segmentSize) {
  bool finite = std::all_of(weights.begin(), weights.end(),
                            [](double w) { return std::isfinite(w); });
  if (!finite || gram.size() != weights.size()) {
    integers.assign(weights.size(), 0);
    if (error)
      *error = std::numeric_limits<double>::infinity();
    return 1.0;
  }
  // Importance-weighted rounding by G's diagonal: the choice to beat.
  std::vector<double> diagonal(weights.size());
  for (size_t i = 0; i < weights.size(); ++i)
    diagonal[i] = gram.meanSquare(i);
  double bestScale =
      quantizeChannelWeighted(weights, diagonal, bits, narrowRange, l1Budget,
                              integers, nullptr, segmentSize);
  bestScale = gram.refitScale(weights, bestScale, integers);
  double bestError = gram.outputError(weights, bestScale, integers);
  IntegerRange storage = getStorageRange(bits, /*isSigned=*/true, narrowRange);
  std::vector<int64_t> plain;
  double coarsest = quantizeChannelWithBudget(weights, bits, narrowRange,
                                              l1Budget, plain, segmentSize);
  // The scales quantizeChannelWeighted tries, coarsest included.
  std::vector<double> grid =
      getBudgetScaleGrid(weights, bits, narrowRange, coarsest);
  if (!grid.empty())
    grid.push_back(coarsest);
  std::vector<int64_t> candidate;
  for (double scale : grid) {
    gram.roundWithFeedback(weights, scale, storage.min, storage.max, l1Budget,
                           segmentSize, candidate);
    double refitted = gram.refitScale(weights, scale, candidate);
    double candidateError = gram.outputError(weights, refitted, candidate);
    if (candidateError < bestError) {
      bestError = candidateError;
      bestScale = refitted;
      integers = candidate;
    }
  }
  if (error)
    *error = bestError;
  return bestScale;
}

} // namespace qfhe
} // namespace mlir
