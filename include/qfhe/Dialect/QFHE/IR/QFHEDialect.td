//===- QFHEDialect.td - qfhe dialect definition ------------*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QFHEDIALECT_TD
#define QFHE_DIALECT_QFHE_IR_QFHEDIALECT_TD

include "mlir/IR/OpBase.td"

def QFHE_Dialect : Dialect {
  let name = "qfhe";
  let cppNamespace = "::mlir::qfhe";
  let summary = "Quantized and integer-only tensor programs for TFHE-style FHE";
  let description = [{
    The `qfhe` dialect has two levels.

    The *quantized level* keeps the structure of the float program but every
    tensor between ops holds integers; each op states, as `#qfhe.quant`
    attributes, how the integers of its operands and result map to reals:
    `real = scale * (q - zero_point)`. Storage element types state their
    signedness (`si8`, `ui8`) and must agree with the parameters.

    The *integer-only level* is what an FHE back end executes: integer linear
    algebra on signless integer tensors (two's complement, signed
    interpretation, arithmetic modulo 2^width), table lookups (`qfhe.lut`) and
    rounding (`qfhe.round`). There, an element type such as `i7` is a claim
    that the value fits 7 bits, which `qfhe-verify-bitwidth` proves.

    Quantize and dequantize at the boundary of a program run in the clear on
    the client: they model encryption and decryption.
  }];
  let useDefaultAttributePrinterParser = 1;
  // The discardable attributes `qfhe.range` and `qfhe.observed`
  // (docs/attributes.md) are checked where they are attached.
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Registers the dialect's attributes (QFHEAttrs.cpp).
    void registerAttributes();
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

class QFHE_Op<string mnemonic, list<Trait> traits = []>
    : Op<QFHE_Dialect, mnemonic, traits>;

#endif // QFHE_DIALECT_QFHE_IR_QFHEDIALECT_TD
