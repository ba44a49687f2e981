//===- ChannelLayout.h - elements of a tensor by channel --------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A tensor quantized or observed per channel along one axis, viewed as
// [outer, channels, inner]: the flat (row-major) indices of a channel's
// elements, and a cursor that follows the channel of consecutive indices,
// both without the integer divisions per element that (index / inner) %
// channels costs (weights are millions of elements).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_CHANNELLAYOUT_H
#define QFHE_SUPPORT_CHANNELLAYOUT_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace mlir {
namespace qfhe {

/// A tensor viewed as [outer, channels, inner] (one channel: per tensor).
struct ChannelLayout {
  int64_t channels = 1, inner = 1;

  /// The layout of a tensor of `shape` split along `axis`.
  static ChannelLayout along(llvm::ArrayRef<int64_t> shape, int64_t axis) {
    ChannelLayout layout;
    layout.channels = shape[axis];
    for (int64_t dim = axis + 1; dim < static_cast<int64_t>(shape.size());
         ++dim)
      layout.inner *= shape[dim];
    return layout;
  }

  /// Calls `each(position, index)` for the elements of channel `c` of a
  /// tensor of `count` elements, in the order of their flat index: the
  /// `position`-th element of the channel is at flat index `index`.
  template <typename Fn>
  void forEachOfChannel(int64_t c, int64_t count, Fn each) const {
    int64_t position = 0;
    for (int64_t base = c * inner; base < count; base += channels * inner)
      for (int64_t offset = 0; offset < inner; ++offset)
        each(position++, base + offset);
  }
};

/// The channel of flat indices 0, 1, 2, ... in turn: channel() is
/// (i / inner) % channels after i calls of next().
class ChannelCursor {
public:
  explicit ChannelCursor(ChannelLayout layout) : layout(layout) {}

  int64_t channel() const { return current; }
  void next() {
    if (++offset < layout.inner)
      return;
    offset = 0;
    if (++current == layout.channels)
      current = 0;
  }

private:
  ChannelLayout layout;
  int64_t current = 0, offset = 0;
};

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_CHANNELLAYOUT_H
