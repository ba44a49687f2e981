//===- ClassMetrics.h - predicted classes and their divergence --*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// How a classifier's outputs are read, one sample (a row of scores) at a
// time: the class it predicts and how far its class probabilities are from
// another program's. quant-run's accuracy and the allocation search's
// scores both use them. Free of MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_CLASSMETRICS_H
#define QFHE_SUPPORT_CLASSMETRICS_H

#include <cstdint>

namespace mlir {
namespace qfhe {

/// The class one row of `count` scores predicts: the index of the largest
/// (the first on ties; NaN never wins over a number), or with one score,
/// 1 when it exceeds `threshold` and 0 otherwise.
int64_t predictClass(const double *scores, int64_t count, double threshold);

/// Adds to `sum`, one class after the other, the terms of the
/// Kullback-Leibler divergence of the class probabilities of `candidate`
/// from those of `reference` (rows of `count` logits; their softmax, or with
/// one logit the two classes of a sigmoid). Summing the samples' terms into
/// one running sum is what the mean divergence of a data set does; a sum
/// that is not finite means a logit was not.
void addClassDivergence(const double *reference, const double *candidate,
                        int64_t count, double &sum);

/// The mean divergence of `rows` samples whose terms add up to `sum`:
/// infinite when `sum` is not finite (outputs as far as can be), and never
/// negative (rounding can make an exact match's sum slightly so).
double meanDivergenceOfSum(double sum, int64_t rows);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_CLASSMETRICS_H
