//===- Passes.td - passes of the qfhe pipelines -------------*- tablegen -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_PIPELINES_PASSES_TD
#define QFHE_PIPELINES_PASSES_TD

include "mlir/Pass/PassBase.td"

def InterchangeReductions : Pass<"qfhe-interchange-reductions"> {
  let summary = "Make a parallel loop the innermost loop of linalg reductions";
  let description = [{
    Lowered to loops as they are, contractions such as `linalg.matmul`
    (loops `i, j, k`) put their reduction loop innermost: each step adds to
    the same output element, a chain the CPU cannot vectorize without
    reassociating float additions. This pass generalizes every linalg op
    whose innermost loop is a reduction and that has a parallel loop, and
    moves its last parallel loop innermost (`i, k, j` for a matmul), so that
    the innermost loop updates consecutive output elements independently and
    LLVM's loop vectorizer can run it on vectors.

    Results do not change, to the bit: every output element is still
    accumulated over the reduction loops in the same order. Only the order in
    which output elements are visited changes.

    Run it after elementwise fusion: a generic contraction accepts fused
    producers, which would then be recomputed for every step of the
    reduction. `qfhe-lower-to-llvm` runs it just before bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def BatchInnermost : Pass<"qfhe-batch-innermost"> {
  let summary = "Run the batch loop innermost in reductions over narrow rows";
  let description = [{
    After `qfhe-interchange-reductions`, the innermost loop of a contraction
    runs over the last dimension of its output: the 4 or 8 columns of a
    convolution's output row, the 10 classes of a last dense layer. Such a
    loop is too short for a vector (LLVM unrolls it and runs it scalar, or
    on one narrow vector), whatever the element type: 64 lanes of i8 or 16
    of f32 under AVX-512 sit mostly idle.

    This pass moves the batch innermost instead. For every linalg.generic
    with a reduction whose innermost loop is parallel with at most
    `max-inner-trip-count` iterations (a constant), and which has exactly
    one parallel loop of dynamic size (the batch) that every operand
    indexes, if at all, by itself in one dimension, the operands that the
    batch indexes are transposed (`linalg.transpose`) so that the batch is
    their last dimension, the generic reads and writes these, with the
    batch loop innermost, and its result is transposed back. The innermost
    loop then runs over consecutive elements of the batch (hundreds of
    samples in quant-run) in the input and the output alike, the weights a
    scalar broadcast: LLVM's loop vectorizer runs it on full vectors.

    The transposes are linalg.generic ops that the pass then fuses with
    the ops without reductions around them (never into a reduction, which
    would recompute them at every step): a bias broadcast into the
    accumulator is built with the batch last, and the table lookup between
    two convolutions reads the first's batch-last result and writes the
    second's batch-last input in one loop nest. Slices of a transposed
    result (the parts of a split dot product, `qfhe-batch-contractions`)
    are taken of the batch-last result instead, so that their sum reads it
    through the transpose. Ops without reductions that then read and write
    the batch last run the batch loop innermost too. A transpose's loops
    never put the batch innermost while it reads or writes it strided
    (LLVM would vectorize that loop with gathers or scatters, scalarized
    for bytes).

    Results do not change, to the bit: every output element is accumulated
    over the same reduction loops in the same order, and the rest only
    moves elements. It applies to integer and float programs alike.
    `qfhe-lower-to-llvm` runs it after `qfhe-interchange-reductions`.
  }];
  let options = [
    Option<"maxInnerTripCount", "max-inner-trip-count", "unsigned",
           /*default=*/"16",
           "Generics whose innermost loop has at most this many iterations "
           "(a constant) run the batch innermost">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def GeneralizeElementwise : Pass<"qfhe-generalize-elementwise"> {
  let summary = "Turn named linalg ops without reductions into linalg.generic";
  let description = [{
    Upstream elementwise fusion (`linalg-fuse-elementwise-ops`) fuses
    `linalg.generic` ops only, so a named op such as `linalg.add`,
    `linalg.map` or `linalg.broadcast` between two generics keeps each of
    them a loop nest of its own. An integer program has many such ops: each
    part of a split dot product is rounded by a generic and summed by a
    `linalg.add` (`qfhe-to-linalg`'s lowering of `qfhe.round` and of the
    sum of parts). This pass rewrites every named linalg op whose loops are
    all parallel into the equivalent `linalg.generic`, so that fusion can
    merge such chains into one loop nest: fewer loops to lower, to
    vectorize and to JIT-compile, and one pass over memory instead of
    several. Ops with reduction loops (matmuls, convolutions, pooling,
    reductions) stay named: fusing a producer into them would recompute it
    at every step of the reduction.

    Results do not change: a generic computes what the named op computes,
    in the same order. `qfhe-lower-to-llvm` runs it before elementwise
    fusion.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def BatchContractions : Pass<"qfhe-batch-contractions"> {
  let summary = "Compute sibling contractions on slices of one tensor as one "
                "batched linalg.generic";
  let description = [{
    A dot product split into parts (an allocation's `chunks`) is, in an
    integer program, one contraction per part: the same `linalg.matmul` or
    convolution on the next slice of the input, with the part's own weights
    and starting constants, each rounded and then summed. Lowered as it is,
    each part is a loop nest of its own to lower, optimize and JIT-compile
    (an 8-part layer: 8 matmuls and 8 broadcasts of their constants). This
    pass computes such parts as one `linalg.generic` with one more loop,
    over the parts, outermost, whose result holds part p at [p]; each
    part's result becomes the slice [p] of it, which bufferizes to a view.

    Linalg ops with reduction loops, on tensors, with one result, are parts
    of one group when they are the same computation (op, properties, types
    and body; a body that reads `linalg.index` is left alone) and each of
    their inputs is, from part to part:

    - the same value;
    - a constant (dense, of whole bytes): the constants are stacked into
      one, the parts outermost;
    - a slice (unit strides, static offsets, no rank reduction) of one
      tensor, whole in every dimension but one, whose offset along that one
      advances by the same step from part to part: the batched op reads the
      tensor itself, at `index + offset + p * step`.

    Their initial values are the same value, constants, `linalg.broadcast`s
    of constants along the same dimensions (the parts' constants stacked
    and broadcast once), or `linalg.fill`s of the same scalar. A group takes
    the ops of a block in program order; the first op that does not fit
    (the last, shorter part of an uneven split, say) starts a group of its
    own. Results do not change, to the bit: every element of every part is
    computed by the same body over the same reduction loops in the same
    order.

    `qfhe-lower-to-llvm` runs it after `qfhe-widen-integers` (parts whose
    weights differ in width then have the same byte-wide types) and after
    elementwise fusion: the batched op reads the whole input, not a slice
    per part, and fusion would fuse the input's producer into it, to be
    recomputed at every step of the reduction. Initial values that
    `qfhe-generalize-elementwise` made generics are recognized as the
    broadcasts and fills they are.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def AnnotateLoops : Pass<"qfhe-annotate-loops"> {
  let summary = "Tell LLVM which loops to vectorize and which to unroll";
  let description = [{
    Annotates the `scf.for` loops of a program lowered to loops
    (`convert-linalg-to-loops`) with LLVM loop metadata, which the lowering
    to LLVM carries to each loop's back edge (`loop_annotation`):

    - a loop that contains another loop is not vectorized
      (`llvm.loop.vectorize.enable false`). Loops around the innermost one
      (the batch loop, the rows of a matmul) step over strided elements:
      vectorized, after LLVM fully unrolled the loops inside, every access
      becomes a gather or scatter (scalarized for bytes), and the vector
      body grows with the inner trip counts times the vector factor. That
      is what made chunked integer programs take tens of seconds to
      JIT-compile (instruction scheduling of blocks of 14,000
      instructions), and run slower than unvectorized.
    - an innermost loop of at most `full-unroll-trip-count` iterations, a
      constant (default 16: one 512-bit vector of 32-bit lanes), is fully
      unrolled (`llvm.loop.unroll.full`): the window of a convolution or a
      pooling, a narrow output row. Its body becomes straight-line code for
      the SLP vectorizer; a vector loop of a few iterations would cost more
      in runtime checks and remainders than it saves (the digits CNN's
      loop runs at half the rate without these unrolls).
    - other innermost loops, which run over consecutive elements after
      `qfhe-interchange-reductions`, are left to LLVM's loop vectorizer.

    A loop annotated already keeps its annotation. The hints matter with
    the JIT's optimization pipeline (`JitProgram`), which unrolls only
    loops that ask for it: results do not change, only the time to
    compile and to run (issue 16; bench/COMPILE_TIME.md).
    `qfhe-lower-to-llvm` runs it after `convert-linalg-to-loops`.
  }];
  let options = [
    Option<"fullUnrollTripCount", "full-unroll-trip-count", "unsigned",
           /*default=*/"16",
           "Innermost loops of at most this many iterations (a constant) "
           "are fully unrolled">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def DecomposeAggregates : Pass<"qfhe-decompose-aggregates"> {
  let summary = "Decompose aggregate linalg ops (linalg.softmax) into generics";
  let description = [{
    Ops such as `linalg.softmax` stand for several computations (a max, an
    exponential, a sum and a division) and have no lowering to loops of
    their own. This pass replaces every op implementing
    `linalg::AggregatedOpInterface` by the ops of its decomposition, which
    the range analysis, the quantizer and the LLVM lowering understand.
    `qfhe-normalize` and `qfhe-lower-to-llvm` run it. With `keep-outputs`
    (as `qfhe-normalize` runs it), a softmax whose results only reach the
    function's results (directly, or through reshapes and elementwise ops
    of one tensor, as the log of LogSoftmax) stays whole: the client
    computes it on the decrypted outputs, and the quantizer recognizes it
    as client code.
  }];
  let options = [
    Option<"keepOutputs", "keep-outputs", "bool", "false",
           "Keep the softmax ops whose results only reach the function's "
           "results">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def WidenIntegers : Pass<"qfhe-widen-integers", "::mlir::ModuleOp"> {
  let summary = "Store odd-width integers in bytes for simulation";
  let description = [{
    An integer program states the proven width of every value (`i3`, `i7`,
    `i12`); CPUs compute on bytes, and LLVM vectorizes odd widths badly. For
    execution on a CPU (`qfhe-lower-to-llvm`, quant-run), this pass stores
    every signless integer whose width is not 1, 8, 16, 32 or 64 bits in the
    next of i8, i16, i32, i64, sign-extended, and keeps the arithmetic of
    the narrow type exactly: results that may leave it (sums, products,
    shifts left, truncations, the results of matmuls and convolutions) are
    brought back by sign-extending their low bits, and ops that read bits
    as unsigned (`extui`, `divui`, unsigned comparisons...) clear the high
    bits first. Arithmetic modulo 2^N is a ring, so every value is exactly
    what the narrow program computes, wrap-arounds included. Narrow function
    arguments are brought into that form on entry.

    Run it on upstream dialects (after `qfhe-to-linalg`), before
    bufferization. A program it cannot widen (an op whose meaning depends
    on the width, such as `math.ctlz`, on an odd width) is left unchanged.
    The narrow program stays what `--qfhe-to-linalg` emits: this is a step
    of simulation only.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // QFHE_PIPELINES_PASSES_TD
