//===- OnnxFuzzer.cpp - fuzz the ONNX importer ----------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// libFuzzer target: the input is the content of a .onnx file, imported as
// quant-translate --import-onnx does. Errors are the expected answer to most
// inputs and are silenced; a module the importer returns must verify (the
// importer verifies it) and print.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Import/ONNX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext context(MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler silence(&context,
                                  [](Diagnostic &) { return success(); });
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module =
      qfhe::importONNXModel(bytes, "fuzz.onnx", &context);
  if (module)
    module->print(llvm::nulls());
  return 0;
}
