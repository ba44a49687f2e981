//===- import-signature.cpp - print an ONNX model's imported signature ----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A consumer of the installed ImportONNX component: imports an ONNX model
// and prints the type of its entry function.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Import/ONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    llvm::errs() << "usage: import-signature MODEL.onnx\n";
    return 2;
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> bytes =
      llvm::MemoryBuffer::getFile(argv[1]);
  if (!bytes) {
    llvm::errs() << "cannot read " << argv[1] << "\n";
    return 1;
  }
  mlir::DialectRegistry registry;
  mlir::qfhe::registerONNXImportDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::qfhe::importONNXModel((*bytes)->getBuffer(), argv[1], &context);
  if (!module)
    return 1;
  module->walk([](mlir::func::FuncOp func) {
    llvm::outs() << "@" << func.getSymName() << ": " << func.getFunctionType()
                 << "\n";
  });
  return 0;
}
