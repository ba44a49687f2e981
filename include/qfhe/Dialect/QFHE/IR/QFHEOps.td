//===- QFHEOps.td - qfhe operations ------------------------*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QFHEOPS_TD
#define QFHE_DIALECT_QFHE_IR_QFHEOPS_TD

include "qfhe/Dialect/QFHE/IR/QFHEAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def QFHE_FloatTensor : RankedTensorOf<[AnyFloat]>;
def QFHE_IntTensor : RankedTensorOf<[AnyInteger]>;

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

    with the scale and zero point of the element's channel when `params` is
    per axis. NaN maps to the zero point (real 0); infinities saturate. The
    result element type is the storage type of `params` (`si<bits>` or
    `ui<bits>`). At the boundary of a program this op runs on the client, in
    the clear: it stands for encryption.

    ```mlir
    %q = qfhe.quantize %x {params = #qfhe.quant<ui8, scale = 0.1, zero_point = 3>}
        : tensor<4xf32> -> tensor<4xui8>
    ```
  }];
  let arguments = (ins QFHE_FloatTensor:$input, QFHE_QuantParamsAttr:$params);
  let results = (outs QFHE_IntTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def QFHE_DequantizeOp
    : QFHE_Op<"dequantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Maps quantized integers back to reals";
  let description = [{
    Computes, element by element, `x = (q - zero_point) * scale` in the result's
    float type (the difference is exact; the product is rounded once). At the
    boundary of a program this op runs on the client: it stands for
    decryption.

    ```mlir
    %x = qfhe.dequantize %q {params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>}
        : tensor<4xsi8> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins QFHE_IntTensor:$input, QFHE_QuantParamsAttr:$params);
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
    Maps each integer from the parameters `from` to the parameters `to`, with
    integer arithmetic only:

    ```
    q' = clamp(fixed_point_multiply(q - zp_from, M, s) + zp_to, qmin', qmax')
    ```

    where `M * 2^-s` is the fixed-point form of `scale_from / scale_to`
    (`M < 2^31`, `s <= 62`) and `fixed_point_multiply(x, M, s)` is
    `floor((x * M + 2^(s-1)) / 2^s)`: the exact product rounded half up. The
    choice of `M` and `s` is `computeFixedPointMultiplier` in
    `qfhe/Support/QuantMath.h`. Per-axis parameters must share the axis.

    ```mlir
    %r = qfhe.requantize %q {
           from = #qfhe.quant<si32, scale = 0.001, zero_point = 0>,
           to = #qfhe.quant<ui8, scale = 0.05, zero_point = 10>}
        : tensor<4xsi32> -> tensor<4xui8>
    ```
  }];
  let arguments = (ins QFHE_IntTensor:$input, QFHE_QuantParamsAttr:$from,
                   QFHE_QuantParamsAttr:$to);
  let results = (outs QFHE_IntTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Integer-only level
//===----------------------------------------------------------------------===//

def QFHE_LutOp : QFHE_Op<"lut", [Pure, SameOperandsAndResultShape]> {
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
}

def QFHE_RoundOp : QFHE_Op<"round", [Pure, SameOperandsAndResultShape]> {
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
