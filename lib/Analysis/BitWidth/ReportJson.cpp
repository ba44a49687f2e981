//===- ReportJson.cpp - the bit-width report as JSON ----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The document `qfhe-verify-bitwidth report=FILE` writes (docs/quant-run.md
// and scripts/report.sh read it): the caps, whether the program is proven,
// per function its encrypted values, the widest, lookups and roundings per
// sample by input bits, and the allocation summary when present.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/BitWidthReport.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// An attribute of plain values (dictionaries, arrays, strings, integers,
/// floats, booleans) as JSON; others as their text.
llvm::json::Value attributeToJson(Attribute attr) {
  if (auto dict = dyn_cast<DictionaryAttr>(attr)) {
    llvm::json::Object object;
    for (NamedAttribute entry : dict)
      object[entry.getName().strref()] = attributeToJson(entry.getValue());
    return object;
  }
  if (auto array = dyn_cast<ArrayAttr>(attr)) {
    llvm::json::Array values;
    for (Attribute element : array)
      values.push_back(attributeToJson(element));
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

llvm::json::Array rangeToJson(IntegerRange range) {
  return llvm::json::Array{range.min, range.max};
}

llvm::json::Object summaryToJson(const BootstrapSummary &summary) {
  llvm::json::Object perBits;
  for (auto [bits, count] : summary.perSampleByInputBits)
    perBits[std::to_string(bits)] = count;
  return llvm::json::Object{{"ops", summary.ops},
                            {"per_sample", summary.perSample},
                            {"per_sample_by_input_bits", std::move(perBits)}};
}

llvm::json::Object valueToJson(const EncryptedValueRecord &value) {
  llvm::json::Object object{{"op", value.opName},
                            {"loc", formatLocation(value.loc)},
                            {"bits", value.bits},
                            {"range", rangeToJson(value.range)}};
  if (value.axis) {
    object["axis"] = *value.axis;
    llvm::json::Array channels;
    for (const IntegerRange &range : value.channels)
      channels.push_back(rangeToJson(range));
    object["channels"] = std::move(channels);
  }
  if (value.modular)
    object["modular"] = true;
  return object;
}

llvm::StringRef kindName(BootstrapOpRecord::Kind kind) {
  switch (kind) {
  case BootstrapOpRecord::Kind::Lookup:
    return "lookup";
  case BootstrapOpRecord::Kind::Rounding:
    return "rounding";
  case BootstrapOpRecord::Kind::Comparison:
    return "comparison";
  }
  llvm_unreachable("unknown bootstrap kind");
}

llvm::json::Object bootstrapToJson(const BootstrapOpRecord &record) {
  return llvm::json::Object{{"op", record.opName},
                            {"loc", formatLocation(record.loc)},
                            {"kind", kindName(record.kind)},
                            {"input_bits", record.inputBits},
                            {"per_sample", record.perSample}};
}

} // namespace

llvm::json::Value mlir::qfhe::toJson(const BitWidthReport &report) {
  llvm::json::Array functions;
  for (const FunctionBitWidthReport &function : report.functions) {
    llvm::json::Array values;
    for (const EncryptedValueRecord &value : function.values)
      values.push_back(valueToJson(value));
    llvm::json::Array bootstraps;
    for (const BootstrapOpRecord &record : function.bootstraps)
      bootstraps.push_back(bootstrapToJson(record));
    llvm::json::Object entry{{"function", function.name},
                             {"proven", function.proven},
                             {"values", std::move(values)},
                             {"bootstraps", std::move(bootstraps)},
                             {"lookups", summaryToJson(function.lookups)},
                             {"roundings", summaryToJson(function.roundings)}};
    if (function.widest) {
      const EncryptedValueRecord &widest = function.values[*function.widest];
      entry["widest"] =
          llvm::json::Object{{"bits", widest.bits},
                             {"op", widest.opName},
                             {"loc", formatLocation(widest.loc)},
                             {"range", rangeToJson(widest.range)}};
    }
    functions.push_back(std::move(entry));
  }
  llvm::json::Object document{{"max_bit_width", report.maxBitWidth},
                              {"tlu_bit_width", report.tluBitWidth},
                              {"proven", report.proven},
                              {"functions", std::move(functions)}};
  if (report.allocation)
    document["allocation"] = attributeToJson(report.allocation);
  return document;
}
