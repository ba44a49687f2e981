//===- ONNX.h - import ONNX models as MLIR ----------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The ONNX importer: reads a serialized ONNX model (opsets 11 to 17) and
// builds a module holding `func.func @predict`, a float program on tensors in
// the form torch-mlir emits (linalg, tensor, arith, math), with the weights as
// dense constants and the quantize/dequantize nodes as qfhe ops. docs/import.md
// lists the operators and the exact form of the output.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_IMPORT_ONNX_H
#define QFHE_IMPORT_ONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
class DialectRegistry;
class MLIRContext;

namespace qfhe {

/// Registers the dialects the ONNX importer emits: func, arith, math, linalg,
/// tensor and qfhe.
void registerONNXImportDialects(DialectRegistry &registry);

/// Imports the serialized ONNX model `bytes` (the content of a `.onnx` file
/// named `fileName`, used in locations and messages). Returns the module, or
/// null after reporting every problem through the context's diagnostic
/// handler: a corrupt file, an opset outside 11..17, an unsupported operator
/// or attribute, or a dynamic dimension other than the batch.
OwningOpRef<ModuleOp> importONNXModel(llvm::StringRef bytes,
                                      llvm::StringRef fileName,
                                      MLIRContext *context);

/// Registers the `--import-onnx` translation (binary `.onnx` to MLIR) with the
/// mlir-translate registry, for `mlirTranslateMain`-based tools.
void registerONNXImportTranslation();

} // namespace qfhe
} // namespace mlir

#endif // QFHE_IMPORT_ONNX_H
