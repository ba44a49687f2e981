//===- EntryFunction.h - the function quant-run calls -----------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_RUNTIME_ENTRYFUNCTION_H
#define QFHE_RUNTIME_ENTRYFUNCTION_H

#include "qfhe/Runtime/TensorSpec.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/Error.h"

namespace mlir {
namespace qfhe {

/// Finds the function to run: the one named `name` when it is not empty,
/// otherwise the only public function with a body. Errors name the
/// candidates when there are none or several.
llvm::Expected<func::FuncOp> findEntryFunction(ModuleOp module,
                                               llvm::StringRef name);

/// Describes the arguments and results of `function`, which must all be
/// ranked tensors of f32, f64 or integers of at most 64 bits (signless,
/// signed or unsigned; `i1` is bool). Signless integers are read as signed.
llvm::Expected<FunctionSpec> getFunctionSpec(func::FuncOp function);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_RUNTIME_ENTRYFUNCTION_H
