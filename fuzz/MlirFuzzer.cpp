//===- MlirFuzzer.cpp - fuzz the parser, verifier and qfhe-pipeline -------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// libFuzzer target: the input is MLIR text. It is parsed and verified with
// the dialects qfhe registers, then compiled by qfhe-pipeline under a small
// cap (max-bit-width=6, no calibration data). Errors are the expected
// answer to most inputs and are silenced; a crash, a sanitizer report, a
// leak, or a pass that succeeds but leaves invalid IR is a finding.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "qfhe/InitQFHE.h"
#include "qfhe/Pipelines/QFHEPipeline.h"
#include "qfhe/Support/ParserWorkarounds.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <string>

using namespace mlir;

namespace {

/// Aborts when a pass reports success but leaves IR that does not verify:
/// every pass must either fail with a diagnostic or produce valid IR.
struct VerifyAfterEachPass : PassInstrumentation {
  void runAfterPass(Pass *pass, Operation *op) override {
    if (succeeded(verify(op)))
      return;
    llvm::errs() << "pass '" << pass->getArgument()
                 << "' succeeded but produced invalid IR\n";
    std::abort();
  }
};

DialectRegistry &getRegistry() {
  static DialectRegistry *registry = [] {
    auto *result = new DialectRegistry();
    qfhe::registerQFHEDialects(*result);
    return result;
  }();
  return *registry;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // The parser reads the terminating NUL that files and strings have.
  std::string text(reinterpret_cast<const char *>(data), size);
  // The tools refuse what MLIR 22's linalg parsers crash on.
  if (qfhe::findLinalgParserCrashSite(text))
    return 0;
  MLIRContext context(getRegistry(), MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler silence(&context,
                                  [](Diagnostic &) { return success(); });
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(text, ParserConfig(&context), "fuzz.mlir");
  if (!module)
    return 0;

  qfhe::QFHEPipelineOptions options;
  options.maxBitWidth = 6;
  PassManager pm(&context);
  pm.enableVerifier(false);
  pm.addInstrumentation(std::make_unique<VerifyAfterEachPass>());
  qfhe::buildQFHEPipeline(pm, options);
  (void)pm.run(*module);
  return 0;
}
