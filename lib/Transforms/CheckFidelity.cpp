//===- CheckFidelity.cpp - the qfhe-check-fidelity pass -------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A compiled program that no longer predicts what the float program
// predicts still compiles and proves its widths: this pass says so, with
// the agreement the allocation measured on the calibration data.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/FormatVariadic.h"

#include <cstdio>

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_CHECKFIDELITY
#include "qfhe/Transforms/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// `value` as printf's %g prints it (0.8, not 8.000000e-01).
std::string shortest(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}

struct CheckFidelityPass : qfhe::impl::CheckFidelityBase<CheckFidelityPass> {
  using CheckFidelityBase::CheckFidelityBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto summary =
        module->getAttrOfType<DictionaryAttr>(kAllocationSummaryAttr);
    auto search = summary ? summary.getAs<DictionaryAttr>("search") : nullptr;
    auto agreement = search ? search.getAs<FloatAttr>("agreement") : nullptr;
    if (!agreement)
      return;
    double measured = agreement.getValueAsDouble();
    if (!(measured < minAgreement))
      return;
    // At the module's location, not on the op: a diagnostic on an op
    // prints the op with it, here the whole program.
    InFlightDiagnostic warning = emitWarning(module.getLoc());
    warning << "the compiled program predicts what the float program "
               "predicts on "
            << llvm::formatv("{0:f1}", 100 * measured).str() << "% of ";
    if (auto samples = search.getAs<IntegerAttr>("samples"))
      warning << samples.getInt() << ' ';
    warning << "calibration samples, below min-agreement="
            << shortest(minAgreement)
            << ": under this cap it does not keep the model's predictions "
               "(a larger max-bit-width may)";
  }
};

} // namespace
