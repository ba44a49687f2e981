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

#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"
#include "qfhe/Support/NumberFormat.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/FormatVariadic.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_CHECKFIDELITY
#include "qfhe/Transforms/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

namespace {

struct CheckFidelityPass : qfhe::impl::CheckFidelityBase<CheckFidelityPass> {
  using CheckFidelityBase::CheckFidelityBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto summary =
        module->getAttrOfType<AllocationSummaryAttr>(kAllocationSummaryAttr);
    SearchSummaryAttr search = summary ? summary.getSearch() : nullptr;
    if (!search)
      return;
    double measured = search.getAgreement().getValueAsDouble();
    if (!(measured < minAgreement))
      return;
    // At the module's location, not on the op: a diagnostic on an op
    // prints the op with it, here the whole program.
    InFlightDiagnostic warning = emitWarning(module.getLoc());
    warning << "the compiled program predicts what the float program "
               "predicts on "
            << llvm::formatv("{0:f1}", 100 * measured).str() << "% of "
            << search.getSamples()
            << " calibration samples, below min-agreement="
            << formatReal(minAgreement)
            << ": under this cap it does not keep the model's predictions "
               "(a larger max-bit-width may)";
  }
};

} // namespace
