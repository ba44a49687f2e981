//===- NpyTest.cpp - tests of the .npy codec ------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/Npy.h"

#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace mlir::qfhe;

namespace {

/// A .npy file of format `major`.0 with `header` (padded with spaces and a
/// newline to a multiple of `align` bytes) and `data`.
std::string makeNpy(const std::string &header, const std::string &data,
                    int major = 1, size_t align = 64) {
  size_t lengthBytes = major == 1 ? 2 : 4;
  size_t preamble = 6 + 2 + lengthBytes;
  std::string padded = header;
  while ((preamble + padded.size() + 1) % align != 0)
    padded += ' ';
  padded += '\n';
  std::string file = "\x93NUMPY";
  file += static_cast<char>(major);
  file += '\0';
  for (size_t i = 0; i < lengthBytes; ++i)
    file += static_cast<char>((padded.size() >> (8 * i)) & 0xff);
  return file + padded + data;
}

std::string bytesOf(const void *data, size_t size) {
  return std::string(static_cast<const char *>(data), size);
}

std::string floats(std::initializer_list<float> values) {
  return bytesOf(values.begin(), values.size() * sizeof(float));
}

/// The message of a parse that must fail.
std::string parseError(const std::string &file) {
  llvm::Expected<HostArray> array = parseNpy(file, "x.npy");
  EXPECT_FALSE(static_cast<bool>(array));
  return array ? "" : llvm::toString(array.takeError());
}

TEST(Npy, ParsesFloat32Matrix) {
  std::string file =
      makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
              floats({1, 2, 3, 4, 5, 6}));
  llvm::Expected<HostArray> array = parseNpy(file, "x.npy");
  ASSERT_TRUE(static_cast<bool>(array)) << llvm::toString(array.takeError());
  EXPECT_EQ(array->getDType(), DType::Float32);
  EXPECT_EQ(array->getShape(), llvm::ArrayRef<int64_t>({2, 3}));
  EXPECT_EQ(array->getAsDouble(0), 1.0);
  EXPECT_EQ(array->getAsDouble(5), 6.0);
}

TEST(Npy, ParsesEveryDType) {
  struct Case {
    const char *descr;
    DType dtype;
  };
  for (Case c : {Case{"|b1", DType::Bool}, Case{"|i1", DType::Int8},
                 Case{"<i2", DType::Int16}, Case{"<i4", DType::Int32},
                 Case{"<i8", DType::Int64}, Case{"|u1", DType::UInt8},
                 Case{"<u2", DType::UInt16}, Case{"<u4", DType::UInt32},
                 Case{"<u8", DType::UInt64}, Case{"<f4", DType::Float32},
                 Case{"<f8", DType::Float64}, Case{"<u1", DType::UInt8},
                 Case{">i1", DType::Int8}, Case{"=f8", DType::Float64}}) {
    std::string header = std::string("{'descr': '") + c.descr +
                         "', 'fortran_order': False, 'shape': (2,), }";
    std::string data(2 * getDTypeSize(c.dtype), '\1');
    llvm::Expected<HostArray> array = parseNpy(makeNpy(header, data), "x");
    ASSERT_TRUE(static_cast<bool>(array)) << llvm::toString(array.takeError());
    EXPECT_EQ(array->getDType(), c.dtype) << c.descr;
  }
}

TEST(Npy, ZeroDimensionalArrayHasOneElement) {
  llvm::Expected<HostArray> array = parseNpy(
      makeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
              bytesOf("\0\0\0\0\0\0\xf0\x3f", 8)),
      "x");
  ASSERT_TRUE(static_cast<bool>(array)) << llvm::toString(array.takeError());
  EXPECT_EQ(array->getRank(), 0);
  EXPECT_EQ(array->getNumElements(), 1);
  EXPECT_EQ(array->getAsDouble(0), 1.0);
}

TEST(Npy, EmptyArraysHaveNoData) {
  for (const char *shape : {"(0,)", "(2, 0)", "(0, 5, 3)"}) {
    llvm::Expected<HostArray> array =
        parseNpy(makeNpy(std::string("{'descr': '<f4', 'fortran_order': False, "
                                     "'shape': ") +
                             shape + ", }",
                         ""),
                 "x");
    ASSERT_TRUE(static_cast<bool>(array)) << llvm::toString(array.takeError());
    EXPECT_EQ(array->getNumElements(), 0) << shape;
    EXPECT_EQ(array->getSizeInBytes(), 0u) << shape;
  }
}

TEST(Npy, HeaderVariants) {
  std::string data = floats({7, 8});
  // Older numpy padded to 16 bytes; version 2.0 and 3.0 have a 4-byte
  // length; keys may come in any order, with either quote, and the shape
  // may end with a comma.
  for (std::string file :
       {makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                data, 1, 16),
        makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                data, 2),
        makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                data, 3),
        makeNpy("{'shape': (2,), 'descr': '<f4', 'fortran_order': False}",
                data),
        makeNpy("{\"descr\": \"<f4\", \"fortran_order\": False, "
                "\"shape\": (2,)}",
                data),
        makeNpy("{'descr':'<f4','fortran_order':False,'shape':(1,2,),}",
                data)}) {
    llvm::Expected<HostArray> array = parseNpy(file, "x");
    ASSERT_TRUE(static_cast<bool>(array)) << llvm::toString(array.takeError());
    EXPECT_EQ(array->getNumElements(), 2);
    EXPECT_EQ(array->getAsDouble(1), 8.0);
  }
}

TEST(Npy, FortranOrderIsRejectedUnlessItChangesNothing) {
  EXPECT_NE(parseError(makeNpy("{'descr': '<f4', 'fortran_order': True, "
                               "'shape': (2, 3), }",
                               floats({1, 2, 3, 4, 5, 6})))
                .find("x.npy: Fortran-order arrays are not supported"),
            std::string::npos);
  // One dimension (or all but one of size 1): the same bytes in both orders.
  llvm::Expected<HostArray> array = parseNpy(
      makeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3), }",
              floats({1, 2, 3})),
      "x");
  EXPECT_TRUE(static_cast<bool>(array)) << llvm::toString(array.takeError());
}

TEST(Npy, BigEndianIsRejected) {
  EXPECT_NE(
      parseError(
          makeNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
                  floats({1})))
          .find("x.npy: big-endian data ('>f4') is not supported"),
      std::string::npos);
}

TEST(Npy, UnsupportedDTypes) {
  for (const char *descr : {"<c8", "<f2", "|O", "<U10", "|S3", "<m8[s]"})
    EXPECT_NE(parseError(makeNpy(std::string("{'descr': '") + descr +
                                     "', 'fortran_order': False, 'shape': "
                                     "(1,), }",
                                 std::string(16, '\0')))
                  .find(std::string("unsupported dtype '") + descr + "'"),
              std::string::npos)
        << descr;
  EXPECT_NE(parseError(makeNpy("{'descr': [('a', '<f4')], 'fortran_order': "
                               "False, 'shape': (1,), }",
                               floats({1})))
                .find("structured"),
            std::string::npos);
}

TEST(Npy, BadMagicAndVersion) {
  std::string good = makeNpy(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", floats({1}));
  std::string badMagic = good;
  badMagic[5] = 'Z';
  EXPECT_NE(parseError(badMagic).find("x.npy: not a .npy file"),
            std::string::npos);
  EXPECT_NE(parseError("").find("not a .npy file"), std::string::npos);
  std::string badVersion = good;
  badVersion[6] = 4;
  EXPECT_NE(parseError(badVersion).find("unsupported .npy format version 4.0"),
            std::string::npos);
}

TEST(Npy, TruncatedFiles) {
  std::string good =
      makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
              floats({1, 2, 3, 4}));
  EXPECT_NE(parseError(good.substr(0, good.size() - 3))
                .find("x.npy: truncated data: shape [2, 2] of float32 needs "
                      "16 bytes after the header, the file has 13"),
            std::string::npos);
  EXPECT_NE(parseError(good + "xx").find("unexpected data after the array"),
            std::string::npos);
  EXPECT_NE(parseError(good.substr(0, 30)).find("truncated header"),
            std::string::npos);
  EXPECT_NE(parseError(good.substr(0, 9)).find("truncated header"),
            std::string::npos);
}

TEST(Npy, MalformedHeaders) {
  struct Case {
    const char *header;
    const char *message;
  };
  for (Case c : {
           Case{"'descr': '<f4'", "expected '{'"},
           Case{"{'descr': '<f4', 'fortran_order': False}",
                "needs the keys 'descr', 'fortran_order' and 'shape'"},
           Case{"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), "
                "'extra': 1}",
                "unexpected key 'extra'"},
           Case{"{descr: '<f4'}", "expected a quoted key"},
           Case{"{'descr' '<f4'}", "expected ':' after 'descr'"},
           Case{"{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}",
                "expected True or False"},
           Case{"{'descr': '<f4', 'fortran_order': False, 'shape': [2]}",
                "expected a tuple for 'shape'"},
           Case{"{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}",
                "expected a non-negative integer in 'shape'"},
           Case{"{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}",
                "expected ',' or ')' in 'shape'"},
           Case{"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x",
                "unexpected text after the dictionary"},
       }) {
    std::string message = parseError(makeNpy(c.header, floats({1, 2})));
    EXPECT_NE(message.find("x.npy: malformed header"), std::string::npos)
        << c.header << ": " << message;
    EXPECT_NE(message.find(c.message), std::string::npos)
        << c.header << ": " << message;
  }
}

TEST(Npy, HugeShapesAreRejected) {
  EXPECT_NE(parseError(makeNpy("{'descr': '<f8', 'fortran_order': False, "
                               "'shape': (4294967296, 4294967296), }",
                               ""))
                .find("is too large"),
            std::string::npos);
}

TEST(Npy, WritesWhatNumpySaveWrites) {
  // np.save(f, np.zeros((360, 10), np.float32)): a 128-byte preamble.
  HostArray array(DType::Float32, {360, 10});
  std::string file;
  llvm::raw_string_ostream os(file);
  writeNpy(array, os);
  std::string header = "{'descr': '<f4', 'fortran_order': False, "
                       "'shape': (360, 10), }";
  ASSERT_EQ(file.size(), 128u + 3600 * 4);
  EXPECT_EQ(file.substr(0, 10), bytesOf("\x93NUMPY\x01\x00\x76\x00", 10));
  EXPECT_EQ(file.substr(10, header.size()), header);
  EXPECT_EQ(file[127], '\n');
  EXPECT_EQ(file.find_first_not_of(' ', 10 + header.size()), 127u);
}

TEST(Npy, WritesShapesAsPythonTuples) {
  for (auto [shape, text] :
       {std::pair<std::vector<int64_t>, const char *>{{}, "()"},
        {{3}, "(3,)"},
        {{2, 0, 4}, "(2, 0, 4)"}}) {
    HostArray array(DType::UInt8, shape);
    std::string file;
    llvm::raw_string_ostream os(file);
    writeNpy(array, os);
    EXPECT_NE(file.find(std::string("'shape': ") + text + ", }"),
              std::string::npos)
        << text;
    EXPECT_EQ((10 + static_cast<uint8_t>(file[8])) % 64, 0u);
  }
}

TEST(Npy, RoundTripsEveryDType) {
  for (DType dtype : {DType::Bool, DType::Int8, DType::Int16, DType::Int32,
                      DType::Int64, DType::UInt8, DType::UInt16, DType::UInt32,
                      DType::UInt64, DType::Float32, DType::Float64}) {
    HostArray array(dtype, {2, 3});
    for (size_t i = 0; i < array.getSizeInBytes(); ++i)
      array.getData()[i] = static_cast<char>(i % 2);
    std::string file;
    llvm::raw_string_ostream os(file);
    writeNpy(array, os);
    llvm::Expected<HostArray> back = parseNpy(file, "x");
    ASSERT_TRUE(static_cast<bool>(back)) << llvm::toString(back.takeError());
    EXPECT_EQ(back->getDType(), dtype);
    EXPECT_EQ(back->getShape(), array.getShape());
    EXPECT_EQ(0, std::memcmp(back->getData(), array.getData(),
                             array.getSizeInBytes()));
  }
}

TEST(Npy, HeadersBeyond64KiBAreWrittenAsVersion2) {
  // 30000 dimensions of 1: a header of about 90 KB, which version 1.0's
  // 2-byte length cannot state.
  HostArray array(DType::Float32, llvm::SmallVector<int64_t>(30000, 1));
  std::string file;
  llvm::raw_string_ostream os(file);
  writeNpy(array, os);
  EXPECT_EQ(file[6], 2) << "format version";
  EXPECT_EQ((file.size() - array.getSizeInBytes()) % 64, 0u);
  llvm::Expected<HostArray> back = parseNpy(file, "x");
  ASSERT_TRUE(static_cast<bool>(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->getShape(), array.getShape());
}

TEST(Npy, MissingFile) {
  llvm::Expected<HostArray> array = readNpyFile("/nonexistent/x.npy");
  ASSERT_FALSE(static_cast<bool>(array));
  EXPECT_NE(llvm::toString(array.takeError())
                .find("cannot read /nonexistent/x.npy: "),
            std::string::npos);
}

} // namespace
