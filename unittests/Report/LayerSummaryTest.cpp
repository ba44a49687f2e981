//===- LayerSummaryTest.cpp - tests of the per-layer summary --------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Report/LayerSummary.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

class LocationNameTest : public ::testing::Test {
protected:
  MLIRContext context;
  Builder b{&context};
  Location file = FileLineColLoc::get(&context, "/tmp/work/model.mlir", 21, 10);
  Location node = NameLoc::get(b.getStringAttr("/net/net.0/Gemm"));
};

TEST_F(LocationNameTest, NameLocIsItsName) {
  EXPECT_EQ(getLocationName(node), "/net/net.0/Gemm");
  // The name wins over the file location inside it.
  EXPECT_EQ(getLocationName(NameLoc::get(b.getStringAttr("fc1"), file)), "fc1");
}

TEST_F(LocationNameTest, FileLocationIsFileLineColumnWithoutDirectories) {
  EXPECT_EQ(getLocationName(file), "model.mlir:21:10");
}

TEST_F(LocationNameTest, FusedLocationJoinsDistinctNames) {
  Location relu = NameLoc::get(b.getStringAttr("/net/net.1/Relu"));
  EXPECT_EQ(getLocationName(b.getFusedLoc({node, relu, node})),
            "/net/net.0/Gemm + /net/net.1/Relu");
  // Unknown parts are left out; nothing known is unknown.
  EXPECT_EQ(getLocationName(b.getFusedLoc({UnknownLoc::get(&context), node})),
            "/net/net.0/Gemm");
  EXPECT_EQ(
      getLocationName(FusedLoc::get(
          &context, {UnknownLoc::get(&context), UnknownLoc::get(&context)},
          b.getStringAttr("meta"))),
      "(unknown)");
}

TEST_F(LocationNameTest, CallSiteIsItsCallee) {
  EXPECT_EQ(getLocationName(CallSiteLoc::get(node, file)), "/net/net.0/Gemm");
}

TEST_F(LocationNameTest, UnknownLocation) {
  EXPECT_EQ(getLocationName(UnknownLoc::get(&context)), "(unknown)");
}

/// A report as qfhe-verify-bitwidth writes it, with `values` and
/// `allocation` spliced in.
llvm::json::Value makeReport(llvm::json::Array values,
                             std::optional<llvm::json::Array> layers = {},
                             std::optional<llvm::json::Array> bootstraps = {}) {
  auto counts = [](int64_t perSample, llvm::json::Object byBits) {
    return llvm::json::Object{{"ops", 1},
                              {"per_sample", perSample},
                              {"per_sample_by_input_bits", std::move(byBits)}};
  };
  llvm::json::Object report{
      {"max_bit_width", 8},
      {"tlu_bit_width", 6},
      {"proven", true},
      {"functions",
       llvm::json::Array{llvm::json::Object{
           {"function", "predict"},
           {"values", std::move(values)},
           {"lookups", counts(12, llvm::json::Object{{"6", 10}, {"4", 2}})},
           {"roundings", counts(32, llvm::json::Object{{"8", 32}})}}}}};
  if (bootstraps)
    (*report.getArray("functions"))[0].getAsObject()->try_emplace(
        "bootstraps", std::move(*bootstraps));
  if (layers)
    report["allocation"] =
        llvm::json::Object{{"strategy", "a2q"}, {"layers", std::move(*layers)}};
  return llvm::json::Value(std::move(report));
}

llvm::json::Object value(llvm::StringRef op, llvm::StringRef loc,
                         int64_t bits) {
  return llvm::json::Object{{"op", op},
                            {"loc", loc},
                            {"bits", bits},
                            {"range", llvm::json::Array{0, 1}}};
}

TEST(SummarizeReport, GroupsValuesByLocationNameInProgramOrder) {
  MLIRContext context;
  llvm::json::Array values{
      value("linalg.matmul", R"(loc("fc2"))", 7),
      value("qfhe.round", R"(loc("fc2"))", 6),
      value("linalg.matmul", R"(loc("fc1"("m.onnx":0:0)))", 8),
      value("qfhe.lut", R"(loc("fc1"))", 6),
      value("qfhe.lut", R"(loc("fc1"))", 4),
      value("linalg.pooling_nchw_max", R"(loc("/pool"))", 5),
      value("linalg.add", R"(loc("model.mlir":3:4))", 2)};
  llvm::json::Array layers{
      llvm::json::Object{{"op", "linalg.matmul"},
                         {"loc", R"(loc("fc1"))"},
                         {"input_bits", 3},
                         {"chunks", 4}},
      // Unsplit: no "chunks".
      llvm::json::Object{
          {"op", "linalg.matmul"}, {"loc", R"(loc("fc2"))"}, {"input_bits", 5}},
      // A layer without values comes last.
      llvm::json::Object{{"op", "linalg.conv_2d_nchw_fchw"},
                         {"loc", R"(loc("conv"))"},
                         {"input_bits", 2}}};
  // Each op's bootstraps are costed by their input bits (docs/cost.md):
  // 8 bits cost 1, 6 bits 236/1761, 4 bits 76/1761.
  auto bootstrap = [](llvm::StringRef loc, int64_t bits, int64_t perSample) {
    return llvm::json::Object{{"op", "qfhe.lut"},
                              {"loc", loc},
                              {"kind", "lookup"},
                              {"input_bits", bits},
                              {"per_sample", perSample}};
  };
  llvm::json::Array bootstraps{bootstrap(R"(loc("fc2"))", 8, 32),
                               bootstrap(R"(loc("fc1"))", 6, 10),
                               bootstrap(R"(loc("fc1"))", 4, 2)};
  llvm::Expected<ReportSummary> summary = summarizeReport(
      makeReport(std::move(values), std::move(layers), std::move(bootstraps)),
      context);
  ASSERT_TRUE(static_cast<bool>(summary)) << toString(summary.takeError());
  ASSERT_EQ(summary->layers.size(), 5u);
  EXPECT_EQ(summary->layers[0].bootstrapsPerSample, 32);
  EXPECT_DOUBLE_EQ(summary->layers[0].cost, 32.0);
  EXPECT_EQ(summary->layers[1].bootstrapsPerSample, 12);
  EXPECT_DOUBLE_EQ(summary->layers[1].cost, (10 * 236 + 2 * 76) / 1761.0);
  EXPECT_EQ(summary->layers[2].bootstrapsPerSample, 0);
  // The total: every bootstrap the function counts (12 lookups, 32
  // roundings on 8 bits).
  EXPECT_DOUBLE_EQ(summary->cost, (10 * 236 + 2 * 76) / 1761.0 + 32);
  const LayerSummary &fc2 = summary->layers[0];
  EXPECT_EQ(fc2.name, "fc2");
  EXPECT_EQ(fc2.op, "linalg.matmul");
  EXPECT_EQ(fc2.inputBits, 5);
  EXPECT_EQ(fc2.chunks, 1);
  EXPECT_EQ(fc2.lookupOps, 0);
  EXPECT_EQ(fc2.roundingOps, 1);
  EXPECT_EQ(fc2.widestBits, 7);
  EXPECT_EQ(fc2.widestOp, "linalg.matmul");
  const LayerSummary &fc1 = summary->layers[1];
  EXPECT_EQ(fc1.name, "fc1");
  EXPECT_EQ(fc1.inputBits, 3);
  EXPECT_EQ(fc1.chunks, 4);
  EXPECT_EQ(fc1.lookupOps, 2);
  EXPECT_EQ(fc1.widestBits, 8);
  // Max pooling is a lookup per comparison.
  EXPECT_EQ(summary->layers[2].name, "/pool");
  EXPECT_EQ(summary->layers[2].lookupOps, 1);
  const LayerSummary &add = summary->layers[3];
  EXPECT_EQ(add.name, "model.mlir:3:4");
  EXPECT_TRUE(add.op.empty());
  EXPECT_FALSE(add.inputBits);
  EXPECT_FALSE(add.chunks);
  EXPECT_EQ(summary->layers[4].name, "conv");
  EXPECT_EQ(summary->layers[4].widestBits, 0);

  EXPECT_EQ(summary->maxBitWidth, 8);
  EXPECT_EQ(summary->tluBitWidth, 6);
  EXPECT_TRUE(summary->proven);
  EXPECT_EQ(summary->widestBits, 8);
  EXPECT_EQ(summary->widestName, "fc1");
  EXPECT_EQ(summary->lookupsPerSample, 12);
  EXPECT_EQ(summary->roundingsPerSample, 32);
  EXPECT_EQ(summary->lookupsByInputBits,
            (std::map<int64_t, int64_t>{{4, 2}, {6, 10}}));
}

TEST(SummarizeReport, KeepsTheTextOfALocationThatDoesNotParse) {
  MLIRContext context;
  llvm::Expected<ReportSummary> summary = summarizeReport(
      makeReport(llvm::json::Array{value("qfhe.lut", "somewhere", 3)}),
      context);
  ASSERT_TRUE(static_cast<bool>(summary)) << toString(summary.takeError());
  EXPECT_EQ(summary->layers.at(0).name, "somewhere");
}

TEST(SummarizeReport, NamesTheMalformedField) {
  MLIRContext context;
  auto error = [&](llvm::json::Value report) {
    llvm::Expected<ReportSummary> summary = summarizeReport(report, context);
    return summary ? std::string("no error") : toString(summary.takeError());
  };
  EXPECT_EQ(error(llvm::json::Array{}),
            "malformed bit-width report: the report is missing or not an "
            "object");
  llvm::json::Value noBits = makeReport(
      llvm::json::Array{llvm::json::Object{{"op", "qfhe.lut"}, {"loc", "x"}}});
  EXPECT_EQ(error(noBits), "malformed bit-width report: "
                           "functions[0].values[0].bits is missing or not an "
                           "integer");
  llvm::json::Value report = makeReport(llvm::json::Array{});
  report.getAsObject()->erase("proven");
  EXPECT_EQ(error(report),
            "malformed bit-width report: proven is missing or not a boolean");
  llvm::json::Value badWidth = makeReport(llvm::json::Array{});
  (*(*badWidth.getAsObject()->getArray("functions"))[0]
        .getAsObject()
        ->getObject("lookups")
        ->getObject("per_sample_by_input_bits"))["six"] = 1;
  EXPECT_EQ(error(badWidth),
            "malformed bit-width report: "
            "functions[0].lookups.per_sample_by_input_bits.six is missing or "
            "not a count under a bit width");
  llvm::json::Value badLayer = makeReport(
      llvm::json::Array{},
      llvm::json::Array{llvm::json::Object{{"loc", R"(loc("fc1"))"}}});
  EXPECT_EQ(error(badLayer), "malformed bit-width report: "
                             "allocation.layers[0].op is missing or not a "
                             "string");
}

std::string print(const ReportSummary &summary) {
  std::string text;
  llvm::raw_string_ostream os(text);
  printReportSummary(summary, os);
  return text;
}

TEST(PrintReportSummary, TableThenTotals) {
  ReportSummary summary;
  summary.maxBitWidth = 8;
  summary.tluBitWidth = 8;
  summary.proven = true;
  LayerSummary fc1;
  fc1.name = "/net/fc1/Gemm";
  fc1.op = "linalg.matmul";
  fc1.inputBits = 3;
  fc1.chunks = 4;
  fc1.lookupOps = 1;
  fc1.roundingOps = 4;
  fc1.bootstrapsPerSample = 129;
  fc1.cost = 127.5;
  fc1.widestBits = 8;
  fc1.widestOp = "linalg.matmul";
  LayerSummary flatten;
  flatten.name = "flat";
  flatten.widestBits = 3;
  flatten.widestOp = "tensor.collapse_shape";
  summary.layers = {fc1, flatten};
  summary.lookupsPerSample = 1;
  summary.lookupsByInputBits = {{8, 1}};
  summary.roundingsPerSample = 128;
  summary.roundingsByInputBits = {{7, 32}, {8, 96}};
  summary.widestBits = 8;
  summary.widestOp = "linalg.matmul";
  summary.widestName = "/net/fc1/Gemm";
  summary.cost = 127.5;
  EXPECT_EQ(print(summary),
            "  layer          op             input bits  parts  bootstraps  "
            "  cost  widest\n"
            "  /net/fc1/Gemm  linalg.matmul           3      4         129  "
            "127.50  8 bits (linalg.matmul)\n"
            "  flat           -                       -      -           0  "
            "  0.00  3 bits (tensor.collapse_shape)\n"
            "  (bootstraps per sample; cost in 8-bit bootstraps, "
            "docs/cost.md)\n"
            "  per sample: 1 lookup (1 on 8-bit inputs) + 128 roundings (32 "
            "on 7-bit inputs, 96 on 8-bit inputs) = 129 bootstraps, FHE cost "
            "127.50\n"
            "  widest value: 8 bits (/net/fc1/Gemm, linalg.matmul), proven "
            "to fit max-bit-width=8 (lookups of at most 8 bits)\n");
}

TEST(PrintReportSummary, NoEncryptedValue) {
  ReportSummary summary;
  summary.maxBitWidth = 4;
  summary.tluBitWidth = 4;
  std::string text = print(summary);
  EXPECT_NE(text.find("  per sample: 0 lookups + 0 roundings = 0 "
                      "bootstraps, FHE cost 0.00\n"
                      "  no encrypted value, NOT proven to fit "
                      "max-bit-width=4"),
            std::string::npos)
      << text;
}

} // namespace
