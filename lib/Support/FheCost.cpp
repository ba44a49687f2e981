//===- FheCost.cpp - the cost of programmable bootstraps ------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/FheCost.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

using namespace mlir::qfhe;

namespace {

/// The cost of one PBS by input precision 1..10 bits in the complexity
/// unit of Concrete's parameter optimizer: its v0 reference table for
/// 128-bit security and p_error 6.3e-5 (zama-ai/concrete,
/// compilers/concrete-optimizer/v0-parameters/ref/v0_2024-6-18_128), at
/// log2(norm2) = 0. docs/cost.md discusses the choice.
constexpr double kOptimizerCost[kMaxTabulatedBootstrapBits] = {
    30, 34, 46, 76, 102, 236, 546, 1761, 3959, 8919};

double tabulated(unsigned bits) { return kOptimizerCost[bits - 1]; }

} // namespace

double mlir::qfhe::getBootstrapCost(unsigned bits) {
  bits = std::max(bits, 1u);
  double cost;
  if (bits <= kMaxTabulatedBootstrapBits) {
    cost = tabulated(bits);
  } else {
    // Past the table, the ratio of its last two precisions per bit.
    double ratio = tabulated(kMaxTabulatedBootstrapBits) /
                   tabulated(kMaxTabulatedBootstrapBits - 1);
    cost =
        tabulated(kMaxTabulatedBootstrapBits) *
        std::pow(ratio, static_cast<double>(bits - kMaxTabulatedBootstrapBits));
  }
  return cost / tabulated(kCostUnitBits);
}

double
mlir::qfhe::getTotalBootstrapCost(const std::vector<BootstrapCount> &counts) {
  double total = 0;
  for (const BootstrapCount &count : counts)
    total += static_cast<double>(count.count) * getBootstrapCost(count.bits);
  return total;
}

int64_t LayerCost::getCount(BootstrapKind kind) const {
  int64_t total = 0;
  for (const auto &[bits, count] :
       kind == BootstrapKind::Lookup ? lookups : roundings)
    total += count;
  return total;
}

/// Adds `record` to `layer`.
static void add(LayerCost &layer, const BootstrapRecord &record) {
  auto &byBits =
      record.kind == BootstrapKind::Lookup ? layer.lookups : layer.roundings;
  byBits[record.bits] += record.perSample;
  layer.cost += getTotalBootstrapCost({{record.bits, record.perSample}});
}

std::vector<LayerCost>
mlir::qfhe::getCostByLayer(const std::vector<BootstrapRecord> &records) {
  std::vector<LayerCost> layers;
  std::unordered_map<std::string, size_t> indexOf;
  for (const BootstrapRecord &record : records) {
    auto [it, inserted] = indexOf.try_emplace(record.layer, layers.size());
    if (inserted)
      layers.push_back(LayerCost{record.layer, {}, {}, 0});
    add(layers[it->second], record);
  }
  return layers;
}

LayerCost mlir::qfhe::getTotalCost(const std::vector<BootstrapRecord> &records,
                                   const std::string &name) {
  LayerCost total{name, {}, {}, 0};
  for (const BootstrapRecord &record : records)
    add(total, record);
  return total;
}
