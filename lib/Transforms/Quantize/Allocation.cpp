//===- Allocation.cpp - the qfhe.allocation of a linear layer -------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Allocation.h"

#include "mlir/IR/Builders.h"

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

DictionaryAttr AllocationBuilder::weighted(unsigned inputBits,
                                           bool weightedRounding,
                                           int64_t chunks, double clip,
                                           int64_t inputLevels) const {
  Builder b(ctx);
  SmallVector<NamedAttribute> entries{
      b.getNamedAttr("input_bits", b.getI64IntegerAttr(inputBits)),
      b.getNamedAttr("weight_bits", b.getI64IntegerAttr(weightBits)),
      b.getNamedAttr("weight_l1", b.getI64IntegerAttr(getBudget(
                                      inputBits, chunks, inputLevels))),
      b.getNamedAttr("per_channel", b.getBoolAttr(true)),
      b.getNamedAttr(
          "rounding",
          b.getStringAttr(weightedRounding ? "weighted" : "nearest"))};
  if (chunks > 1)
    entries.push_back(b.getNamedAttr("chunks", b.getI64IntegerAttr(chunks)));
  if (clip < 1.0)
    entries.push_back(b.getNamedAttr("input_clip", b.getF64FloatAttr(clip)));
  int64_t levels = clampLevels(inputBits, inputLevels);
  if (levels < (int64_t(1) << inputBits))
    entries.push_back(
        b.getNamedAttr("input_levels", b.getI64IntegerAttr(levels)));
  return b.getDictionaryAttr(entries);
}

DictionaryAttr AllocationBuilder::pool(unsigned inputBits, double clip) const {
  Builder b(ctx);
  SmallVector<NamedAttribute> entries{
      b.getNamedAttr("input_bits", b.getI64IntegerAttr(inputBits))};
  if (clip < 1.0)
    entries.push_back(b.getNamedAttr("input_clip", b.getF64FloatAttr(clip)));
  return b.getDictionaryAttr(entries);
}

DictionaryAttr AllocationBuilder::uniform(unsigned bits) const {
  Builder b(ctx);
  return b.getDictionaryAttr(
      {b.getNamedAttr("input_bits", b.getI64IntegerAttr(bits)),
       b.getNamedAttr("weight_bits", b.getI64IntegerAttr(bits)),
       b.getNamedAttr("weight_l1", b.getI64IntegerAttr(0)),
       b.getNamedAttr("per_channel", b.getBoolAttr(false)),
       b.getNamedAttr("symmetric", b.getBoolAttr(false)),
       b.getNamedAttr("bias_correction", b.getBoolAttr(false))});
}

unsigned mlir::qfhe::getAllocatedInputBits(DictionaryAttr allocation) {
  return static_cast<unsigned>(
      allocation.getAs<IntegerAttr>("input_bits").getInt());
}

int64_t mlir::qfhe::getAllocatedInputLevels(DictionaryAttr allocation) {
  auto levels = allocation.getAs<IntegerAttr>("input_levels");
  return levels ? levels.getInt()
                : int64_t(1) << getAllocatedInputBits(allocation);
}

int64_t mlir::qfhe::getAllocatedChunks(DictionaryAttr allocation) {
  auto chunks = allocation.getAs<IntegerAttr>("chunks");
  return chunks ? chunks.getInt() : int64_t(1);
}

bool mlir::qfhe::hasWeightedRounding(DictionaryAttr allocation) {
  auto rounding = allocation.getAs<StringAttr>("rounding");
  return rounding && rounding.getValue() == "weighted";
}

bool mlir::qfhe::hasRounding(DictionaryAttr allocation) {
  return static_cast<bool>(allocation.get("rounding"));
}

double mlir::qfhe::getAllocatedInputClip(DictionaryAttr allocation) {
  auto clip = allocation.getAs<FloatAttr>("input_clip");
  return clip ? clip.getValueAsDouble() : 1.0;
}

bool mlir::qfhe::allowsBiasCorrection(DictionaryAttr allocation) {
  auto correction = allocation.getAs<BoolAttr>("bias_correction");
  return !correction || correction.getValue();
}

DictionaryAttr mlir::qfhe::withBiasCorrection(DictionaryAttr allocation,
                                              bool allowed) {
  NamedAttrList entries(allocation);
  if (allowed)
    entries.erase("bias_correction");
  else
    entries.set("bias_correction",
                BoolAttr::get(allocation.getContext(), false));
  return entries.getDictionary(allocation.getContext());
}
