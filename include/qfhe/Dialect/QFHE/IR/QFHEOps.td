//===- QFHEOps.td - qfhe operations ------------------------*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QFHEOPS_TD
#define QFHE_DIALECT_QFHE_IR_QFHEOPS_TD

include "qfhe/Dialect/QFHE/IR/QFHEAttrs.td"
include "mlir/Interfaces/InferIntRangeInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpBase.td"

def QFHE_FloatTensor : RankedTensorOf<[AnyFloat]>;
def QFHE_IntTensor : RankedTensorOf<[AnyInteger]>;

def QFHE_UniformQuantizedType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
    "!quant.uniform (per tensor or per axis)">;
def QFHE_QuantTensor : RankedTensorOf<[QFHE_UniformQuantizedType]>;

//===----------------------------------------------------------------------===//
// Quantized level
//===----------------------------------------------------------------------===//

def QFHE_QuantizeOp : QFHE_Op<"quantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Maps reals to quantized integers";
  let description = [{
    Computes, element by element, in the input's float type:

    ```
    q = clamp(round_half_to_even(x / scale) + zero_point, qmin, qmax)
    ```

    where `scale`, `zero_point` (those of the element's channel when the
    result type is per axis) and the storage bounds `[qmin, qmax]` come from
    the result's `!quant.uniform` element type, whose expressed type is the
    input's float type. NaN maps to the zero point (real 0); infinities
    saturate. At the boundary of a program this op runs on the client, in
    the clear: it stands for encryption.

    ```mlir
    %q = qfhe.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1:3>>
    // 4-bit values in 8-bit storage: the clamp is to [-8, 7].
    %n = qfhe.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8<-8:7>:f32, 0.25>>
    ```
  }];
  let arguments = (ins QFHE_FloatTensor:$input);
  let results = (outs QFHE_QuantTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QFHE_DequantizeOp
    : QFHE_Op<"dequantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Maps quantized integers back to reals";
  let description = [{
    Computes, element by element, `x = (q - zero_point) * scale` in the
    result's float type (the difference is exact; the product is rounded
    once), with the parameters of the input's `!quant.uniform` element type,
    whose expressed type is the result's float type. At the boundary of a
    program this op runs on the client: it stands for decryption.

    ```mlir
    %x = qfhe.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins QFHE_QuantTensor:$input);
  let results = (outs QFHE_FloatTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QFHE_RequantizeOp
    : QFHE_Op<"requantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Changes the quantization parameters of integers";
  let description = [{
    Maps each integer from the input type's parameters (`from`) to the
    result type's (`to`) with the ratio `r = scale_from / scale_to` (per
    channel when either type is per axis; both on the same axis):

    ```
    q' = clamp(R(q - zp_from) + zp_to, qmin', qmax')
    ```

    where `[qmin', qmax']` are the result's storage bounds and `R(x)`, the
    rescaled integer, depends on `rounding`:

    - `fixed_point` (default): `floor((x * M + 2^(s-1)) / 2^s)`, the exact
      product rounded half up, with `M * 2^-s` the fixed-point form of `r`
      (`2^30 <= M < 2^31`, `s <= 62`; `computeFixedPointMultiplier` in
      `qfhe/Support/QuantMath.h`). Integer arithmetic only: gemmlowp,
      TFLite, TOSA `tosa.rescale` with `SINGLE_ROUND`.
    - `fixed_point_double`: TOSA's `DOUBLE_ROUND` with the same `M` and `s`:
      the rounding term `2^(s-1)` grows by `2^30` for `x >= 0` and shrinks
      by `2^30` for `x < 0` when `s > 31`.
    - `float_half_even`: `round_half_to_even(f64(x) * f64(m))` with the
      float32 multiplier `m = f32(f32(scale_from) / f32(scale_to))`: the
      reference semantics of ONNX QLinearMatMul and QLinearConv.

    A requantization into narrower storage bounds with the same scale and
    zero point is a clamp (a Clip or Relu on quantized values).

    ```mlir
    %r = qfhe.requantize %q : tensor<4x!quant.uniform<i32:f32, 0.001>>
        -> tensor<4x!quant.uniform<u8:f32, 0.05:10>>
    %s = qfhe.requantize %q {rounding = #qfhe.rounding<float_half_even>}
        : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<i8:f32, 0.05>>
    ```
  }];
  let arguments = (ins QFHE_QuantTensor:$input,
                   DefaultValuedAttr<QFHE_RoundingModeAttr,
                                     "::mlir::qfhe::RoundingMode::fixed_point">:$rounding);
  let results = (outs QFHE_QuantTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The rounding as the arithmetic of `qfhe/Support/Rescale.h` names it.
    ::mlir::qfhe::RescaleRounding getRescaleRounding();
  }];
}

//===----------------------------------------------------------------------===//
// Quantized level: linear ops (exact integer accumulation)
//===----------------------------------------------------------------------===//

def QFHE_MatmulOp : QFHE_Op<"matmul", [Pure]> {
  let summary = "Matrix product of quantized operands, accumulated exactly";
  let description = [{
    For `lhs` of shape `[..., M, K]` and `rhs` of shape `[K, N]`:

    ```
    result[..., m, n] = sum_k (lhs[..., m, k] - zl) * (rhs[k, n] - zr_n) + bias[n]
    ```

    computed exactly and reduced modulo `2^w` into the `w`-bit storage of
    the result type (two's complement): the accumulator. `zl` is the zero
    point of `lhs` (per tensor), `zr_n` that of `rhs` for column `n` (per
    tensor, or per axis on axis 1). The optional `bias` is a 1-D tensor of
    `N` integers at the result scale (zero point 0). `rhs` is normally a
    constant (clear weights).

    The types must agree, as the verifier checks: the result has zero point
    0, storage without narrower bounds, and scale `scale_l * scale_r(n)`
    (per axis on the last dimension when `rhs` is per axis), equal up to
    float32 rounding (relative difference at most 2^-23); the bias has the
    result's scales (to the same tolerance) and zero point 0.

    With `chunks = c` (a power of two, `c = 2^d >= 2`), the dot products are
    accumulated in parts so that each part's accumulator stays small: the
    `K` terms split into runs of `ceil(K / c)` consecutive `k`, each run's
    exact sum `T_p` (the bias added to the first) is rounded to the nearest
    multiple of `2^d`, ties up, and the rounded parts are added:
    `result = sum_p 2^d * floor((T_p + 2^(d-1)) / 2^d)`. The integer
    lowering computes each part in its own narrow accumulator and drops `d`
    bits before adding (see qfhe-lower-to-integer).

    ```mlir
    %acc = qfhe.matmul %x, %w, %b
      : tensor<1x64x!quant.uniform<u8:f32, 0.004>>,
        tensor<64x2x!quant.uniform<i8<-127:127>:f32:1, {0.01, 0.02}>>,
        tensor<2x!quant.uniform<i32:f32:0, {4.0e-05, 8.0e-05}>>
        -> tensor<1x2x!quant.uniform<i32:f32:1, {4.0e-05, 8.0e-05}>>
    ```
  }];
  let arguments = (ins QFHE_QuantTensor:$lhs, QFHE_QuantTensor:$rhs,
                   Optional<QFHE_QuantTensor>:$bias,
                   OptionalAttr<I64Attr>:$chunks);
  let results = (outs QFHE_QuantTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? attr-dict `:` type($lhs) `,` type($rhs)
    (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

def QFHE_Conv2DOp : QFHE_Op<"conv2d", [Pure]> {
  let summary = "2-D convolution of quantized operands, accumulated exactly";
  let description = [{
    NCHW input `[N, C, H, W]`, filter `[F, C / groups, KH, KW]`, result
    `[N, F, OH, OW]`:

    ```
    result[n, f, y, x] = sum_{c, i, j} (in[n, g(f) + c, y*sh + i*dh - pt, x*sw + j*dw - pl] - zi)
                                       * (filter[f, c, i, j] - zf_f) + bias[f]
    ```

    where positions outside the input (the `padding`, `[top, left, bottom,
    right]`) contribute 0 (they hold the real value 0), `g(f)` is the first
    input channel of the group of `f`, and the sum is reduced modulo `2^w`
    into the result's storage. `groups` is 1 or the number of input channels
    (depthwise). The input is quantized per tensor, the filter per tensor or
    per axis on axis 0; the result and the bias follow as for `qfhe.matmul`,
    per axis on axis 1 when the filter is per axis.

    `chunks = c` (groups 1 only) splits the sum over input channels into
    runs of `ceil(C / c)` consecutive channels (with all their `i, j`),
    rounded and added as for `qfhe.matmul`.
  }];
  let arguments = (ins QFHE_QuantTensor:$input, QFHE_QuantTensor:$filter,
                   Optional<QFHE_QuantTensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$padding,
                   DefaultValuedAttr<I64Attr, "1">:$groups,
                   OptionalAttr<I64Attr>:$chunks);
  let results = (outs QFHE_QuantTensor:$result);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? attr-dict `:` type($input) `,`
    type($filter) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

def QFHE_SumPoolOp : QFHE_Op<"sum_pool", [Pure]> {
  let summary = "Windowed sums (sum or average pooling) of quantized values";
  let description = [{
    NCHW input quantized per tensor; for each output position the window sum
    `sum_{i, j} (in[n, c, y*sh + i - pt, x*sw + j - pl] - zi)`, positions in
    the padding contributing 0, reduced modulo `2^w` into the result's
    storage. The result stands for that sum times `scale_in / divisor`: a
    sum pool has divisor 1, an average pool over a `KH x KW` window divisor
    `KH*KW` (the division is folded into the result scale, exactly). The
    result type has scale `scale_in / divisor` (up to float32 rounding),
    zero point 0 and no narrower storage bounds.
  }];
  let arguments = (ins QFHE_QuantTensor:$input,
                   DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$padding,
                   DefaultValuedAttr<I64Attr, "1">:$divisor);
  let results = (outs QFHE_QuantTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QFHE_ReduceSumOp : QFHE_Op<"reduce_sum", [Pure]> {
  let summary = "Sums of quantized values over dimensions";
  let description = [{
    Sums `in - zi` over the `dimensions` (which are removed from the shape),
    reduced modulo `2^w` into the result's storage. As for `qfhe.sum_pool`,
    the result stands for the sum times `scale_in / divisor` (a mean has
    divisor the count of summed values), and its type says so.
  }];
  let arguments = (ins QFHE_QuantTensor:$input,
                   DenseI64ArrayAttr:$dimensions,
                   DefaultValuedAttr<I64Attr, "1">:$divisor);
  let results = (outs QFHE_QuantTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QFHE_MaxPoolOp : QFHE_Op<"max_pool", [Pure]> {
  let summary = "Windowed maxima of quantized values";
  let description = [{
    NCHW input; for each output position the largest integer of its window
    (padding positions are ignored). Quantization is monotone, so the
    result has the input's element type (per tensor, or per axis on the
    channels, axis 1).
  }];
  let arguments = (ins QFHE_QuantTensor:$input,
                   DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                   DenseI64ArrayAttr:$padding);
  let results = (outs QFHE_QuantTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantized level: elementwise functions
//===----------------------------------------------------------------------===//

class QFHE_BinaryOp<string mnemonic, string operation>
    : QFHE_Op<mnemonic, [Pure, SameOperandsAndResultShape]> {
  let summary = "Elementwise " # operation # " of two quantized tensors";
  let description = [{
    Dequantizes both operands (f64) with their types' parameters, applies
    the operation in real arithmetic (rounded to f64), and quantizes the
    result with the result type's parameters (round half to even,
    saturating to its storage bounds). Each type may be per axis.
  }];
  let arguments = (ins QFHE_QuantTensor:$lhs, QFHE_QuantTensor:$rhs);
  let results = (outs QFHE_QuantTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QFHE_AddOp : QFHE_BinaryOp<"add", "sum">;
def QFHE_SubOp : QFHE_BinaryOp<"sub", "difference">;
def QFHE_MulOp : QFHE_BinaryOp<"mul", "product">;

def QFHE_ApplyOp : QFHE_Op<"apply", [
    RecursiveMemoryEffects, SameOperandsAndResultShape, SingleBlock]> {
  let summary = "A univariate function of quantized values (a table)";
  let description = [{
    For each element: dequantize it with the input type's parameters into
    the float type of the body's first argument, evaluate the body on it,
    and quantize the yielded real with the result type's parameters (round
    half to even, saturating to its storage bounds), in that float type:

    ```
    result = quantize_result(f(dequantize_input(x)))
    ```

    With `channel_axis`, the body has a second `index` argument: the
    element's index along that dimension, so the function may differ per
    channel (per-channel constants read with `tensor.extract`). The body
    holds pure scalar float arithmetic (arith, math, tensor.extract of
    constants); it is the float chain a table lookup will tabulate: since
    the input takes finitely many values, `qfhe-lower-to-integer` evaluates
    the body on each of them.

    ```mlir
    %y = qfhe.apply %acc : tensor<1x64x!quant.uniform<i32:f32, 1.0e-3>>
        -> tensor<1x64x!quant.uniform<i8:f32, 0.0079>> {
    ^bb0(%v: f32):
      %t = math.tanh %v : f32
      qfhe.yield %t : f32
    }
    ```
  }];
  let arguments = (ins QFHE_QuantTensor:$input,
                   OptionalAttr<I64Attr>:$channel_axis);
  let results = (outs QFHE_QuantTensor:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result) $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The float type the function is evaluated in.
    ::mlir::FloatType getFunctionType() {
      return ::llvm::cast<::mlir::FloatType>(
          getBody().front().getArgument(0).getType());
    }
  }];
}

def QFHE_ApplyPairOp : QFHE_Op<"apply_pair", [
    RecursiveMemoryEffects, SameOperandsAndResultShape, SingleBlock]> {
  let summary = "A function of two quantized tensors, elementwise (a table "
                "of pairs)";
  let description = [{
    For each index: dequantize the element of `lhs` and the element of
    `rhs` with their types' parameters into the float type of the body's
    arguments, evaluate the body on both, and quantize the yielded real with
    the result type's parameters (round half to even, saturating to its
    storage bounds), in that float type:

    ```
    result = quantize_result(f(dequantize_lhs(x), dequantize_rhs(y)))
    ```

    This is what a user's quantized program means by float arithmetic of
    two quantized values followed by a quantization (the residual sum of
    two dequantized activations, quantized again): the body is the
    program's own float arithmetic, evaluated in its own float type. The
    operands and the result are quantized per tensor. The integer lowering
    numbers every pair of the operands' levels in one integer and looks
    the pair up in one table, which must fit `tlu-bit-width` (the product
    of the operands' level counts: two 4-bit operands need an 8-bit
    lookup).

    ```mlir
    %s = qfhe.apply_pair %a, %b : tensor<1x32x!quant.uniform<u8<0:15>:f32, 0.1>>,
        tensor<1x32x!quant.uniform<u8<0:15>:f32, 0.2>>
        -> tensor<1x32x!quant.uniform<u8<0:15>:f32, 0.3>> {
    ^bb0(%x: f32, %y: f32):
      %sum = arith.addf %x, %y : f32
      qfhe.yield %sum : f32
    }
    ```
  }];
  let arguments = (ins QFHE_QuantTensor:$lhs, QFHE_QuantTensor:$rhs);
  let results = (outs QFHE_QuantTensor:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
    $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The float type the function is evaluated in.
    ::mlir::FloatType getFunctionType() {
      return ::llvm::cast<::mlir::FloatType>(
          getBody().front().getArgument(0).getType());
    }
  }];
}

def QFHE_YieldOp : QFHE_Op<"yield", [Pure, Terminator,
                                     ParentOneOf<["ApplyOp", "ApplyPairOp"]>]> {
  let summary = "Yields the value of a qfhe.apply or qfhe.apply_pair body";
  let arguments = (ins AnyFloat:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

//===----------------------------------------------------------------------===//
// Integer-only level
//===----------------------------------------------------------------------===//

def QFHE_LutOp : QFHE_Op<"lut", [Pure, SameOperandsAndResultShape,
    DeclareOpInterfaceMethods<InferIntRangeInterface, ["inferResultRanges"]>]> {
  let summary = "Table lookup: the one non-linear operation of TFHE";
  let description = [{
    Replaces each element `x` of the input by `table[x - min]`, where `min` is
    the smallest value of the input element type: `-2^(N-1)` for a signless or
    signed `N`-bit type (two's complement), `0` for an unsigned one. The table
    therefore has exactly `2^N` entries, listed from the smallest input value
    up, and each entry must fit the result element type.

    With `axis`, the table has one row per index along that input dimension
    (a multi-table lookup: one univariate function per channel) and element
    `x` at index `c` of `axis` reads `table[c][x - min]`.

    In TFHE this is a programmable bootstrap whose cost grows about twice per
    input bit; the input width `N` is what the bit-width cap limits.

    Integer range inference (`InferIntRangeInterface`, used by upstream
    `-int-range-optimizations` and by `qfhe-verify-bitwidth`): the result
    lies in the range of the entries the input's range reaches.

    ```mlir
    // relu on 3-bit signed inputs, outputs in i3: table index 0 is -4.
    %y = qfhe.lut %x {table = dense<[0, 0, 0, 0, 0, 1, 2, 3]> : tensor<8xi3>}
        : tensor<16xi3> -> tensor<16xi3>
    ```
  }];
  let arguments = (ins QFHE_IntTensor:$input, AnyIntElementsAttr:$table,
                   OptionalAttr<I64Attr>:$axis);
  let results = (outs QFHE_IntTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Number of table rows: the size of `axis`, or 1 without it.
    int64_t getNumRows();
    /// The hull of the entries of row `row` that inputs in `input` (read as
    /// the input element type reads them) reach, read as the table element
    /// type reads them; std::nullopt when `input` holds no value of the
    /// input type. `table` reads the table attribute (RawIntegers): built
    /// once by callers that read every row.
    std::optional<IntegerRange> getReachedRange(const RawIntegers &table,
                                                int64_t row,
                                                IntegerRange input);
  }];
}

def QFHE_RoundOp : QFHE_Op<"round", [Pure, SameOperandsAndResultShape,
    DeclareOpInterfaceMethods<InferIntRangeInterface, ["inferResultRanges"]>]> {
  let summary = "Drops low bits with round-to-nearest";
  let description = [{
    Computes `floor((x + 2^(k-1)) / 2^k)` exactly for each element, with `k` the
    number of dropped bits (`1 <= k < N` for an `N`-bit input): the input
    divided by `2^k` and rounded to nearest, ties toward positive infinity.
    It shrinks the input of a following `qfhe.lut` by `k` bits, trading
    precision for a smaller table. The result type has between `N - k` and `N`
    bits and the same signedness as the input; rounding the largest input up
    can need one bit more than `N - k` (`7 >> 1` rounds to `4`), which
    `qfhe-verify-bitwidth` checks on the proven range.

    Integer range inference (`InferIntRangeInterface`): the result lies in
    the rounded bounds of the input's range, or anywhere in the result type
    when they do not fit it (the program's value wraps).

    ```mlir
    %r = qfhe.round %acc drop 4 : tensor<1x64xi12> -> tensor<1x64xi9>
    ```
  }];
  let arguments = (ins QFHE_IntTensor:$input, I64Attr:$drop_bits);
  let results = (outs QFHE_IntTensor:$result);
  let assemblyFormat = [{
    $input `drop` $drop_bits attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // QFHE_DIALECT_QFHE_IR_QFHEOPS_TD
