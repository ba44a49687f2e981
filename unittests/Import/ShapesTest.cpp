//===- ShapesTest.cpp - tests of the importer's shape inference -----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Shapes.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

/// The broadcast of `shapes`, or nullopt (with `reason` set) on failure.
std::optional<SmallVector<int64_t>>
broadcast(std::initializer_list<SmallVector<int64_t>> shapes,
          std::string &reason) {
  SmallVector<ArrayRef<int64_t>> refs(shapes.begin(), shapes.end());
  FailureOr<SmallVector<int64_t>> result = broadcastShapes(refs, reason);
  if (failed(result))
    return std::nullopt;
  return *result;
}

std::optional<SmallVector<int64_t>> reshape(ArrayRef<int64_t> input,
                                            ArrayRef<int64_t> target,
                                            bool allowZero,
                                            std::string &reason) {
  FailureOr<SmallVector<int64_t>> result =
      resolveReshape(input, target, allowZero, reason);
  if (failed(result))
    return std::nullopt;
  return *result;
}

using Shape = SmallVector<int64_t>;

TEST(FormatShape, MarksTheDynamicBatch) {
  EXPECT_EQ(formatShape({kDyn, 3, 4}), "[?, 3, 4]");
  EXPECT_EQ(formatShape({}), "[]");
}

TEST(NormalizeAxis, NegativeAndOutOfRange) {
  EXPECT_EQ(normalizeAxis(-1, 3), 2);
  EXPECT_EQ(normalizeAxis(-3, 3), 0);
  EXPECT_EQ(normalizeAxis(2, 3), 2);
  EXPECT_EQ(normalizeAxis(3, 3), std::nullopt);
  EXPECT_EQ(normalizeAxis(-4, 3), std::nullopt);
}

TEST(BroadcastShapes, NumpyRules) {
  std::string reason;
  EXPECT_EQ(broadcast({{kDyn, 3, 4}, {4}}, reason), (Shape{kDyn, 3, 4}));
  EXPECT_EQ(broadcast({{kDyn, 1, 4}, {3, 1}}, reason), (Shape{kDyn, 3, 4}));
  EXPECT_EQ(broadcast({{kDyn, 4}, {1, 4}}, reason), (Shape{kDyn, 4}));
  EXPECT_EQ(broadcast({{kDyn, 4}, {kDyn, 4}}, reason), (Shape{kDyn, 4}));
  EXPECT_EQ(broadcast({{1, 4}, {kDyn, 1}}, reason), (Shape{kDyn, 4}));
  EXPECT_EQ(broadcast({{}, {2, 3}}, reason), (Shape{2, 3}));
}

TEST(BroadcastShapes, Mismatches) {
  std::string reason;
  EXPECT_EQ(broadcast({{2, 3}, {4}}, reason), std::nullopt);
  EXPECT_EQ(reason, "shapes [2, 3] and [4] do not broadcast");
  // A dynamic batch only broadcasts against 1 or itself.
  EXPECT_EQ(broadcast({{kDyn, 3}, {5, 3}}, reason), std::nullopt);
  EXPECT_NE(reason.find("dynamic batch"), std::string::npos);
  // A lower-rank operand's dynamic dimension would land on dimension 1.
  EXPECT_EQ(broadcast({{kDyn}, {2, 1}}, reason), std::nullopt);
  EXPECT_EQ(reason, "broadcasting would move the dynamic batch to dimension 1");
}

TEST(ResolveReshape, ZeroAndMinusOne) {
  std::string reason;
  EXPECT_EQ(reshape({kDyn, 2, 3, 4}, {0, 6, 4}, false, reason),
            (Shape{kDyn, 6, 4}));
  EXPECT_EQ(reshape({kDyn, 2, 3, 4}, {0, -1}, false, reason),
            (Shape{kDyn, 24}));
  EXPECT_EQ(reshape({kDyn, 2, 3, 4}, {-1, 24}, false, reason),
            (Shape{kDyn, 24}));
  EXPECT_EQ(reshape({kDyn, 2, 3, 4}, {0, 4, -1}, false, reason),
            (Shape{kDyn, 4, 6}));
  EXPECT_EQ(reshape({2, 3}, {3, -1}, false, reason), (Shape{3, 2}));
  EXPECT_EQ(reshape({2, 3}, {-1}, false, reason), (Shape{6}));
  EXPECT_EQ(reshape({1, 1}, {}, false, reason), (Shape{}));
}

TEST(ResolveReshape, Errors) {
  std::string reason;
  // The batch must stay dimension 0.
  EXPECT_EQ(reshape({kDyn, 4}, {2, -1}, false, reason), std::nullopt);
  EXPECT_EQ(reshape({kDyn, 4}, {-1, 2}, false, reason), std::nullopt);
  EXPECT_EQ(reason, "the element counts differ");
  EXPECT_EQ(reshape({2, 3}, {-1, -1}, false, reason), std::nullopt);
  EXPECT_EQ(reason, "more than one -1");
  EXPECT_EQ(reshape({2, 3}, {4, -1}, false, reason), std::nullopt);
  EXPECT_EQ(reshape({2, 3}, {0, 0, 0}, false, reason), std::nullopt);
  EXPECT_EQ(reason, "0 at position 2 copies no dimension of the rank-2 input");
  EXPECT_EQ(reshape({2, 3}, {7}, false, reason), std::nullopt);
  // With allowzero, 0 is an empty dimension, which is not supported.
  EXPECT_EQ(reshape({2, 3}, {0, 6}, true, reason), std::nullopt);
}

} // namespace
