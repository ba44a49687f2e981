//===- BitWidthReportTest.cpp - the report as a C++ result ----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Runs the pipeline on a small float program through the C++ API (with the
// JSON report written to a file), then verifyBitWidth on the result, and
// compares the struct with the JSON the pass wrote.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/BitWidthReport.h"
#include "qfhe/InitQFHE.h"
#include "qfhe/Pipelines/QFHEPipeline.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

// A 4-6-3 perceptron with a ReLU, inputs declared in [0, 1].
constexpr StringLiteral kProgram = R"mlir(
#rows = affine_map<(d0, d1) -> (d0, d1)>
#cols = affine_map<(d0, d1) -> (d1)>
func.func @predict(%x: tensor<1x4xf32> {qfhe.range = array<f64: 0.0, 1.0>}) -> tensor<1x3xf32> {
  %zero = arith.constant 0.0 : f32
  %w0 = arith.constant dense<[[0.5, -1.0, 0.25, 0.75, -0.5, 1.0], [1.0, 0.5, -0.75, 0.25, 0.5, -1.0], [-0.25, 1.0, 0.5, -0.5, 1.0, 0.25], [0.75, -0.25, 1.0, 0.5, -1.0, 0.5]]> : tensor<4x6xf32>
  %b0 = arith.constant dense<[0.1, -0.2, 0.3, 0.0, -0.1, 0.2]> : tensor<6xf32>
  %e6 = tensor.empty() : tensor<1x6xf32>
  %f6 = linalg.fill ins(%zero : f32) outs(%e6 : tensor<1x6xf32>) -> tensor<1x6xf32>
  %m0 = linalg.matmul ins(%x, %w0 : tensor<1x4xf32>, tensor<4x6xf32>) outs(%f6 : tensor<1x6xf32>) -> tensor<1x6xf32>
  %h = linalg.generic {indexing_maps = [#rows, #cols, #rows], iterator_types = ["parallel", "parallel"]} ins(%m0, %b0 : tensor<1x6xf32>, tensor<6xf32>) outs(%e6 : tensor<1x6xf32>) {
  ^bb0(%in: f32, %b: f32, %out: f32):
    %s = arith.addf %in, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x6xf32>
  %w1 = arith.constant dense<[[1.0, -0.5, 0.25], [-0.75, 1.0, 0.5], [0.5, 0.25, -1.0], [0.25, -1.0, 0.75], [-0.5, 0.5, 1.0], [1.0, 0.75, -0.25]]> : tensor<6x3xf32>
  %e3 = tensor.empty() : tensor<1x3xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %m1 = linalg.matmul ins(%h, %w1 : tensor<1x6xf32>, tensor<6x3xf32>) outs(%f3 : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %m1 : tensor<1x3xf32>
}
)mlir";

class BitWidthReportTest : public ::testing::Test {
protected:
  BitWidthReportTest() {
    DialectRegistry registry;
    registerQFHEDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }
  MLIRContext context;
};

/// The JSON array [min, max] as a range.
IntegerRange readRange(const llvm::json::Value *value) {
  const llvm::json::Array *pair = value ? value->getAsArray() : nullptr;
  EXPECT_TRUE(pair && pair->size() == 2);
  if (!pair || pair->size() != 2)
    return {0, 0};
  return {*(*pair)[0].getAsInteger(), *(*pair)[1].getAsInteger()};
}

void expectSameSummary(const BootstrapSummary &summary,
                       const llvm::json::Object *json) {
  ASSERT_TRUE(json);
  EXPECT_EQ(summary.ops, json->getInteger("ops"));
  EXPECT_EQ(summary.perSample, json->getInteger("per_sample"));
  const llvm::json::Object *byBits =
      json->getObject("per_sample_by_input_bits");
  ASSERT_TRUE(byBits);
  EXPECT_EQ(summary.perSampleByInputBits.size(), byBits->size());
  for (auto [bits, count] : summary.perSampleByInputBits)
    EXPECT_EQ(count, byBits->getInteger(std::to_string(bits)));
}

TEST_F(BitWidthReportTest, TheStructIsTheReportThePassWrites) {
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kProgram, &context);
  ASSERT_TRUE(module);
  llvm::SmallString<64> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("qfhe-report", "json", path));
  QFHEPipelineOptions pipelineOptions;
  pipelineOptions.maxBitWidth = 7;
  pipelineOptions.tluBitWidth = 5;
  pipelineOptions.report = path.str().str();
  PassManager pm(&context);
  buildQFHEPipeline(pm, pipelineOptions);
  ASSERT_TRUE(succeeded(pm.run(*module)));

  VerifyOptions options;
  options.maxBitWidth = 7;
  options.tluBitWidth = 5;
  BitWidthReport report = verifyBitWidth(*module, options);

  auto buffer = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(buffer);
  llvm::sys::fs::remove(path);
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse((*buffer)->getBuffer());
  ASSERT_TRUE(static_cast<bool>(parsed));
  const llvm::json::Object *json = parsed->getAsObject();
  ASSERT_TRUE(json);

  EXPECT_TRUE(report.proven);
  EXPECT_EQ(json->getBoolean("proven"), report.proven);
  EXPECT_EQ(json->getInteger("max_bit_width"), 7);
  EXPECT_EQ(report.maxBitWidth, 7u);
  EXPECT_EQ(json->getInteger("tlu_bit_width"), 5);
  EXPECT_EQ(report.tluBitWidth, 5u);
  EXPECT_TRUE(report.violations.empty());
  // The allocation summary the pipeline left on the module.
  ASSERT_TRUE(report.allocation);
  ASSERT_TRUE(json->getObject("allocation"));
  EXPECT_EQ(json->getObject("allocation")->getString("strategy"),
            cast<StringAttr>(report.allocation.get("strategy")).getValue());

  const llvm::json::Array *functions = json->getArray("functions");
  ASSERT_TRUE(functions);
  ASSERT_EQ(report.functions.size(), functions->size());
  ASSERT_EQ(report.functions.size(), 1u);
  const FunctionBitWidthReport &function = report.functions.front();
  const llvm::json::Object *jsonFunction = (*functions)[0].getAsObject();
  ASSERT_TRUE(jsonFunction);
  EXPECT_EQ(function.name, "predict");
  EXPECT_EQ(jsonFunction->getString("function"), function.name);
  EXPECT_EQ(jsonFunction->getBoolean("proven"), function.proven);

  // Every encrypted value: op, location, bits, range, channels.
  const llvm::json::Array *values = jsonFunction->getArray("values");
  ASSERT_TRUE(values);
  ASSERT_EQ(function.values.size(), values->size());
  EXPECT_GT(function.values.size(), 4u);
  for (auto [record, value] : llvm::zip(function.values, *values)) {
    const llvm::json::Object *object = value.getAsObject();
    ASSERT_TRUE(object);
    EXPECT_EQ(object->getString("op"), record.opName);
    EXPECT_EQ(object->getString("loc"), formatLocation(record.loc));
    EXPECT_EQ(object->getInteger("bits"), record.bits);
    EXPECT_EQ(readRange(object->get("range")), record.range);
    EXPECT_LE(record.bits, 7u);
    EXPECT_EQ(object->getInteger("axis"), record.axis);
    if (record.axis) {
      const llvm::json::Array *channels = object->getArray("channels");
      ASSERT_TRUE(channels);
      ASSERT_EQ(channels->size(), record.channels.size());
      for (auto [channel, json] : llvm::zip(record.channels, *channels))
        EXPECT_EQ(readRange(&json), channel);
    }
    EXPECT_EQ(object->getBoolean("modular").value_or(false), record.modular);
  }

  // The widest value, and the bootstraps per sample by input bits.
  ASSERT_TRUE(function.widest);
  const EncryptedValueRecord &widest = function.values[*function.widest];
  EXPECT_EQ(report.getWidest(), &widest);
  const llvm::json::Object *jsonWidest = jsonFunction->getObject("widest");
  ASSERT_TRUE(jsonWidest);
  EXPECT_EQ(jsonWidest->getInteger("bits"), widest.bits);
  EXPECT_EQ(jsonWidest->getString("op"), widest.opName);
  EXPECT_EQ(readRange(jsonWidest->get("range")), widest.range);
  for (const EncryptedValueRecord &record : function.values)
    EXPECT_LE(record.bits, widest.bits);
  EXPECT_GT(function.lookups.perSample, 0);
  expectSameSummary(function.lookups, jsonFunction->getObject("lookups"));
  expectSameSummary(function.roundings, jsonFunction->getObject("roundings"));
  for (auto [bits, count] : function.lookups.perSampleByInputBits)
    EXPECT_LE(bits, 5u);
}

TEST_F(BitWidthReportTest, ViolationsAreInTheReport) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(R"mlir(
    func.func @f(%x: tensor<1x3xi3>) -> tensor<1x1xi7> {
      %w = arith.constant dense<3> : tensor<3x1xi3>
      %c = arith.constant 0 : i7
      %e = tensor.empty() : tensor<1x1xi7>
      %f = linalg.fill ins(%c : i7) outs(%e : tensor<1x1xi7>) -> tensor<1x1xi7>
      %m = linalg.matmul ins(%x, %w : tensor<1x3xi3>, tensor<3x1xi3>) outs(%f : tensor<1x1xi7>) -> tensor<1x1xi7>
      return %m : tensor<1x1xi7>
    })mlir",
                                                             &context);
  ASSERT_TRUE(module);
  VerifyOptions options;
  options.maxBitWidth = 6;
  options.emitDiagnostics = false;
  BitWidthReport report = verifyBitWidth(*module, options);
  EXPECT_FALSE(report.proven);
  ASSERT_EQ(report.functions.size(), 1u);
  EXPECT_FALSE(report.functions.front().proven);
  ASSERT_EQ(report.violations.size(), 1u);
  EXPECT_EQ(report.violations.front().message,
            "encrypted result needs 7 bits (proven range [-36, 27]) but "
            "max-bit-width is 6");
  ASSERT_TRUE(report.getWidest());
  EXPECT_EQ(report.getWidest()->bits, 7u);
  EXPECT_EQ(report.getWidest()->opName, "linalg.matmul");
  EXPECT_FALSE(report.allocation);
}

} // namespace
