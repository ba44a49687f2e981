//===- Allocation.h - the qfhe.allocation of a linear layer -----*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Building the `#qfhe.allocation` attributes qfhe-allocate-bits records on
// linear ops (see its description in Passes.td): the estimate, the uniform
// baseline and the measured search's candidates all make them here.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_QUANTIZE_ALLOCATION_H
#define QFHE_LIB_TRANSFORMS_QUANTIZE_ALLOCATION_H

#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"

#include <utility>

namespace mlir {
namespace qfhe {

/// The l1 budget of each part's integer weights over `inputBits`-bit
/// inputs under cap P. One part: its accumulator spans L (2^n - 1) + 1
/// values, so L <= (2^P - 1) / (2^n - 1). With c = 2^d parts, each part is
/// centered on a multiple of 2^d and drops d bits: each part and the sum
/// of the c rounded parts fit P bits when L (2^n - 1) <= 2^P - 2c - 2.
/// With lookups of `tluBits` < P bits, the accumulator (or the sum of the
/// parts) is rounded to nearest by d = P - tluBits bits before its lookup:
/// a range of 2^P values, centered at the bottom of P bits, rounds to
/// 2^tlu + 1 values and would cost one more bit. Leaving 2^(d-1) values of
/// headroom makes it round to exactly 2^tlu values (tluBits 0 or >= P:
/// no rounding, no headroom). An input of `inputLevels` integers (0: all
/// 2^n of its bits) spans `inputLevels - 1` in place of 2^n - 1.
int64_t getPartBudget(unsigned cap, unsigned inputBits, int64_t chunks,
                      unsigned tluBits = 0, int64_t inputLevels = 0);

/// The integers an input of `inputBits` bits and `inputLevels` levels
/// takes (`inputLevels` clamped to [2, 2^inputBits]; 0: all 2^inputBits):
/// the signed storage range of the bits, narrowed from the top so that it
/// still contains zero, [-floor(k/2), k - 1 - floor(k/2)] for k levels.
std::pair<int64_t, int64_t> getLevelsRange(unsigned inputBits,
                                           int64_t inputLevels);

/// Builds the allocations of one cap and weight width.
class AllocationBuilder {
public:
  /// Allocations under cap `maxBitWidth` with `weightBits`-bit weights
  /// whose accumulators feed lookups of at most `tluBits` bits (0: the
  /// cap).
  AllocationBuilder(MLIRContext *ctx, unsigned maxBitWidth, unsigned weightBits,
                    unsigned tluBits = 0)
      : ctx(ctx), maxBitWidth(maxBitWidth), weightBits(weightBits),
        tluBits(tluBits) {}

  /// A weighted layer reading `inputBits`-bit inputs from the input range
  /// shrunk by `clip`: the weights' l1 budget that makes the accumulator
  /// (of each of `chunks` parts) fit, and how weights are rounded under it
  /// (`rounding`, see qfhe.allocation). Its folded bias may be corrected
  /// (withBiasCorrection).
  /// `inputLevels` (0: all 2^inputBits) narrows the input to fewer
  /// integers than its bits hold, for a larger budget (`input_levels`).
  AllocationAttr weighted(unsigned inputBits,
                          WeightRounding rounding = WeightRounding::weighted,
                          int64_t chunks = 1, double clip = 1.0,
                          int64_t inputLevels = 0) const;
  /// The l1 budget of each part's weights over `inputBits`-bit inputs of
  /// `inputLevels` levels in `chunks` parts (what `weighted` records).
  int64_t getBudget(unsigned inputBits, int64_t chunks,
                    int64_t inputLevels = 0) const {
    return getPartBudget(maxBitWidth, inputBits, chunks, tluBits, inputLevels);
  }
  /// A pool or sum reading `inputBits`-bit inputs from the input range
  /// shrunk by `clip`.
  AllocationAttr pool(unsigned inputBits, double clip = 1.0) const;
  /// The classic uniform allocation: every input, weight and activation on
  /// `bits` bits, weights per tensor (min/max, asymmetric), no budget, no
  /// bias correction (classic post-training quantization, the baseline).
  AllocationAttr uniform(unsigned bits) const;

private:
  MLIRContext *ctx;
  unsigned maxBitWidth, weightBits, tluBits;
};

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_QUANTIZE_ALLOCATION_H
