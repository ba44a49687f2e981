//===- ModelLoader.cpp - read and check an ONNX model ---------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Parses the protobuf bytes of a model and checks what the importer relies
// on before it looks at the graph: that the bytes are an ONNX model at all,
// and that the default domain's opset is one the importer supports.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "qfhe/Import/ONNX.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "onnx/onnx_pb.h"

#include <limits>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// The opsets of the default domain that the importer supports.
constexpr int64_t kMinOpset = 11;
constexpr int64_t kMaxOpset = 17;

/// The version of the default domain (`""` or `"ai.onnx"`) the model imports.
std::optional<int64_t> getDefaultOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &entry : model.opset_import())
    if (entry.domain().empty() || entry.domain() == "ai.onnx")
      return entry.version();
  return std::nullopt;
}

} // namespace

OwningOpRef<ModuleOp> mlir::qfhe::importONNXModel(llvm::StringRef bytes,
                                                  llvm::StringRef fileName,
                                                  MLIRContext *context) {
  DialectRegistry registry;
  registerONNXImportDialects(registry);
  context->appendDialectRegistry(registry);
  for (StringRef dialect : registry.getDialectNames())
    context->getOrLoadDialect(dialect);

  Location fileLoc = FileLineColLoc::get(context, fileName, 0, 0);
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    emitError(fileLoc) << "'" << fileName
                       << "' is not a valid ONNX model: the protobuf data is "
                          "corrupt or truncated";
    return nullptr;
  }
  if (model.ir_version() <= 0 || !model.has_graph()) {
    emitError(fileLoc) << "'" << fileName
                       << "' is not an ONNX model: it has no IR version or "
                          "no graph";
    return nullptr;
  }
  std::optional<int64_t> opset = getDefaultOpset(model);
  if (!opset) {
    emitError(fileLoc) << "the model imports no opset of the default ONNX "
                          "domain";
    return nullptr;
  }
  if (*opset < kMinOpset || *opset > kMaxOpset) {
    emitError(fileLoc) << "ONNX opset " << *opset
                       << " is not supported: the importer reads opsets "
                       << kMinOpset << " to " << kMaxOpset;
    return nullptr;
  }

  OwningOpRef<ModuleOp> module =
      onnx_import::importGraph(context, model, *opset, fileLoc);
  if (module && failed(verify(*module)))
    return nullptr;
  return module;
}
