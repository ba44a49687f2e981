//===- QFHEAllocationAttr.td - a linear layer's allocation -*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Included by QFHEAttrs.td (after QFHE_Attr).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QFHEALLOCATIONATTR_TD
#define QFHE_DIALECT_QFHE_IR_QFHEALLOCATIONATTR_TD

def QFHE_WeightRoundingNearest : I32EnumAttrCase<"nearest", 0>;
def QFHE_WeightRoundingWeighted : I32EnumAttrCase<"weighted", 1>;
def QFHE_WeightRoundingGram : I32EnumAttrCase<"gram", 2>;

def QFHE_WeightRounding : I32EnumAttr<"WeightRounding",
    "how a layer's weights are rounded under their l1 budget", [
      QFHE_WeightRoundingNearest, QFHE_WeightRoundingWeighted,
      QFHE_WeightRoundingGram]> {
  let cppNamespace = "::mlir::qfhe";
  let genSpecializedAttr = 0;
}

def QFHE_AllocationAttr : QFHE_Attr<"Allocation", "allocation"> {
  let summary = "The bits a linear layer is quantized with";
  let description = [{
    What `qfhe-allocate-bits` chose for one linear op of the float program
    (matmul, convolution, pooling, sum), recorded as its `qfhe.allocation`
    attribute and followed by `qfhe-quantize` (docs/attributes.md).

    - `input_bits`: the bits of the op's input activation (1 to 16).
    - `input_levels` (optional): the integers the input takes, from 2 to
      2^`input_bits` (its storage is narrowed to them); all of them when
      absent.
    - `input_clip` (optional): the factor in (0, 1] the input's calibrated
      range shrinks by before it is quantized (outliers saturate); 1 when
      absent.
    - `weight_bits` (weighted layers): the bits of the integer weights (2 to
      32); pools and sums have none, nor any of the weight entries below.
    - `weight_l1` (optional): the bound on the l1 norm of each output
      channel's integer weights (of each part's, with `chunks`); none when
      absent or 0.
    - `per_channel`, `symmetric` (optional): weights quantized per output
      channel, symmetrically (a budget implies both); `qfhe-quantize`'s
      options decide when absent.
    - `rounding` (optional): `weighted` (by the importance of the inputs),
      `nearest` (to nearest, at the scale that meets the budget) or `gram`
      (against the correlations of the inputs, `qfhe.input_gram`, where the
      budget allows fewer units than a part has weights; by importance
      elsewhere and without the attribute); a layer with a budget and no
      rounding is rounded by importance.
    - `chunks` (optional): the parts each dot product is accumulated in, a
      power of two; 1 when absent.
    - `bias_correction` (optional, only `false`): `qfhe-quantize` leaves the
      layer's folded bias uncorrected.

    Only what differs from the defaults is printed.

    ```mlir
    #qfhe.allocation<input_bits = 3, weight_bits = 8, weight_l1 = 9,
                     per_channel = true, rounding = weighted>
    #qfhe.allocation<input_bits = 4, input_levels = 12, weight_bits = 8,
                     weight_l1 = 5, per_channel = true, rounding = weighted,
                     chunks = 2>
    #qfhe.allocation<input_bits = 6, input_clip = 0.7>
    ```
  }];
  let parameters = (ins
    "unsigned":$inputBits,
    "int64_t":$inputLevels,
    APFloatParameter<"the input range's factor">:$inputClipFactor,
    "std::optional<unsigned>":$weightBits,
    "int64_t":$weightL1,
    "std::optional<bool>":$perChannel,
    "std::optional<bool>":$symmetric,
    "std::optional<::mlir::qfhe::WeightRounding>":$rounding,
    "int64_t":$chunks,
    "bool":$biasCorrection
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilder<(ins "unsigned":$inputBits, CArg<"double", "1.0">:$inputClip,
                     CArg<"int64_t", "0">:$inputLevels), [{
      return $_get($_ctxt, inputBits, inputLevels, ::llvm::APFloat(inputClip),
                   std::nullopt, 0, std::nullopt, std::nullopt, std::nullopt,
                   1, true);
    }]>
  ];
  let extraClassDeclaration = [{
    /// The factor the input's range shrinks by (1 for none).
    double getInputClip() const {
      return getInputClipFactor().convertToDouble();
    }
    /// The integers the input takes: `input_levels`, else 2^input_bits.
    int64_t getLevels() const;
    /// Whether the layer has weights (matmuls and convolutions).
    bool hasWeights() const { return getWeightBits().has_value(); }
    /// Whether it states a rounding (weighted layers of strategy a2q).
    bool hasRounding() const { return getRounding().has_value(); }
    /// Whether its weights are rounded by importance (`gram` falls back to
    /// it).
    bool hasWeightedRounding() const {
      return getRounding() == ::mlir::qfhe::WeightRounding::weighted ||
             hasGramRounding();
    }
    /// Whether its weights are rounded against their inputs' correlations.
    bool hasGramRounding() const {
      return getRounding() == ::mlir::qfhe::WeightRounding::gram;
    }
    /// Whether `qfhe-quantize` may correct its folded bias.
    bool allowsBiasCorrection() const { return getBiasCorrection(); }
    /// This allocation with bias correction allowed or not.
    AllocationAttr withBiasCorrection(bool allowed) const;
    /// This allocation with weights: `weightBits`-bit weights under an l1
    /// budget of `weightL1` per part of `chunks`, rounded `rounding`,
    /// `perChannel` and `symmetric` (std::nullopt: as the options say).
    AllocationAttr withWeights(unsigned weightBits, int64_t weightL1,
                               std::optional<bool> perChannel,
                               std::optional<bool> symmetric,
                               std::optional<WeightRounding> rounding,
                               int64_t chunks) const;
    /// Its entries as the dictionary of keys and values reports show
    /// (the JSON report's `"allocation"` layers).
    ::mlir::DictionaryAttr toDictionary() const;
  }];
}

#endif // QFHE_DIALECT_QFHE_IR_QFHEALLOCATIONATTR_TD
