//===- ObserveValues.h - programs that return their values -----*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Calibration compiles a copy of the entry function that also returns the
// values the quantizer needs, so that the host can take their statistics
// over the calibration set with one compiled program.
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

/// Whether calibration records per-channel statistics (along dimension 1)
/// for `value`: it has rank 2 or more.
bool hasChannels(Value value);

/// Adds next to `entry` a public copy of it that returns, after `entry`'s
/// results, each of `values` (values of `entry`, from getObservedValues)
/// that an op computes, in order (the arguments are the caller's data
/// already). Returns the copy's name.
std::string addObserverFunction(func::FuncOp entry,
                                llvm::ArrayRef<Value> values);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_RUNTIME_OBSERVEVALUES_H
