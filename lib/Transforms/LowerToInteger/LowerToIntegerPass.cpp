//===- LowerToIntegerPass.cpp - the qfhe-lower-to-integer pass ------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "IntegerLowering.h"

#include "qfhe/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_LOWERTOINTEGER
#include "qfhe/Transforms/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

namespace {

struct LowerToIntegerPass : qfhe::impl::LowerToIntegerBase<LowerToIntegerPass> {
  using LowerToIntegerBase::LowerToIntegerBase;

  void runOnOperation() override {
    if (tluBitWidth < 1 || tluBitWidth > 24) {
      getOperation().emitError()
          << "tlu-bit-width=" << tluBitWidth << " is out of range [1, 24]";
      return signalPassFailure();
    }
    bool failedAny = false;
    getOperation().walk([&](func::FuncOp func) {
      if (func.isExternal())
        return;
      failedAny |=
          failed(IntegerLowering(func, tluBitWidth, allowRounding).run());
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
