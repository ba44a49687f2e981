//===- AllocationTest.cpp - tests of the weight budgets -------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Allocation.h"

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

} // namespace
