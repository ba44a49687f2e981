//===- Passes.td - qfhe transformation passes --------------*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_TRANSFORMS_PASSES_TD
#define QFHE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferRanges : Pass<"qfhe-infer-ranges", "::mlir::ModuleOp"> {
  let summary = "Infer the range of every float value of a tensor program";
  let description = [{
    Runs the range analysis (a sparse forward dataflow analysis) and attaches
    to every op producing float values a `qfhe.inferred` attribute: one
    dictionary per result with `min` and `max`, and per-channel bounds
    (`axis`, `channel_min`, `channel_max`) where known, in the format of
    `qfhe.observed` (docs/attributes.md). Function arguments get the
    attribute as an argument attribute. Ranges that are not finite carry a
    `reason`.

    The analysis starts from `qfhe.range = array<f64: lo, hi>` on function
    arguments and is sound: every value the program computes for inputs
    inside the declared ranges lies inside the inferred interval, with float
    rounding accounted for. Constant weights are used exactly: a matmul's
    output column j gets `init + sum_i [min, max](w_ij * x_i)`.

    With `check-observed`, every calibration range (`qfhe.observed`) that is
    not inside the inferred range is an error: either the calibration data
    leave the declared input ranges, or an inference rule is wrong.
  }];
  let options = [
    Option<"useObserved", "use-observed", "bool", /*default=*/"false",
           "Trust qfhe.observed ranges where present and propagate from "
           "them (tighter, not sound)">,
    Option<"checkObserved", "check-observed", "bool", /*default=*/"false",
           "Report an error where a qfhe.observed range is not inside the "
           "inferred range">
  ];
}

def ImportQuantization
    : Pass<"qfhe-import-quantization", "::mlir::ModuleOp"> {
  let summary = "Take the user's quantization as given: QDQ pairs, the quant "
                "dialect and TOSA integer programs into the quantized level";
  let description = [{
    Rewrites a program whose quantization the user chose (quantization-aware
    training, ONNX Runtime's quantizer, a TOSA int8 export) into qfhe's
    typed quantized level with the user's integers and scales: nothing is
    recalibrated and no bit width is chosen again.

    - QDQ pairs (`quant.qcast`/`quant.dcast`, as the ONNX importer writes
      QuantizeLinear/DequantizeLinear): a matmul, a convolution or a sum of
      dequantized values becomes the exact integer accumulation
      (`qfhe.matmul`, `qfhe.conv2d`, `qfhe.sum_pool`, `qfhe.reduce_sum`) at
      the product of the scales; a bias quantized at that scale (up to
      float32 rounding) joins it; the quantization that follows becomes
      `qfhe.requantize` with ONNX's rounding (`float_half_even`, as ONNX
      Runtime's QLinearMatMul/QLinearConv), a Relu or Clip in between
      narrowing the result's storage range; any other univariate float
      arithmetic between a dequantization and a quantization becomes a
      `qfhe.apply` of exactly that arithmetic. Max pooling and data movement
      run on the integers; constant weights are transposed and reshaped at
      compile time. A quantization of a value the client computes (the
      inputs) becomes `qfhe.quantize`; a dequantization the client reads
      (the results, float postprocessing) `qfhe.dequantize`. A
      `quant.qcast(quant.dcast(x))` into the same parameters with narrower
      storage bounds (a Clip on quantized integers) is a clamp.
    - TOSA integer programs, whose boundary is `quant.scast` between
      quantized values and their storage integers: `tosa.matmul` with zero
      points, a constant `tosa.add` bias, `tosa.rescale` (SINGLE_ROUND and
      DOUBLE_ROUND, per tensor or per channel) become `qfhe.matmul` and
      `qfhe.requantize` (`fixed_point`, `fixed_point_double`) whose scales
      reproduce the user's multipliers and shifts exactly; `tosa.clamp`
      narrows the storage range; `tosa.reshape` moves the integers.
    - qfhe's quantized level (the ONNX importer's QOperator ops) stays.

    The quant dialect's casts must not have been canonicalized before this
    pass (upstream folds `quant.dcast(quant.qcast(x))` to `x`): run it
    first. Float arithmetic on quantized values that is neither followed by
    a quantization nor client code after the last dequantization is an
    error naming the op.
  }];
  let dependentDialects = [
    "::mlir::qfhe::QFHEDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def Normalize : Pass<"qfhe-normalize", "::mlir::ModuleOp"> {
  let summary = "Bring a float tensor program into the form qfhe passes expect";
  let description = [{
    Lowers tosa to linalg on tensors (upstream conversions), decomposes
    aggregate ops (`linalg.softmax`), turns arith and math ops applied to
    whole tensors, named elementwise linalg ops and `linalg.reduce` into
    `linalg.generic`, and canonicalizes. Contractions, convolutions and
    pooling stay named ops, in the forms the quantizer knows: channels-last
    convolutions (constant filters) and pools become their NCHW forms
    between transposes, which sink below elementwise ops and pads until
    the pairs between layers cancel; `linalg.matvec` and `linalg.vecmat`
    become `linalg.matmul` on a row or column. An elementwise generic of two
    or more tensors reads a broadcast tensor (`[N, 1]` against `[N, 32]`)
    through a `linalg.broadcast` to its shape, and a generic reads a value
    it reads twice through one map once (`x * x` is then a function of one
    tensor). An elementwise generic that reads a boolean tensor (a
    comparison), or whose tensors are all elementwise functions of one
    tensor, absorbs their producers (`torch.where(x > 0, x, 0.1 * x)` and
    `x * sigmoid(x)` become one function of x). An elementwise generic of
    two or more tensors that reads a copy of a tensor through a
    broadcasting map (ONNX Expand, in F.normalize's `x / expand(norm)`)
    reads that tensor through the map instead (other copies become
    `linalg.broadcast`). A min, max or division of
    two other tensors (not constants) becomes the sums, differences,
    products and functions of one tensor the quantizer computes: `min(a, b)
    = a - relu(a - b)`, `max(a, b) = b + relu(a - b)`, `a / b = a * (1 / b)`
    (equal up to the rounding of the extra float operation).

    The forms other front ends write for ordinary layers become these:
    `dense_resource` constants (torch-mlir's weights) become dense ones,
    `linalg.transpose` of a constant folds, `linalg.matmul` with transposing
    `indexing_maps` becomes a transpose and a plain matmul,
    `linalg.batch_matmul` of data by one constant matrix (`[1, K, N]`, what
    `tosa.matmul` becomes) becomes a 2-D matmul on the collapsed rows, and
    a min (max) with the largest (lowest) float or an infinity, the
    unbounded side of `tosa.clamp`, is dropped (it differs from the
    identity only on infinities and NaN), and an elementwise generic whose
    constants vary along several consecutive dimensions (the `[OH, OW]`
    divisor of an average pool that excludes its padding) runs on its data
    collapsed along them, so that the constants vary along one dimension
    (a table per index), and is expanded back. A `dense_resource` whose
    data the file does not hold is an error.

    It does not keep attributes of the ops it replaces: `quant-run
    calibrate` normalizes before it records ranges, and a normalized
    program stays as it is.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

def SplitSums : Pass<"qfhe-split-sums", "::mlir::ModuleOp"> {
  let summary = "Split sums of more terms than a cap allows into sums of sums";
  let description = [{
    An encrypted sum of `K` terms of `n` bits needs about `n + log2(K)`
    bits. A float sum reduction (the `linalg.generic` `qfhe-quantize` turns
    into `qfhe.reduce_sum`: the means of LayerNorm, InstanceNorm and
    GroupNorm, ReduceSum, ReduceMean) over more than `max-terms` terms
    becomes a sum of partial sums: its reduced dimensions are moved last
    (`linalg.transpose`) and collapsed into one of `K` terms, expanded to
    `[Q, S]` (`S` the largest divisor of `K` up to `max-terms`, `Q = K /
    S`), summed over `S`, then over `Q`; a stage of more than
    `max-terms` terms splits again. A sum over a prime number of terms
    stays whole (the quantizer does not pad encrypted values with zeros).
    In a calibrated program the whole sum keeps its recorded range
    (`qfhe.observed`) and each partial sum gets `S` times its terms'. The quantizer
    gives each stage its own input width and requantizes the partial sums
    between them, as it rounds the parts of a chunked dot product. The
    result is the same sum up to the order of the float additions.

    `qfhe-pipeline` runs it after `qfhe-normalize` with `max-terms =
    2^ceil(cap / 2)` (16 at a cap of 8, 256 at 16), so that each stage's
    terms keep about half the cap's bits; 0 (the default here) splits
    nothing.

    ```mlir
    // A sum over 256 terms with max-terms=16:
    %s = linalg.generic ... ins(%x : tensor<?x2x256xf32>) ... -> tensor<?x2xf32>
    // becomes
    %e = tensor.expand_shape %x [[0], [1], [2, 3]] ... into tensor<?x2x16x16xf32>
    %p = linalg.generic ... ins(%e : tensor<?x2x16x16xf32>) ... -> tensor<?x2x16xf32>
    %s = linalg.generic ... ins(%p : tensor<?x2x16xf32>) ... -> tensor<?x2xf32>
    ```
  }];
  let options = [
    Option<"maxTerms", "max-terms", "int64_t", /*default=*/"0",
           "the most terms one sum adds (2 to 65536); 0 splits nothing">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def EqualizeChannels : Pass<"qfhe-equalize-channels", "::mlir::ModuleOp"> {
  let summary = "Give every channel of an activation the same calibrated range";
  let description = [{
    Between two layers with constant weights (a first layer
    `linalg.conv_2d_nchw_fchw`, `linalg.depthwise_conv_2d_nchw_chw` or 2-D
    `linalg.matmul`; a second layer `linalg.conv_2d_nchw_fchw` or 2-D
    `linalg.matmul`), ops that commute with a positive scale per channel
    (bias adds, relu and other max/min with zero, products and quotients by
    constants, sum and max pooling, depthwise convolutions, zero padding,
    `tensor.collapse_shape`) let each channel `c` be divided by `r_c` in the
    first layer and multiplied by `r_c` in the second: the program computes
    the same function. With `r_c` the channel's calibrated magnitude where
    the second layer reads it over the largest channel's, every channel
    spans the same range, and a per-tensor activation quantization gives
    each channel all its levels (per-channel activation scales folded into
    the weights; cross-layer equalization, Nagel et al. 2019, applied to the
    activations). The calibration ranges (`qfhe.observed`) of the values in
    between are scaled with them. Chains whose values lack per-channel
    calibration, or that branch, stay as they are.

    Products are homogeneous of higher degree: a square `x * x` scales by
    `r_c^2`, and a product by a tensor that does not depend on the first
    layer (a gate `relu(W1 x) * sigmoid(W2 x)`) by `r_c`. Each value of the
    chain has a degree `p` (its channel `c` is divided by `r_c^p`; a bias
    added to it by the same), the second layer's weights are multiplied by
    `r_c^p` where it reads the chain, and `r_c` is the `p`-th root of the
    magnitudes' ratio, so products and squares reach the next layer with
    per-channel scales.
  }];
  let options = [
    Option<"printChoices", "print", "bool", /*default=*/"false",
           "Emit a remark per equalized chain with its factors">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def CheckFidelity : Pass<"qfhe-check-fidelity", "::mlir::ModuleOp"> {
  let summary = "Warn when the allocation's program disagrees with the float one";
  let description = [{
    Reads what `qfhe-allocate-bits` measured on the calibration data
    (`qfhe.allocation_summary`'s `search`: the chosen program's
    `agreement`, the fraction of calibration samples on which it predicts
    what the float program predicts, and the `samples` it ran) and emits a
    warning with both numbers when the agreement is below `min-agreement`:
    the program compiles, but under this cap it has lost the model (caps of
    2 or 3 bits give programs at chance accuracy). Nothing is reported
    without a measured search (no `calibration-data`), and nothing changes
    in the module.
  }];
  let options = [
    Option<"minAgreement", "min-agreement", "double", /*default=*/"0.8",
           "Warn below this agreement with the float program (0: never)">
  ];
}

def Quantize : Pass<"qfhe-quantize", "::mlir::ModuleOp"> {
  let summary = "Rewrite float tensor ops into quantized qfhe ops";
  let description = [{
    Post-training quantization: every float tensor between the ops of a
    function's body becomes a tensor of `!quant.uniform` integers whose
    parameters are chosen from the value's range (calibration ranges,
    `qfhe.observed`, where present; otherwise the sound ranges of the range
    analysis, which this pass runs itself).

    - matmul, batch_matmul with shared weights, conv_2d_nchw_fchw and
      depthwise convolutions with constant weights become `qfhe.matmul` /
      `qfhe.conv2d` with exact integer accumulators; weights are quantized
      per output channel (or per tensor), symmetric or not; a following
      bias add is folded into the accumulator exactly, at scale
      `input_scale * weight_scale`; zero padding folds into the op. With
      `bias-correction` (the default) and calibration statistics on the
      op's input (`qfhe.observed` quantiles), the folded bias of output
      channel c gains the mean error the quantized layer makes,
      `sum_i (w_ci E[x_i] - w^_ci E[x^_i])` (w^: the quantized weights, x^:
      the quantized input), the means read off the calibrated quantiles;
      an allocation with `bias_correction = false` keeps its bias as is.
      Under an l1 budget of fewer units than a part's weights, weights
      with calibrated second moments of their inputs (`qfhe.input_gram`)
      are rounded against them, each rounding error passed on to the
      weights of correlated inputs (where the allocation says
      `rounding = gram`, or with `gram-rounding`; off by default:
      docs/pipeline.md).
    - every chain of elementwise univariate ops (relu, tanh, sigmoid as
      torch-mlir writes it, gelu, scaling, clamping, per-channel constants)
      becomes one `qfhe.apply` whose body is the float chain: one table.
    - add, sub, mul of two tensors become `qfhe.add/sub/mul`; sum and
      average pooling `qfhe.sum_pool`; max pooling `qfhe.max_pool`; sum
      reductions `qfhe.reduce_sum`; reshapes, transposes, slices, padding and
      concatenation carry the parameters through.
    - accumulators are requantized to activations before the next linear op.

    The boundary runs in the clear on the client: function arguments are
    quantized after any elementwise preprocessing (which stays float), and
    results are dequantized before any elementwise postprocessing or a final
    softmax (which stay float). An op that cannot be quantized is an error
    naming the op and the reason, or with `float-fallback`, a warning: the
    op then runs in float between a dequantize and a quantize.

    The pass plans first (every choice above, before any IR changes), then
    runs a dialect conversion: a type converter maps each float tensor value
    to its planned `!quant.uniform` type (the client's `qfhe.quantize` and
    `qfhe.dequantize` are its materializations) and one
    `OpConversionPattern` per op family builds the qfhe ops
    (`qfhe/Transforms/Quantize.h`: `planQuantization`,
    `QuantizeTypeConverter`, `populateQuantizePatterns`).
  }];
  let options = [
    Option<"inputBits", "input-bits", "unsigned", "8",
           "Bits of the quantized model inputs, in [2, 16]">,
    Option<"weightBits", "weight-bits", "unsigned", "8",
           "Bits of the quantized weights, in [2, 16]">,
    Option<"activationBits", "activation-bits", "unsigned", "8",
           "Bits of activations (the inputs of linear ops, table outputs), "
           "in [2, 16]">,
    Option<"outputBits", "output-bits", "unsigned", "8",
           "Bits of the quantized model outputs, in [2, 16]">,
    Option<"accumulatorBits", "accumulator-bits", "unsigned", "32",
           "Bits of the accumulators of linear ops, in [2, 32]">,
    Option<"perChannelWeights", "per-channel-weights", "bool", "true",
           "Quantize weights per output channel (else per tensor)">,
    Option<"symmetricWeights", "symmetric-weights", "bool", "true",
           "Symmetric weights (zero point 0)">,
    Option<"narrowRange", "narrow-range", "bool", "true",
           "Narrow-range weights ([-127, 127] for 8 bits)">,
    Option<"symmetricActivations", "symmetric-activations", "bool", "false",
           "Symmetric inputs, activations and outputs">,
    Option<"useObserved", "use-observed", "bool", "true",
           "Use calibration ranges (qfhe.observed) where present">,
    Option<"floatFallback", "float-fallback", "bool", "false",
           "Keep ops that cannot be quantized in float, with a warning">,
    Option<"biasCorrection", "bias-correction", "bool", "true",
           "Add to each folded bias the mean error the layer's quantized "
           "weights and input cause on calibration data">,
    Option<"gramRounding", "gram-rounding", "bool", "false",
           "Round weights under a budget against the second moments of "
           "their inputs (qfhe.input_gram) where calibration recorded them">
  ];
  let dependentDialects = [
    "::mlir::qfhe::QFHEDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

def AllocateBits : Pass<"qfhe-allocate-bits", "::mlir::ModuleOp"> {
  let summary = "Choose bits and weight budgets so accumulators fit the cap";
  let description = [{
    Runs on the float program, before `qfhe-quantize`, and records per
    linear op (matmul, convolution, pooling, sum) a `qfhe.allocation`
    attribute, a `#qfhe.allocation`, that the quantizer follows:
    `input_bits` (the bits of the
    op's input activation), `weight_bits`, `weight_l1` (a bound on the l1
    norm of each output channel's integer weights, or of each part's with
    chunks; 0 for none), `per_channel`, `rounding` (`weighted` or
    `nearest`), and when chosen `chunks` (the parts each dot product is
    accumulated in), `input_clip` (the factor the input's range shrinks
    by before it is quantized), `input_levels` (the integers the input
    takes, fewer than its bits hold, for a budget of (2^P - 1) / (levels -
    1)) and `bias_correction = false` (the measured
    search found the layer more faithful without qfhe-quantize's bias
    correction).

    An accumulator of a channel with integer weights q over inputs of n bits
    spans sum |q_i| * (2^n - 1) + 1 values, and the lowering centers it, so
    it fits P bits exactly when sum |q_i| <= (2^P - 1) / (2^n - 1). For each
    layer and each n the allocator quantizes the weights under that budget
    (accumulator-aware quantization, A2Q) and estimates the error the layer
    adds: input rounding noise (2^-n steps of the input's range, through
    the weights) plus weight rounding noise (through the input's mean
    square), from the calibration ranges where given. It keeps the n with
    the least error. Pools and sums take the most input bits that fit.

    Long dot products may be split (`max-chunks`, a power of two): with
    c = 2^d parts, each part's accumulator drops d bits before the parts
    are added (qfhe.matmul's `chunks`), so each part gets its own budget,
    sum |q_i| <= (2^P - 2c - 2) / (2^n - 1) over its terms: about c times
    the weight precision, for c roundings per output and a rounding error
    of 2^(d-1) units per part. The estimate weighs that error too and takes
    more parts only for a clear gain, and only in layers whose unsplit
    estimated noise exceeds 0.5% of the signal (roundings cost
    bootstraps).

    With `calibration-data`, it measures instead of trusting the estimate:
    starting from the better of the estimated choice and the uniform
    baseline, it tries, layer by layer, other input bits (within two),
    nearest rounding, other chunk counts, and clipped input ranges (0.85 to
    0.4 of the calibrated range: outliers saturate, the rest gets a finer
    step), compiling each candidate and running it with MLIR's JIT next to
    the float program on the calibration inputs, and keeps a change when
    the candidate's class probabilities (softmax of its outputs) are closer
    to the float program's: a smaller mean Kullback-Leibler divergence;
    sweeps over the layers until every layer has been visited once since
    the last change with nothing kept (six sweeps at most), never measuring
    a configuration it rejected before. Each candidate's integer program is also priced: its
    bootstraps (lookups, roundings, comparisons) by input precision, in
    8-bit bootstraps (docs/cost.md). Then, from the most faithful
    allocation, a second descent keeps the cheapest candidates whose
    fidelity stays within `cost-tolerance` T of the most faithful one's:
    a mean divergence at most (1 + T) times its, and an agreement with the
    float program's predictions at most 0.5% of the samples below its (a
    fixed reference, so the losses of several layers' changes stay within
    the tolerance together). With
    `max-cost`, a candidate over the budget is kept only in place of a
    dearer one; a search that ends over the budget is an error.

    `strategy=uniform` is the classic baseline instead: one n for every
    input, weight and activation, weights per tensor (min/max, asymmetric),
    the largest n whose worst-case accumulators all fit.

    A cap no choice can meet with a useful layer (noise at least the signal)
    is an error naming the layer and the smallest cap that would do. The
    module gets `qfhe.default_bits`, the bits of activations and outputs
    not read by a linear op, and (strategy a2q) `qfhe.output_bits`, the
    bits of the results the client decrypts: the cap, at most 16.

    The measured search stops early when the estimated choice already
    agrees with the float program on every calibration sample with outputs
    within 1% (rms). When `tlu-bit-width` is below the cap it measures the
    integer programs; otherwise no lookup rounds and it measures the
    quantized programs, which compute the same values without building
    tables.
  }];
  let options = [
    Option<"maxBitWidth", "max-bit-width", "unsigned", "8",
           "Bits every encrypted value must fit, in [2, 32]">,
    Option<"maxActivationBits", "max-activation-bits", "unsigned", "8",
           "Most bits of an activation, in [2, 16]">,
    Option<"weightBits", "weight-bits", "unsigned", "8",
           "Bits of the integer weights (before budgets), in [2, 16]">,
    Option<"strategy", "strategy", "std::string", "\"a2q\"",
           "a2q (per layer, accumulator-aware) or uniform (baseline)">,
    Option<"useObserved", "use-observed", "bool", "true",
           "Use calibration ranges (qfhe.observed) where present">,
    Option<"calibrationData", "calibration-data", "std::string", "\"\"",
           "A .npy file of inputs: measure candidates instead of estimating">,
    Option<"maxChunks", "max-chunks", "unsigned", "8",
           "Most parts a layer's dot products may be split into, a power of "
           "two in [1, 1024] (1: never split)">,
    Option<"searchSamples", "search-samples", "int64_t", "200",
           "Samples of the calibration data each candidate runs on (at "
           "least 1)">,
    Option<"tluBitWidth", "tlu-bit-width", "unsigned", "0",
           "Widest lookup input of the measured programs, in [2, 16] (0: "
           "max-bit-width, at most 16, and narrower for layers whose "
           "per-channel tables would exceed 2^24 entries: the budgets keep "
           "the headroom of their rounding)">,
    Option<"maxCost", "max-cost", "double", "0",
           "With calibration-data: most estimated FHE cost per sample, in "
           "8-bit bootstraps (docs/cost.md; 0: no budget)">,
    Option<"costTolerance", "cost-tolerance", "double", "0.25",
           "With calibration-data: keep the cheapest candidate whose mean "
           "divergence from the float program is at most 1 + this times the "
           "most faithful one's, in [0, 1000] (-1: keep the most "
           "faithful)">,
    Option<"biasCorrection", "bias-correction", "bool", "true",
           "Measured candidates are quantized with bias correction "
           "(qfhe-quantize's option of the same name)">,
    Option<"gramRounding", "gram-rounding", "bool", "false",
           "Also measure rounding weights against the second moments of "
           "their inputs (rounding = gram, where calibration recorded them "
           "and the budget binds), after a first descent without it">,
    Option<"inputLevels", "input-levels", "bool", "false",
           "With calibration-data: also measure inputs of three quarters of "
           "their levels (input_levels, a third more weight budget), from "
           "the whole-bit search's result">,
    Option<"printChoices", "print", "bool", "false",
           "Emit a remark per layer with the choice and its estimated error">
  ];
}

def FuseUnivariate : Pass<"qfhe-fuse-univariate", "::mlir::ModuleOp"> {
  let summary = "Fuse chains of univariate quantized ops into one table";
  let description = [{
    A `qfhe.apply` or `qfhe.requantize` whose only user is another one is a
    function of one integer followed by another: the pair becomes one
    `qfhe.apply` from the first's input parameters to the second's result
    parameters, whose body composes the two float functions (a requantize
    is the identity function). The intermediate rounding disappears, so the
    fused op is at least as accurate, and the integer program needs one
    lookup instead of two.
  }];
}

def LowerToInteger : Pass<"qfhe-lower-to-integer", "::mlir::ModuleOp"> {
  let summary = "Lower quantized qfhe ops to an integer-only program";
  let description = [{
    Turns the quantized level into what an FHE back end executes: integer
    linear algebra (upstream `linalg` on signless integer tensors, clear
    constant weights), `qfhe.lut` table lookups and `qfhe.round`. No float
    op remains between the client-side quantize and dequantize.

    Each encrypted tensor is an integer `z` standing for `scale * (z -
    offset)` (per channel where needed). Zero points fold into clear
    constants (Jacob et al. 2018, eq. 7): `matmul` becomes `z @ (w - zw) +
    beta` with `beta = bias - offset_x * colsum(w - zw) + c`, where the clear
    shift `c` centers each output channel's exact range so that the
    accumulator type (`i<N>`, the fewest bits its exact worst case needs) is
    as narrow as possible. Everything that follows a linear op up to the next
    one (requantization, activation, the next quantization: `qfhe.apply`,
    `qfhe.requantize`) becomes one `qfhe.lut` on the accumulator, its table
    computed by evaluating the float body on every input value, with the same
    float arithmetic the quantized program uses. When a lookup's input is
    wider than `tlu-bit-width`, `qfhe.round` drops low bits first (or, with
    `allow-rounding=false`, the lowering stops with an error naming the op,
    the input's range and the bits it needs). `qfhe.add`
    and `qfhe.sub` rescale both operands to a common scale with a lookup
    each, add exactly, and requantize with a third. `qfhe.mul` of two
    tensors whose pairs of levels fit a table of `tlu-bit-width` bits is
    one lookup of both packed into one integer (`ny * zx + zy + c`, every
    pair numbered), exact; otherwise it is the squares trick,
    `x * y = floor((x + y)^2 / 4) - floor((x - y)^2 / 4)`: the exact sum and difference of the factors'
    integers, a lookup of each quarter square (exact, or both scaled by
    the largest factor below 1 that keeps them and their difference within
    `tlu-bit-width`; scaled tables hold entries, within the same ranges,
    that put every pair of factors on its product's level where such
    entries exist), their difference, and a lookup that requantizes it;
    `qfhe.mul` of a value by itself is one lookup. `qfhe.apply_pair` is
    one lookup of every pair of its operands' levels (each entry its body
    evaluated in its own float type); when the pairs do not fit
    `tlu-bit-width` it is an error giving the bits they need.

    A matmul or convolution with `chunks = 2^d` becomes one narrow linear op
    per part (a slice of the input, the part's weights), each centered on a
    multiple of 2^d, a `qfhe.round` dropping d bits from each, and integer
    additions of the rounded parts: the sum stands for the accumulator in
    units of 2^d, exactly what the quantized op computes.
  }];
  let options = [
    Option<"tluBitWidth", "tlu-bit-width", "unsigned", "16",
           "Widest table lookup input, in [2, 16] (0: 16); wider inputs are "
           "rounded first">,
    Option<"allowRounding", "allow-rounding", "bool", "true",
           "Round lookup inputs wider than tlu-bit-width (else it is an error "
           "naming the op, its range and the bits it needs: a user's "
           "quantization is kept as it is)">,
    Option<"fitTables", "fit-tables", "bool", "false",
           "With allow-rounding: where one lookup's tables (one per channel) "
           "would hold more than 2^24 entries, round its input to the widest "
           "width whose tables fit, with a remark (else it is an error)">
  ];
  let dependentDialects = [
    "::mlir::qfhe::QFHEDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

def VerifyBitWidth : Pass<"qfhe-verify-bitwidth", "::mlir::ModuleOp"> {
  let summary = "Prove that every encrypted value fits the bit-width cap";
  let description = [{
    A sound dataflow analysis of the integer-only program (MLIR's sparse
    forward framework; `CircuitAnalysis` in `qfhe/Analysis`): every value is
    encrypted or clear and has an exact range, per channel where that is
    more precise. Values computed from the client's `qfhe.quantize` and
    integer function arguments (unless marked `qfhe.clear`; their range is
    their type's or a declared `qfhe.range`) are encrypted; constants are
    clear (and may be wider than the cap). Any structured linalg op is read
    through its indexing maps and its body, which must be a sum of products
    with at most one encrypted factor (`out +` such a sum when it reduces)
    or a max/min reduction; `qfhe.lut` and `qfhe.round` map ranges exactly;
    tensor data movement moves them. The pass then checks that

    - the range of every encrypted value fits its integer type,
    - it fits `max-bit-width` bits,
    - every `qfhe.lut` input type is at most `tlu-bit-width` bits (default:
      `max-bit-width`, at most 16: TFHE's lookups take 16 bits at most),
    - a max of encrypted values (`b + relu(a - b)` in FHE) has differences
      that fit the cap,
    - no other op touches encrypted values: an op without an exact rule is
      an error naming it, never skipped.

    It fails with an error naming the op, its proven range and the bits it
    needs. Arithmetic on an `iN` type is modulo `2^N`: a sum whose exact
    range lies inside one window of `2^N` values is held exactly, less a
    multiple of `2^N` fixed at compile time (docs/pipeline.md says where
    this is allowed). The same proof is available from C++ as
    `verifyBitWidth` (`qfhe/Analysis/BitWidthReport.h`).

    With `report`, it writes a JSON report: the widest encrypted value, the
    width of every encrypted op result, and the number of table lookups and
    of `qfhe.round` roundings per sample by input width (`lookups` and
    `roundings`; max pooling counts one lookup per comparison), and, when
    the module carries `qfhe.allocation_summary`, the allocation's choices
    (`allocation`).
  }];
  let options = [
    Option<"maxBitWidth", "max-bit-width", "unsigned", "8",
           "Bits every encrypted value must fit, in [2, 32]">,
    Option<"tluBitWidth", "tlu-bit-width", "unsigned", "0",
           "Widest lookup input, in [2, 16] (0: max-bit-width, at most 16)">,
    Option<"report", "report", "std::string", "\"\"",
           "Write a JSON report of widths and lookups to this file ('-' for "
           "stdout)">
  ];
}

#endif // QFHE_TRANSFORMS_PASSES_TD
