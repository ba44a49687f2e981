//===- ChannelLayoutTest.cpp - tests of ChannelLayout and ChannelCursor ---===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The cursor and the index maps against the division they replace, for
// every axis of a few shapes (size-1 dimensions, one channel, the first and
// the last axis).
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/ChannelLayout.h"

#include "gtest/gtest.h"

#include <vector>

using namespace mlir::qfhe;

namespace {

const std::vector<std::vector<int64_t>> kShapes = {
    {7}, {1}, {3, 5}, {5, 3}, {2, 3, 4}, {1, 4, 1}, {4, 1, 3, 2}, {2, 2, 1, 5}};

int64_t countElements(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  return count;
}

TEST(ChannelLayout, CursorFollowsTheDivision) {
  for (const std::vector<int64_t> &shape : kShapes)
    for (int64_t axis = 0; axis < static_cast<int64_t>(shape.size()); ++axis) {
      ChannelLayout layout = ChannelLayout::along(shape, axis);
      int64_t inner = 1;
      for (size_t dim = axis + 1; dim < shape.size(); ++dim)
        inner *= shape[dim];
      ChannelCursor cursor(layout);
      for (int64_t index = 0, e = countElements(shape); index < e; ++index) {
        EXPECT_EQ(cursor.channel(), (index / inner) % shape[axis])
            << "axis " << axis << " index " << index;
        cursor.next();
      }
    }
}

TEST(ChannelLayout, ForEachOfChannelListsEachChannelInOrder) {
  for (const std::vector<int64_t> &shape : kShapes)
    for (int64_t axis = 0; axis < static_cast<int64_t>(shape.size()); ++axis) {
      ChannelLayout layout = ChannelLayout::along(shape, axis);
      int64_t count = countElements(shape);
      for (int64_t c = 0; c < layout.channels; ++c) {
        // The indices of channel c, increasing, as a scan finds them.
        std::vector<int64_t> expected;
        for (int64_t index = 0; index < count; ++index)
          if ((index / layout.inner) % layout.channels == c)
            expected.push_back(index);
        std::vector<int64_t> listed;
        layout.forEachOfChannel(c, count, [&](int64_t position, int64_t index) {
          EXPECT_EQ(position, static_cast<int64_t>(listed.size()));
          listed.push_back(index);
        });
        EXPECT_EQ(listed, expected) << "axis " << axis << " channel " << c;
      }
    }
}

TEST(ChannelLayout, EmptyDimensionsHoldNoElements) {
  // A dimension of size 0 before or after the axis: no element to visit;
  // the layout is still well defined.
  ChannelLayout before = ChannelLayout::along({0, 3, 2}, 1);
  EXPECT_EQ(before.channels, 3);
  EXPECT_EQ(before.inner, 2);
  ChannelLayout after = ChannelLayout::along({2, 3, 0}, 1);
  EXPECT_EQ(after.channels, 3);
  EXPECT_EQ(after.inner, 0);
  ChannelLayout none = ChannelLayout::along({2, 0, 4}, 1);
  EXPECT_EQ(none.channels, 0);
  EXPECT_EQ(none.inner, 4);
}

TEST(ChannelLayout, OneChannelIsTheWholeTensor) {
  ChannelLayout layout; // per tensor
  ChannelCursor cursor(layout);
  std::vector<int64_t> listed;
  layout.forEachOfChannel(0, 10, [&](int64_t position, int64_t index) {
    EXPECT_EQ(position, index);
    listed.push_back(index);
  });
  EXPECT_EQ(listed.size(), 10u);
  for (int64_t index = 0; index < 10; ++index) {
    EXPECT_EQ(cursor.channel(), 0);
    cursor.next();
  }
}

} // namespace
