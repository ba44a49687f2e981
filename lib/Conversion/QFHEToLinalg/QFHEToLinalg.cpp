//===- QFHEToLinalg.cpp - the qfhe-to-linalg pass -------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Conversion/QFHEToLinalg/QFHEToLinalg.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "qfhe/Dialect/QFHE/IR/QFHEDialect.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_CONVERTQFHETOLINALG
#include "qfhe/Conversion/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

void mlir::qfhe::populateQFHEToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  populateQuantOpsToLinalgPatterns(typeConverter, patterns);
  populateIntegerOpsToLinalgPatterns(typeConverter, patterns);
  populateLinearOpsToLinalgPatterns(typeConverter, patterns);
  populateFunctionOpsToLinalgPatterns(typeConverter, patterns);
}

namespace {

/// Whether `attr` is, or holds, an attribute of the qfhe dialect.
bool holdsQFHEAttribute(Attribute attr) {
  bool found = false;
  attr.walk([&](Attribute nested) {
    found |= isa<QFHEDialect>(nested.getDialect());
  });
  return found;
}

/// Removes the discardable attributes (of ops and function arguments and
/// results) that hold qfhe attributes: upstream tools cannot parse them.
void dropQFHEAttributes(ModuleOp module) {
  auto keep = [](NamedAttribute attr) {
    return !holdsQFHEAttribute(attr.getValue());
  };
  module.walk([&](Operation *op) {
    SmallVector<NamedAttribute> kept;
    llvm::copy_if(op->getDiscardableAttrs(), std::back_inserter(kept), keep);
    op->setDiscardableAttrs(kept);
    auto function = dyn_cast<FunctionOpInterface>(op);
    if (!function)
      return;
    for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i) {
      SmallVector<NamedAttribute> argKept;
      llvm::copy_if(function.getArgAttrs(i), std::back_inserter(argKept), keep);
      function.setArgAttrs(i, argKept);
    }
    for (unsigned i = 0, e = function.getNumResults(); i < e; ++i) {
      SmallVector<NamedAttribute> resultKept;
      llvm::copy_if(function.getResultAttrs(i), std::back_inserter(resultKept),
                    keep);
      function.setResultAttrs(i, resultKept);
    }
  });
}

struct ConvertQFHEToLinalgPass
    : qfhe::impl::ConvertQFHEToLinalgBase<ConvertQFHEToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    SignlessTypeConverter typeConverter;
    ConversionTarget target(*ctx);
    target.addIllegalDialect<QFHEDialect, quant::QuantDialect>();
    RewritePatternSet patterns(ctx);
    populateQFHEToLinalgPatterns(typeConverter, patterns);
    populateSignlessTypeConversionPatterns(typeConverter, patterns, target);
    // No folding: upstream folds quant.dcast(quant.qcast(x)) to x, which
    // would drop the rounding the program states.
    ConversionConfig config;
    config.foldingMode = DialectConversionFoldingMode::Never;
    if (failed(applyFullConversion(getOperation(), target, std::move(patterns),
                                   config)))
      return signalPassFailure();
    dropQFHEAttributes(getOperation());
  }
};
} // namespace
