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
//===----------------------------------------------------------------------===//

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "qfhe/Import/ONNX.h"

int main(int argc, char **argv) {
  mlir::qfhe::registerONNXImportTranslation();
  return mlir::failed(mlir::mlirTranslateMain(
      argc, argv, "qfhe translation driver: ONNX models to MLIR\n"));
}
