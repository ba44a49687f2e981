//===- VerifyBitWidthPass.cpp - the qfhe-verify-bitwidth pass -------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "BitWidthAnalysis.h"

#include "qfhe/Support/OptionRanges.h"
#include "qfhe/Support/OutputFile.h"
#include "qfhe/Transforms/CheckedOptions.h"
#include "qfhe/Transforms/Passes.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_VERIFYBITWIDTH
#include "qfhe/Transforms/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

namespace {

std::string locationText(Location loc) {
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

/// An attribute of plain values (dictionaries, arrays, strings, integers,
/// floats, booleans) as JSON; others as their text.
llvm::json::Value toJson(Attribute attr) {
  if (auto dict = dyn_cast<DictionaryAttr>(attr)) {
    llvm::json::Object object;
    for (NamedAttribute entry : dict)
      object[entry.getName().strref()] = toJson(entry.getValue());
    return object;
  }
  if (auto array = dyn_cast<ArrayAttr>(attr)) {
    llvm::json::Array values;
    for (Attribute element : array)
      values.push_back(toJson(element));
    return values;
  }
  if (auto text = dyn_cast<StringAttr>(attr))
    return text.str();
  if (auto flag = dyn_cast<BoolAttr>(attr))
    return flag.getValue();
  if (auto integer = dyn_cast<IntegerAttr>(attr))
    return integer.getInt();
  if (auto real = dyn_cast<FloatAttr>(attr))
    return real.getValueAsDouble();
  std::string text;
  llvm::raw_string_ostream os(text);
  attr.print(os);
  return text;
}

/// Counts of lookups (or roundings): ops, per sample, per sample by input
/// width.
llvm::json::Object summarize(ArrayRef<LookupRecord> records) {
  std::map<unsigned, int64_t> byBits;
  int64_t total = 0, ops = 0;
  for (const LookupRecord &record : records) {
    byBits[record.inputBits] += record.perSample;
    total += record.perSample;
    ++ops;
  }
  llvm::json::Object perBits;
  for (auto [bits, count] : byBits)
    perBits[std::to_string(bits)] = count;
  return llvm::json::Object{{"ops", ops},
                            {"per_sample", total},
                            {"per_sample_by_input_bits", std::move(perBits)}};
}

/// The report entry of one function.
llvm::json::Object reportFunction(func::FuncOp func,
                                  const BitWidthAnalysis &analysis) {
  llvm::json::Array values;
  const WidthRecord *widest = nullptr;
  for (const WidthRecord &record : analysis.getWidths()) {
    values.push_back(llvm::json::Object{
        {"op", record.op->getName().getStringRef().str()},
        {"loc", locationText(record.op->getLoc())},
        {"bits", record.bits},
        {"range", llvm::json::Array{record.range.min, record.range.max}}});
    if (!widest || record.bits > widest->bits)
      widest = &record;
  }
  llvm::json::Object entry{{"function", func.getSymName().str()},
                           {"values", std::move(values)},
                           {"lookups", summarize(analysis.getLookups())},
                           {"roundings", summarize(analysis.getRoundings())}};
  if (widest)
    entry["widest"] = llvm::json::Object{
        {"bits", widest->bits},
        {"op", widest->op->getName().getStringRef().str()},
        {"loc", locationText(widest->op->getLoc())},
        {"range", llvm::json::Array{widest->range.min, widest->range.max}}};
  return entry;
}

struct VerifyBitWidthPass
    : CheckedOptionsPass<qfhe::impl::VerifyBitWidthBase<VerifyBitWidthPass>> {
  using CheckedOptionsPass::CheckedOptionsPass;

  std::string checkOptions() const override {
    return OptionChecker()
        .bitWidths(maxBitWidth, tluBitWidth)
        .outputFile("report", report)
        .getMessage();
  }

  void runOnOperation() override {
    if (failed(checkOptionsBeforeRunning()))
      return signalPassFailure();
    unsigned tlu = getTluBitWidth(maxBitWidth, tluBitWidth);
    llvm::json::Array functions;
    bool failedAny = false;
    getOperation().walk([&](func::FuncOp func) {
      if (func.isExternal())
        return;
      BitWidthAnalysis analysis(func, maxBitWidth, tlu);
      failedAny |= failed(analysis.run());
      functions.push_back(reportFunction(func, analysis));
    });
    std::string path = report;
    if (!path.empty()) {
      llvm::json::Value document = llvm::json::Object{
          {"max_bit_width", static_cast<unsigned>(maxBitWidth)},
          {"tlu_bit_width", tlu},
          {"proven", !failedAny},
          {"functions", std::move(functions)}};
      if (Attribute summary = getOperation()->getAttr(kAllocationSummaryAttr))
        document.getAsObject()->try_emplace("allocation", toJson(summary));
      if (llvm::Error error = writeOutputFile(path, [&](llvm::raw_ostream &os) {
            os << llvm::formatv("{0:2}", document) << "\n";
            return llvm::Error::success();
          })) {
        emitError(getOperation().getLoc())
            << "qfhe-verify-bitwidth: " << llvm::toString(std::move(error));
        return signalPassFailure();
      }
    }
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
