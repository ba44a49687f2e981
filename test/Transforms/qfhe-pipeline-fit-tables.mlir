// RUN: quant-opt %S/Inputs/wide300.mlir --qfhe-pipeline="max-bit-width=16 report=%t.json" --mlir-elide-elementsattrs-if-larger=16 2>&1 | FileCheck %s
// RUN: quant-run summary %t.json | FileCheck %s --check-prefix=REPORT
// RUN: not quant-opt %S/Inputs/wide300.mlir --qfhe-pipeline="max-bit-width=16 tlu-bit-width=16" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ASKED

// At cap 16 the lookups take 16 bits, unless tlu-bit-width says otherwise.
// A layer of 300 channels would need 300 x 2^16 table entries, more than
// the 2^24 one lookup may hold: with tlu-bit-width left to the compiler
// (0), its lookups read 15 bits. The allocation keeps the headroom of that
// rounding in the layer's budget, so that one bit is enough (the lowering
// alone would drop two, lower-to-integer-fit-tables.mlir); the output
// layer, one channel, keeps its 16-bit lookup. The proof holds.
// CHECK: wide300.mlir:316:8: remark: lookups of 300 channels read 15 bits, not 16: 300 x 2^15 table entries fit 16777216 (2^24)
// CHECK: qfhe.round %{{.*}} drop 1 : tensor<?x300xi16> -> tensor<?x300xi15>
// CHECK-NEXT: qfhe.lut %{{.*}} {axis = 1 : i64, table = {{.*}} : tensor<300x32768x{{.*}}>} : tensor<?x300xi15>
// CHECK: qfhe.lut %{{.*}} {table = {{.*}} : tensor<65536xi16>} : tensor<?x1xi16>
// The report prices the narrower lookups (and the rounding before them).
// REPORT: per sample: 301 lookups (300 on 15-bit inputs, 1 on 16-bit inputs) + 300 roundings (300 on 16-bit inputs)
// REPORT: widest value: 16 bits ({{.*}}), proven to fit max-bit-width=16 (lookups of at most 16 bits)

// A width the user asked for is kept: the error says which would fit.
// ASKED: error: cannot tabulate 300 channels of a 16-bit input: 300 x 2^16 table entries, more than 16777216 (2^24); tlu-bit-width=15 or lower fits 300 channels (now 16)
