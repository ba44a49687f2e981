//===- ClientBoundary.cpp - where encryption and decryption happen --------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The verifier's only knowledge of the client boundary: which ops stand for
// encryption (their results are encrypted, with the range of the quantized
// storage) and for decryption (their results are clear). Today the client
// quantizes to `siN`/`uiN` storage with qfhe.quantize and dequantizes with
// qfhe.dequantize; the bitcasts between `siN` and the circuit's `iN` are
// ordinary data movement (MovementRules.cpp).
//
//===----------------------------------------------------------------------===//

#include "CircuitRules.h"

#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"

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
    QuantParamsAttr params = quantize.getParams();
    return RuleOutcome::of(
        {CircuitFact::of(true, {params.getQMin(), params.getQMax()})});
  }
  if (isa<DequantizeOp>(op))
    // Decryption: the client reads the integers back as reals.
    return RuleOutcome::of({CircuitFact::withoutRanges(false)});
  return std::nullopt;
}
