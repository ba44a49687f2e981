//===- RawIntegersTest.cpp - integer constants read and built in bulk -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// RawIntegers and getRawIntegers against the APInt path they replace: the
// same values read, and the same (uniqued) attribute built, for every
// element width the tables use and the edges of each.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/RawIntegers.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <random>
#include <string>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// The values of `attr` through APInt, as the element type reads them.
std::vector<int64_t> readThroughAPInt(DenseIntElementsAttr attr) {
  bool isUnsigned = cast<IntegerType>(attr.getElementType()).isUnsigned();
  std::vector<int64_t> values;
  for (const APInt &value : attr.getValues<APInt>())
    values.push_back(isUnsigned ? static_cast<int64_t>(value.getZExtValue())
                                : value.getSExtValue());
  return values;
}

/// `values` as an attribute of `type` built through APInt.
DenseIntElementsAttr buildThroughAPInt(ShapedType type,
                                       ArrayRef<int64_t> values) {
  unsigned width = type.getElementTypeBitWidth();
  bool isUnsigned = cast<IntegerType>(type.getElementType()).isUnsigned();
  SmallVector<APInt> ints;
  for (int64_t value : values)
    ints.push_back(APInt(width, static_cast<uint64_t>(value), !isUnsigned));
  return DenseIntElementsAttr::get(type, ints);
}

/// Values of every kind a `width`-bit type holds: its edges, 0, +-1 and
/// random ones.
std::vector<int64_t> sampleValues(unsigned width, bool isUnsigned,
                                  std::mt19937_64 &generator) {
  int64_t min = isUnsigned    ? 0
                : width == 64 ? INT64_MIN
                              : -(int64_t(1) << (width - 1));
  int64_t max = isUnsigned    ? static_cast<int64_t>((uint64_t(1) << width) - 1)
                : width == 64 ? INT64_MAX
                              : (int64_t(1) << (width - 1)) - 1;
  std::vector<int64_t> values = {min, max, 0};
  if (min < 0)
    values.push_back(-1);
  if (max > 0)
    values.push_back(1);
  std::uniform_int_distribution<int64_t> any(min, max);
  for (int i = 0; i < 27; ++i)
    values.push_back(any(generator));
  return values;
}

TEST(RawIntegers, ReadsAndBuildsLikeAPIntAtEveryWidth) {
  // 1-bit elements are packed by the attribute: built through APInt.
  MLIRContext context;
  std::mt19937_64 generator(11);
  for (unsigned width = 1; width <= 64; ++width) {
    for (bool isUnsigned : {false, true}) {
      if (isUnsigned && width == 64)
        continue;
      for (auto signedness :
           isUnsigned
               ? std::vector<
                     IntegerType::SignednessSemantics>{IntegerType::Unsigned}
               : std::vector<IntegerType::SignednessSemantics>{
                     IntegerType::Signless, IntegerType::Signed}) {
        auto element = IntegerType::get(&context, width, signedness);
        std::string label = (isUnsigned                          ? "ui"
                             : signedness == IntegerType::Signed ? "si"
                                                                 : "i") +
                            std::to_string(width);
        std::vector<int64_t> values =
            sampleValues(width, isUnsigned, generator);
        auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                          element);
        DenseIntElementsAttr built = getRawIntegers(type, values);
        // The same uniqued attribute as the APInt path builds.
        EXPECT_TRUE(built == buildThroughAPInt(type, values)) << label;
        EXPECT_EQ(readThroughAPInt(built), values) << label;
        RawIntegers reader(built);
        ASSERT_EQ(reader.size(), static_cast<int64_t>(values.size()));
        for (size_t i = 0; i < values.size(); ++i)
          EXPECT_EQ(reader[i], values[i]) << label << " at " << i;
        // getMinMax over every range of the sample reads the same values.
        for (size_t begin = 0; begin < values.size(); ++begin)
          for (size_t end = begin + 1; end <= values.size(); ++end) {
            auto [least, greatest] = reader.getMinMax(begin, end);
            EXPECT_EQ(least, *std::min_element(values.begin() + begin,
                                               values.begin() + end))
                << label << " [" << begin << ", " << end << ")";
            EXPECT_EQ(greatest, *std::max_element(values.begin() + begin,
                                                  values.begin() + end))
                << label << " [" << begin << ", " << end << ")";
          }
      }
    }
  }
}

TEST(RawIntegers, EqualValuesBuildASplat) {
  MLIRContext context;
  auto type = RankedTensorType::get({2, 8}, IntegerType::get(&context, 7));
  std::vector<int64_t> same(16, -5);
  DenseIntElementsAttr built = getRawIntegers(type, same);
  EXPECT_TRUE(built.isSplat());
  EXPECT_TRUE(built == buildThroughAPInt(type, same));
  RawIntegers reader(built);
  ASSERT_EQ(reader.size(), 16);
  for (int64_t i = 0; i < 16; ++i)
    EXPECT_EQ(reader[i], -5);
  EXPECT_EQ(reader.getMinMax(3, 9), (std::pair<int64_t, int64_t>{-5, -5}));
}

TEST(RawIntegers, ReadsBitsAndWideElementsThroughAPInt) {
  MLIRContext context;
  // i1: true reads -1 (two's complement), as getSExtValue does.
  auto bits = RankedTensorType::get({3}, IntegerType::get(&context, 1));
  auto bitAttr = DenseIntElementsAttr::get(
      bits, ArrayRef<APInt>{APInt(1, 1), APInt(1, 0), APInt(1, 1)});
  RawIntegers bitReader(bitAttr);
  EXPECT_EQ(bitReader[0], -1);
  EXPECT_EQ(bitReader[1], 0);
  EXPECT_EQ(bitReader[2], -1);
  // ui1 reads 1.
  auto unsignedBits = RankedTensorType::get(
      {2}, IntegerType::get(&context, 1, IntegerType::Unsigned));
  RawIntegers unsignedReader(DenseIntElementsAttr::get(
      unsignedBits, ArrayRef<APInt>{APInt(1, 0), APInt(1, 1)}));
  EXPECT_EQ(unsignedReader[0], 0);
  EXPECT_EQ(unsignedReader[1], 1);
  // i128 and ui64 elements of small values.
  auto wide = RankedTensorType::get({2}, IntegerType::get(&context, 128));
  RawIntegers wideReader(DenseIntElementsAttr::get(
      wide, ArrayRef<APInt>{APInt(128, -7, true), APInt(128, 9)}));
  EXPECT_EQ(wideReader[0], -7);
  EXPECT_EQ(wideReader[1], 9);
  EXPECT_EQ(wideReader.getMinMax(0, 2), (std::pair<int64_t, int64_t>{-7, 9}));
  EXPECT_EQ(bitReader.getMinMax(1, 3), (std::pair<int64_t, int64_t>{-1, 0}));
  auto u64 = RankedTensorType::get(
      {1}, IntegerType::get(&context, 64, IntegerType::Unsigned));
  RawIntegers u64Reader(
      DenseIntElementsAttr::get(u64, ArrayRef<APInt>{APInt(64, 12)}));
  EXPECT_EQ(u64Reader[0], 12);
  EXPECT_EQ(readRawIntegers(bitAttr), (SmallVector<int64_t>{-1, 0, -1}));
}

TEST(RawIntegers, RowsEncodedIntoSlicesBuildTheSameAttribute) {
  // A table written row by row into slices of one raw buffer (as the
  // lowering writes rows in parallel) is the attribute the APInt path
  // builds from all its values.
  MLIRContext context;
  std::mt19937_64 generator(5);
  for (unsigned width = 2; width <= 64; ++width) {
    std::vector<int64_t> values = sampleValues(width, false, generator);
    values.resize(30);
    auto type =
        RankedTensorType::get({3, 10}, IntegerType::get(&context, width));
    unsigned bytes = getRawIntegerBytes(width);
    std::vector<char> buffer(values.size() * bytes);
    for (size_t row = 3; row-- > 0;)
      encodeRawIntegers(
          ArrayRef<int64_t>(values).slice(row * 10, 10), width,
          MutableArrayRef<char>(buffer.data() + row * 10 * bytes, 10 * bytes));
    auto built = cast<DenseIntElementsAttr>(
        DenseElementsAttr::getFromRawBuffer(type, buffer));
    EXPECT_TRUE(built == buildThroughAPInt(type, values)) << "i" << width;
  }
}

} // namespace
