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

using namespace mlir;
using namespace mlir::qfhe;

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
    // The same integers, typed as a quantized value or as its storage (the
    // circuit reads the client's quantized integers, the client's
    // dequantize reads the circuit's).
    RuleOutcome outcome = RuleOutcome::of({*facts(cast.getInput())});
    outcome.movesData = true;
    return outcome;
  }
  if (isa<DequantizeOp>(op))
    // Decryption: the client reads the integers back as reals.
    return RuleOutcome::of({CircuitFact::withoutRanges(false)});
  return std::nullopt;
}
