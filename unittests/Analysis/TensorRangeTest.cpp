//===- TensorRangeTest.cpp - tests of tensor ranges -----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/TensorRange.h"

#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

TEST(TensorRange, PerChannelWholeIsTheJoin) {
  TensorRange range =
      TensorRange::perChannel(1, {Interval(-1, 0), Interval(2, 3)});
  EXPECT_EQ(range.getWhole(), Interval(-1, 3));
  EXPECT_EQ(range.getChannel(1, 1), Interval(2, 3));
  // Another axis, or an index out of range, gives the whole range.
  EXPECT_EQ(range.getChannel(0, 1), Interval(-1, 3));
  EXPECT_EQ(range.getChannel(1, 5), Interval(-1, 3));
}

TEST(TensorRange, JoinKeepsChannelsOnlyWhenTheyAgree) {
  TensorRange a = TensorRange::perChannel(1, {Interval(0, 1), Interval(0, 2)});
  TensorRange b = TensorRange::perChannel(1, {Interval(-1, 0), Interval(1, 3)});
  TensorRange joined = a.join(b);
  ASSERT_TRUE(joined.hasChannels());
  EXPECT_EQ(joined.getChannels()[0], Interval(-1, 1));
  EXPECT_EQ(joined.getChannels()[1], Interval(0, 3));
  TensorRange other = TensorRange::perChannel(0, {Interval(5, 6)});
  EXPECT_FALSE(a.join(other).hasChannels());
  EXPECT_EQ(a.join(other).getWhole(), Interval(0, 6));
  // The empty range is neutral.
  EXPECT_EQ(TensorRange().join(a), a);
}

TEST(TensorRange, UnknownKeepsItsReason) {
  TensorRange unknown = TensorRange::unknown("division by 0");
  EXPECT_FALSE(unknown.isFinite());
  EXPECT_EQ(unknown.getReason(), "division by 0");
  EXPECT_EQ(TensorRange(Interval(0, 1)).join(unknown).getReason(),
            "division by 0");
  EXPECT_EQ(TensorRange(Interval(0, 1)).withReason("x").getReason(), "");
}

TEST(TensorRange, AttributeRoundTrip) {
  MLIRContext ctx;
  TensorRange range =
      TensorRange::perChannel(1, {Interval(-1.5, 0.25), Interval(2, 3)});
  DictionaryAttr attr = range.toAttribute(&ctx);
  std::optional<TensorRange> back = TensorRange::fromAttribute(attr);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, range);
  TensorRange unknown = TensorRange::unknown("why");
  EXPECT_EQ(*TensorRange::fromAttribute(unknown.toAttribute(&ctx)), unknown);
  EXPECT_FALSE(TensorRange::fromAttribute(DictionaryAttr::get(&ctx)));
}

} // namespace
