//===- ModuleRanges.cpp - the range analysis shared by passes -------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/ModuleRanges.h"

using namespace mlir;
using namespace mlir::qfhe;

ModuleRanges::ModuleRanges(Operation *root)
    : solver(std::make_unique<RangeSolver>()) {
  ok = mlir::succeeded(solver->run(root));
}
