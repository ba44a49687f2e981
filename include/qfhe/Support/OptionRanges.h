//===- OptionRanges.h - the valid values of qfhe's options ------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// One definition of the valid values of every option the qfhe passes and
// the pipeline share (max-bit-width, tlu-bit-width, weight-bits...), and a
// checker that every pass and the pipeline run on their options before any
// work: a bad value is an error that states the value and what is allowed,
// such as "max-bit-width=40 is outside [2, 32]".
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_OPTIONRANGES_H
#define QFHE_SUPPORT_OPTIONRANGES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
namespace qfhe {

/// The closed range of valid values of an integer option.
struct OptionRange {
  int64_t min;
  int64_t max;
};

/// Bits every encrypted value must fit (`max-bit-width`), and those of
/// accumulators (`accumulator-bits`).
inline constexpr OptionRange kEncryptedBitsRange{2, 32};
/// Widest table lookup input (`tlu-bit-width`; 0 stands for the default,
/// getTluBitWidth). TFHE's programmable bootstraps take at most 16 bits.
inline constexpr OptionRange kLookupBitsRange{2, 16};
/// Bits of weights (`weight-bits`).
inline constexpr OptionRange kWeightBitsRange{2, 16};
/// Bits of inputs, activations and outputs (`max-activation-bits`,
/// `input-bits`, `activation-bits`, `output-bits`): lookup outputs.
inline constexpr OptionRange kActivationBitsRange{2, 16};
/// Parts a dot product may be split into (`max-chunks`, a power of two).
inline constexpr OptionRange kChunksRange{1, 1024};

/// Why `max-cost` needs `calibration-data`.
inline constexpr llvm::StringLiteral kCostIsMeasured =
    "the cost of each candidate is measured on its program";

/// The lookup width a cap of `maxBitWidth` bits implies when
/// `tlu-bit-width` is 0: the cap, at most 16 bits.
unsigned getDefaultTluBitWidth(unsigned maxBitWidth);

/// `tluBitWidth`, or the default for `maxBitWidth` when it is 0.
unsigned getTluBitWidth(unsigned maxBitWidth, unsigned tluBitWidth);

/// The most entries the tables of one lookup may hold in all (2^24: 256
/// channels of 16-bit lookups), so that tables fit in memory.
inline constexpr int64_t kMaxTableEntries = int64_t(1) << 24;

/// The widest lookup input of at most `lookupBits` bits whose tables, one
/// per channel of `channels` (at least 1), hold at most kMaxTableEntries
/// entries: channels x 2^bits <= 2^24 (0 when not even 1 bit fits).
unsigned getFittedLookupBits(unsigned lookupBits, int64_t channels);

/// Collects what is wrong with a pass's or pipeline's options. Each check
/// names the option and its value; `getMessage` joins the problems.
class OptionChecker {
public:
  /// `name=value` must lie in `range`.
  OptionChecker &inRange(llvm::StringRef name, int64_t value,
                         OptionRange range);
  /// `max-bit-width` in its range, and `tlu-bit-width` 0 or in its range
  /// and at most `max-bit-width`.
  OptionChecker &bitWidths(unsigned maxBitWidth, unsigned tluBitWidth);
  /// `name=value` (a real number) must lie in [min, max].
  OptionChecker &inRealRange(llvm::StringRef name, double value, double min,
                             double max);
  /// When `used`, option `name` needs option `needed` to be `given`;
  /// `reason` says why.
  OptionChecker &needs(llvm::StringRef name, bool used, llvm::StringRef needed,
                       bool given, llvm::StringRef reason);
  /// `name=value` must be a power of two in `range`.
  OptionChecker &powerOfTwo(llvm::StringRef name, int64_t value,
                            OptionRange range);
  /// `name=value` must be one of `allowed`.
  OptionChecker &oneOf(llvm::StringRef name, llvm::StringRef value,
                       llvm::ArrayRef<llvm::StringRef> allowed);
  /// `name=path`, when not empty, must name a readable regular file.
  OptionChecker &inputFile(llvm::StringRef name, llvm::StringRef path);
  /// `name=path`, when not empty, must be `-` or a file in an existing
  /// directory.
  OptionChecker &outputFile(llvm::StringRef name, llvm::StringRef path);

  /// Whether every check passed.
  bool ok() const { return problems.empty(); }
  /// The problems, joined by "; " (empty when none).
  std::string getMessage() const;

private:
  std::vector<std::string> problems;
};

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_OPTIONRANGES_H
