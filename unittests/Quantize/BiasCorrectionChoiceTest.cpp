//===- BiasCorrectionChoiceTest.cpp - when the search keeps correction ----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Allocation.h"
#include "AllocationSearch.h"
#include "qfhe/Dialect/QFHE/IR/QFHEDialect.h"

#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

AllocationScore withDivergence(double divergence) {
  AllocationScore score;
  score.agreement = 1.0;
  score.divergence = divergence;
  return score;
}

TEST(KeepsBiasCorrection, OnlyForAFivePercentGain) {
  EXPECT_TRUE(
      keepsBiasCorrection(withDivergence(0.0082), withDivergence(0.0126)));
  EXPECT_TRUE(keepsBiasCorrection(withDivergence(0.0949), withDivergence(0.1)));
  // At or within 5% of the uncorrected divergence: left off.
  EXPECT_FALSE(keepsBiasCorrection(withDivergence(0.095), withDivergence(0.1)));
  EXPECT_FALSE(
      keepsBiasCorrection(withDivergence(0.0993), withDivergence(0.1)));
  EXPECT_FALSE(keepsBiasCorrection(withDivergence(0.1), withDivergence(0.1)));
  EXPECT_FALSE(keepsBiasCorrection(withDivergence(0.2), withDivergence(0.1)));
  // An exact program without it has nothing to gain.
  EXPECT_FALSE(keepsBiasCorrection(withDivergence(0.0), withDivergence(0.0)));
}

TEST(KeepsBiasCorrection, WhenOnlyOneProgramRuns) {
  EXPECT_TRUE(keepsBiasCorrection(withDivergence(0.5), std::nullopt));
  EXPECT_FALSE(keepsBiasCorrection(std::nullopt, withDivergence(0.5)));
  EXPECT_FALSE(keepsBiasCorrection(std::nullopt, std::nullopt));
}

TEST(BiasCorrectionKey, UniformBaselineIsUncorrected) {
  MLIRContext context;
  context.loadDialect<QFHEDialect>();
  AllocationBuilder builder(&context, /*maxBitWidth=*/8, /*weightBits=*/8);
  // Classic post-training quantization corrects no bias.
  EXPECT_FALSE(builder.uniform(4).allowsBiasCorrection());
  // Weighted layers may be corrected until the search says otherwise, and
  // the key only records the exception.
  AllocationAttr weighted = builder.weighted(3);
  EXPECT_TRUE(weighted.allowsBiasCorrection());
  AllocationAttr off = weighted.withBiasCorrection(false);
  EXPECT_FALSE(off.allowsBiasCorrection());
  EXPECT_EQ(off.toDictionary().get("bias_correction"),
            BoolAttr::get(&context, false));
  EXPECT_FALSE(weighted.toDictionary().get("bias_correction"));
  EXPECT_EQ(off.withBiasCorrection(true), weighted);
}

} // namespace
