//===- WeightCache.h - quantized weights shared between passes -*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The integers and scales of a layer's weights under one quantization
// policy, computed once: qfhe-allocate-bits records what its estimates
// computed, qfhe-quantize reuses it (through the AnalysisManager in a
// pipeline), and the measured search quantizes each (layer, allocation)
// once however many candidates share it.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_QUANTIZE_WEIGHTCACHE_H
#define QFHE_LIB_TRANSFORMS_QUANTIZE_WEIGHTCACHE_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Pass/AnalysisManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Hashing.h"

#include <memory>
#include <mutex>
#include <vector>

namespace mlir {
namespace qfhe {

/// What determines the integers of one layer's weights: the float weights
/// (a uniqued attribute), how they split into channels, the policy and the
/// importance of each weight of a channel.
struct WeightQuantizationKey {
  const void *weights = nullptr;
  /// Output channels quantized separately (1: per tensor).
  int64_t channels = 0;
  unsigned bits = 0;
  bool perChannel = false, symmetric = false, narrow = false;
  bool weightedRounding = false;
  int64_t l1Budget = 0;
  size_t segmentSize = 0;
  /// A hash of the importance of each weight of a channel (the same for
  /// every channel); 0 when the rounding does not use it.
  llvm::hash_code importance = 0;
  /// The second moments of the inputs the rounding was against (a uniqued
  /// `qfhe.input_gram` attribute); null when it used none.
  const void *gram = nullptr;

  /// The hash of the importance of a channel's weights: weight i has
  /// importance perInput[i / repeat].
  static llvm::hash_code hashImportance(const std::vector<double> &perInput,
                                        int64_t repeat);

  bool operator==(const WeightQuantizationKey &other) const;
};

/// One layer's quantized weights, per output channel (channels in order,
/// each channel's weights in the order of their flat index).
struct QuantizedChannels {
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  /// Each channel's integers, concatenated (weights of a channel are
  /// contiguous here whatever the layout of the tensor).
  std::vector<int32_t> integers;
};

/// A map from keys to quantized weights, safe to use from several threads.
/// As an analysis of the module it lives from qfhe-allocate-bits (which
/// marks it preserved) to qfhe-quantize.
class QuantizedWeightCache {
public:
  QuantizedWeightCache() = default;
  explicit QuantizedWeightCache(Operation *) {}

  /// The entry of `key`, or null.
  std::shared_ptr<QuantizedChannels> lookup(const WeightQuantizationKey &key);
  /// Records `entry` under `key` and returns it (or the entry already
  /// recorded: equal keys give equal weights).
  std::shared_ptr<QuantizedChannels> insert(const WeightQuantizationKey &key,
                                            QuantizedChannels entry);

  /// The integer constant qfhe-quantize built from `entry`, if any.
  Attribute getConstant(const QuantizedChannels &entry);
  /// Records the integer constant built from `entry`.
  void setConstant(const QuantizedChannels &entry, Attribute constant);

  bool isInvalidated(const AnalysisManager::PreservedAnalyses &preserved) {
    return !preserved.isPreserved<QuantizedWeightCache>();
  }

private:
  struct KeyInfo {
    static WeightQuantizationKey getEmptyKey();
    static WeightQuantizationKey getTombstoneKey();
    static unsigned getHashValue(const WeightQuantizationKey &key);
    static bool isEqual(const WeightQuantizationKey &a,
                        const WeightQuantizationKey &b) {
      return a == b;
    }
  };
  std::mutex mutex;
  llvm::DenseMap<const QuantizedChannels *, Attribute> constants;
  llvm::DenseMap<WeightQuantizationKey, std::shared_ptr<QuantizedChannels>,
                 KeyInfo>
      entries;
};

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_QUANTIZE_WEIGHTCACHE_H
