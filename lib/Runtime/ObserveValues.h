//===- ObserveValues.h - programs that report their value ranges -*- C++
//-*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Calibration compiles a copy of the entry function that also returns the
// minimum and maximum of the values the quantizer needs, computed by linalg
// reductions inside the program, so that observing costs one compiled run.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_RUNTIME_OBSERVEVALUES_H
#define QFHE_LIB_RUNTIME_OBSERVEVALUES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/Support/Error.h"

namespace mlir {
namespace qfhe {

/// The values of `entry` that calibration observes, arguments first, then
/// op results in program order: float tensor arguments, and float tensor
/// results of the ops in the body, except constants, `tensor.empty` and
/// `linalg.fill` (initial values, not computed ones). Errors when the body
/// has more than one block.
llvm::Expected<llvm::SmallVector<Value>> getObservedValues(func::FuncOp entry);

/// Whether calibration records per-channel ranges (along dimension 1) for
/// `value`: it has rank 2 or more.
bool hasChannels(Value value);

/// Adds next to `entry` a public copy of it that returns, after `entry`'s
/// results, for each of `values` (values of `entry`, from
/// getObservedValues) its minimum and maximum as 0-d tensors, then, when
/// hasChannels, the minimum and maximum of each index along dimension 1 as
/// 1-d tensors. NaN elements are ignored. Returns the copy's name.
std::string addObserverFunction(func::FuncOp entry,
                                llvm::ArrayRef<Value> values);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_RUNTIME_OBSERVEVALUES_H
