//===- TensorRange.h - value ranges of tensors ------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The range of every element of a tensor (or of a scalar): one interval for
// the whole value and, where it is known more precisely, one interval per
// index along a channel axis (a matmul's output columns, a conv's output
// channels). A range that is not finite carries the reason it was lost, so
// that the quantizer can say which value lacks a range and why.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_ANALYSIS_TENSORRANGE_H
#define QFHE_ANALYSIS_TENSORRANGE_H

#include "qfhe/Analysis/Interval.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace mlir {
namespace qfhe {

/// Ranges of the elements of one tensor value.
class TensorRange {
public:
  /// A range holding every element in `whole`.
  explicit TensorRange(Interval whole = Interval::empty()) : whole(whole) {}
  /// Per-channel ranges along `axis`; the whole range is their join.
  static TensorRange perChannel(int64_t axis, ArrayRef<Interval> channels);
  /// Nothing is known: every real, for the given reason.
  static TensorRange unknown(StringRef reason);

  const Interval &getWhole() const { return whole; }
  std::optional<int64_t> getAxis() const { return axis; }
  ArrayRef<Interval> getChannels() const { return channels; }
  bool hasChannels() const { return axis.has_value(); }
  /// The range of channel `index` along `axis`: the channel's own when the
  /// range is per channel along that axis, else the whole range.
  Interval getChannel(int64_t queryAxis, int64_t index) const;
  /// Why the range is not finite (empty when it is, or when no reason is
  /// known).
  StringRef getReason() const { return reason; }
  bool isFinite() const { return whole.isFinite(); }

  /// Smallest range containing both. Per-channel ranges survive when both
  /// sides have them along the same axis with the same count.
  TensorRange join(const TensorRange &other) const;
  /// Widens every interval by `relative * magnitude + absolute`.
  TensorRange widen(double relative, double absolute = 0.0) const;
  /// The same range with `reason` recorded if it is not finite.
  TensorRange withReason(StringRef newReason) const;

  bool operator==(const TensorRange &other) const;
  void print(llvm::raw_ostream &os) const;

  /// Encodes the range as the dictionary of docs/attributes.md (`min`,
  /// `max`, optional `axis`, `channel_min`, `channel_max`, and `reason`
  /// when the range is not finite).
  DictionaryAttr toAttribute(MLIRContext *ctx) const;
  /// Decodes a dictionary written by `toAttribute` (or by hand);
  /// std::nullopt when it has no `min`/`max`.
  static std::optional<TensorRange> fromAttribute(DictionaryAttr attr);
  /// Decodes the range of a `#qfhe.observed` attribute (written by `quant-run
  /// calibrate`) or of a dictionary as above; std::nullopt for anything
  /// else.
  static std::optional<TensorRange> fromAttribute(Attribute attr);

private:
  Interval whole;
  std::optional<int64_t> axis;
  SmallVector<Interval, 0> channels;
  std::string reason;
};

inline llvm::raw_ostream &operator<<(llvm::raw_ostream &os,
                                     const TensorRange &range) {
  range.print(os);
  return os;
}

} // namespace qfhe
} // namespace mlir

#endif // QFHE_ANALYSIS_TENSORRANGE_H
