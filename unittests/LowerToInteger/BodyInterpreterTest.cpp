//===- BodyInterpreterTest.cpp - tables evaluated by rows -----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// BodyInterpreter::evaluateRow against evaluate, entry by entry and to the
// bit: the lowering builds tables a row at a time, and a table must hold
// what the program computes for each entry.
//
//===----------------------------------------------------------------------===//

#include "BodyInterpreter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <thread>
#include <vector>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// A body as qfhe.apply holds one: a real, then a channel index.
constexpr const char *kBodies = R"mlir(
func.func @mixed(%x: f32, %c: index) -> f32 {
  %bias = arith.constant dense<[0.5, -1.25, 3.0]> : tensor<3xf32>
  %b = tensor.extract %bias[%c] : tensor<3xf32>
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %s = arith.addf %x, %b : f32
  %t = math.tanh %s : f32
  %m = arith.mulf %t, %half : f32
  %r = arith.maximumf %m, %zero : f32
  %n = arith.cmpf olt, %x, %zero : f32
  %e = math.exp %b : f32
  %y = arith.select %n, %e, %r : f32
  %d = arith.divf %y, %b : f32
  return %d : f32
}
func.func @constant(%x: f32, %c: index) -> f32 {
  %bias = arith.constant dense<[0.5, -1.25, 3.0]> : tensor<3xf32>
  %b = tensor.extract %bias[%c] : tensor<3xf32>
  %e = math.exp %b : f32
  return %e : f32
}
func.func @binary(%x: f32, %c: index) -> f32 {
  %bias = arith.constant dense<[0.5, -1.25, 3.0]> : tensor<3xf32>
  %b = tensor.extract %bias[%c] : tensor<3xf32>
  %zero = arith.constant 0.0 : f32
  %sq = arith.mulf %x, %x : f32
  %d = arith.subf %b, %sq : f32
  %q = arith.divf %b, %x : f32
  %lo = arith.minimumf %d, %q : f32
  %hi = arith.maxnumf %zero, %lo : f32
  %mn = arith.minnumf %hi, %x : f32
  %mx = arith.maximumf %mn, %sq : f32
  %s = arith.addf %mx, %d : f32
  return %s : f32
}
func.func @f64(%x: f64) -> f64 {
  %three = arith.constant 3.0 : f64
  %p = math.powf %x, %three : f64
  %q = math.sqrt %p : f64
  return %q : f64
}
)mlir";

uint64_t bitsOf(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

/// Reals of every kind: zeros of both signs, infinities, NaN, the edges of
/// f32, and a spread of ordinary values.
std::vector<double> sampleReals() {
  std::vector<double> reals = {0.0,
                               -0.0,
                               std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity(),
                               std::nan(""),
                               3.4e38,
                               -3.4e38,
                               1e-45,
                               -1e-45};
  for (int i = -300; i <= 300; ++i)
    reals.push_back(i * 0.0137);
  return reals;
}

class BodyInterpreterTest : public ::testing::Test {
protected:
  BodyInterpreterTest() {
    context.loadDialect<arith::ArithDialect, func::FuncDialect,
                        math::MathDialect, tensor::TensorDialect>();
    module = parseSourceString<ModuleOp>(kBodies, &context);
  }

  Block &body(StringRef name) {
    auto function = module->lookupSymbol<func::FuncOp>(name);
    return function.getBody().front();
  }

  /// Checks evaluateRow on `reals` against evaluate, for `others`.
  void expectRowMatches(StringRef name, ArrayRef<double> others) {
    BodyInterpreter interpreter(body(name));
    ASSERT_TRUE(interpreter.isValid()) << interpreter.getError().str();
    std::vector<double> reals = sampleReals();
    std::vector<double> row(reals.size());
    interpreter.evaluateRow(reals, others, row);
    for (size_t k = 0; k < reals.size(); ++k) {
      std::vector<double> arguments{reals[k]};
      arguments.insert(arguments.end(), others.begin(), others.end());
      double expected = interpreter.evaluate(arguments);
      if (std::isnan(expected))
        EXPECT_TRUE(std::isnan(row[k])) << name.str() << " at " << reals[k];
      else
        EXPECT_EQ(bitsOf(row[k]), bitsOf(expected))
            << name.str() << " at " << reals[k] << ": " << row[k] << " against "
            << expected;
    }
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

TEST_F(BodyInterpreterTest, RowsMatchEntriesOnEveryChannel) {
  ASSERT_TRUE(module);
  for (double channel : {0.0, 1.0, 2.0})
    expectRowMatches("mixed", {channel});
}

TEST_F(BodyInterpreterTest, BinaryOpsOfRowsAndValuesInEitherOrder) {
  // Binary ops run in loops of their own: a row and a row, a row and a
  // value, a value and a row; NaN and signed zeros through minimum/maximum
  // and minnum/maxnum.
  ASSERT_TRUE(module);
  for (double channel : {0.0, 1.0, 2.0})
    expectRowMatches("binary", {channel});
}

TEST_F(BodyInterpreterTest, ARowThatDoesNotVaryIsFilled) {
  ASSERT_TRUE(module);
  expectRowMatches("constant", {1.0});
  BodyInterpreter interpreter(body("constant"));
  std::vector<double> reals{1.0, 2.0, 3.0}, row(3, 0.0);
  interpreter.evaluateRow(reals, {2.0}, row);
  // exp(3) in f32, for every entry.
  double expected = static_cast<double>(std::exp(3.0f));
  for (double value : row)
    EXPECT_EQ(value, expected);
}

TEST_F(BodyInterpreterTest, OneArgumentAndF64) {
  ASSERT_TRUE(module);
  expectRowMatches("f64", {});
  BodyInterpreter interpreter(body("f64"));
  std::vector<double> reals{4.0}, row(1);
  interpreter.evaluateRow(reals, {}, row);
  EXPECT_EQ(row[0], 8.0);
}

TEST_F(BodyInterpreterTest, AnEmptyRowWritesNothing) {
  ASSERT_TRUE(module);
  BodyInterpreter interpreter(body("mixed"));
  std::vector<double> reals, row;
  interpreter.evaluateRow(reals, {0.0}, row);
  EXPECT_TRUE(row.empty());
}

TEST_F(BodyInterpreterTest, ThreadsEvaluateRowsOfOneInterpreterAtOnce) {
  // The lowering evaluates a table's rows in parallel with one interpreter:
  // each thread's rows equal those evaluated alone.
  ASSERT_TRUE(module);
  BodyInterpreter interpreter(body("mixed"));
  std::vector<double> reals = sampleReals();
  std::vector<std::vector<double>> alone(3, std::vector<double>(reals.size()));
  for (size_t channel = 0; channel < 3; ++channel)
    interpreter.evaluateRow(reals, {static_cast<double>(channel)},
                            alone[channel]);
  std::vector<std::vector<double>> together(6,
                                            std::vector<double>(reals.size()));
  std::vector<std::thread> threads;
  for (size_t t = 0; t < together.size(); ++t)
    threads.emplace_back([&, t] {
      for (int repeat = 0; repeat < 50; ++repeat)
        interpreter.evaluateRow(reals, {static_cast<double>(t % 3)},
                                together[t]);
    });
  for (std::thread &thread : threads)
    thread.join();
  for (size_t t = 0; t < together.size(); ++t)
    for (size_t k = 0; k < reals.size(); ++k)
      EXPECT_EQ(bitsOf(together[t][k]), bitsOf(alone[t % 3][k]))
          << "thread " << t << " at " << reals[k];
}

} // namespace
