//===- WeightCache.cpp - quantized weights shared between passes ----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "WeightCache.h"

#include <cstring>

using namespace mlir;
using namespace mlir::qfhe;

llvm::hash_code
WeightQuantizationKey::hashImportance(const std::vector<double> &perInput,
                                      int64_t repeat) {
  std::vector<uint64_t> bits(perInput.size());
  if (!perInput.empty())
    std::memcpy(bits.data(), perInput.data(), perInput.size() * sizeof(double));
  return llvm::hash_combine(llvm::hash_combine_range(bits.begin(), bits.end()),
                            repeat);
}

bool WeightQuantizationKey::operator==(
    const WeightQuantizationKey &other) const {
  return weights == other.weights && channels == other.channels &&
         bits == other.bits && perChannel == other.perChannel &&
         symmetric == other.symmetric && narrow == other.narrow &&
         weightedRounding == other.weightedRounding &&
         l1Budget == other.l1Budget && segmentSize == other.segmentSize &&
         importance == other.importance && gram == other.gram;
}

WeightQuantizationKey QuantizedWeightCache::KeyInfo::getEmptyKey() {
  WeightQuantizationKey key;
  key.weights = llvm::DenseMapInfo<const void *>::getEmptyKey();
  return key;
}

WeightQuantizationKey QuantizedWeightCache::KeyInfo::getTombstoneKey() {
  WeightQuantizationKey key;
  key.weights = llvm::DenseMapInfo<const void *>::getTombstoneKey();
  return key;
}

unsigned
QuantizedWeightCache::KeyInfo::getHashValue(const WeightQuantizationKey &key) {
  return static_cast<unsigned>(llvm::hash_combine(
      key.weights, key.channels, key.bits, key.perChannel, key.symmetric,
      key.narrow, key.weightedRounding, key.l1Budget, key.segmentSize,
      static_cast<size_t>(key.importance), key.gram));
}

std::shared_ptr<QuantizedChannels>
QuantizedWeightCache::lookup(const WeightQuantizationKey &key) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = entries.find(key);
  return it == entries.end() ? nullptr : it->second;
}

std::shared_ptr<QuantizedChannels>
QuantizedWeightCache::insert(const WeightQuantizationKey &key,
                             QuantizedChannels entry) {
  auto shared = std::make_shared<QuantizedChannels>(std::move(entry));
  std::lock_guard<std::mutex> lock(mutex);
  return entries.try_emplace(key, shared).first->second;
}

Attribute QuantizedWeightCache::getConstant(const QuantizedChannels &entry) {
  std::lock_guard<std::mutex> lock(mutex);
  return constants.lookup(&entry);
}

void QuantizedWeightCache::setConstant(const QuantizedChannels &entry,
                                       Attribute constant) {
  std::lock_guard<std::mutex> lock(mutex);
  constants[&entry] = constant;
}
