//===- Npy.cpp - read and write NumPy .npy files --------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/Npy.h"

#include "qfhe/Support/OutputFile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <optional>

using namespace mlir;
using namespace mlir::qfhe;
using llvm::StringRef;

// Elements are copied to and from files as they lie in memory.
static_assert(llvm::endianness::native == llvm::endianness::little,
              "the .npy codec assumes a little-endian host");

namespace {

constexpr StringRef kMagic = "\x93NUMPY";

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// A recursive-descent parser of the header: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : rest(text) {}

  /// The three fields of the header, checked for presence.
  struct Header {
    std::string descr;
    bool fortranOrder = false;
    llvm::SmallVector<int64_t, 4> shape;
  };

  llvm::Expected<Header> parse() {
    Header header;
    bool seenDescr = false, seenOrder = false, seenShape = false;
    if (!consume('{'))
      return fail("expected '{'");
    while (!consume('}')) {
      std::optional<std::string> key = parseString();
      if (!key)
        return fail("expected a quoted key or '}'");
      if (!consume(':'))
        return fail("expected ':' after '" + *key + "'");
      if (*key == "descr") {
        std::optional<std::string> descr = parseString();
        if (!descr)
          return makeError("unsupported dtype: only simple dtypes such as "
                           "'<f4' are supported, not structured ones");
        header.descr = *descr;
        seenDescr = true;
      } else if (*key == "fortran_order") {
        std::optional<bool> value = parseBool();
        if (!value)
          return fail("expected True or False for 'fortran_order'");
        header.fortranOrder = *value;
        seenOrder = true;
      } else if (*key == "shape") {
        if (llvm::Error error = parseShape(header.shape))
          return std::move(error);
        seenShape = true;
      } else {
        return fail("unexpected key '" + *key + "'");
      }
      if (!consume(',')) {
        if (!consume('}'))
          return fail("expected ',' or '}'");
        break;
      }
    }
    skipSpace();
    if (!rest.empty())
      return fail("unexpected text after the dictionary");
    if (!seenDescr || !seenOrder || !seenShape)
      return fail("the dictionary needs the keys 'descr', 'fortran_order' "
                  "and 'shape'");
    return header;
  }

private:
  llvm::Error fail(const llvm::Twine &what) {
    return makeError("malformed header: " + what);
  }

  void skipSpace() { rest = rest.ltrim(" \t\r\n"); }

  bool consume(char c) {
    skipSpace();
    return rest.consume_front(StringRef(&c, 1));
  }

  std::optional<std::string> parseString() {
    skipSpace();
    if (rest.empty() || (rest.front() != '\'' && rest.front() != '"'))
      return std::nullopt;
    char quote = rest.front();
    size_t end = rest.find(quote, 1);
    if (end == StringRef::npos)
      return std::nullopt;
    std::string value = rest.slice(1, end).str();
    rest = rest.drop_front(end + 1);
    return value;
  }

  std::optional<bool> parseBool() {
    skipSpace();
    if (rest.consume_front("True"))
      return true;
    if (rest.consume_front("False"))
      return false;
    return std::nullopt;
  }

  /// A tuple of non-negative integers: `()`, `(3,)`, `(3, 4)`, `(3, 4,)`.
  llvm::Error parseShape(llvm::SmallVectorImpl<int64_t> &shape) {
    if (!consume('('))
      return fail("expected a tuple for 'shape'");
    while (!consume(')')) {
      skipSpace();
      size_t digits =
          std::min(rest.find_first_not_of("0123456789"), rest.size());
      uint64_t size;
      if (digits == 0 || rest.take_front(digits).getAsInteger(10, size) ||
          size > static_cast<uint64_t>(INT64_MAX))
        return fail("expected a non-negative integer in 'shape'");
      shape.push_back(static_cast<int64_t>(size));
      rest = rest.drop_front(digits);
      if (!consume(',')) {
        if (!consume(')'))
          return fail("expected ',' or ')' in 'shape'");
        break;
      }
    }
    return llvm::Error::success();
  }

  StringRef rest;
};

/// Maps a dtype string such as '<f4' to a DType.
llvm::Expected<DType> parseDescr(StringRef descr) {
  unsigned size = 0;
  std::optional<DType> dtype;
  if (descr.size() == 3 && StringRef("<>|=").contains(descr[0]) &&
      !descr.drop_front(2).getAsInteger(10, size))
    dtype = getDTypeOfKind(descr[1], size);
  if (!dtype)
    return makeError("unsupported dtype '" + descr +
                     "': expected bool, int8..int64, uint8..uint64, float32 "
                     "or float64");
  // One-byte types have no byte order; '=' is the host's, little-endian.
  if (descr[0] == '>' && size > 1)
    return makeError("big-endian data ('" + descr +
                     "') is not supported: convert it with "
                     "array.astype(array.dtype.newbyteorder('<'))");
  return *dtype;
}

/// The header text and the data that follows it, from the preamble.
llvm::Error splitFile(StringRef contents, StringRef &header, StringRef &data) {
  if (!contents.starts_with(kMagic))
    return makeError("not a .npy file (the magic string \\x93NUMPY is "
                     "missing)");
  StringRef rest = contents.drop_front(kMagic.size());
  if (rest.size() < 2)
    return makeError("truncated header");
  unsigned major = static_cast<uint8_t>(rest[0]);
  unsigned minor = static_cast<uint8_t>(rest[1]);
  rest = rest.drop_front(2);
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    return makeError("unsupported .npy format version " + llvm::Twine(major) +
                     "." + llvm::Twine(minor) + " (expected 1.0, 2.0 or 3.0)");
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (rest.size() < lengthBytes)
    return makeError("truncated header");
  uint64_t length = major == 1 ? llvm::support::endian::read16le(rest.data())
                               : llvm::support::endian::read32le(rest.data());
  rest = rest.drop_front(lengthBytes);
  if (rest.size() < length)
    return makeError("truncated header: it announces " + llvm::Twine(length) +
                     " bytes, the file has " + llvm::Twine(rest.size()));
  header = rest.take_front(length);
  data = rest.drop_front(length);
  return llvm::Error::success();
}

llvm::Expected<HostArray> parseNpyUnnamed(StringRef contents) {
  StringRef headerText, data;
  if (llvm::Error error = splitFile(contents, headerText, data))
    return std::move(error);
  llvm::Expected<HeaderParser::Header> header =
      HeaderParser(headerText).parse();
  if (!header)
    return header.takeError();
  llvm::Expected<DType> dtype = parseDescr(header->descr);
  if (!dtype)
    return dtype.takeError();
  int64_t count = 1;
  for (int64_t size : header->shape)
    if (llvm::MulOverflow(count, size, count))
      return makeError("shape " + formatShape(header->shape) + " is too large");
  // Fortran and C order agree when at most one dimension exceeds 1.
  if (header->fortranOrder &&
      llvm::count_if(header->shape, [](int64_t size) { return size > 1; }) > 1)
    return makeError("Fortran-order arrays are not supported: save a C-order "
                     "copy (numpy.ascontiguousarray)");
  int64_t expected;
  if (llvm::MulOverflow(count, static_cast<int64_t>(getDTypeSize(*dtype)),
                        expected))
    return makeError("shape " + formatShape(header->shape) + " is too large");
  if (static_cast<uint64_t>(expected) != data.size())
    return makeError(llvm::Twine(data.size() < static_cast<uint64_t>(expected)
                                     ? "truncated data"
                                     : "unexpected data after the array") +
                     ": shape " + formatShape(header->shape) + " of " +
                     getDTypeName(*dtype) + " needs " + llvm::Twine(expected) +
                     " bytes after the header, the file has " +
                     llvm::Twine(data.size()));
  HostArray array(*dtype, header->shape);
  if (!data.empty())
    std::memcpy(array.getData(), data.data(), data.size());
  return array;
}

/// NumPy's dtype string of `dtype`: '<f4', '|u1'...
std::string getDescr(DType dtype) {
  size_t size = getDTypeSize(dtype);
  return (size == 1 ? "|" : "<") + std::string(1, getDTypeKind(dtype)) +
         std::to_string(size);
}

} // namespace

llvm::Expected<HostArray> mlir::qfhe::parseNpy(StringRef contents,
                                               StringRef name) {
  llvm::Expected<HostArray> array = parseNpyUnnamed(contents);
  if (!array)
    return makeError(name + ": " + llvm::toString(array.takeError()));
  return array;
}

llvm::Expected<HostArray> mlir::qfhe::readNpyFile(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("cannot read " + path + ": " +
                     buffer.getError().message());
  return parseNpy((*buffer)->getBuffer(), path);
}

void mlir::qfhe::writeNpy(const HostArray &array, llvm::raw_ostream &os) {
  std::string header;
  llvm::raw_string_ostream headerOs(header);
  headerOs << "{'descr': '" << getDescr(array.getDType())
           << "', 'fortran_order': False, 'shape': (";
  llvm::interleave(array.getShape(), headerOs, ", ");
  if (array.getRank() == 1)
    headerOs << ',';
  headerOs << "), }";
  // Like numpy.save: room for the leading dimension to grow to 21 digits,
  // then spaces and a newline up to a multiple of 64 bytes in all; version
  // 2.0 (a 4-byte length) when the header does not fit version 1.0's 2
  // bytes (arrays of thousands of dimensions).
  if (array.getRank() > 0)
    header.append(21 - std::to_string(array.getShape().front()).size(), ' ');
  auto paddedSize = [&](size_t lengthBytes) {
    size_t preamble = kMagic.size() + 2 + lengthBytes;
    return llvm::alignTo(preamble + header.size() + 1, 64) - preamble;
  };
  bool version1 = paddedSize(2) <= UINT16_MAX;
  size_t total = paddedSize(version1 ? 2 : 4);
  header.append(total - header.size() - 1, ' ');
  header += '\n';

  os << kMagic << char(version1 ? 1 : 2) << char(0);
  char length[4];
  if (version1) {
    llvm::support::endian::write16le(length, header.size());
    os.write(length, 2);
  } else {
    llvm::support::endian::write32le(length, header.size());
    os.write(length, 4);
  }
  os << header;
  os.write(array.getData(), array.getSizeInBytes());
}

llvm::Error mlir::qfhe::writeNpyFile(const HostArray &array, StringRef path) {
  return writeOutputFile(path, [&](llvm::raw_ostream &os) {
    writeNpy(array, os);
    return llvm::Error::success();
  });
}
