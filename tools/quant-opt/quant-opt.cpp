//===- quant-opt.cpp - the qfhe optimizer driver --------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Runs qfhe and upstream MLIR passes on .mlir files, like mlir-opt, with the
// qfhe dialect and passes registered.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "qfhe/InitQFHE.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::qfhe::registerQFHEDialects(registry);
  mlir::registerAllPasses();
  mlir::qfhe::registerQFHEPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "qfhe optimizer driver: quantization passes for FHE\n",
      registry));
}
