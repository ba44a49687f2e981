//===- LowerToIntegerPass.cpp - the qfhe-lower-to-integer pass ------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "IntegerLowering.h"

#include "qfhe/Support/OptionRanges.h"
#include "qfhe/Transforms/CheckedOptions.h"
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

struct LowerToIntegerPass
    : CheckedOptionsPass<qfhe::impl::LowerToIntegerBase<LowerToIntegerPass>> {
  using CheckedOptionsPass::CheckedOptionsPass;

  std::string checkOptions() const override {
    OptionChecker checker;
    if (tluBitWidth != 0)
      checker.inRange("tlu-bit-width", tluBitWidth, kLookupBitsRange);
    return checker.getMessage();
  }

  void runOnOperation() override {
    if (failed(checkOptionsBeforeRunning()))
      return signalPassFailure();
    unsigned tlu = getTluBitWidth(static_cast<unsigned>(kLookupBitsRange.max),
                                  tluBitWidth);
    bool failedAny = false;
    getOperation().walk([&](func::FuncOp func) {
      if (func.isExternal())
        return;
      failedAny |=
          failed(IntegerLowering(func, tlu, allowRounding, fitTables).run());
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
