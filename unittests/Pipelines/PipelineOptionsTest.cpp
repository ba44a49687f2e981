//===- PipelineOptionsTest.cpp - bad options of buildQFHEPipeline ---------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// An embedder that builds the pipeline from C++ gets the same checks as
// the command line: checkQFHEPipelineOptions says what is wrong, and a
// pipeline built from bad options fails when its passes start, with the
// value and its range and without printing the module.
//
//===----------------------------------------------------------------------===//

#include "qfhe/InitQFHE.h"
#include "qfhe/Pipelines/QFHEPipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

constexpr const char *kProgram = R"mlir(
func.func @f(%x: tensor<?x3xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[1.0, 0.5], [-0.5, 1.0], [0.25, -0.25]]> : tensor<3x2xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3xf32>
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<?x3xf32>, tensor<3x2xf32>) outs(%f : tensor<?x2xf32>) -> tensor<?x2xf32>
  return %m : tensor<?x2xf32>
}
)mlir";

/// Runs the pipeline built from `options` on kProgram; returns whether it
/// succeeded and the diagnostics, one per line.
std::pair<bool, std::string> runPipeline(const QFHEPipelineOptions &options) {
  DialectRegistry registry;
  registerQFHEDialects(registry);
  MLIRContext context(registry);
  std::string diagnostics;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    diagnostics += diag.str() + "\n";
    for (const Diagnostic &note : diag.getNotes())
      diagnostics += "note: " + note.str() + "\n";
    return success();
  });
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kProgram, &context);
  EXPECT_TRUE(module);
  PassManager pm(&context);
  buildQFHEPipeline(pm, options);
  bool ok = succeeded(pm.run(*module));
  return {ok, diagnostics};
}

TEST(PipelineOptions, DefaultsAreValidAndCompile) {
  QFHEPipelineOptions options;
  EXPECT_EQ(checkQFHEPipelineOptions(options), "");
  EXPECT_EQ(options.getTluBitWidth(), 8u);
  auto [ok, diagnostics] = runPipeline(options);
  EXPECT_TRUE(ok) << diagnostics;
}

TEST(PipelineOptions, TheLookupWidthDefaultsToTheCapUpTo16) {
  QFHEPipelineOptions options;
  options.maxBitWidth = 24;
  EXPECT_EQ(options.getTluBitWidth(), 16u);
  EXPECT_EQ(checkQFHEPipelineOptions(options), "");
  // Left to the compiler, the width narrows where tables would not fit;
  // asked for, it does not.
  EXPECT_TRUE(options.fitsTables());
  options.tluBitWidth = 16;
  EXPECT_FALSE(options.fitsTables());
}

TEST(PipelineOptions, BadOptionsFailWhenThePassesStart) {
  QFHEPipelineOptions options;
  options.maxBitWidth = 40;
  EXPECT_EQ(checkQFHEPipelineOptions(options),
            "max-bit-width=40 is outside [2, 32]");
  auto [ok, diagnostics] = runPipeline(options);
  EXPECT_FALSE(ok);
  EXPECT_NE(diagnostics.find(
                "qfhe-allocate-bits: max-bit-width=40 is outside [2, 32]"),
            std::string::npos)
      << diagnostics;
  // The module is not printed as a note.
  EXPECT_EQ(diagnostics.find("see current operation"), std::string::npos)
      << diagnostics;
}

TEST(PipelineOptions, EveryBadValueIsNamed) {
  QFHEPipelineOptions options;
  options.maxBitWidth = 8;
  options.tluBitWidth = 9;
  options.maxChunks = 0;
  options.strategy = "best";
  EXPECT_EQ(checkQFHEPipelineOptions(options),
            "tlu-bit-width=9 is above max-bit-width=8: a lookup input is an "
            "encrypted value under the cap; strategy='best' is not one of "
            "a2q, uniform; max-chunks=0 is outside [1, 1024]");
}

} // namespace
