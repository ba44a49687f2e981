//===- quant-cost.cpp - the FHE cost of a compiled program ----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Reads the JSON report of qfhe-verify-bitwidth (the pipeline's `report=`
// option) and prints what the program costs in TFHE: the programmable
// bootstraps it performs per sample (lookups and roundings) by input
// precision, and their estimated cost (qfhe/Support/FheCost.h,
// docs/cost.md), in total, per function, and per layer where the report
// lists layers.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/FheCost.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir::qfhe;
namespace cl = llvm::cl;
namespace json = llvm::json;

namespace {

cl::OptionCategory category("quant-cost options");
cl::opt<std::string> reportPath(cl::Positional, cl::Required,
                                cl::desc("<report.json>"), cl::cat(category));

constexpr const char *kOverview =
    "the FHE cost of a compiled program\n\n"
    "Reads the JSON report of qfhe-verify-bitwidth (quant-opt "
    "--qfhe-pipeline=\"... report=REPORT.json\")\nand prints the "
    "programmable bootstraps per sample by input precision and their "
    "estimated\ncost, in units of an 8-bit bootstrap (docs/cost.md).\n";

/// Reads the bootstraps of `kind` from `counts`, an object of input bits
/// to counts per sample, into `records` under `layer`; `where` names the
/// object in messages.
llvm::Error readCounts(const json::Object *counts, BootstrapKind kind,
                       const std::string &layer, const std::string &where,
                       std::vector<BootstrapRecord> &records) {
  if (!counts)
    return llvm::createStringError(where + " is not an object of bits to "
                                           "counts");
  for (const auto &[key, value] : *counts) {
    unsigned bits;
    std::optional<int64_t> count = value.getAsInteger();
    if (!llvm::to_integer(key.str(), bits, 10) || bits > 64 || !count ||
        *count < 0)
      return llvm::createStringError(where + ": \"" + key.str() +
                                     "\" must be a width in bits (0 to 64) "
                                     "with a count of at least 0");
    records.push_back({layer, kind, bits, *count});
  }
  return llvm::Error::success();
}

/// Reads the `lookups` and `roundings` (objects with `counts` inside, or
/// the counts themselves when `counts` is empty) of `entry` into
/// `records` under `layer`.
llvm::Error readBootstraps(const json::Object &entry, llvm::StringRef counts,
                           const std::string &layer, const std::string &where,
                           std::vector<BootstrapRecord> &records) {
  for (auto [name, kind] : {std::pair{"lookups", BootstrapKind::Lookup},
                            std::pair{"roundings", BootstrapKind::Rounding}}) {
    const json::Object *object = entry.getObject(name);
    if (object && !counts.empty())
      object = object->getObject(counts);
    std::string path = where + "." + name;
    if (!counts.empty())
      path += "." + counts.str();
    if (llvm::Error error = readCounts(object, kind, layer, path, records))
      return error;
  }
  return llvm::Error::success();
}

/// "N (n on b bits, ...)" for the bootstraps of one kind.
std::string describe(const std::map<unsigned, int64_t> &byBits) {
  int64_t total = 0;
  std::string parts;
  for (auto [bits, count] : byBits) {
    total += count;
    if (!parts.empty())
      parts += ", ";
    parts += std::to_string(count) + " on " + std::to_string(bits) + " bits";
  }
  return std::to_string(total) + (parts.empty() ? "" : " (" + parts + ")");
}

void print(llvm::raw_ostream &os, llvm::StringRef what, const LayerCost &cost) {
  os << what << ' ' << cost.layer << ": " << llvm::format("%.2f", cost.cost)
     << "; lookups " << describe(cost.lookups) << ", roundings "
     << describe(cost.roundings) << '\n';
}

llvm::Error run() {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFileOrSTDIN(reportPath);
  if (!file)
    return llvm::createStringError("cannot read " + reportPath + ": " +
                                   file.getError().message());
  llvm::Expected<json::Value> report = json::parse((*file)->getBuffer());
  if (!report)
    return llvm::createStringError(
        reportPath + " is not JSON: " + llvm::toString(report.takeError()));
  const json::Object *root = report->getAsObject();
  const json::Array *functions = root ? root->getArray("functions") : nullptr;
  if (!functions)
    return llvm::createStringError(
        reportPath + " has no \"functions\" array: not a report of "
                     "qfhe-verify-bitwidth");

  std::vector<BootstrapRecord> all;
  std::vector<LayerCost> functionCosts, layerCosts;
  for (auto [index, value] : llvm::enumerate(*functions)) {
    const json::Object *function = value.getAsObject();
    std::string where = "functions[" + std::to_string(index) + "]";
    if (!function)
      return llvm::createStringError(reportPath + ": " + where +
                                     " is not an object");
    std::string name = function->getString("function").value_or(where).str();
    std::vector<BootstrapRecord> records;
    if (llvm::Error error =
            readBootstraps(*function, "per_sample_by_input_bits", name,
                           reportPath + ": " + where, records))
      return error;
    functionCosts.push_back(getTotalCost(records, name));
    all.insert(all.end(), records.begin(), records.end());

    // Per layer, where the report lists them (docs/cost.md).
    const json::Array *layers = function->getArray("layers");
    if (!layers)
      continue;
    std::vector<BootstrapRecord> layerRecords;
    for (auto [layerIndex, layerValue] : llvm::enumerate(*layers)) {
      std::string layerWhere = reportPath + ": " + where + ".layers[" +
                               std::to_string(layerIndex) + "]";
      const json::Object *layer = layerValue.getAsObject();
      std::optional<llvm::StringRef> layerName =
          layer ? layer->getString("layer") : std::nullopt;
      if (!layerName)
        return llvm::createStringError(layerWhere +
                                       " is not an object with a \"layer\"");
      if (llvm::Error error = readBootstraps(*layer, "", layerName->str(),
                                             layerWhere, layerRecords))
        return error;
    }
    std::vector<LayerCost> byLayer = getCostByLayer(layerRecords);
    layerCosts.insert(layerCosts.end(), byLayer.begin(), byLayer.end());
  }

  llvm::raw_ostream &os = llvm::outs();
  os << "cost: " << llvm::format("%.2f", getTotalCost(all).cost)
     << " per sample, in " << kCostUnitBits << "-bit bootstraps\n";
  for (const LayerCost &cost : functionCosts)
    print(os, "function", cost);
  for (const LayerCost &cost : layerCosts)
    print(os, "layer", cost);
  return llvm::Error::success();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, kOverview);
  if (llvm::Error error = run()) {
    llvm::WithColor::error(llvm::errs(), "quant-cost")
        << llvm::toString(std::move(error)) << '\n';
    return 1;
  }
  return 0;
}
