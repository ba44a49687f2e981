//===- OptionRanges.cpp - the valid values of qfhe's options --------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/OptionRanges.h"
#include "qfhe/Support/NumberFormat.h"

#include "qfhe/Support/OutputFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir::qfhe;
using llvm::StringRef;

unsigned mlir::qfhe::getDefaultTluBitWidth(unsigned maxBitWidth) {
  return std::min<unsigned>(maxBitWidth,
                            static_cast<unsigned>(kLookupBitsRange.max));
}

unsigned mlir::qfhe::getTluBitWidth(unsigned maxBitWidth,
                                    unsigned tluBitWidth) {
  return tluBitWidth ? tluBitWidth : getDefaultTluBitWidth(maxBitWidth);
}

unsigned mlir::qfhe::getFittedLookupBits(unsigned lookupBits,
                                         int64_t channels) {
  if (channels > kMaxTableEntries)
    return 0;
  unsigned fits =
      llvm::Log2_64(static_cast<uint64_t>(kMaxTableEntries) /
                    static_cast<uint64_t>(std::max<int64_t>(channels, 1)));
  return std::min(lookupBits, fits);
}

static std::string formatRange(OptionRange range) {
  return "[" + std::to_string(range.min) + ", " + std::to_string(range.max) +
         "]";
}

OptionChecker &OptionChecker::inRange(StringRef name, int64_t value,
                                      OptionRange range) {
  if (value < range.min || value > range.max)
    problems.push_back(
        (name + "=" + llvm::Twine(value) + " is outside " + formatRange(range))
            .str());
  return *this;
}

OptionChecker &OptionChecker::inRealRange(StringRef name, double value,
                                          double min, double max) {
  // NaN is outside every range.
  if (!(value >= min && value <= max))
    problems.push_back((name + "=" + formatReal(value) + " is outside [" +
                        formatReal(min) + ", " + formatReal(max) + "]")
                           .str());
  return *this;
}

OptionChecker &OptionChecker::needs(StringRef name, bool used, StringRef needed,
                                    bool given, StringRef reason) {
  if (used && !given)
    problems.push_back((name + " needs " + needed + " (" + reason + ")").str());
  return *this;
}

OptionChecker &OptionChecker::bitWidths(unsigned maxBitWidth,
                                        unsigned tluBitWidth) {
  inRange("max-bit-width", maxBitWidth, kEncryptedBitsRange);
  if (tluBitWidth == 0)
    return *this;
  size_t before = problems.size();
  inRange("tlu-bit-width", tluBitWidth, kLookupBitsRange);
  if (problems.size() == before && tluBitWidth > maxBitWidth)
    problems.push_back(("tlu-bit-width=" + llvm::Twine(tluBitWidth) +
                        " is above max-bit-width=" + llvm::Twine(maxBitWidth) +
                        ": a lookup input is an encrypted value under the cap")
                           .str());
  return *this;
}

OptionChecker &OptionChecker::powerOfTwo(StringRef name, int64_t value,
                                         OptionRange range) {
  size_t before = problems.size();
  inRange(name, value, range);
  if (problems.size() == before && !llvm::isPowerOf2_64(value))
    problems.push_back((name + "=" + llvm::Twine(value) +
                        " is not a power of two (1, 2, 4, ... " +
                        llvm::Twine(range.max) + ")")
                           .str());
  return *this;
}

OptionChecker &OptionChecker::oneOf(StringRef name, StringRef value,
                                    llvm::ArrayRef<StringRef> allowed) {
  if (!llvm::is_contained(allowed, value))
    problems.push_back(
        (name + "='" + value + "' is not one of " + llvm::join(allowed, ", "))
            .str());
  return *this;
}

OptionChecker &OptionChecker::inputFile(StringRef name, StringRef path) {
  if (path.empty())
    return *this;
  llvm::sys::fs::file_status status;
  if (std::error_code error = llvm::sys::fs::status(path, status))
    problems.push_back(
        (name + ": cannot read '" + path + "': " + error.message()).str());
  else if (llvm::sys::fs::is_directory(status))
    problems.push_back(
        (name + ": cannot read '" + path + "': it is a directory").str());
  return *this;
}

OptionChecker &OptionChecker::outputFile(StringRef name, StringRef path) {
  if (path.empty())
    return *this;
  if (llvm::Error error = checkOutputPath(path))
    problems.push_back((name + ": " + toString(std::move(error))).str());
  return *this;
}

std::string OptionChecker::getMessage() const {
  return llvm::join(problems, "; ");
}
