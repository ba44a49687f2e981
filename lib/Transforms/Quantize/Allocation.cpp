//===- Allocation.cpp - the qfhe.allocation of a linear layer -------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Allocation.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

/// `inputLevels` within [2, 2^inputBits] (0: 2^inputBits).
static int64_t clampLevels(unsigned inputBits, int64_t inputLevels) {
  int64_t all = int64_t(1) << inputBits;
  return inputLevels <= 0 ? all : std::clamp<int64_t>(inputLevels, 2, all);
}

std::pair<int64_t, int64_t> mlir::qfhe::getLevelsRange(unsigned inputBits,
                                                       int64_t inputLevels) {
  int64_t levels = clampLevels(inputBits, inputLevels);
  int64_t low = -(levels / 2);
  return {low, low + levels - 1};
}

int64_t mlir::qfhe::getPartBudget(unsigned cap, unsigned inputBits,
                                  int64_t chunks, unsigned tluBits,
                                  int64_t inputLevels) {
  double room = chunks > 1 ? std::ldexp(1.0, cap) - 2.0 * chunks - 2.0
                           : std::ldexp(1.0, cap) - 1.0;
  if (tluBits > 0 && tluBits < cap)
    room -= std::ldexp(1.0, static_cast<int>(cap - tluBits) - 1);
  double inputSpan =
      static_cast<double>(clampLevels(inputBits, inputLevels) - 1);
  return std::max<int64_t>(0,
                           static_cast<int64_t>(std::floor(room / inputSpan)));
}

AllocationAttr AllocationBuilder::weighted(unsigned inputBits,
                                           WeightRounding rounding,
                                           int64_t chunks, double clip,
                                           int64_t inputLevels) const {
  int64_t levels = clampLevels(inputBits, inputLevels);
  return AllocationAttr::get(ctx, inputBits, std::min(clip, 1.0),
                             levels < (int64_t(1) << inputBits) ? levels : 0)
      .withWeights(weightBits, getBudget(inputBits, chunks, inputLevels),
                   /*perChannel=*/true, /*symmetric=*/std::nullopt, rounding,
                   chunks);
}

AllocationAttr AllocationBuilder::pool(unsigned inputBits, double clip) const {
  return AllocationAttr::get(ctx, inputBits, std::min(clip, 1.0));
}

AllocationAttr AllocationBuilder::uniform(unsigned bits) const {
  return AllocationAttr::get(ctx, bits)
      .withWeights(bits, /*weightL1=*/0, /*perChannel=*/false,
                   /*symmetric=*/false, /*rounding=*/std::nullopt,
                   /*chunks=*/1)
      .withBiasCorrection(false);
}
