//===- QFHEPlugin.cpp - qfhe as a plugin of MLIR tools --------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// One module holding both plugin entry points, so that a tool that links
// libMLIR.so (upstream mlir-opt) gets the qfhe dialect and passes without
// being rebuilt:
//
//   mlir-opt --load-dialect-plugin=QFHEPlugin.so \
//            --load-pass-plugin=QFHEPlugin.so \
//            --pass-pipeline="builtin.module(qfhe-pipeline{max-bit-width=8})"
//
// Both flags name the same file: the dialect and the passes must share one
// copy of the qfhe libraries (one TypeID per op and dialect), which two
// modules linking them statically would not.
//
//===----------------------------------------------------------------------===//

#include "qfhe/InitQFHE.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"

#include "llvm/Config/llvm-config.h"

using namespace mlir;

namespace {
/// Both entry points register the passes: a tool may load the module only
/// as a dialect plugin. Registering twice would abort on the duplicate
/// pipeline names.
void registerPassesOnce() {
  static bool registered = [] {
    qfhe::registerQFHEPasses();
    return true;
  }();
  (void)registered;
}
} // namespace

/// The dialect plugin: the qfhe dialect, the upstream dialects qfhe programs
/// use, and the qfhe passes.
extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "QFHE", LLVM_VERSION_STRING,
          [](DialectRegistry *registry) {
            qfhe::registerQFHEDialects(*registry);
            registerPassesOnce();
          }};
}

/// The pass plugin: every qfhe pass and the `qfhe-pipeline` and
/// `qfhe-lower-to-llvm` pipelines.
extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "QFHEPasses", LLVM_VERSION_STRING,
          [] { registerPassesOnce(); }};
}
