//===- quant-translate.cpp - the qfhe translation driver ------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Translates between other formats and MLIR, like mlir-translate:
//
//   quant-translate --import-onnx model.onnx -o model.mlir
//
// Unlike mlir-translate, it prints locations by default: the importer
// locates every op at its ONNX node's name, and the passes' reports and
// errors name the node only if the file keeps it
// (--mlir-print-debuginfo=false leaves them out).
//
//===----------------------------------------------------------------------===//

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "qfhe/Import/ONNX.h"

#include "llvm/ADT/SmallVector.h"

int main(int argc, char **argv) {
  mlir::qfhe::registerONNXImportTranslation();
  // The default goes first: the command line's own flag, later, wins.
  llvm::SmallVector<char *> args(argv, argv + argc);
  char printLocations[] = "--mlir-print-debuginfo";
  args.insert(args.begin() + 1, printLocations);
  return mlir::failed(mlir::mlirTranslateMain(
      static_cast<int>(args.size()), args.data(),
      "qfhe translation driver: ONNX models to MLIR\n"));
}
