//===- QFHEPipeline.h - the whole flow from float to integers ---*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The qfhe compilation pipeline: from a float tensor program (with declared
// or calibrated ranges) to the verified integer-only program, as
// `--qfhe-pipeline="max-bit-width=N ..."` on the command line or
// `buildQFHEPipeline` from C++.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_PIPELINES_QFHEPIPELINE_H
#define QFHE_PIPELINES_QFHEPIPELINE_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
class Operation;

namespace qfhe {

/// Options of the pipeline.
struct QFHEPipelineOptions : public PassPipelineOptions<QFHEPipelineOptions> {
  Option<unsigned> maxBitWidth{
      *this, "max-bit-width",
      llvm::cl::desc("Bits every encrypted value must fit, in [2, 32]"),
      llvm::cl::init(8)};
  Option<unsigned> tluBitWidth{
      *this, "tlu-bit-width",
      llvm::cl::desc("Widest table lookup input, at most 16 (0: "
                     "max-bit-width, at most 16, and narrower where one "
                     "lookup's per-channel tables would exceed 2^24 "
                     "entries); wider accumulators are rounded first"),
      llvm::cl::init(0)};
  Option<std::string> strategy{
      *this, "strategy",
      llvm::cl::desc("Bit allocation: a2q (per layer, accumulator-aware) or "
                     "uniform (the classic baseline)"),
      llvm::cl::init("a2q")};
  Option<std::string> calibrationData{
      *this, "calibration-data",
      llvm::cl::desc("A .npy file of inputs on which the allocation measures "
                     "its candidates (else it estimates)"),
      llvm::cl::init("")};
  Option<unsigned> weightBits{
      *this, "weight-bits", llvm::cl::desc("Most bits of a weight, in [2, 16]"),
      llvm::cl::init(8)};
  Option<unsigned> maxChunks{
      *this, "max-chunks",
      llvm::cl::desc("Most parts a layer's dot products may be split into, "
                     "each rounded before they are added: a power of two in "
                     "[1, 1024] (1: never split)"),
      llvm::cl::init(8)};
  Option<unsigned> maxActivationBits{
      *this, "max-activation-bits",
      llvm::cl::desc("Most bits of an input or activation, in [2, 16]"),
      llvm::cl::init(8)};
  Option<bool> equalizeChannels{
      *this, "equalize-channels",
      llvm::cl::desc("Equalize the calibrated channel ranges between layers "
                     "(qfhe-equalize-channels; strategy a2q only)"),
      llvm::cl::init(true)};
  Option<bool> inputLevels{
      *this, "input-levels",
      llvm::cl::desc("With calibration-data: also measure inputs of three "
                     "quarters of their levels (a third more weight budget; "
                     "docs/pipeline.md)"),
      llvm::cl::init(false)};
  Option<double> minAgreement{
      *this, "min-agreement",
      llvm::cl::desc("With calibration-data: warn when the compiled program "
                     "predicts what the float program predicts on a smaller "
                     "fraction of the calibration samples (0: never)"),
      llvm::cl::init(0.8)};
  Option<double> maxCost{
      *this, "max-cost",
      llvm::cl::desc("With calibration-data: most estimated FHE cost per "
                     "sample, in 8-bit bootstraps (docs/cost.md; 0: no "
                     "budget)"),
      llvm::cl::init(0)};
  Option<double> costTolerance{
      *this, "cost-tolerance",
      llvm::cl::desc("With calibration-data: keep the cheapest candidate "
                     "whose mean divergence from the float program is at "
                     "most 1 + this times the most faithful one's, in [0, "
                     "1000] (-1: keep the most faithful)"),
      llvm::cl::init(0.25)};
  Option<bool> biasCorrection{
      *this, "bias-correction",
      llvm::cl::desc("Add to each folded bias the mean error the layer's "
                     "quantized weights and input cause on calibration data "
                     "(qfhe-quantize)"),
      llvm::cl::init(true)};
  Option<bool> gramRounding{
      *this, "gram-rounding",
      llvm::cl::desc("Let the search round weights under a budget against "
                     "the second moments of their inputs where calibration "
                     "recorded them (qfhe-allocate-bits)"),
      llvm::cl::init(false)};
  Option<std::string> report{
      *this, "report",
      llvm::cl::desc("Write the bit-width report (JSON) to this file ('-': "
                     "stdout)"),
      llvm::cl::init("")};
  Option<bool> roundUserLookups{
      *this, "round-user-lookups",
      llvm::cl::desc("In a program quantized by its user, round accumulators "
                     "wider than tlu-bit-width before their lookups (this "
                     "changes the user's arithmetic; without it the compiler "
                     "reports the bits they need)"),
      llvm::cl::init(false)};
  Option<bool> floatFallback{
      *this, "float-fallback",
      llvm::cl::desc("Keep ops that cannot be quantized in float (the result "
                     "is not an FHE circuit)"),
      llvm::cl::init(false)};

  /// tlu-bit-width, with 0 meaning max-bit-width (at most 16 bits).
  unsigned getTluBitWidth() const;
  /// Whether lookups whose per-channel tables would exceed 2^24 entries
  /// read fewer bits instead of failing: when tlu-bit-width is left to the
  /// compiler (0).
  bool fitsTables() const;
};

/// What is wrong with `options` (each bad value with its valid range,
/// e.g. "max-bit-width=40 is outside [2, 32]"); empty when nothing is.
/// `qfhe-pipeline` on the command line checks this before any pass runs; a
/// pipeline built with buildQFHEPipeline from bad options fails when its
/// passes start.
std::string checkQFHEPipelineOptions(const QFHEPipelineOptions &options);

/// Adds the pipeline to `pm` (anchored on the module). A float program takes
/// the float path: normalize, equalize-channels, infer-ranges,
/// allocate-bits, quantize, fuse-univariate, lower-to-integer,
/// canonicalize, verify-bitwidth. A program quantized by its user
/// (isUserQuantized) takes the user path: import-quantization,
/// lower-to-integer (rounding only with round-user-lookups), canonicalize,
/// verify-bitwidth. The entry function keeps its name and float signature;
/// its quantize and dequantize run on the client.
void buildQFHEPipeline(OpPassManager &pm, const QFHEPipelineOptions &options);

/// Whether `module` states its own quantization: ops or types of the quant
/// dialect, qfhe's quantized level, or TOSA integer arithmetic
/// (`tosa.rescale`, `tosa.matmul` or `tosa.conv2d` on integers).
bool isUserQuantized(Operation *module);

/// Registers `qfhe-pipeline` with the global pipeline registry.
void registerQFHEPipeline();

} // namespace qfhe
} // namespace mlir

#endif // QFHE_PIPELINES_QFHEPIPELINE_H
