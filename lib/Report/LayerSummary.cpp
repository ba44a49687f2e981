//===- LayerSummary.cpp - the per-layer summary of a compile --------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Report/LayerSummary.h"
#include "qfhe/Support/FheCost.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <tuple>

using namespace mlir;
using namespace mlir::qfhe;

std::string mlir::qfhe::getLocationName(Location loc) {
  return llvm::TypeSwitch<LocationAttr, std::string>(loc)
      .Case([](NameLoc name) { return name.getName().str(); })
      .Case([](FileLineColRange file) {
        return llvm::formatv("{0}:{1}:{2}",
                             llvm::sys::path::filename(file.getFilename()),
                             file.getStartLine(), file.getStartColumn())
            .str();
      })
      .Case([](FusedLoc fused) -> std::string {
        SmallVector<std::string> names;
        for (Location part : fused.getLocations()) {
          if (isa<UnknownLoc>(part))
            continue;
          std::string name = getLocationName(part);
          if (!llvm::is_contained(names, name))
            names.push_back(name);
        }
        return names.empty() ? std::string("(unknown)")
                             : llvm::join(names, " + ");
      })
      .Case([](CallSiteLoc call) { return getLocationName(call.getCallee()); })
      .Case([](OpaqueLoc opaque) {
        return getLocationName(opaque.getFallbackLocation());
      })
      .Default([](LocationAttr) { return std::string("(unknown)"); });
}

namespace {

/// Whether an op of the integer program is a table lookup: qfhe.lut, and
/// max pooling, which FHE computes as b + relu(a - b) per comparison.
bool isLookup(llvm::StringRef op) {
  return op == "qfhe.lut" ||
         (op.starts_with("linalg.pooling_") && op.ends_with("_max"));
}

/// Reads the verifier's JSON report into a ReportSummary. Errors name the
/// path of the field that is missing or has the wrong type.
class ReportReader {
public:
  explicit ReportReader(MLIRContext &context) : context(context) {}

  llvm::Expected<ReportSummary> read(const llvm::json::Value &report) {
    const llvm::json::Object *root = report.getAsObject();
    if (!root)
      return fail("the report", "an object");
    ReportSummary summary;
    if (llvm::Error error =
            readInt(*root, "max_bit_width", "", summary.maxBitWidth))
      return std::move(error);
    if (llvm::Error error =
            readInt(*root, "tlu_bit_width", "", summary.tluBitWidth))
      return std::move(error);
    std::optional<bool> proven = root->getBoolean("proven");
    if (!proven)
      return fail("proven", "a boolean");
    summary.proven = *proven;

    // Rows in the order of the program's values; allocation layers without
    // values (none in a verified program) after them.
    if (llvm::Error error = forEachObject(
            *root, "functions", "",
            [&](const llvm::json::Object &function, llvm::StringRef path) {
              return readFunction(function, path, summary);
            }))
      return std::move(error);
    if (const llvm::json::Object *allocation = root->getObject("allocation"))
      if (llvm::Error error = readAllocation(*allocation, summary))
        return std::move(error);
    return summary;
  }

private:
  static llvm::Error fail(const llvm::Twine &field, llvm::StringRef expected) {
    return llvm::createStringError("malformed bit-width report: " + field +
                                   " is missing or not " + expected);
  }

  /// `path.key`, or `key` at the top.
  static std::string fieldPath(llvm::StringRef path, llvm::StringRef key) {
    return path.empty() ? key.str() : (path + "." + key).str();
  }

  static llvm::Error readInt(const llvm::json::Object &object,
                             llvm::StringRef key, llvm::StringRef path,
                             int64_t &value) {
    std::optional<int64_t> read = object.getInteger(key);
    if (!read)
      return fail(fieldPath(path, key), "an integer");
    value = *read;
    return llvm::Error::success();
  }

  static llvm::Error readString(const llvm::json::Object &object,
                                llvm::StringRef key, llvm::StringRef path,
                                std::string &value) {
    std::optional<llvm::StringRef> read = object.getString(key);
    if (!read)
      return fail(fieldPath(path, key), "a string");
    value = read->str();
    return llvm::Error::success();
  }

  /// Calls `read(object, path)` on each element of the array `key` of
  /// `parent` (at `path`), which must all be objects.
  static llvm::Error
  forEachObject(const llvm::json::Object &parent, llvm::StringRef key,
                llvm::StringRef path,
                llvm::function_ref<llvm::Error(const llvm::json::Object &,
                                               llvm::StringRef)>
                    read) {
    std::string arrayPath = fieldPath(path, key);
    const llvm::json::Array *array = parent.getArray(key);
    if (!array)
      return fail(arrayPath, "an array");
    for (auto [index, element] : llvm::enumerate(*array)) {
      std::string elementPath =
          llvm::formatv("{0}[{1}]", arrayPath, index).str();
      const llvm::json::Object *object = element.getAsObject();
      if (!object)
        return fail(elementPath, "an object");
      if (llvm::Error error = read(*object, elementPath))
        return error;
    }
    return llvm::Error::success();
  }

  /// The name of a location as the report prints it (`loc(...)`); the text
  /// itself when it does not parse.
  std::string nameOf(llvm::StringRef text) {
    ScopedDiagnosticHandler quiet(&context,
                                  [](Diagnostic &) { return success(); });
    if (auto loc = dyn_cast_or_null<LocationAttr>(
            parseAttribute(text, &context, Type(), nullptr,
                           /*isKnownNullTerminated=*/false)))
      return getLocationName(loc);
    return text.str();
  }

  LayerSummary &layerNamed(ReportSummary &summary, llvm::StringRef name) {
    auto [it, inserted] = rows.try_emplace(name, summary.layers.size());
    if (inserted) {
      summary.layers.emplace_back();
      summary.layers.back().name = name.str();
    }
    return summary.layers[it->second];
  }

  llvm::Error readAllocation(const llvm::json::Object &allocation,
                             ReportSummary &summary) {
    return forEachObject(
        allocation, "layers", "allocation",
        [&](const llvm::json::Object &entry,
            llvm::StringRef path) -> llvm::Error {
          std::string loc, op;
          if (llvm::Error error = readString(entry, "loc", path, loc))
            return error;
          if (llvm::Error error = readString(entry, "op", path, op))
            return error;
          LayerSummary &layer = layerNamed(summary, nameOf(loc));
          layer.op = op;
          layer.inputBits = entry.getInteger("input_bits");
          // An unsplit layer has no "chunks".
          layer.chunks = entry.getInteger("chunks").value_or(1);
          return llvm::Error::success();
        });
  }

  /// One encrypted value: counted at its location's row.
  llvm::Error readValue(const llvm::json::Object &value, llvm::StringRef path,
                        ReportSummary &summary) {
    std::string loc, op;
    int64_t bits;
    if (llvm::Error error = readString(value, "loc", path, loc))
      return error;
    if (llvm::Error error = readString(value, "op", path, op))
      return error;
    if (llvm::Error error = readInt(value, "bits", path, bits))
      return error;
    std::string name = nameOf(loc);
    LayerSummary &layer = layerNamed(summary, name);
    layer.lookupOps += isLookup(op);
    layer.roundingOps += op == "qfhe.round";
    if (bits > layer.widestBits) {
      layer.widestBits = bits;
      layer.widestOp = op;
    }
    if (bits > summary.widestBits) {
      summary.widestBits = bits;
      summary.widestOp = op;
      summary.widestName = name;
    }
    return llvm::Error::success();
  }

  /// One op's bootstraps: counted, with their cost, at its location's row.
  llvm::Error readBootstrap(const llvm::json::Object &bootstrap,
                            llvm::StringRef path, ReportSummary &summary) {
    std::string loc;
    int64_t bits, perSample;
    if (llvm::Error error = readString(bootstrap, "loc", path, loc))
      return error;
    if (llvm::Error error = readInt(bootstrap, "input_bits", path, bits))
      return error;
    if (llvm::Error error = readInt(bootstrap, "per_sample", path, perSample))
      return error;
    if (bits < 0 || bits > 64 || perSample < 0)
      return fail(path, "a count of bootstraps on 0 to 64 bits");
    LayerSummary &layer = layerNamed(summary, nameOf(loc));
    layer.bootstrapsPerSample += perSample;
    layer.cost += static_cast<double>(perSample) *
                  getBootstrapCost(static_cast<unsigned>(bits));
    return llvm::Error::success();
  }

  /// One function: its values, its bootstrapping ops (reports written
  /// before they were listed have none), and its lookups and roundings per
  /// sample.
  llvm::Error readFunction(const llvm::json::Object &function,
                           llvm::StringRef path, ReportSummary &summary) {
    if (llvm::Error error = forEachObject(
            function, "values", path,
            [&](const llvm::json::Object &value, llvm::StringRef valuePath) {
              return readValue(value, valuePath, summary);
            }))
      return error;
    if (function.get("bootstraps"))
      if (llvm::Error error = forEachObject(
              function, "bootstraps", path,
              [&](const llvm::json::Object &bootstrap,
                  llvm::StringRef bootstrapPath) {
                return readBootstrap(bootstrap, bootstrapPath, summary);
              }))
        return error;
    for (auto [key, total, byBits] :
         {std::make_tuple("lookups", &summary.lookupsPerSample,
                          &summary.lookupsByInputBits),
          std::make_tuple("roundings", &summary.roundingsPerSample,
                          &summary.roundingsByInputBits)}) {
      std::string countsPath = fieldPath(path, key);
      const llvm::json::Object *counts = function.getObject(key);
      if (!counts)
        return fail(countsPath, "an object");
      int64_t perSample;
      if (llvm::Error error =
              readInt(*counts, "per_sample", countsPath, perSample))
        return error;
      *total += perSample;
      const llvm::json::Object *widths =
          counts->getObject("per_sample_by_input_bits");
      if (!widths)
        return fail(countsPath + ".per_sample_by_input_bits", "an object");
      for (const auto &[bits, count] : *widths) {
        int64_t width;
        std::optional<int64_t> number = count.getAsInteger();
        if (!llvm::to_integer(bits.str(), width) || !number)
          return fail(countsPath + ".per_sample_by_input_bits." + bits.str(),
                      "a count under a bit width");
        if (width < 0 || width > 64 || *number < 0)
          return fail(countsPath + ".per_sample_by_input_bits." + bits.str(),
                      "a count of at least 0 under a width of 0 to 64 bits");
        (*byBits)[width] += *number;
        summary.cost += static_cast<double>(*number) *
                        getBootstrapCost(static_cast<unsigned>(width));
      }
    }
    return llvm::Error::success();
  }

  MLIRContext &context;
  /// The row of each name.
  llvm::StringMap<size_t> rows;
};

} // namespace

llvm::Expected<ReportSummary>
mlir::qfhe::summarizeReport(const llvm::json::Value &report,
                            MLIRContext &context) {
  return ReportReader(context).read(report);
}

void mlir::qfhe::printReportSummary(const ReportSummary &summary,
                                    llvm::raw_ostream &os) {
  // Columns as wide as their widest cell.
  auto optional = [](std::optional<int64_t> value) {
    return value ? std::to_string(*value) : std::string("-");
  };
  auto widest = [](int64_t bits, llvm::StringRef op) {
    return bits ? llvm::formatv("{0} bits ({1})", bits, op).str()
                : std::string("-");
  };
  std::vector<std::array<std::string, 7>> rows{
      {"layer", "op", "input bits", "parts", "bootstraps", "cost", "widest"}};
  for (const LayerSummary &layer : summary.layers)
    rows.push_back({layer.name, layer.op.empty() ? "-" : layer.op,
                    optional(layer.inputBits), optional(layer.chunks),
                    std::to_string(layer.bootstrapsPerSample),
                    llvm::formatv("{0:F2}", layer.cost).str(),
                    widest(layer.widestBits, layer.widestOp)});
  std::array<size_t, 7> widths{};
  for (const auto &row : rows)
    for (auto [width, cell] : llvm::zip_equal(widths, row))
      width = std::max(width, cell.size());
  // Names and ops to the left, numbers to the right.
  for (const auto &row : rows) {
    for (auto [column, cell] : llvm::enumerate(row)) {
      os << "  ";
      if (column == row.size() - 1)
        os << cell;
      else if (column < 2)
        os << llvm::left_justify(cell, widths[column]);
      else
        os << llvm::right_justify(cell, widths[column]);
    }
    os << "\n";
  }
  os << "  (bootstraps per sample; cost in " << kCostUnitBits
     << "-bit bootstraps, docs/cost.md)\n";
  // "N lookups (n on b-bit inputs, ...)".
  auto perSample = [](int64_t total, const std::map<int64_t, int64_t> &byBits,
                      llvm::StringRef what) {
    std::string text =
        llvm::formatv("{0} {1}{2}", total, what, total == 1 ? "" : "s").str();
    SmallVector<std::string> widths;
    for (auto [bits, count] : byBits)
      widths.push_back(llvm::formatv("{0} on {1}-bit inputs", count, bits));
    if (!widths.empty())
      text += " (" + llvm::join(widths, ", ") + ")";
    return text;
  };
  os << "  per sample: "
     << perSample(summary.lookupsPerSample, summary.lookupsByInputBits,
                  "lookup")
     << " + "
     << perSample(summary.roundingsPerSample, summary.roundingsByInputBits,
                  "rounding")
     << " = " << summary.lookupsPerSample + summary.roundingsPerSample
     << " bootstraps, FHE cost " << llvm::formatv("{0:F2}", summary.cost)
     << "\n";
  if (summary.widestBits)
    os << llvm::formatv("  widest value: {0} bits ({1}, {2}), ",
                        summary.widestBits, summary.widestName,
                        summary.widestOp);
  else
    os << "  no encrypted value, ";
  os << (summary.proven ? "proven to fit" : "NOT proven to fit")
     << llvm::formatv(" max-bit-width={0} (lookups of at most {1} bits)\n",
                      summary.maxBitWidth, summary.tluBitWidth);
}
