//===- GraphImporter.h - ONNX graph to func.func ----------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
#define QFHE_LIB_IMPORT_ONNX_GRAPHIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace onnx {
class ModelProto;
} // namespace onnx

namespace mlir {
namespace qfhe {
namespace onnx_import {

/// Builds the module of `model`, a parsed model whose default-domain opset
/// `opset` is supported. `fileLoc` locates the model file (the module, the
/// function, errors about the whole graph); ops and arguments are located
/// at the name of their node (or graph input, or initializer), a `NameLoc`
/// without a file inside, so that diagnostics print the name rather than
/// the file's meaningless line 0. Returns null after reporting the
/// problems.
OwningOpRef<ModuleOp> importGraph(MLIRContext *context,
                                  const onnx::ModelProto &model, int64_t opset,
                                  Location fileLoc);

} // namespace onnx_import
} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
