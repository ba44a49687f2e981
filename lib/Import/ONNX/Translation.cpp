//===- Translation.cpp - the --import-onnx translation --------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Import/ONNX.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "qfhe/Dialect/QFHE/IR/QFHEDialect.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

void mlir::qfhe::registerONNXImportDialects(DialectRegistry &registry) {
  registry.insert<QFHEDialect, arith::ArithDialect, func::FuncDialect,
                  linalg::LinalgDialect, math::MathDialect,
                  tensor::TensorDialect>();
}

void mlir::qfhe::registerONNXImportTranslation() {
  TranslateToMLIRRegistration registration(
      "import-onnx", "Import a binary ONNX model (.onnx) as MLIR",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        return importONNXModel(buffer->getBuffer(),
                               buffer->getBufferIdentifier(), context)
            .release()
            .getOperation();
      },
      registerONNXImportDialects);
}
