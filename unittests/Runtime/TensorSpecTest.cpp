//===- TensorSpecTest.cpp - tests of the conversion of data ---------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/TensorSpec.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace mlir::qfhe;

namespace {

template <typename T>
HostArray makeArray(DType dtype, std::initializer_list<T> values) {
  HostArray array(dtype, {static_cast<int64_t>(values.size())});
  std::memcpy(array.getData(), values.begin(), array.getSizeInBytes());
  return array;
}

template <typename T> std::vector<T> elementsOf(const HostArray &array) {
  std::vector<T> values(array.getNumElements());
  std::memcpy(values.data(), array.getData(), array.getSizeInBytes());
  return values;
}

const ElementSpec kF32{DType::Float32, 32, "f32"};
const ElementSpec kF64{DType::Float64, 64, "f64"};
const ElementSpec kI8{DType::Int8, 8, "i8"};
const ElementSpec kI3{DType::Int8, 3, "i3"};
const ElementSpec kUI3{DType::UInt8, 3, "ui3"};
const ElementSpec kI1{DType::Bool, 1, "i1"};

std::string conversionError(HostArray array, const ElementSpec &spec) {
  llvm::Expected<HostArray> converted = convertElements(std::move(array), spec);
  EXPECT_FALSE(static_cast<bool>(converted));
  return converted ? "" : llvm::toString(converted.takeError());
}

TEST(ConvertElements, PixelsBecomeFloatsExactly) {
  llvm::Expected<HostArray> converted =
      convertElements(makeArray<uint8_t>(DType::UInt8, {0, 16, 255}), kF32);
  ASSERT_TRUE(static_cast<bool>(converted));
  EXPECT_EQ(converted->getDType(), DType::Float32);
  EXPECT_EQ(elementsOf<float>(*converted), (std::vector<float>{0, 16, 255}));
}

TEST(ConvertElements, IntegersThatFloatsCannotHold) {
  EXPECT_EQ(
      conversionError(makeArray<int32_t>(DType::Int32, {1, 16777217}), kF32),
      "value 16777217 at [1] is not exactly representable as f32");
  EXPECT_EQ(conversionError(makeArray<int64_t>(DType::Int64, {(1LL << 53) + 1}),
                            kF64),
            "value 9007199254740993 at [0] is not exactly representable as "
            "f64");
  llvm::Expected<HostArray> fits =
      convertElements(makeArray<int32_t>(DType::Int32, {-16777216}), kF32);
  EXPECT_TRUE(static_cast<bool>(fits));
}

TEST(ConvertElements, Float64DataRoundsIntoF32) {
  llvm::Expected<HostArray> converted =
      convertElements(makeArray<double>(DType::Float64, {0.1, 1.5}), kF32);
  ASSERT_TRUE(static_cast<bool>(converted));
  EXPECT_EQ(elementsOf<float>(*converted), (std::vector<float>{0.1f, 1.5f}));
}

TEST(ConvertElements, FloatDataNeverFeedsIntegers) {
  EXPECT_EQ(conversionError(makeArray<float>(DType::Float32, {1}), kI8),
            "float32 data cannot feed integer elements (i8): store integers");
}

TEST(ConvertElements, IntegersMustFitTheirBits) {
  EXPECT_EQ(conversionError(makeArray<int16_t>(DType::Int16, {5, 300}), kI8),
            "value 300 at [1] is outside the range [-128, 127] of i8");
  EXPECT_EQ(conversionError(makeArray<int8_t>(DType::Int8, {-4, 3, 4}), kI3),
            "value 4 at [2] is outside the range [-4, 3] of i3");
  EXPECT_EQ(conversionError(makeArray<int8_t>(DType::Int8, {-1}), kUI3),
            "value -1 at [0] is outside the range [0, 7] of ui3");
  EXPECT_EQ(conversionError(makeArray<uint64_t>(DType::UInt64, {~0ull}), kI8),
            "value 18446744073709551615 at [0] is outside the range [-128, "
            "127] of i8");
  llvm::Expected<HostArray> narrow =
      convertElements(makeArray<int64_t>(DType::Int64, {-4, 3}), kI3);
  ASSERT_TRUE(static_cast<bool>(narrow));
  EXPECT_EQ(narrow->getDType(), DType::Int8);
  EXPECT_EQ(elementsOf<int8_t>(*narrow), (std::vector<int8_t>{-4, 3}));
}

TEST(ConvertElements, BoolElements) {
  llvm::Expected<HostArray> bools =
      convertElements(makeArray<uint8_t>(DType::UInt8, {0, 1}), kI1);
  ASSERT_TRUE(static_cast<bool>(bools));
  EXPECT_EQ(bools->getDType(), DType::Bool);
  EXPECT_EQ(conversionError(makeArray<int32_t>(DType::Int32, {2}), kI1),
            "value 2 at [0] is outside the range [0, 1] of i1");
  llvm::Expected<HostArray> floats =
      convertElements(makeArray<uint8_t>(DType::Bool, {1, 0}), kF32);
  ASSERT_TRUE(static_cast<bool>(floats));
  EXPECT_EQ(elementsOf<float>(*floats), (std::vector<float>{1, 0}));
}

TEST(ConvertElements, MatchingDataIsNotCopied) {
  HostArray array = makeArray<float>(DType::Float32, {1, 2});
  const char *data = array.getData();
  llvm::Expected<HostArray> same = convertElements(std::move(array), kF32);
  ASSERT_TRUE(static_cast<bool>(same));
  EXPECT_EQ(same->getData(), data);
}

TEST(CanonicalizeElements, NarrowIntegers) {
  HostArray signedArray = makeArray<int8_t>(DType::Int8, {0x07, 0x03, 0x7C});
  canonicalizeElements(signedArray, kI3);
  EXPECT_EQ(elementsOf<int8_t>(signedArray), (std::vector<int8_t>{-1, 3, -4}));
  HostArray unsignedArray = makeArray<uint8_t>(DType::UInt8, {0xFF, 0x08});
  canonicalizeElements(unsignedArray, kUI3);
  EXPECT_EQ(elementsOf<uint8_t>(unsignedArray), (std::vector<uint8_t>{7, 0}));
  HostArray bools = makeArray<uint8_t>(DType::Bool, {0xFE, 0x01});
  canonicalizeElements(bools, kI1);
  EXPECT_EQ(elementsOf<uint8_t>(bools), (std::vector<uint8_t>{0, 1}));
  HostArray full = makeArray<int8_t>(DType::Int8, {-128});
  canonicalizeElements(full, kI8);
  EXPECT_EQ(elementsOf<int8_t>(full), (std::vector<int8_t>{-128}));
}

} // namespace
