//===- AllocationTest.cpp - tests of the weight budgets -------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Allocation.h"
#include "AllocationSearch.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// The values a range of `span` values centered at the bottom of `cap` bits
/// takes after rounding to nearest by `drop` bits (ties up, as qfhe.round).
int64_t roundedValues(int64_t span, unsigned cap, unsigned drop) {
  int64_t lo = -(int64_t(1) << (cap - 1));
  int64_t hi = lo + span - 1;
  int64_t half = int64_t(1) << (drop - 1);
  auto round = [&](int64_t x) {
    return static_cast<int64_t>(
        std::floor(static_cast<double>(x + half) / std::ldexp(1.0, drop)));
  };
  return round(hi) - round(lo) + 1;
}

TEST(PartBudget, WholeCapWithoutLookupRounding) {
  // 8-bit cap, 3-bit inputs: L * 7 <= 255.
  EXPECT_EQ(getPartBudget(8, 3, 1), 36);
  // Lookups as wide as the cap (or the default 0) leave no headroom.
  EXPECT_EQ(getPartBudget(8, 3, 1, 8), 36);
  EXPECT_EQ(getPartBudget(8, 3, 1, 0), 36);
  // Chunks: L * 7 <= 256 - 2 * 4 - 2.
  EXPECT_EQ(getPartBudget(8, 3, 4), 35);
  // No budget at all: a 1-bit cap cannot hold 8-bit inputs.
  EXPECT_EQ(getPartBudget(2, 8, 1), 0);
}

TEST(PartBudget, HeadroomMakesTheRoundingLandOnTheLookupWidth) {
  for (unsigned cap : {8u, 12u, 16u})
    for (unsigned tlu = 2; tlu < cap; ++tlu)
      for (unsigned bits : {1u, 3u, 6u}) {
        int64_t budget = getPartBudget(cap, bits, 1, tlu);
        int64_t span = budget * ((int64_t(1) << bits) - 1) + 1;
        // The accumulator still fits the cap, and its rounding by
        // cap - tlu bits fits tlu bits exactly.
        EXPECT_LE(span, int64_t(1) << cap);
        EXPECT_LE(roundedValues(span, cap, cap - tlu), int64_t(1) << tlu)
            << "cap " << cap << " tlu " << tlu << " bits " << bits;
        // The headroom is no larger than it must be: one more unit of
        // budget would not round into tlu bits or would leave the cap.
        int64_t wider = (budget + 1) * ((int64_t(1) << bits) - 1) + 1;
        EXPECT_TRUE(wider > (int64_t(1) << cap) ||
                    roundedValues(wider, cap, cap - tlu) > (int64_t(1) << tlu))
            << "cap " << cap << " tlu " << tlu << " bits " << bits;
      }
  // Without headroom the full cap rounds to one value too many.
  EXPECT_EQ(roundedValues(256, 8, 2), 65);
  EXPECT_EQ(getPartBudget(16, 1, 1, 8), 65535 - 128);
}

TEST(PartBudget, FewerLevelsLeaveMoreBudget) {
  // 6-bit cap: 3-bit inputs of all 8 levels span 7, of 6 levels span 5.
  EXPECT_EQ(getPartBudget(6, 3, 1, 0, 0), 9);
  EXPECT_EQ(getPartBudget(6, 3, 1, 0, 8), 9);
  EXPECT_EQ(getPartBudget(6, 3, 1, 0, 6), 12);
  // 2-bit inputs of 3 levels: L * 2 <= 63; with 4 parts L * 2 <= 64 - 10.
  EXPECT_EQ(getPartBudget(6, 2, 1, 0, 3), 31);
  EXPECT_EQ(getPartBudget(6, 2, 4, 0, 3), 27);
  // Levels outside [2, 2^bits] are clamped: more levels than the bits hold
  // is all of them, fewer than two is two.
  EXPECT_EQ(getPartBudget(6, 2, 1, 0, 100), getPartBudget(6, 2, 1));
  EXPECT_EQ(getPartBudget(6, 2, 1, 0, 1), 63);
  // The headroom of a narrower lookup applies the same way.
  EXPECT_EQ(getPartBudget(8, 3, 1, 6, 6), (255 - 2) / 5);
  // Every budget keeps the accumulator within the cap.
  for (unsigned cap : {4u, 6u, 8u})
    for (unsigned bits = 1; bits <= 4; ++bits)
      for (int64_t levels = 2; levels <= (int64_t(1) << bits); ++levels) {
        int64_t budget = getPartBudget(cap, bits, 1, 0, levels);
        EXPECT_LE(budget * (levels - 1) + 1, int64_t(1) << cap)
            << "cap " << cap << " bits " << bits << " levels " << levels;
        EXPECT_GT((budget + 1) * (levels - 1) + 1, int64_t(1) << cap);
      }
}

TEST(LevelsRange, NarrowsTheSignedStorageAroundZero) {
  using Range = std::pair<int64_t, int64_t>;
  // All levels: the signed storage range of the bits.
  EXPECT_EQ(getLevelsRange(3, 0), Range(-4, 3));
  EXPECT_EQ(getLevelsRange(3, 8), Range(-4, 3));
  // Fewer: k values from -floor(k / 2), zero included, inside the storage.
  EXPECT_EQ(getLevelsRange(3, 6), Range(-3, 2));
  EXPECT_EQ(getLevelsRange(3, 5), Range(-2, 2));
  EXPECT_EQ(getLevelsRange(2, 3), Range(-1, 1));
  EXPECT_EQ(getLevelsRange(1, 2), Range(-1, 0));
  // Clamped to [2, 2^bits].
  EXPECT_EQ(getLevelsRange(2, 1), Range(-1, 0));
  EXPECT_EQ(getLevelsRange(2, 9), Range(-2, 1));
}

TEST(LevelCandidates, AllLevelsAndThreeQuarters) {
  EXPECT_EQ(getLevelCandidates(1), SmallVector<int64_t>({2}));
  EXPECT_EQ(getLevelCandidates(2), SmallVector<int64_t>({4, 3}));
  EXPECT_EQ(getLevelCandidates(3), SmallVector<int64_t>({8, 6}));
  EXPECT_EQ(getLevelCandidates(8), SmallVector<int64_t>({256, 192}));
  // Each narrowed candidate lies strictly between n - 1 and n bits' levels.
  for (unsigned bits = 2; bits <= 16; ++bits) {
    int64_t narrowed = getLevelCandidates(bits).back();
    EXPECT_GT(narrowed, int64_t(1) << (bits - 1));
    EXPECT_LT(narrowed, int64_t(1) << bits);
  }
}

} // namespace
