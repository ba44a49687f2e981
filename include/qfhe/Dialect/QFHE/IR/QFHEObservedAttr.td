//===- QFHEObservedAttr.td - what calibration observed -----*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Included by QFHEAttrs.td (after QFHE_Attr).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QFHEOBSERVEDATTR_TD
#define QFHE_DIALECT_QFHE_IR_QFHEOBSERVEDATTR_TD

def QFHE_ObservedAttr : QFHE_Attr<"Observed", "observed"> {
  let summary = "What a run over a calibration set observed of a float value";
  let description = [{
    The statistics of the elements a float tensor value took over a
    calibration set, as `quant-run calibrate` records them in the
    `qfhe.observed` attributes of docs/attributes.md. NaN and infinite
    elements are not counted.

    - `min`, `max`: the smallest and largest element.
    - `mean_square` (optional): the mean of the squared elements, what the
      error of a weight multiplying this value scales with.
    - `quantiles` (optional): for each level `p` in [0, 1], the value below
      which a fraction `p` of the elements lies (accurate to 1/1024 of the
      range), written `{p : value, ...}`.
    - `axis` (optional), with `channel_min` and `channel_max`, and optionally
      `channel_mean_square` and `channel_quantiles` (one list per channel, at
      the levels of `quantiles`): the same per index along dimension `axis`.

    The verifier checks that every number is finite, `min <= max`, the mean
    squares are at least 0 and at most the largest square of the range,
    levels increase inside [0, 1], quantiles do not decrease and lie in
    their range, every per-channel list has one entry per channel, and each
    channel's range lies inside the whole one.

    ```mlir
    #qfhe.observed<min = -2.0, max = 11.0, mean_square = 1.02,
                   quantiles = {0.01 : -1.9, 0.5 : 0.1, 0.99 : 2.4}>
    #qfhe.observed<min = 0.0, max = 4.0, axis = 1,
                   channel_min = [0.0, 0.0], channel_max = [4.0, 2.0],
                   channel_mean_square = [1.5, 0.5]>
    ```
  }];
  let parameters = (ins
    "::mlir::FloatAttr":$minAttr,
    "::mlir::FloatAttr":$maxAttr,
    OptionalParameter<"::mlir::FloatAttr">:$meanSquareAttr,
    OptionalParameter<"::mlir::DenseF64ArrayAttr">:$quantileLevelsAttr,
    OptionalParameter<"::mlir::DenseF64ArrayAttr">:$quantilesAttr,
    OptionalParameter<"std::optional<int64_t>">:$axis,
    OptionalParameter<"::mlir::DenseF64ArrayAttr">:$channelMinAttr,
    OptionalParameter<"::mlir::DenseF64ArrayAttr">:$channelMaxAttr,
    OptionalParameter<"::mlir::DenseF64ArrayAttr">:$channelMeanSquareAttr,
    OptionalParameter<"::mlir::DenseF64ArrayAttr">:$channelQuantilesAttr
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilder<(ins "const ::mlir::qfhe::ObservedStatistics &":$statistics)>
  ];
  let extraClassDeclaration = [{
    /// The statistics as plain numbers.
    ::mlir::qfhe::ObservedStatistics getStatistics() const;
    double getMin() const { return getMinAttr().getValueAsDouble(); }
    double getMax() const { return getMaxAttr().getValueAsDouble(); }
    std::optional<double> getMeanSquare() const;
    /// The quantile levels and the quantiles at them (empty when not
    /// recorded).
    ::llvm::ArrayRef<double> getQuantileLevels() const;
    ::llvm::ArrayRef<double> getQuantiles() const;
    /// Number of channels along `getAxis()` (0 without an axis).
    int64_t getNumChannels() const;
    /// The channel ranges and mean squares (empty when not recorded).
    ::llvm::ArrayRef<double> getChannelMin() const;
    ::llvm::ArrayRef<double> getChannelMax() const;
    ::llvm::ArrayRef<double> getChannelMeanSquare() const;
    /// The quantiles of `channel` at `getQuantileLevels()` (empty when not
    /// recorded).
    ::llvm::ArrayRef<double> getChannelQuantiles(int64_t channel) const;
    /// The statistics of the value with each channel multiplied by its
    /// `factors` entry (> 0): exact for ranges, mean squares and channel
    /// quantiles; the whole value's quantiles are estimated from the
    /// channels' (estimateMixtureQuantile). The attribute has an axis with
    /// one factor per channel.
    ObservedAttr scaleChannels(::llvm::ArrayRef<double> factors) const;
  }];
}

#endif // QFHE_DIALECT_QFHE_IR_QFHEOBSERVEDATTR_TD
