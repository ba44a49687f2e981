//===- compile-to-integers.cpp - qfhe embedded in another tool ------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Compiles a float MLIR program (with declared or calibrated ranges) into
// the verified integer-only program under a bit-width cap through qfhe's C++
// API, as a larger toolchain embedding qfhe would, and prints it after the
// verifier's JSON report.
//
//   compile-to-integers MODEL.mlir MAX_BIT_WIDTH
//
//===----------------------------------------------------------------------===//

#include "qfhe/InitQFHE.h"
#include "qfhe/Pipelines/QFHEPipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

int main(int argc, char **argv) {
  if (argc != 3) {
    llvm::errs() << "usage: compile-to-integers MODEL.mlir MAX_BIT_WIDTH\n";
    return 2;
  }
  mlir::DialectRegistry registry;
  mlir::qfhe::registerQFHEDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(argv[1], &context);
  if (!module)
    return 1;

  mlir::qfhe::QFHEPipelineOptions options;
  options.maxBitWidth = static_cast<unsigned>(std::atoi(argv[2]));
  options.report = "-";
  mlir::PassManager pm(&context);
  mlir::qfhe::buildQFHEPipeline(pm, options);
  if (mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  llvm::outs() << "\n";
  return 0;
}
