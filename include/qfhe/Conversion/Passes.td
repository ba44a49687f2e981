//===- Passes.td - qfhe conversion passes ------------------*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_CONVERSION_PASSES_TD
#define QFHE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQFHEToLinalg : Pass<"qfhe-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower qfhe ops to upstream linalg, arith, math and tensor";
  let description = [{
    Rewrites every qfhe op into upstream dialects on tensors so that
    `mlir-opt`, `mlir-runner` or any MLIR-based toolchain can compile and run
    the program:

    - `qfhe.quantize`, `qfhe.dequantize`, `qfhe.requantize`, `qfhe.round`
      become `linalg.generic` ops computing exactly the arithmetic their
      descriptions state (per-axis parameters become constant vectors indexed
      by the channel);
    - `qfhe.lut` becomes a `linalg.generic` gathering from a constant table
      with `tensor.extract`;
    - the upstream quant dialect gets qfhe's semantics: `quant.qcast` is
      lowered as `qfhe.quantize` (round half to even, saturating to the
      storage bounds), `quant.dcast` as `qfhe.dequantize`, and
      `quant.scast` disappears (storage integers are what it casts).

    Quantized tensors (`!quant.uniform` elements) become tensors of their
    signless storage integers, and integer types that state a signedness
    (`si8`, `ui8`) signless types of the same width, everywhere in the
    module (function signatures, constants and tensor ops included); the
    lowered arithmetic uses the signedness the types recorded. Integer-only
    programs keep their element types (`i7` stays `i7`): upstream
    arithmetic on them is modulo 2^width, as in TFHE.

    Attributes whose values belong to the qfhe dialect (the calibration
    statistics `#qfhe.observed` a program keeps from its float form) are
    removed, so that the output parses without the qfhe dialect. Same-type
    `tensor.bitcast` ops (storage casts once every type is signless) are
    dropped: upstream bufferization rejects them.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // QFHE_CONVERSION_PASSES_TD
