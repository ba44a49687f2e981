//===- ClientBoundary.cpp - where encryption and decryption happen --------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The verifier's only knowledge of the client boundary: which ops stand for
// encryption (their results are encrypted, with the range of the quantized
// storage) and for decryption (their results are clear). The client
// quantizes to tensors of `!quant.uniform` with qfhe.quantize and
// dequantizes with qfhe.dequantize; the `quant.scast` between those and
// the circuit's signless `iN` moves the same integers.
//
//===----------------------------------------------------------------------===//

#include "CircuitRules.h"

#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {
/// How a value's elements read their bits.
struct StorageReading {
  unsigned width;
  bool isUnsigned;
};
} // namespace

/// The reading of a tensor of integers or of quantized values (their
/// storage), if it is one.
static std::optional<StorageReading> getStorageReading(Value value) {
  Type element = getElementTypeOrSelf(value.getType());
  if (auto quantized = dyn_cast<quant::QuantizedType>(element))
    return StorageReading{quantized.getStorageTypeIntegralWidth(),
                          !quantized.isSigned()};
  if (auto integer = dyn_cast<IntegerType>(element))
    return StorageReading{integer.getWidth(), integer.isUnsigned()};
  return std::nullopt;
}

std::optional<RuleOutcome>
mlir::qfhe::applyClientBoundaryRule(Operation *op, FactLookup facts) {
  if (auto quantize = dyn_cast<QuantizeOp>(op)) {
    // Encryption: the client quantizes its clear data.
    if (facts(quantize.getInput())->isEncrypted())
      return RuleOutcome::unrecognized(
          op, true,
          "cannot verify: 'qfhe.quantize' stands for the client's encryption "
          "but its input is already encrypted");
    QuantParams params = *QuantParams::get(quantize.getType());
    return RuleOutcome::of(
        {CircuitFact::of(true, {params.getQMin(), params.getQMax()})});
  }
  if (auto cast = dyn_cast<quant::StorageCastOp>(op)) {
    // The same bits, typed as a quantized value or as its storage (the
    // circuit reads the client's quantized integers, the client's
    // dequantize reads the circuit's): the same integers in the same
    // reading. Storage read another way (u8 as signless i8) moves its
    // ranges to that reading.
    const CircuitFact &source = *facts(cast.getInput());
    std::optional<StorageReading> from = getStorageReading(cast.getInput());
    std::optional<StorageReading> to = getStorageReading(cast.getResult());
    if (!source.hasRanges() || !from || !to ||
        from->isUnsigned == to->isUnsigned) {
      RuleOutcome outcome = RuleOutcome::of({source});
      outcome.movesData = true;
      return outcome;
    }
    // Reread within the storage's width, the ranges fit it.
    SmallVector<IntegerRange> ranges;
    for (const WideRange &range :
         rereadRanges(source, from->width, from->isUnsigned, to->isUnsigned))
      ranges.push_back(*toIntegerRange(range));
    RuleOutcome outcome = RuleOutcome::of({CircuitFact::perIndex(
        source.isEncrypted(), source.getAxis(), std::move(ranges))});
    outcome.movesData = true;
    return outcome;
  }
  if (isa<DequantizeOp>(op))
    // Decryption: the client reads the integers back as reals.
    return RuleOutcome::of({CircuitFact::withoutRanges(false)});
  return std::nullopt;
}
