//===- LayerSummary.h - the per-layer summary of a compile ------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// What the tools print after a compile: one row per layer of the program
// (the ops located at one ONNX node, or one source line), with the
// allocation's choice for it and what the verifier proved about it, and the
// totals per sample. It reads the verifier's JSON report
// (`qfhe-verify-bitwidth report=`); summarizeReport is the one place that
// knows its layout.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_REPORT_LAYERSUMMARY_H
#define QFHE_REPORT_LAYERSUMMARY_H

#include "mlir/IR/Location.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mlir {
class MLIRContext;

namespace qfhe {

/// A short name for where an op comes from: the name of a NameLoc (the
/// importer's ONNX node name), `file:line:col` of a file location (the
/// file's name without its directories), the distinct names of a fused
/// location's parts joined by " + ", the callee of a call site, and
/// "(unknown)" for an unknown location.
std::string getLocationName(Location loc);

/// One row of the summary: the ops at one location name.
struct LayerSummary {
  std::string name;
  /// The layer's linear op (matmul, convolution, pooling) when the
  /// allocation chose its bits; else empty.
  std::string op;
  /// The allocation's choice: bits of the layer's inputs, parts its dot
  /// products are split into.
  std::optional<int64_t> inputBits;
  std::optional<int64_t> chunks;
  /// Table lookups (qfhe.lut, max pooling) and roundings (qfhe.round) at
  /// this location, counted as ops: each one bootstraps every element of
  /// its tensor (a max pooling, once per comparison).
  int64_t lookupOps = 0;
  int64_t roundingOps = 0;
  /// Programmable bootstraps per sample of the ops at this location, and
  /// their estimated cost in 8-bit bootstraps (qfhe/Support/FheCost.h).
  int64_t bootstrapsPerSample = 0;
  double cost = 0;
  /// The widest encrypted value at this location, and its op.
  int64_t widestBits = 0;
  std::string widestOp;
};

/// The summary of one compile.
struct ReportSummary {
  int64_t maxBitWidth = 0;
  int64_t tluBitWidth = 0;
  bool proven = false;
  /// Rows in the order of the program's values.
  std::vector<LayerSummary> layers;
  /// Bootstraps per sample over every function, and by input width.
  int64_t lookupsPerSample = 0;
  int64_t roundingsPerSample = 0;
  std::map<int64_t, int64_t> lookupsByInputBits;
  std::map<int64_t, int64_t> roundingsByInputBits;
  /// Estimated cost per sample of every bootstrap, in 8-bit bootstraps.
  double cost = 0;
  /// The widest encrypted value of the program (0 when it has none).
  int64_t widestBits = 0;
  std::string widestOp;
  std::string widestName;
};

/// Reads the verifier's JSON report; locations are parsed in `context`.
/// Fails with a message naming the missing or malformed field.
llvm::Expected<ReportSummary> summarizeReport(const llvm::json::Value &report,
                                              MLIRContext &context);

/// Prints the summary: a table of the layers, then the totals.
void printReportSummary(const ReportSummary &summary, llvm::raw_ostream &os);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_REPORT_LAYERSUMMARY_H
