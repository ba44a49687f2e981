//===- WideProgram.h - a program checked against its widened copy -*- C++ -*-//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Test support for the verifier's property tests: rewrites a function of an
// integer program so that, next to its own computation, it computes a copy
// on 64-bit integers (where nothing wraps) and returns, per sample and for
// every encrypted value, how many elements differ between the two and how
// many of the wide ones leave the range the verifier proved.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_TOOLS_RANGECHECK_WIDEPROGRAM_H
#define QFHE_TOOLS_RANGECHECK_WIDEPROGRAM_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/JSON.h"

namespace mlir {
namespace qfhe {

/// The counters per checked value, in this order, in the instrumented
/// function's first result (`tensor<samples x (kCounters * values) x i64>`):
/// elements where the program and its wide copy differ, wide elements
/// below and above the proven range, and the smallest and largest wide
/// element of the sample.
constexpr int64_t kCounters = 5;

/// Instruments `func` (see the file comment). The function's results
/// become the counters followed by its own results. Fails with an error on
/// the op when the function holds something the verifier did not prove
/// (run qfhe-verify-bitwidth first). Appends to `layout` one entry per
/// checked value: its op, location and proven ranges.
LogicalResult instrumentWithWideCopy(func::FuncOp func,
                                     llvm::json::Array &layout);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_TOOLS_RANGECHECK_WIDEPROGRAM_H
