//===- ClassMetrics.cpp - predicted classes and their divergence ----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/ClassMetrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlir {
namespace qfhe {

int64_t predictClass(const double *scores, int64_t count, double threshold) {
  if (count == 1)
    return scores[0] > threshold ? 1 : 0;
  int64_t best = 0;
  double bestValue = scores[0];
  for (int64_t column = 1; column < count; ++column) {
    double value = scores[column];
    if (value > bestValue || (std::isnan(bestValue) && !std::isnan(value))) {
      best = column;
      bestValue = value;
    }
  }
  return best;
}

/// log(sum exp(row)) of `count` logits, stably.
static double logSumExp(const double *row, int64_t count) {
  double largest = *std::max_element(row, row + count);
  double sum = 0;
  for (int64_t i = 0; i < count; ++i)
    sum += std::exp(row[i] - largest);
  return largest + std::log(sum);
}

void addClassDivergence(const double *reference, const double *candidate,
                        int64_t count, double &sum) {
  // One logit: the two classes of a sigmoid, logits 0 and x.
  double pairP[2] = {0.0, count == 1 ? reference[0] : 0.0};
  double pairQ[2] = {0.0, count == 1 ? candidate[0] : 0.0};
  const double *p = count == 1 ? pairP : reference;
  const double *q = count == 1 ? pairQ : candidate;
  int64_t n = count == 1 ? 2 : count;
  double pNorm = logSumExp(p, n), qNorm = logSumExp(q, n);
  for (int64_t c = 0; c < n; ++c) {
    double logP = p[c] - pNorm, logQ = q[c] - qNorm;
    sum += std::exp(logP) * (logP - logQ);
  }
}

double meanDivergenceOfSum(double sum, int64_t rows) {
  if (!std::isfinite(sum))
    return std::numeric_limits<double>::infinity();
  return std::max(sum, 0.0) / static_cast<double>(rows);
}

} // namespace qfhe
} // namespace mlir
