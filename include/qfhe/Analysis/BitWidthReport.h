//===- BitWidthReport.h - the bit-width proof as a C++ result ---*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// What qfhe-verify-bitwidth proves, for a C++ consumer: run verifyBitWidth
// on a module (after the pipeline, or on any integer program) and read the
// report: per function, every encrypted value with the op that computes it,
// its location, bits and proven range; the widest; the lookups and
// roundings per sample by input precision; and every violation. The pass's
// JSON report (`report=`) is toJson of the same struct.
//
// ```cpp
// mlir::qfhe::VerifyOptions options;
// options.maxBitWidth = 8;
// mlir::qfhe::BitWidthReport report = mlir::qfhe::verifyBitWidth(module,
// options); if (report.proven)
//   llvm::outs() << report.getWidest()->bits << " bits\n";
// ```
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_ANALYSIS_BITWIDTHREPORT_H
#define QFHE_ANALYSIS_BITWIDTHREPORT_H

#include "qfhe/Support/QuantMath.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
namespace qfhe {

/// The caps a program must meet.
struct VerifyOptions {
  /// Bits every encrypted value must fit.
  unsigned maxBitWidth = 8;
  /// Widest input type of a table lookup; 0 means maxBitWidth.
  unsigned tluBitWidth = 0;
  /// Also emit each violation as an error diagnostic on its op.
  bool emitDiagnostics = true;
};

/// One encrypted value of the program and what is proven of it.
struct EncryptedValueRecord {
  EncryptedValueRecord(Operation *op, std::string opName, Location loc)
      : op(op), opName(std::move(opName)), loc(loc) {}

  /// The op computing it; null for an encrypted function argument.
  Operation *op = nullptr;
  /// The op's name (`linalg.matmul`), or `argument #N`.
  std::string opName;
  /// Where it is computed (the op's location, or the function's).
  Location loc;
  /// Bits of its proven range (unsigned for `uiN` values).
  unsigned bits = 0;
  /// The proven range of every element.
  IntegerRange range{0, 0};
  /// With `axis`: the proven range of each index along that dimension.
  std::optional<int64_t> axis;
  std::vector<IntegerRange> channels;
  /// The value is the exact result of a sum (or product) modulo 2^N, less
  /// a multiple of 2^N fixed at compile time: it relies on modular
  /// arithmetic (see docs/pipeline.md).
  bool modular = false;
};

/// Programmable bootstraps of one kind.
struct BootstrapSummary {
  /// Ops performing them.
  int64_t ops = 0;
  /// Per sample, in all.
  int64_t perSample = 0;
  /// Per sample, by bits of the bootstrap's input.
  std::map<unsigned, int64_t> perSampleByInputBits;
};

/// The proof of one function.
/// The programmable bootstraps of one op of the integer program.
struct BootstrapOpRecord {
  /// Table lookup (qfhe.lut), rounding (qfhe.round) or comparison of a max
  /// (a lookup in TFHE).
  enum class Kind { Lookup, Rounding, Comparison };
  BootstrapOpRecord(Kind kind, std::string opName, Location loc,
                    unsigned inputBits, int64_t perSample)
      : kind(kind), opName(std::move(opName)), loc(loc), inputBits(inputBits),
        perSample(perSample) {}

  Kind kind;
  /// The op's name and location.
  std::string opName;
  Location loc;
  /// Bits of each bootstrap's input.
  unsigned inputBits = 0;
  /// Bootstraps per sample.
  int64_t perSample = 0;
};

struct FunctionBitWidthReport {
  std::string name;
  /// Whether every check of this function passed.
  bool proven = true;
  /// Every encrypted value, in program order (arguments first).
  std::vector<EncryptedValueRecord> values;
  /// Index into `values` of the widest (the first of the widest), if any.
  std::optional<size_t> widest;
  /// Table lookups, and comparisons of max pooling (each a lookup in FHE).
  BootstrapSummary lookups;
  /// qfhe.round ops (bootstraps too in TFHE).
  BootstrapSummary roundings;
  /// Every op that bootstraps, in program order.
  std::vector<BootstrapOpRecord> bootstraps;
};

/// A check that failed.
struct BitWidthViolation {
  Location loc;
  std::string message;
};

/// The verifier's result on a module.
struct BitWidthReport {
  unsigned maxBitWidth = 0;
  unsigned tluBitWidth = 0;
  /// Whether every encrypted value of every function is proven to fit.
  bool proven = true;
  std::vector<FunctionBitWidthReport> functions;
  std::vector<BitWidthViolation> violations;
  /// The module's `qfhe.allocation_summary` (how qfhe-allocate-bits chose
  /// the widths) as the report shows it
  /// (AllocationSummaryAttr::toDictionary), if present.
  DictionaryAttr allocation;

  /// The widest encrypted value of all functions, if any.
  const EncryptedValueRecord *getWidest() const;

  /// The estimated FHE cost per sample of every function's bootstraps, in
  /// 8-bit bootstraps (getBootstrapCost of each bootstrap's input bits;
  /// docs/cost.md).
  double getEstimatedCost() const;
};

/// Proves that every encrypted value of every function with a body in
/// `module` fits `options.maxBitWidth` bits and every lookup input
/// `options.tluBitWidth` bits, for any program (docs/pipeline.md, "What the
/// verifier proves"). Violations are in the report (and emitted as errors
/// with `options.emitDiagnostics`).
BitWidthReport verifyBitWidth(ModuleOp module, const VerifyOptions &options);

/// The report as the JSON document `qfhe-verify-bitwidth report=` writes.
llvm::json::Value toJson(const BitWidthReport &report);

/// A location as the report prints it (`loc("model.mlir":3:7)`).
std::string formatLocation(Location loc);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_ANALYSIS_BITWIDTHREPORT_H
