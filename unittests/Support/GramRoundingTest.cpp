//===- GramRoundingTest.cpp - tests of rounding against an input Gram -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/GramRounding.h"
#include "qfhe/Support/QuantMath.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <random>

using namespace mlir::qfhe;

namespace {

/// Rows enough that the correlations do not shrink measurably (by K / (K +
/// rows), below 1e-10 for the sizes here).
constexpr int64_t kManyRows = 1000000000000;

/// The Gram matrix E[x x^T] of `samples` rows of `size` inputs.
std::vector<double> gramOf(const std::vector<std::vector<double>> &samples,
                           size_t size) {
  std::vector<double> gram(size * size, 0.0);
  for (const std::vector<double> &x : samples)
    for (size_t i = 0; i < size; ++i)
      for (size_t j = 0; j < size; ++j)
        gram[i * size + j] += x[i] * x[j] / samples.size();
  return gram;
}

/// Samples of `size` inputs, each pair of neighbours correlated, input 0
/// with the largest spread.
std::vector<std::vector<double>> correlatedSamples(size_t size, size_t count,
                                                   unsigned seed) {
  std::mt19937 generator(seed);
  std::normal_distribution<double> normal;
  std::vector<std::vector<double>> samples(count, std::vector<double>(size));
  for (std::vector<double> &x : samples) {
    double shared = normal(generator);
    for (size_t i = 0; i < size; ++i)
      x[i] = (0.8 * shared + 0.6 * normal(generator)) * (1.0 + 1.0 / (1 + i));
  }
  return samples;
}

/// sum_s (w.x_s - scale * q.x_s)^2 / count: the error the output sees.
double measuredError(const std::vector<std::vector<double>> &samples,
                     const std::vector<double> &weights, double scale,
                     const std::vector<int64_t> &integers) {
  double total = 0;
  for (const std::vector<double> &x : samples) {
    double e = 0;
    for (size_t i = 0; i < x.size(); ++i)
      e += (weights[i] - scale * static_cast<double>(integers[i])) * x[i];
    total += e * e;
  }
  return total / samples.size();
}

TEST(InputGram, RejectsWhatIsNotAGram) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(InputGram::prepare({1, 0, 0}, 2, kManyRows));
  EXPECT_FALSE(InputGram::prepare({}, 0, kManyRows));
  EXPECT_FALSE(InputGram::prepare({1, kNaN, kNaN, 1}, 2, kManyRows));
  EXPECT_FALSE(InputGram::prepare({-1, 0, 0, 1}, 2, kManyRows));
  EXPECT_FALSE(InputGram::prepare({0, 0, 0, 0}, 2, kManyRows));
  EXPECT_FALSE(InputGram::prepare({1, 0, 0, 1}, 2, 0));
  // Singular (two equal inputs) is accepted: the damping makes it definite.
  EXPECT_TRUE(InputGram::prepare({1, 1, 1, 1}, 2, kManyRows));
}

TEST(InputGram, OutputErrorIsTheErrorTheOutputSees) {
  auto samples = correlatedSamples(5, 400, 1);
  std::optional<InputGram> gram =
      InputGram::prepare(gramOf(samples, 5), 5, kManyRows);
  ASSERT_TRUE(gram);
  std::vector<double> weights = {0.3, -0.7, 0.25, 0.1, -0.05};
  std::vector<int64_t> integers = {3, -7, 2, 1, 0};
  EXPECT_NEAR(gram->outputError(weights, 0.1, integers),
              measuredError(samples, weights, 0.1, integers), 1e-9);
  EXPECT_DOUBLE_EQ(gram->meanSquare(0), gramOf(samples, 5)[0]);
}

TEST(InputGram, RefitScaleMinimizesTheError) {
  auto samples = correlatedSamples(4, 300, 2);
  std::optional<InputGram> gram =
      InputGram::prepare(gramOf(samples, 4), 4, kManyRows);
  ASSERT_TRUE(gram);
  std::vector<double> weights = {0.31, -0.52, 0.18, 0.07};
  std::vector<int64_t> integers = {2, -4, 1, 0};
  double scale = gram->refitScale(weights, 0.1, integers);
  double best = gram->outputError(weights, scale, integers);
  for (double other : {scale * 0.99, scale * 1.01})
    EXPECT_LE(best, gram->outputError(weights, other, integers) * (1 + 1e-6));
  // All-zero integers keep the scale given.
  EXPECT_EQ(gram->refitScale(weights, 0.25, {0, 0, 0, 0}), 0.25);
}

TEST(InputGram, FeedbackPassesTheErrorToCorrelatedInputs) {
  // Two inputs that are always equal: the output reads w0 + w1. Nearest
  // rounding of 0.6 and 0.6 at scale 1 gives 1 + 1 (error 0.8); with
  // feedback the second weight takes the first one's error: 1 + 0.
  std::optional<InputGram> gram =
      InputGram::prepare({1, 1, 1, 1}, 2, kManyRows);
  ASSERT_TRUE(gram);
  std::vector<int64_t> integers;
  gram->roundWithFeedback({0.6, 0.6}, 1.0, -7, 7, 0, 0, integers);
  EXPECT_EQ(integers, (std::vector<int64_t>{1, 0}));
  EXPECT_LT(gram->outputError({0.6, 0.6}, 1.0, integers),
            gram->outputError({0.6, 0.6}, 1.0, {1, 1}));
}

TEST(InputGram, FewRowsShrinkTheFeedback) {
  // Two equal inputs, weights 0.6 and 0.8 at scale 1. Many rows: the second
  // weight takes the whole error of the first (0.8 - 0.4 rounds to 0).
  // One row: the correlation shrinks by 2 / (2 + 1) to a third, and the
  // second weight takes a third of the error (0.8 - 0.13 rounds to 1).
  std::vector<int64_t> integers;
  InputGram::prepare({1, 1, 1, 1}, 2, kManyRows)
      ->roundWithFeedback({0.6, 0.8}, 1.0, -7, 7, 0, 0, integers);
  EXPECT_EQ(integers, (std::vector<int64_t>{1, 0}));
  InputGram::prepare({1, 1, 1, 1}, 2, 1)
      ->roundWithFeedback({0.6, 0.8}, 1.0, -7, 7, 0, 0, integers);
  EXPECT_EQ(integers, (std::vector<int64_t>{1, 1}));
  // The error measures see the shrunk G: on one row, the errors -0.4 and
  // -0.2 of 1 + 1 cost 0.16 + 0.04 + 2 (1 / 3) (0.08), not the unshrunk
  // (0.4 + 0.2)^2 = 0.36.
  EXPECT_NEAR(InputGram::prepare({1, 1, 1, 1}, 2, 1)
                  ->outputError({0.6, 0.8}, 1.0, {1, 1}),
              0.16 + 0.04 + 2.0 / 3 * (-0.4) * (-0.2), 1e-12);
}

TEST(InputGram, FeedbackKeepsStorageBudgetAndSilentInputs) {
  std::mt19937 generator(3);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  auto samples = correlatedSamples(12, 200, 4);
  for (auto &x : samples)
    x[5] = 0; // An input that is always zero.
  std::optional<InputGram> gram =
      InputGram::prepare(gramOf(samples, 12), 12, kManyRows);
  ASSERT_TRUE(gram);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> weights(12);
    for (double &w : weights)
      w = uniform(generator);
    int64_t budget = 1 + trial % 9;
    size_t segment = trial % 3 == 0 ? 0 : 4;
    std::vector<int64_t> integers;
    gram->roundWithFeedback(weights, 0.05, -3, 3, budget, segment, integers);
    ASSERT_EQ(integers.size(), 12u);
    EXPECT_EQ(integers[5], 0);
    size_t run = segment ? segment : 12;
    for (size_t begin = 0; begin < 12; begin += run) {
      int64_t norm = 0;
      for (size_t i = begin; i < begin + run; ++i) {
        EXPECT_GE(integers[i], -3);
        EXPECT_LE(integers[i], 3);
        norm += std::abs(integers[i]);
      }
      EXPECT_LE(norm, budget);
    }
  }
}

TEST(QuantizeChannelWithGram, NeverWorseThanWeightedRoundingAndMeetsBudget) {
  std::mt19937 generator(5);
  std::normal_distribution<double> normal;
  auto samples = correlatedSamples(16, 500, 6);
  std::vector<double> matrix = gramOf(samples, 16);
  std::optional<InputGram> gram = InputGram::prepare(matrix, 16, kManyRows);
  ASSERT_TRUE(gram);
  std::vector<double> diagonal(16);
  for (size_t i = 0; i < 16; ++i)
    diagonal[i] = matrix[i * 16 + i];
  double gramTotal = 0, weightedTotal = 0;
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<double> weights(16);
    for (double &w : weights)
      w = normal(generator);
    int64_t budget = 4 + trial % 12;
    size_t segment = trial % 2 ? 8 : 0;
    std::vector<int64_t> byGram, byDiagonal;
    double error = 0;
    double scale = quantizeChannelWithGram(weights, *gram, 8, true, budget,
                                           byGram, &error, segment);
    double diagonalScale = quantizeChannelWeighted(
        weights, diagonal, 8, true, budget, byDiagonal, nullptr, segment);
    double diagonalError = gram->outputError(
        weights, gram->refitScale(weights, diagonalScale, byDiagonal),
        byDiagonal);
    EXPECT_NEAR(error, gram->outputError(weights, scale, byGram), 1e-9);
    EXPECT_LE(error, diagonalError * (1 + 1e-12));
    EXPECT_EQ(static_cast<double>(static_cast<float>(scale)), scale);
    size_t run = segment ? segment : 16;
    for (size_t begin = 0; begin < 16; begin += run) {
      int64_t norm = 0;
      for (size_t i = begin; i < begin + run; ++i)
        norm += std::abs(byGram[i]);
      EXPECT_LE(norm, budget);
    }
    gramTotal += error;
    weightedTotal += diagonalError;
  }
  // On correlated inputs the feedback is worth a good deal, not just ties.
  EXPECT_LT(gramTotal, 0.8 * weightedTotal);
}

TEST(QuantizeChannelWithGram, NonFiniteWeightsOrWrongSize) {
  std::optional<InputGram> gram =
      InputGram::prepare({1, 0, 0, 1}, 2, kManyRows);
  ASSERT_TRUE(gram);
  std::vector<int64_t> integers;
  double error = 0;
  EXPECT_EQ(quantizeChannelWithGram({1.0, std::nan("")}, *gram, 8, true, 4,
                                    integers, &error),
            1.0);
  EXPECT_EQ(integers, (std::vector<int64_t>{0, 0}));
  EXPECT_TRUE(std::isinf(error));
  EXPECT_EQ(quantizeChannelWithGram({1.0, 2.0, 3.0}, *gram, 8, true, 4,
                                    integers, &error),
            1.0);
  EXPECT_EQ(integers.size(), 3u);
}

TEST(QuantizeChannelWithGram, AllZeroWeights) {
  std::optional<InputGram> gram =
      InputGram::prepare({2, 1, 1, 2}, 2, kManyRows);
  ASSERT_TRUE(gram);
  std::vector<int64_t> integers;
  double error = -1;
  quantizeChannelWithGram({0.0, 0.0}, *gram, 8, true, 4, integers, &error);
  EXPECT_EQ(integers, (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(error, 0.0);
}

} // namespace
