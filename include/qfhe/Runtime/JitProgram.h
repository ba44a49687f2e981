//===- JitProgram.h - compile a program once, call it many times -*- C++
//-*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A tensor program lowered with the qfhe-lower-to-llvm pipeline and compiled
// in-process by MLIR's ExecutionEngine: the cleartext simulation of a
// circuit. Float, qfhe and upstream-only programs all run this way.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_RUNTIME_JITPROGRAM_H
#define QFHE_RUNTIME_JITPROGRAM_H

#include "qfhe/Runtime/HostArray.h"
#include "qfhe/Runtime/TensorSizes.h"
#include "qfhe/Runtime/TensorSpec.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
class ModuleOp;

namespace qfhe {

/// One entry function of a module, compiled to native code.
class JitProgram {
public:
  ~JitProgram();

  /// Compiles the function `entry` of `module` (which is left unchanged: a
  /// copy is lowered). `entry` must be a function with a body whose
  /// arguments and results getFunctionSpec accepts. The module's context
  /// needs what registerQFHEDialects registers (dialects and bufferization
  /// interfaces). Errors carry the diagnostics of the lowering. `optLevel`
  /// (0 to 3) trades compile time for run time: programs run once on a few
  /// samples compile faster at 0.
  static llvm::Expected<std::unique_ptr<JitProgram>>
  compile(ModuleOp module, llvm::StringRef entry, unsigned optLevel = 3);

  /// Compiles the functions `entries` of `module` at once (one lowering,
  /// one native module): one program per entry, in order, sharing the
  /// compiled code. Each entry as for compile. Without `verifyEachPass`,
  /// the lowering verifies the IR once, at its end, instead of after each
  /// of its passes: for modules already verified that are compiled by the
  /// hundred (the measured search's pieces), whose lookups' op verifier
  /// reads every table entry.
  static llvm::Expected<std::vector<std::unique_ptr<JitProgram>>>
  compileAll(ModuleOp module, llvm::ArrayRef<std::string> entries,
             unsigned optLevel = 3, bool verifyEachPass = true);

  /// The signature of the entry function.
  const FunctionSpec &getSpec() const { return spec; }

  /// Wall-clock seconds that lowering and compiling took.
  double getCompileSeconds() const { return compileSeconds; }

  /// Calls the entry function once. `arguments` match the arguments in
  /// number, dtype (their ElementSpec's storage) and in every static size;
  /// they are only read. Returns the results in C order, with narrow integer
  /// types canonicalized; the buffers the program allocated are freed.
  llvm::Expected<llvm::SmallVector<HostArray>>
  call(llvm::ArrayRef<ArrayView> arguments);

private:
  JitProgram() = default;

  FunctionSpec spec;
  /// The largest tensors of the entry function, checked on every call.
  LargestTensors largestTensors;
  double compileSeconds = 0;
  std::shared_ptr<ExecutionEngine> engine;
  void (*packedEntry)(void **) = nullptr;
};

} // namespace qfhe
} // namespace mlir

#endif // QFHE_RUNTIME_JITPROGRAM_H
