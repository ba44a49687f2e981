//===- ProgramEvaluator.cpp - run programs on calibration samples ---------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Transforms/ProgramEvaluator.h"

using namespace mlir;
using namespace mlir::qfhe;

static ProgramEvaluatorFactory &getFactory() {
  static ProgramEvaluatorFactory factory;
  return factory;
}

void mlir::qfhe::setProgramEvaluatorFactory(ProgramEvaluatorFactory factory) {
  getFactory() = std::move(factory);
}

const ProgramEvaluatorFactory &mlir::qfhe::getProgramEvaluatorFactory() {
  return getFactory();
}
