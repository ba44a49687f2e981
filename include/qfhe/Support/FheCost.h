//===- FheCost.h - the cost of programmable bootstraps ----------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// What a compiled program costs in TFHE: every table lookup, every rounding
// (before a lookup or of a chunk's partial sum) is one programmable
// bootstrap (PBS), and the cost of a PBS grows with the precision of its
// input, about 2.2 to 3.2 times per bit from 5 bits up. The costs come from
// Concrete's parameter optimizer (docs/cost.md gives the source, the table
// and what it leaves out). Free of MLIR so that it can be unit tested and
// used by the tools, the verifier's report and the allocator alike.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_FHECOST_H
#define QFHE_SUPPORT_FHECOST_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlir {
namespace qfhe {

/// Input precisions whose cost comes from the published table; wider ones
/// are extrapolated at the table's last ratio per bit.
constexpr unsigned kMaxTabulatedBootstrapBits = 10;

/// The unit of costs: one bootstrap on inputs of this many bits costs 1.
constexpr unsigned kCostUnitBits = 8;

/// Estimated cost of one programmable bootstrap whose input has `bits` bits
/// (a lookup on `bits`-bit inputs, or the rounding of a `bits`-bit value),
/// in units of an 8-bit bootstrap. Bits 0 cost as 1 bit (a bootstrap is
/// one however small its input); the cost grows with `bits` up to 64.
double getBootstrapCost(unsigned bits);

/// A number of bootstraps on inputs of the same width.
struct BootstrapCount {
  /// Input precision in bits.
  unsigned bits;
  /// How many bootstraps (per sample, say).
  int64_t count;
};

/// Total cost of `counts`: sum of count * getBootstrapCost(bits).
double getTotalBootstrapCost(const std::vector<BootstrapCount> &counts);

/// Which programmable bootstrap an op performs.
enum class BootstrapKind {
  /// A table lookup (an activation, a requantization, a max's comparison).
  Lookup,
  /// A rounding that drops low bits (`qfhe.round`: before a narrower lookup,
  /// or of a chunk's partial sum).
  Rounding,
};

/// The bootstraps one op of a program performs per sample.
struct BootstrapRecord {
  /// The layer the op belongs to (its location, say): records of one layer
  /// are summed.
  std::string layer;
  BootstrapKind kind;
  /// Input precision in bits.
  unsigned bits;
  int64_t perSample;
};

/// Bootstraps and cost of one layer (or of a whole program).
struct LayerCost {
  std::string layer;
  /// Bootstraps per sample by input bits.
  std::map<unsigned, int64_t> lookups, roundings;
  /// Estimated cost per sample, in 8-bit bootstraps.
  double cost = 0;

  /// Number of bootstraps of `kind` per sample.
  int64_t getCount(BootstrapKind kind) const;
};

/// Sums `records` by layer, in the order the layers first appear.
std::vector<LayerCost>
getCostByLayer(const std::vector<BootstrapRecord> &records);

/// Sums every record into one entry named `name`.
LayerCost getTotalCost(const std::vector<BootstrapRecord> &records,
                       const std::string &name = "total");

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_FHECOST_H
