//===- QFHESummaryAttrs.td - the allocation's record --*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Included by QFHEAttrs.td (after QFHEAllocationAttr.td).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QFHESUMMARYATTRS_TD
#define QFHE_DIALECT_QFHE_IR_QFHESUMMARYATTRS_TD

def QFHE_LayerChoiceAttr : QFHE_Attr<"LayerChoice", "layer_choice"> {
  let summary = "What the allocation chose for one layer";
  let description = [{
    One entry of `#qfhe.allocation_summary`'s `layers`: the layer's op name,
    its location as text (the report names the layer by it), and its
    `#qfhe.allocation` (absent for a layer the allocation left alone).

    ```mlir
    #qfhe.layer_choice<op = "linalg.matmul", loc = "loc(\"m.mlir\":12:8)",
                       allocation = #qfhe.allocation<input_bits = 3>>
    ```
  }];
  let parameters = (ins
    "StringAttr":$op,
    "StringAttr":$loc,
    OptionalParameter<"AllocationAttr">:$allocation
  );
  let assemblyFormat = "`<` struct(params) `>`";
}

def QFHE_SearchSummaryAttr : QFHE_Attr<"SearchSummary", "search_summary"> {
  let summary = "What the measured allocation search found";
  let description = [{
    `#qfhe.allocation_summary`'s `search`, when `qfhe-allocate-bits`
    measured candidates on calibration data:

    - `candidates`: the candidates measured; `samples`: the calibration
      samples each ran on (both at least 0, samples at least 1);
    - `agreement`: the fraction of the samples on which the chosen program
      predicts what the float program predicts, in [0, 1];
    - `divergence`: its mean Kullback-Leibler divergence from the float
      program's class probabilities, at least 0;
    - `relative_rms_error`: the RMS of its outputs' error relative to the
      float outputs', at least 0;
    - `uniform_is_best`: whether the uniform baseline beat the estimate;
    - `cost` (optional): its estimated FHE cost per sample in 8-bit
      bootstraps; with it, optionally, the most faithful candidate's
      `most_faithful_agreement`, `most_faithful_divergence` and
      `most_faithful_cost` (all three or none).

    Reals are `f64` attributes. `qfhe-check-fidelity` reads `agreement` and
    `samples`; reports show every entry.

    ```mlir
    #qfhe.search_summary<candidates = 177, samples = 200,
        agreement = 9.9e-01 : f64, divergence = 2.1e-02 : f64,
        relative_rms_error = 1.3e-01 : f64, uniform_is_best = false,
        cost = 3.78e+02 : f64>
    ```
  }];
  let parameters = (ins
    "int64_t":$candidates,
    "int64_t":$samples,
    "FloatAttr":$agreement,
    "FloatAttr":$divergence,
    "FloatAttr":$relative_rms_error,
    "BoolAttr":$uniform_is_best,
    OptionalParameter<"FloatAttr">:$cost,
    OptionalParameter<"FloatAttr">:$most_faithful_agreement,
    OptionalParameter<"FloatAttr">:$most_faithful_divergence,
    OptionalParameter<"FloatAttr">:$most_faithful_cost
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Its entries as the dictionary of keys and values reports show (the
    /// JSON report's `"allocation"` `"search"`).
    ::mlir::DictionaryAttr toDictionary() const;
  }];
}

def QFHE_AllocationSummaryAttr
    : QFHE_Attr<"AllocationSummary", "allocation_summary"> {
  let summary = "The allocation's choices, recorded on the module for reports";
  let description = [{
    What `qfhe-allocate-bits` records on the module as
    `qfhe.allocation_summary` (docs/attributes.md): the strategy (`a2q` or
    `uniform`), one `#qfhe.layer_choice` per layer it allocated, in program
    order, and with calibration data, the search's `#qfhe.search_summary`.
    The verifier's JSON report shows it as its `"allocation"`;
    `qfhe-check-fidelity` warns from its search's agreement.

    ```mlir
    module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<
        strategy = "a2q",
        layers = [#qfhe.layer_choice<op = "linalg.matmul",
                                     loc = "loc(\"m.mlir\":12:8)",
                                     allocation = #qfhe.allocation<...>>],
        search = #qfhe.search_summary<...>>} {
    ```
  }];
  let parameters = (ins
    "StringAttr":$strategy,
    "ArrayAttr":$layers,
    OptionalParameter<"SearchSummaryAttr">:$search
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Its layers, each a #qfhe.layer_choice (the verifier checks).
    auto getLayerChoices() const {
      return getLayers().getAsRange<LayerChoiceAttr>();
    }
    /// Its entries as the dictionary of keys and values reports show (the
    /// JSON report's `"allocation"`).
    ::mlir::DictionaryAttr toDictionary() const;
  }];
}

#endif // QFHE_DIALECT_QFHE_IR_QFHESUMMARYATTRS_TD
