//===- CircuitAnalysisTest.cpp - tests of the circuit analysis's rules ----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The facts the analysis derives for small integer programs: ops are tagged
// with a `tag` attribute and their results' facts compared with ranges
// computed by hand.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/CircuitAnalysis.h"
#include "qfhe/Analysis/BitWidthReport.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "qfhe/InitQFHE.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

class CircuitAnalysisTest : public ::testing::Test {
protected:
  CircuitAnalysisTest() {
    DialectRegistry registry;
    registerQFHEDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Parses `source` and analyzes its first function.
  void analyze(StringRef source) {
    module = parseSourceString<ModuleOp>(source, &context);
    ASSERT_TRUE(module);
    func = *module->getOps<func::FuncOp>().begin();
    ASSERT_TRUE(succeeded(solver.run(func)));
  }

  /// The op tagged `tag`.
  Operation *find(StringRef tag) {
    Operation *found = nullptr;
    func.walk([&](Operation *op) {
      if (auto attr = op->getAttrOfType<StringAttr>("tag");
          attr && attr.getValue() == tag)
        found = op;
    });
    EXPECT_TRUE(found) << tag.str();
    return found;
  }

  /// The fact of the result of the op tagged `tag`.
  const CircuitFact &fact(StringRef tag) {
    const CircuitFact *result = solver.lookup(find(tag)->getResult(0));
    EXPECT_TRUE(result) << tag.str();
    return *result;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  func::FuncOp func;
  CircuitSolver solver;
};

std::vector<IntegerRange> ranges(const CircuitFact &fact) {
  return {fact.getRanges().begin(), fact.getRanges().end()};
}

TEST_F(CircuitAnalysisTest, EntryStateIsPessimistic) {
  analyze(R"mlir(
    func.func @f(%x: tensor<4xi8>, %w: tensor<4xi8> {qfhe.clear},
                 %d: tensor<4xi8> {qfhe.range = array<i64: -3, 5>},
                 %r: tensor<4xf32>) {
      return
    })mlir");
  const CircuitFact *x = solver.lookup(func.getArgument(0));
  const CircuitFact *w = solver.lookup(func.getArgument(1));
  const CircuitFact *d = solver.lookup(func.getArgument(2));
  const CircuitFact *r = solver.lookup(func.getArgument(3));
  ASSERT_TRUE(x && w && d && r);
  EXPECT_TRUE(x->isEncrypted());
  EXPECT_EQ(x->getWhole(), (IntegerRange{-128, 127}));
  EXPECT_FALSE(w->isEncrypted());
  EXPECT_EQ(w->getWhole(), (IntegerRange{-128, 127}));
  EXPECT_TRUE(d->isEncrypted());
  EXPECT_EQ(d->getWhole(), (IntegerRange{-3, 5}));
  EXPECT_FALSE(r->isEncrypted());
  EXPECT_FALSE(r->hasRanges());
}

// Each output column of a matmul sums its own weights' products: column 0
// of [[2, -1], [3, 0]] over x in [-1, 2] is [-5, 10], column 1 [-2, 1].
TEST_F(CircuitAnalysisTest, MatmulColumnsAreExact) {
  analyze(R"mlir(
    func.func @f(%x: tensor<1x2xi3> {qfhe.range = array<i64: -1, 2>}) -> tensor<1x2xi6> {
      %w = arith.constant dense<[[2, -1], [3, 0]]> : tensor<2x2xi3>
      %c0 = arith.constant 0 : i6
      %e = tensor.empty() : tensor<1x2xi6>
      %f = linalg.fill ins(%c0 : i6) outs(%e : tensor<1x2xi6>) -> tensor<1x2xi6>
      %m = linalg.matmul {tag = "m"} ins(%x, %w : tensor<1x2xi3>, tensor<2x2xi3>) outs(%f : tensor<1x2xi6>) -> tensor<1x2xi6>
      return %m : tensor<1x2xi6>
    })mlir");
  const CircuitFact &m = fact("m");
  EXPECT_TRUE(m.isEncrypted());
  EXPECT_EQ(m.getAxis(), 1);
  EXPECT_EQ(ranges(m), (std::vector<IntegerRange>{{-5, 10}, {-2, 1}}));
  EXPECT_TRUE(m.getModularOffsets().empty());
}

// Sums are summed in 64 bits while no product times the number of terms
// can reach 2^62, in 128 bits past that: both exact. "m64": x0 * 2^30 + x1
// * (2^30 - 1) with x in [-2^30, 2^30] (products up to 2^60, two terms: 64
// bits), [-(2^61 - 2^30), 2^61 - 2^30]; "m128": 2^31 (x0 + x1) (products up
// to 2^61: 128 bits), [-2^62, 2^62].
TEST_F(CircuitAnalysisTest, LargeSumsAreExactOnBothSidesOf64Bits) {
  analyze(R"mlir(
    func.func @f(%x: tensor<1x2xi64> {qfhe.range = array<i64: -1073741824, 1073741824>}) -> (tensor<1x1xi64>, tensor<1x1xi64>) {
      %w64 = arith.constant dense<[[1073741824], [1073741823]]> : tensor<2x1xi64>
      %w128 = arith.constant dense<[[2147483648], [2147483648]]> : tensor<2x1xi64>
      %c0 = arith.constant 0 : i64
      %e = tensor.empty() : tensor<1x1xi64>
      %f = linalg.fill ins(%c0 : i64) outs(%e : tensor<1x1xi64>) -> tensor<1x1xi64>
      %m64 = linalg.matmul {tag = "m64"} ins(%x, %w64 : tensor<1x2xi64>, tensor<2x1xi64>) outs(%f : tensor<1x1xi64>) -> tensor<1x1xi64>
      %m128 = linalg.matmul {tag = "m128"} ins(%x, %w128 : tensor<1x2xi64>, tensor<2x1xi64>) outs(%f : tensor<1x1xi64>) -> tensor<1x1xi64>
      return %m64, %m128 : tensor<1x1xi64>, tensor<1x1xi64>
    })mlir");
  constexpr int64_t k61 = int64_t(1) << 61, k62 = int64_t(1) << 62;
  constexpr int64_t k30 = int64_t(1) << 30;
  EXPECT_EQ(fact("m64").getWhole(), (IntegerRange{-(k61 - k30), k61 - k30}));
  EXPECT_EQ(fact("m128").getWhole(), (IntegerRange{-k62, k62}));
}

// The same product with the weights stored transposed, and with the
// encrypted operand on the right: the maps decide which operand and which
// axis.
TEST_F(CircuitAnalysisTest, IndexingMapsChooseTheOperands) {
  analyze(R"mlir(
    func.func @f(%x: tensor<1x2xi3> {qfhe.range = array<i64: -1, 2>}, %xt: tensor<2x1xi3> {qfhe.range = array<i64: -1, 2>}) -> (tensor<1x2xi6>, tensor<2x1xi6>) {
      %wt = arith.constant dense<[[2, 3], [-1, 0]]> : tensor<2x2xi3>
      %c0 = arith.constant 0 : i6
      %e = tensor.empty() : tensor<1x2xi6>
      %f = linalg.fill ins(%c0 : i6) outs(%e : tensor<1x2xi6>) -> tensor<1x2xi6>
      %m = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] {tag = "transposed"} ins(%x, %wt : tensor<1x2xi3>, tensor<2x2xi3>) outs(%f : tensor<1x2xi6>) -> tensor<1x2xi6>
      %e2 = tensor.empty() : tensor<2x1xi6>
      %f2 = linalg.fill ins(%c0 : i6) outs(%e2 : tensor<2x1xi6>) -> tensor<2x1xi6>
      %l = linalg.matmul {tag = "left"} ins(%wt, %xt : tensor<2x2xi3>, tensor<2x1xi3>) outs(%f2 : tensor<2x1xi6>) -> tensor<2x1xi6>
      return %m, %l : tensor<1x2xi6>, tensor<2x1xi6>
    })mlir");
  EXPECT_EQ(fact("transposed").getAxis(), 1);
  EXPECT_EQ(ranges(fact("transposed")),
            (std::vector<IntegerRange>{{-5, 10}, {-2, 1}}));
  // Row 0 of the left operand is [2, 3]: 5 * [-1, 2]; row 1 is [-1, 0].
  EXPECT_EQ(fact("left").getAxis(), 0);
  EXPECT_EQ(ranges(fact("left")),
            (std::vector<IntegerRange>{{-5, 10}, {-2, 1}}));
}

// An init of 31 plus 4 * (x0 + x1 + x2), x in [1, 3], is exactly in
// [43, 67]: i6 holds it as [-21, 3], 64 less.
TEST_F(CircuitAnalysisTest, ModularPlacementRecordsItsOffset) {
  analyze(R"mlir(
    func.func @f(%x: tensor<1x3xi3> {qfhe.range = array<i64: 1, 3>}) -> tensor<1x1xi6> {
      %w = arith.constant dense<4> : tensor<3x1xi4>
      %c = arith.constant 31 : i6
      %e = tensor.empty() : tensor<1x1xi6>
      %f = linalg.fill ins(%c : i6) outs(%e : tensor<1x1xi6>) -> tensor<1x1xi6>
      %m = linalg.matmul {tag = "m"} ins(%x, %w : tensor<1x3xi3>, tensor<3x1xi4>) outs(%f : tensor<1x1xi6>) -> tensor<1x1xi6>
      return %m : tensor<1x1xi6>
    })mlir");
  const CircuitFact &m = fact("m");
  EXPECT_EQ(m.getWhole(), (IntegerRange{-21, 3}));
  ASSERT_EQ(m.getModularOffsets().size(), 1u);
  EXPECT_EQ(m.getModularOffsets().front(), 64);
  EXPECT_FALSE(m.isFromOverflow());
}

// A range that no shift brings into the type is an overflow: the value
// ranges over its type, and what is computed from it derives from the
// overflow.
TEST_F(CircuitAnalysisTest, OverflowGoesToTheTypeAndPropagates) {
  analyze(R"mlir(
    func.func @f(%x: tensor<1x3xi3>) -> tensor<1x1xi3> {
      %w = arith.constant dense<3> : tensor<3x1xi3>
      %c = arith.constant 0 : i6
      %e = tensor.empty() : tensor<1x1xi6>
      %f = linalg.fill ins(%c : i6) outs(%e : tensor<1x1xi6>) -> tensor<1x1xi6>
      %m = linalg.matmul {tag = "m"} ins(%x, %w : tensor<1x3xi3>, tensor<3x1xi3>) outs(%f : tensor<1x1xi6>) -> tensor<1x1xi6>
      %r = qfhe.round %m drop 3 {tag = "r"} : tensor<1x1xi6> -> tensor<1x1xi3>
      return %r : tensor<1x1xi3>
    })mlir");
  EXPECT_EQ(fact("m").getWhole(), (IntegerRange{-32, 31}));
  EXPECT_TRUE(fact("m").isFromOverflow());
  EXPECT_TRUE(fact("r").isFromOverflow());
}

// Unsigned extension reads the bits of [-4, -1] (i3) as [4, 7].
TEST_F(CircuitAnalysisTest, UnsignedExtensionReadsTheBits) {
  analyze(R"mlir(
    func.func @f(%x: tensor<4xi3> {qfhe.range = array<i64: -4, -1>}) -> tensor<4xi5> {
      %e = tensor.empty() : tensor<4xi5>
      %u = linalg.generic {tag = "u", indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xi3>) outs(%e : tensor<4xi5>) {
      ^bb0(%in: i3, %out: i5):
        %v = arith.extui %in : i3 to i5
        linalg.yield %v : i5
      } -> tensor<4xi5>
      return %u : tensor<4xi5>
    })mlir");
  EXPECT_EQ(fact("u").getWhole(), (IntegerRange{4, 7}));
}

// Lookups map each channel's range through its own row; the dialect's
// InferIntRangeInterface gives the hull of the rows.
TEST_F(CircuitAnalysisTest, LookupsAgreeWithTheInterface) {
  analyze(R"mlir(
    func.func @f(%x: tensor<1x2xi2> {qfhe.range = array<i64: 0, 1>}) -> tensor<1x2xi4> {
      %l = qfhe.lut %x {tag = "l", axis = 1 : i64, table = dense<[[7, 7, 0, 1], [7, 7, -3, 5]]> : tensor<2x4xi4>} : tensor<1x2xi2> -> tensor<1x2xi4>
      return %l : tensor<1x2xi4>
    })mlir");
  const CircuitFact &l = fact("l");
  EXPECT_EQ(ranges(l), (std::vector<IntegerRange>{{0, 1}, {-3, 5}}));
  auto lut = cast<LutOp>(find("l"));
  ConstantIntRanges input =
      ConstantIntRanges::fromSigned(APInt(2, 0, true), APInt(2, 1, true));
  std::optional<ConstantIntRanges> inferred;
  lut.inferResultRanges({input}, [&](Value, const ConstantIntRanges &range) {
    inferred = range;
  });
  ASSERT_TRUE(inferred);
  EXPECT_EQ(inferred->smin().getSExtValue(), -3);
  EXPECT_EQ(inferred->smax().getSExtValue(), 5);
}

// A loop-carried value meets two different facts: it widens to its type at
// once, so the analysis ends.
TEST_F(CircuitAnalysisTest, LoopsWidenToTheType) {
  analyze(R"mlir(
    func.func @f(%x: tensor<4xi3> {qfhe.range = array<i64: 0, 1>}) -> tensor<4xi3> {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c9 = arith.constant 9 : index
      %r = scf.for %i = %c0 to %c9 step %c1 iter_args(%a = %x) -> tensor<4xi3> {
        %l = qfhe.lut %a {table = dense<[0, 0, 0, 0, 1, 2, 3, 3]> : tensor<8xi3>} : tensor<4xi3> -> tensor<4xi3>
        scf.yield %l : tensor<4xi3>
      } {tag = "loop"}
      return %r : tensor<4xi3>
    })mlir");
  EXPECT_TRUE(fact("loop").isEncrypted());
  EXPECT_EQ(fact("loop").getWhole(), (IntegerRange{-4, 3}));
}

// Every path through the checks: a program the analysis cannot read is
// reported, never proven.
TEST_F(CircuitAnalysisTest, UnknownOpsAreViolations) {
  analyze(R"mlir(
    func.func @f(%x: tensor<4xi3>) -> tensor<4xi3> {
      %y = arith.muli %x, %x {tag = "y"} : tensor<4xi3>
      return %y : tensor<4xi3>
    })mlir");
  EXPECT_TRUE(fact("y").isEncrypted());
  EXPECT_EQ(fact("y").getWhole(), (IntegerRange{-4, 3}));
  VerifyOptions options;
  options.emitDiagnostics = false;
  BitWidthReport report = verifyBitWidth(*module, options);
  EXPECT_FALSE(report.proven);
  ASSERT_EQ(report.violations.size(), 1u);
  EXPECT_EQ(report.violations.front().message,
            "cannot verify: 'arith.muli' computes on encrypted values but is "
            "not an integer circuit op (linear algebra, qfhe.lut, qfhe.round, "
            "data movement)");
}

} // namespace
