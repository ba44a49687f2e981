//===- QFHEAttrs.td - qfhe attributes ----------------------*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QFHEATTRS_TD
#define QFHE_DIALECT_QFHE_IR_QFHEATTRS_TD

include "qfhe/Dialect/QFHE/IR/QFHEDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

class QFHE_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<QFHE_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def QFHE_RoundingFixedPoint : I32EnumAttrCase<"fixed_point", 0>;
def QFHE_RoundingFixedPointDouble : I32EnumAttrCase<"fixed_point_double", 1>;
def QFHE_RoundingFloatHalfEven : I32EnumAttrCase<"float_half_even", 2>;

def QFHE_RoundingMode : I32EnumAttr<"RoundingMode",
    "how qfhe.requantize rounds the rescaled integer", [
      QFHE_RoundingFixedPoint, QFHE_RoundingFixedPointDouble,
      QFHE_RoundingFloatHalfEven]> {
  let cppNamespace = "::mlir::qfhe";
  let genSpecializedAttr = 0;
}

def QFHE_RoundingModeAttr
    : EnumAttr<QFHE_Dialect, QFHE_RoundingMode, "rounding"> {
  let summary = "The rounding of a requantization";
  let description = [{
    How `qfhe.requantize` computes `(q - zp_from) * scale_from / scale_to`
    rounded to an integer (see its description):

    - `fixed_point`: a 31-bit fixed-point multiplier and a shift, rounded
      half up (gemmlowp, TFLite, TOSA `SINGLE_ROUND`);
    - `fixed_point_double`: the same multiplier with TOSA's `DOUBLE_ROUND`;
    - `float_half_even`: a float32 multiplier applied in float64 and rounded
      half to even (the ONNX reference of QLinearMatMul and QLinearConv).

    ```mlir
    #qfhe.rounding<float_half_even>
    ```
  }];
  let assemblyFormat = "`<` $value `>`";
}

include "qfhe/Dialect/QFHE/IR/QFHEObservedAttr.td"
include "qfhe/Dialect/QFHE/IR/QFHEAllocationAttr.td"
include "qfhe/Dialect/QFHE/IR/QFHESummaryAttrs.td"

#endif // QFHE_DIALECT_QFHE_IR_QFHEATTRS_TD
