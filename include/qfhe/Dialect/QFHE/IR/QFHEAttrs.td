//===- QFHEAttrs.td - qfhe attributes ----------------------*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QFHEATTRS_TD
#define QFHE_DIALECT_QFHE_IR_QFHEATTRS_TD

include "qfhe/Dialect/QFHE/IR/QFHEDialect.td"
include "mlir/IR/AttrTypeBase.td"

class QFHE_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<QFHE_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def QFHE_QuantParamsAttr : QFHE_Attr<"QuantParams", "quant"> {
  let summary = "Affine quantization parameters, per tensor or per axis";
  let description = [{
    Describes how an integer `q` of `bits` bits stands for the real number
    `scale * (q - zero_point)`.

    - `bits` is between 1 and 32; the storage is signed (`si`) or unsigned
      (`ui`). The integer range is `[-2^(bits-1), 2^(bits-1) - 1]` for signed
      and `[0, 2^bits - 1]` for unsigned storage. With `narrow` the lowest
      value is excluded (`[-127, 127]` for signed 8 bits, `[1, 255]` for
      unsigned 8 bits).
    - Each scale is finite and strictly positive; each zero point lies in the
      integer range.
    - Per tensor: one scale and one zero point. Per axis: `axis` names a
      dimension of the tensor the parameters describe, and there is one scale
      and one zero point per index along that dimension (per channel).

    Syntax:

    ```mlir
    #qfhe.quant<ui8, scale = 0.0039215686, zero_point = 0>
    #qfhe.quant<si8 narrow, scale = 0.02, zero_point = 0>
    #qfhe.quant<si8, axis = 1, scales = [0.5, 0.25], zero_points = [0, -3]>
    ```
  }];
  let parameters = (ins
    "unsigned":$bits,
    "bool":$isSigned,
    "bool":$narrowRange,
    "std::optional<int64_t>":$axis,
    "::mlir::DenseF64ArrayAttr":$scaleValues,
    ArrayRefParameter<"int64_t", "zero point per channel">:$zeroPoints
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilder<(ins "unsigned":$bits, "bool":$isSigned, "double":$scale,
                     "int64_t":$zeroPoint,
                     CArg<"bool", "false">:$narrowRange), [{
      return $_get($_ctxt, bits, isSigned, narrowRange, std::nullopt,
                   ::mlir::DenseF64ArrayAttr::get($_ctxt, scale),
                   ::llvm::ArrayRef<int64_t>(zeroPoint));
    }]>,
    AttrBuilder<(ins "unsigned":$bits, "bool":$isSigned, "bool":$narrowRange,
                     "std::optional<int64_t>":$axis,
                     "::llvm::ArrayRef<double>":$scales,
                     "::llvm::ArrayRef<int64_t>":$zeroPoints), [{
      return $_get($_ctxt, bits, isSigned, narrowRange, axis,
                   ::mlir::DenseF64ArrayAttr::get($_ctxt, scales), zeroPoints);
    }]>
  ];
  let extraClassDeclaration = [{
    /// Scale per channel (one for per-tensor parameters).
    ::llvm::ArrayRef<double> getScales() const {
      return getScaleValues().asArrayRef();
    }
    /// True when the parameters hold one scale and zero point per index of
    /// `getAxis()`.
    bool isPerAxis() const { return getAxis().has_value(); }
    /// Number of (scale, zero point) pairs: 1 for per-tensor parameters.
    unsigned getNumChannels() const { return getScales().size(); }
    /// Scale of `channel` (0 for per-tensor parameters).
    double getScale(unsigned channel = 0) const { return getScales()[channel]; }
    /// Zero point of `channel` (0 for per-tensor parameters).
    int64_t getZeroPoint(unsigned channel = 0) const {
      return getZeroPoints()[channel];
    }
    /// Smallest integer the storage may hold.
    int64_t getQMin() const;
    /// Largest integer the storage may hold.
    int64_t getQMax() const;
    /// The storage element type these parameters describe: `siN` or `uiN`.
    ::mlir::IntegerType getStorageType() const;
    /// Checks that `type` (a ranked tensor or scalar of integers) may hold
    /// values described by these parameters; reports through `emitError`.
    ::llvm::LogicalResult
    verifyStorage(::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError,
                  ::mlir::Type type, ::llvm::StringRef role) const;
  }];
}

include "qfhe/Dialect/QFHE/IR/QFHEObservedAttr.td"

#endif // QFHE_DIALECT_QFHE_IR_QFHEATTRS_TD
