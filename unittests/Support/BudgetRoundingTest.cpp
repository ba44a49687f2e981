//===- BudgetRoundingTest.cpp - rounding under an l1 budget ---------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The bulk algorithms of QuantMath against the ones they replaced, kept here
// as references: roundUnderL1Budget against taking units off one at a time
// through a heap (same weighted error, same budget), and
// quantizeChannelWithBudget against walking its scale sequence step by step
// (the same scale and integers).
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/QuantMath.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <queue>
#include <random>

using namespace mlir::qfhe;

namespace {

double toFloatScale(double scale) {
  return std::max(static_cast<double>(static_cast<float>(scale)),
                  static_cast<double>(FLT_MIN));
}

/// Rounds to nearest at `scale`; returns the largest segment norm.
int64_t referenceRound(const std::vector<double> &weights, double scale,
                       IntegerRange storage, std::vector<int64_t> &q,
                       size_t segmentSize) {
  q.resize(weights.size());
  size_t size = segmentSize ? segmentSize : std::max<size_t>(weights.size(), 1);
  int64_t largest = 0;
  for (size_t begin = 0; begin < weights.size(); begin += size) {
    int64_t norm = 0;
    for (size_t i = begin; i < std::min(weights.size(), begin + size); ++i) {
      q[i] = quantizeValue(weights[i], scale, 0, storage);
      norm += std::llabs(q[i]);
    }
    largest = std::max(largest, norm);
  }
  return largest;
}

/// The algorithm roundUnderL1Budget replaced: one unit at a time, the
/// cheapest first, from a heap.
void referenceRoundUnderBudget(const std::vector<double> &weights,
                               const std::vector<double> &importance,
                               double scale, IntegerRange storage,
                               int64_t budget, std::vector<int64_t> &q,
                               size_t segmentSize) {
  referenceRound(weights, scale, storage, q, segmentSize);
  if (budget <= 0)
    return;
  auto cost = [&](size_t i) {
    double magnitude = std::fabs(weights[i]);
    double units = static_cast<double>(std::llabs(q[i]));
    double before = magnitude - scale * units;
    double after = magnitude - scale * (units - 1);
    return importance[i] * (after * after - before * before);
  };
  using Entry = std::pair<double, size_t>;
  auto greater = [](const Entry &a, const Entry &b) {
    return a.first > b.first;
  };
  size_t size = segmentSize ? segmentSize : std::max<size_t>(weights.size(), 1);
  for (size_t begin = 0; begin < weights.size(); begin += size) {
    size_t end = std::min(weights.size(), begin + size);
    int64_t norm = 0;
    std::vector<Entry> heap;
    for (size_t i = begin; i < end; ++i) {
      norm += std::llabs(q[i]);
      if (q[i] != 0)
        heap.push_back({cost(i), i});
    }
    std::make_heap(heap.begin(), heap.end(), greater);
    while (norm > budget && !heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), greater);
      size_t i = heap.back().second;
      heap.pop_back();
      q[i] += q[i] > 0 ? -1 : 1;
      --norm;
      if (q[i] != 0) {
        heap.push_back({cost(i), i});
        std::push_heap(heap.begin(), heap.end(), greater);
      }
    }
  }
}

/// The unit-by-unit algorithm roundUnderL1Budget computes in bulk, to the
/// integer: per segment, units of weights whose inputs never vary
/// (importance 0) go first, from the lowest index; then units one at a
/// time, the cheapest first, equal costs from the lowest index, the cost of
/// the j-th unit (0-based) of a weight being first + j * step as the
/// implementation writes it (first = importance * scale * (2 r + scale),
/// r = |w| - scale |q|, step = 2 importance scale^2).
void referenceUnitByUnit(const std::vector<double> &weights,
                         const std::vector<double> &importance, double scale,
                         IntegerRange storage, int64_t budget,
                         std::vector<int64_t> &q, size_t segmentSize) {
  referenceRound(weights, scale, storage, q, segmentSize);
  if (budget <= 0)
    return;
  using Unit = std::pair<double, size_t>; // (cost, index): the order
  size_t size = segmentSize ? segmentSize : std::max<size_t>(weights.size(), 1);
  for (size_t begin = 0; begin < weights.size(); begin += size) {
    size_t end = std::min(weights.size(), begin + size);
    int64_t norm = 0;
    for (size_t i = begin; i < end; ++i)
      norm += std::llabs(q[i]);
    for (size_t i = begin; i < end && norm > budget; ++i)
      while (!(importance[i] > 0) && q[i] != 0 && norm > budget) {
        q[i] += q[i] > 0 ? -1 : 1;
        --norm;
      }
    std::vector<double> first(weights.size()), step(weights.size());
    std::vector<int64_t> nearest(q);
    std::priority_queue<Unit, std::vector<Unit>, std::greater<Unit>> heap;
    for (size_t i = begin; i < end; ++i) {
      if (q[i] == 0)
        continue;
      double remainder =
          std::fabs(weights[i]) - scale * static_cast<double>(std::llabs(q[i]));
      first[i] = importance[i] * scale * (2.0 * remainder + scale);
      step[i] = 2.0 * importance[i] * scale * scale;
      heap.push({first[i], i});
    }
    while (norm > budget && !heap.empty()) {
      size_t i = heap.top().second;
      heap.pop();
      q[i] += q[i] > 0 ? -1 : 1;
      --norm;
      auto j = static_cast<int32_t>(std::llabs(nearest[i] - q[i]));
      if (q[i] != 0)
        heap.push({first[i] + j * step[i], i});
    }
  }
}

/// Checks that roundUnderL1Budget gives the unit-by-unit integers exactly.
void expectUnitByUnit(const std::vector<double> &weights,
                      const std::vector<double> &importance, double scale,
                      unsigned bits, int64_t budget, size_t segmentSize,
                      const std::string &what) {
  IntegerRange storage = getStorageRange(bits, true, true);
  std::vector<int64_t> bulk, reference;
  roundUnderL1Budget(weights, importance, scale, storage, budget, bulk,
                     segmentSize);
  referenceUnitByUnit(weights, importance, scale, storage, budget, reference,
                      segmentSize);
  EXPECT_EQ(bulk, reference) << what;
}

/// The scale search quantizeChannelWithBudget replaced: one step at a time.
double referenceChannelWithBudget(const std::vector<double> &weights,
                                  unsigned bits, int64_t budget,
                                  std::vector<int64_t> &q, size_t segmentSize) {
  IntegerRange storage = getStorageRange(bits, true, true);
  double magnitude = 0, l1 = 0;
  size_t size = segmentSize ? segmentSize : std::max<size_t>(weights.size(), 1);
  for (size_t begin = 0; begin < weights.size(); begin += size) {
    double segment = 0;
    for (size_t i = begin; i < std::min(weights.size(), begin + size); ++i) {
      magnitude = std::max(magnitude, std::fabs(weights[i]));
      segment += std::fabs(weights[i]);
    }
    l1 = std::max(l1, segment);
  }
  if (magnitude == 0) {
    q.assign(weights.size(), 0);
    return 1.0;
  }
  double scale = magnitude / static_cast<double>(storage.max);
  if (budget > 0)
    scale = std::max(scale, l1 / static_cast<double>(budget));
  scale = toFloatScale(scale);
  while (budget > 0 &&
         referenceRound(weights, scale, storage, q, segmentSize) > budget)
    scale = toFloatScale(
        std::nextafter(static_cast<float>(scale * (1.0 + 1.0 / 64)),
                       std::numeric_limits<float>::infinity()));
  referenceRound(weights, scale, storage, q, segmentSize);
  return scale;
}

double weightedError(const std::vector<double> &weights,
                     const std::vector<double> &importance, double scale,
                     const std::vector<int64_t> &q) {
  double total = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    double e = weights[i] - scale * static_cast<double>(q[i]);
    total += importance[i] * e * e;
  }
  return total;
}

int64_t largestSegmentNorm(const std::vector<int64_t> &q, size_t segmentSize) {
  size_t size = segmentSize ? segmentSize : std::max<size_t>(q.size(), 1);
  int64_t largest = 0;
  for (size_t begin = 0; begin < q.size(); begin += size) {
    int64_t norm = 0;
    for (size_t i = begin; i < std::min(q.size(), begin + size); ++i)
      norm += std::llabs(q[i]);
    largest = std::max(largest, norm);
  }
  return largest;
}

/// Checks one case: the bulk rounding meets every segment's budget, moves
/// each integer toward 0 from its nearest value and never past it, and its
/// error is the heap's (up to float rounding of the costs).
void expectSameAsHeap(const std::vector<double> &weights,
                      const std::vector<double> &importance, double scale,
                      unsigned bits, int64_t budget, size_t segmentSize,
                      const std::string &what) {
  IntegerRange storage = getStorageRange(bits, true, true);
  std::vector<int64_t> bulk, heap, nearest;
  roundUnderL1Budget(weights, importance, scale, storage, budget, bulk,
                     segmentSize);
  referenceRoundUnderBudget(weights, importance, scale, storage, budget, heap,
                            segmentSize);
  referenceRound(weights, scale, storage, nearest, segmentSize);
  if (budget > 0)
    EXPECT_LE(largestSegmentNorm(bulk, segmentSize), budget) << what;
  EXPECT_EQ(largestSegmentNorm(bulk, segmentSize),
            largestSegmentNorm(heap, segmentSize))
      << what;
  for (size_t i = 0; i < weights.size(); ++i) {
    EXPECT_LE(std::llabs(bulk[i]), std::llabs(nearest[i])) << what;
    EXPECT_TRUE(bulk[i] == 0 || (bulk[i] > 0) == (nearest[i] > 0)) << what;
  }
  double bulkError = weightedError(weights, importance, scale, bulk);
  double heapError = weightedError(weights, importance, scale, heap);
  EXPECT_LE(bulkError, heapError * (1 + 1e-9) + 1e-15) << what;
  EXPECT_GE(bulkError, heapError * (1 - 1e-9) - 1e-15) << what;
}

TEST(BudgetRounding, SameErrorAsTheHeapOnRandomChannels) {
  std::mt19937_64 rng(21);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (int trial = 0; trial < 200; ++trial) {
    size_t count = 1 + rng() % 300;
    std::vector<double> weights(count), importance(count);
    for (size_t i = 0; i < count; ++i) {
      weights[i] = normal(rng) * (trial % 3 == 0 ? 10.0 : 1.0);
      importance[i] = trial % 5 == 0 ? 1.0 : uniform(rng);
    }
    unsigned bits = 2 + rng() % 7;
    double magnitude = 0;
    for (double w : weights)
      magnitude = std::max(magnitude, std::fabs(w));
    // From finer than the largest weight needs (clamping) to coarse.
    double scale = toFloatScale(magnitude / ((1 << (bits - 1)) - 1) *
                                std::pow(2.0, uniform(rng) * 4 - 1.5));
    int64_t budget = static_cast<int64_t>(rng() % (4 * count + 2));
    size_t segment = trial % 4 == 0 ? 1 + rng() % count : 0;
    expectSameAsHeap(weights, importance, scale, bits, budget, segment,
                     "trial " + std::to_string(trial));
  }
}

TEST(BudgetRounding, TiesBetweenEqualWeightsAndImportances) {
  // Every unit costs the same: any choice of `excess` units is optimal,
  // and the count must be exact.
  std::vector<double> weights(50, 0.5), importance(50, 2.0);
  for (size_t i = 0; i < weights.size(); i += 2)
    weights[i] = -0.5;
  for (int64_t budget : {0, 1, 7, 49, 50, 99, 100, 101, 1000})
    expectSameAsHeap(weights, importance, 0.1, 8, budget, 0,
                     "budget " + std::to_string(budget));
  expectSameAsHeap(weights, importance, 0.1, 8, 13, 8, "segments of 8");
}

TEST(BudgetRounding, FewUnitsToTakeOrToKeepMatchTheHeap) {
  // Budgets just under the nearest integers' norm (a few units go) and far
  // under it (a few stay), where the items holding them are selected first,
  // on wide channels and in segments.
  std::mt19937_64 rng(23);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> uniform(0, 1);
  IntegerRange storage = getStorageRange(8, true, true);
  for (int trial = 0; trial < 60; ++trial) {
    size_t count = 200 + rng() % 800;
    std::vector<double> weights(count), importance(count);
    for (size_t i = 0; i < count; ++i) {
      weights[i] = normal(rng);
      importance[i] = uniform(rng) < 0.1 ? 0.0 : uniform(rng);
    }
    double scale = toFloatScale(0.02 + 0.1 * uniform(rng));
    size_t segment = trial % 3 == 0 ? 64 + rng() % 200 : 0;
    std::vector<int64_t> nearest;
    int64_t norm = referenceRound(weights, scale, storage, nearest, segment);
    for (int64_t budget : {norm - 1, norm - 3, norm - 40, int64_t(1),
                           int64_t(5), int64_t(60), norm / 2})
      if (budget > 0)
        expectSameAsHeap(weights, importance, scale, 8, budget, segment,
                         "trial " + std::to_string(trial) + ", budget " +
                             std::to_string(budget));
  }
}

TEST(BudgetRounding, EqualCostsGoFromTheLowestIndexWhateverTheBudget) {
  // Fifty equal units per level of cost: units go level by level, and
  // within a level from the lowest index, whether few units go, few stay,
  // or many of both.
  std::vector<double> weights(50, 0.5), importance(50, 2.0);
  for (size_t i = 0; i < weights.size(); i += 2)
    weights[i] = -0.5;
  IntegerRange storage = getStorageRange(8, true, true);
  auto magnitudes = [&](int64_t budget) {
    std::vector<int64_t> q;
    roundUnderL1Budget(weights, importance, 0.1, storage, budget, q);
    for (int64_t &v : q)
      v = std::llabs(v);
    return q;
  };
  auto expected = [](int64_t lowItems, int64_t lowValue, int64_t value) {
    std::vector<int64_t> q(50, value);
    std::fill(q.begin(), q.begin() + lowItems, lowValue);
    return q;
  };
  EXPECT_EQ(magnitudes(240), expected(10, 4, 5)); // 10 units go
  EXPECT_EQ(magnitudes(190), expected(10, 3, 4)); // 60 go, 190 stay
  EXPECT_EQ(magnitudes(10), expected(40, 0, 1));  // 10 stay
}

TEST(BudgetRounding, UnimportantWeightsGoFirstWhateverTheirSize) {
  std::vector<double> weights{3.0, -2.0, 0.2, 0.1, -0.3};
  std::vector<double> importance{0.0, 0.0, 1.0, 1.0, 1.0};
  IntegerRange storage = getStorageRange(8, true, true);
  std::vector<int64_t> q;
  roundUnderL1Budget(weights, importance, 0.1, storage, 6, q);
  EXPECT_EQ(q, (std::vector<int64_t>{0, 0, 2, 1, -3}));
  for (int64_t budget : {0, 1, 5, 6, 20, 49, 50, 56, 60})
    expectSameAsHeap(weights, importance, 0.1, 8, budget, 0,
                     "budget " + std::to_string(budget));
}

TEST(BudgetRounding, EdgeCases) {
  IntegerRange storage = getStorageRange(8, true, true);
  std::vector<int64_t> q;
  // No budget: rounding to nearest.
  roundUnderL1Budget({0.26, -0.24}, {1, 1}, 0.1, storage, 0, q);
  EXPECT_EQ(q, (std::vector<int64_t>{3, -2}));
  // A budget the nearest integers meet changes nothing.
  roundUnderL1Budget({0.26, -0.24}, {1, 1}, 0.1, storage, 5, q);
  EXPECT_EQ(q, (std::vector<int64_t>{3, -2}));
  // One unit left: it goes where it helps most.
  roundUnderL1Budget({0.26, -0.24}, {1, 1}, 0.1, storage, 1, q);
  EXPECT_EQ(q, (std::vector<int64_t>{1, 0}));
  // All zeros and empty channels.
  roundUnderL1Budget({0.0, 0.0}, {1, 1}, 0.1, storage, 1, q);
  EXPECT_EQ(q, (std::vector<int64_t>{0, 0}));
  roundUnderL1Budget({}, {}, 0.1, storage, 1, q);
  EXPECT_TRUE(q.empty());
  // Clamped weights (the scale is finer than the largest weight needs).
  expectSameAsHeap({100.0, -50.0, 1.0, 0.5}, {1.0, 0.5, 1.0, 0.25}, 0.01, 8, 30,
                   0, "clamped");
  expectSameAsHeap({100.0, -50.0, 1.0, 0.5}, {1.0, 0.5, 1.0, 0.25}, 0.01, 8,
                   200, 2, "clamped, segments of 2");
  // Importances spanning many orders of magnitude.
  expectSameAsHeap({1.0, 1.0, 1.0, -1.0}, {1e-12, 1.0, 1e12, 1e-300}, 0.05, 8,
                   17, 0, "extreme importances");
}

TEST(BudgetRounding, TheSameIntegersAsUnitByUnit) {
  // Random channels across the three regimes (few units to take, few to
  // keep, many of both: the threshold search), in segments or whole,
  // with unimportant weights, clamped weights and repeated values (ties).
  std::mt19937_64 rng(24);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (int trial = 0; trial < 400; ++trial) {
    size_t count = 1 + rng() % (trial % 2 ? 2000 : 200);
    std::vector<double> weights(count), importance(count);
    for (size_t i = 0; i < count; ++i) {
      weights[i] = normal(rng) * (trial % 3 == 0 ? 10.0 : 1.0);
      importance[i] = uniform(rng) < 0.05 ? 0.0 : uniform(rng);
      if (trial % 7 == 0) // a few distinct values: many equal costs
        weights[i] = std::round(weights[i] * 4) / 4;
      if (trial % 5 == 0)
        importance[i] = 1.0;
    }
    unsigned bits = 2 + rng() % 7;
    double magnitude = 0;
    for (double w : weights)
      magnitude = std::max(magnitude, std::fabs(w));
    double scale = toFloatScale(magnitude / ((1 << (bits - 1)) - 1) *
                                std::pow(2.0, uniform(rng) * 4 - 1.5));
    IntegerRange storage = getStorageRange(bits, true, true);
    std::vector<int64_t> nearest;
    size_t segment = trial % 4 == 0 ? 1 + rng() % count : 0;
    int64_t norm = referenceRound(weights, scale, storage, nearest, segment);
    for (int64_t budget :
         {int64_t(0), int64_t(1), norm - 1, norm - 5, norm / 2, norm / 5,
          norm / 17, int64_t(rng() % (norm + 2)), norm, norm + 10})
      expectUnitByUnit(weights, importance, scale, bits, budget, segment,
                       "trial " + std::to_string(trial) + ", budget " +
                           std::to_string(budget));
  }
}

TEST(BudgetRounding, TheSameIntegersAsUnitByUnitOnEdgeCases) {
  // All-equal weights and importances (every unit of a level ties), of
  // both signs.
  std::vector<double> equal(300, 0.5), ones(300, 1.0);
  for (size_t i = 0; i < equal.size(); i += 3)
    equal[i] = -0.5;
  for (int64_t budget :
       {0, 1, 2, 74, 75, 299, 300, 301, 700, 1499, 1500, 1501, 5000})
    for (size_t segment : {size_t(0), size_t(7), size_t(64)})
      expectUnitByUnit(equal, ones, 0.1, 8, budget, segment,
                       "equal, budget " + std::to_string(budget) +
                           ", segment " + std::to_string(segment));
  // Negative weights only; zero budget (no budget) and a budget larger
  // than the nearest integers need.
  std::vector<double> negative{-0.9, -0.35, -0.05, -1.2, -0.61};
  std::vector<double> importance{0.3, 1.0, 2.0, 0.5, 1.0};
  for (int64_t budget : {0, 1, 3, 10, 31, 32, 100})
    expectUnitByUnit(negative, importance, 0.1, 8, budget, 0,
                     "negative, budget " + std::to_string(budget));
  // Unimportant weights only, and mixed with important ones.
  std::vector<double> none(5, 0.0);
  for (int64_t budget : {1, 10, 30})
    expectUnitByUnit(negative, none, 0.1, 8, budget, 2,
                     "unimportant, budget " + std::to_string(budget));
  // Costs equal across weights with different importances and remainders:
  // q = 5 at scale 0.25 with remainder 0 and importance 1, q = 3 with
  // remainder 0 and importance 1 (first units equal), step equal.
  std::vector<double> tied{1.25, -0.75, 1.25, 0.75, -1.25};
  for (int64_t budget = 1; budget <= 21; ++budget)
    expectUnitByUnit(tied, std::vector<double>(5, 1.0), 0.25, 8, budget, 0,
                     "tied, budget " + std::to_string(budget));
  // Clamped weights and importances spanning many orders of magnitude.
  expectUnitByUnit({100.0, -50.0, 1.0, 0.5}, {1.0, 0.5, 1.0, 0.25}, 0.01, 8, 30,
                   0, "clamped");
  expectUnitByUnit({1.0, 1.0, 1.0, -1.0}, {1e-12, 1.0, 1e12, 1e-300}, 0.05, 8,
                   17, 0, "extreme importances");
}

TEST(BudgetRounding, TheScaleSearchFindsTheScaleOfTheStepByStepWalk) {
  std::mt19937_64 rng(22);
  std::normal_distribution<double> normal(0, 1);
  for (int trial = 0; trial < 100; ++trial) {
    size_t count = 1 + rng() % 200;
    std::vector<double> weights(count);
    for (double &w : weights)
      w = normal(rng) * (trial % 2 ? 0.01 : 3.0);
    unsigned bits = 2 + rng() % 7;
    int64_t budget = static_cast<int64_t>(rng() % (3 * count + 1));
    size_t segment = trial % 3 == 0 ? 1 + rng() % count : 0;
    std::vector<int64_t> fast, slow;
    double fastScale =
        quantizeChannelWithBudget(weights, bits, true, budget, fast, segment);
    double slowScale =
        referenceChannelWithBudget(weights, bits, budget, slow, segment);
    EXPECT_EQ(fastScale, slowScale) << "trial " << trial;
    EXPECT_EQ(fast, slow) << "trial " << trial;
  }
}

} // namespace
