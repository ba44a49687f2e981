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
    tensor between ops holds integers, and its type says how they map to
    reals: tensors of upstream `!quant.uniform` elements, per tensor or per
    axis, `real = scale * (q - zero_point)`, with the storage type's
    signedness and optional storage bounds (`i8<-8:7>` is a 4-bit value in
    8-bit storage). Each op verifies its operands' and result's parameters
    against each other (a matmul's result scale is the product of its
    operands' scales), so every def-use edge is checked. Quantized constants
    (clear weights) are a `quant.scast` of an `arith.constant` of storage
    integers.

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
    "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

class QFHE_Op<string mnemonic, list<Trait> traits = []>
    : Op<QFHE_Dialect, mnemonic, traits>;

#endif // QFHE_DIALECT_QFHE_IR_QFHEDIALECT_TD
