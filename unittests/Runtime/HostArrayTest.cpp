//===- HostArrayTest.cpp - tests of host arrays ---------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/HostArray.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>

using namespace mlir::qfhe;

namespace {

template <typename T>
HostArray makeArray(DType dtype, llvm::ArrayRef<int64_t> shape,
                    std::initializer_list<T> values) {
  HostArray array(dtype, shape);
  EXPECT_EQ(array.getSizeInBytes(), values.size() * sizeof(T));
  std::memcpy(array.getData(), values.begin(), array.getSizeInBytes());
  return array;
}

TEST(HostArray, ShapesAndSizes) {
  HostArray array(DType::Int16, {3, 4});
  EXPECT_EQ(array.getRank(), 2);
  EXPECT_EQ(array.getNumElements(), 12);
  EXPECT_EQ(array.getSizeInBytes(), 24u);
  EXPECT_EQ(HostArray(DType::Float64, {}).getNumElements(), 1);
  EXPECT_EQ(HostArray(DType::Float64, {5, 0}).getSizeInBytes(), 0u);
}

TEST(HostArray, RowsAreViewsIntoTheArray) {
  HostArray array =
      makeArray<float>(DType::Float32, {3, 2}, {0, 1, 2, 3, 4, 5});
  ArrayView rows = array.getRows(1, 2);
  EXPECT_EQ(rows.shape, llvm::SmallVector<int64_t>({2, 2}));
  EXPECT_EQ(rows.data, array.getData() + 2 * sizeof(float));
  EXPECT_EQ(array.getView().data, array.getData());
}

TEST(HostArray, ElementsAsIntegers) {
  HostArray floats =
      makeArray<double>(DType::Float64, {4}, {3.0, -2.0, 0.5, 1e300});
  EXPECT_EQ(floats.getAsInteger(0), 3);
  EXPECT_EQ(floats.getAsInteger(1), -2);
  EXPECT_EQ(floats.getAsInteger(2), std::nullopt);
  EXPECT_EQ(floats.getAsInteger(3), std::nullopt);
  HostArray nan = makeArray<float>(DType::Float32, {1}, {std::nanf("")});
  EXPECT_EQ(nan.getAsInteger(0), std::nullopt);
  HostArray big = makeArray<uint64_t>(DType::UInt64, {2}, {7, ~0ull});
  EXPECT_EQ(big.getAsInteger(0), 7);
  EXPECT_EQ(big.getAsInteger(1), std::nullopt);
  HostArray bytes = makeArray<int8_t>(DType::Int8, {1}, {-128});
  EXPECT_EQ(bytes.getAsInteger(0), -128);
  EXPECT_EQ(bytes.getAsDouble(0), -128.0);
}

TEST(HostArray, Formatting) {
  EXPECT_EQ(formatShape({360, 64}), "[360, 64]");
  EXPECT_EQ(formatShape({}), "[]");
  EXPECT_EQ(formatIndex({3, 4, 5}, 0), "[0, 0, 0]");
  EXPECT_EQ(formatIndex({3, 4, 5}, 59), "[2, 3, 4]");
  EXPECT_EQ(formatIndex({3, 4, 5}, 27), "[1, 1, 2]");
  EXPECT_EQ(formatNumber(0.5), "0.5");
  EXPECT_EQ(formatNumber(16777217), "16777217");
  EXPECT_EQ(formatNumber(-1.5e-7), "-1.5e-07");
  EXPECT_EQ(getDTypeName(DType::UInt8), "uint8");
  EXPECT_EQ(getDTypeSize(DType::Bool), 1u);
  EXPECT_EQ(getDTypeSize(DType::UInt64), 8u);
}

} // namespace
