//===- CheckedOptions.h - passes that check their options first -*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A pass with options derives from CheckedOptionsPass<its generated base>
// and says what is wrong with its options in checkOptions (with the shared
// ranges of qfhe/Support/OptionRanges.h). A pipeline given on the command
// line then fails while it is parsed, before any pass runs; a pass built in
// C++ fails when it starts, with an error at the module's location (not on
// the module op, which would print the whole module as a note).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_TRANSFORMS_CHECKEDOPTIONS_H
#define QFHE_TRANSFORMS_CHECKEDOPTIONS_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/Pass.h"

#include <string>

namespace mlir {
namespace qfhe {

/// Checks the options of a pass whose generated base is `BaseT`.
template <typename BaseT> class CheckedOptionsPass : public BaseT {
public:
  using BaseT::BaseT;

  /// What is wrong with the options ("max-bit-width=40 is outside [2,
  /// 32]"); empty when nothing is.
  virtual std::string checkOptions() const = 0;

  LogicalResult initializeOptions(
      StringRef options,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    if (failed(BaseT::initializeOptions(options, errorHandler)))
      return failure();
    std::string problems = checkOptions();
    if (problems.empty())
      return success();
    return errorHandler(this->getArgument() + ": " + problems);
  }

protected:
  /// Reports bad options at the module's location; runOnOperation calls it
  /// first (passes built in C++ skip initializeOptions).
  LogicalResult checkOptionsBeforeRunning() {
    std::string problems = checkOptions();
    if (problems.empty())
      return success();
    emitError(this->getOperation()->getLoc())
        << this->getArgument() << ": " << problems;
    return failure();
  }
};

} // namespace qfhe
} // namespace mlir

#endif // QFHE_TRANSFORMS_CHECKEDOPTIONS_H
