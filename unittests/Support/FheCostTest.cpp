//===- FheCostTest.cpp - tests of the bootstrap cost model ----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/FheCost.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir::qfhe;

namespace {

TEST(BootstrapCost, UnitIsAnEightBitBootstrap) {
  EXPECT_DOUBLE_EQ(getBootstrapCost(kCostUnitBits), 1.0);
  // Concrete's optimizer table: 1761 for 8 bits, 30 for 1 bit, 8919 for 10.
  EXPECT_DOUBLE_EQ(getBootstrapCost(1), 30.0 / 1761.0);
  EXPECT_DOUBLE_EQ(getBootstrapCost(10), 8919.0 / 1761.0);
}

TEST(BootstrapCost, GrowsWithEveryBit) {
  for (unsigned bits = 1; bits < 64; ++bits)
    EXPECT_LT(getBootstrapCost(bits), getBootstrapCost(bits + 1)) << bits;
  EXPECT_TRUE(std::isfinite(getBootstrapCost(64)));
}

TEST(BootstrapCost, RoughlyTwoToThreeTimesPerBitFromFiveBits) {
  for (unsigned bits = 5; bits < 16; ++bits) {
    double ratio = getBootstrapCost(bits + 1) / getBootstrapCost(bits);
    EXPECT_GE(ratio, 2.0) << bits;
    EXPECT_LE(ratio, 3.5) << bits;
  }
}

TEST(BootstrapCost, ExtrapolatesAtTheLastRatio) {
  double last = getBootstrapCost(kMaxTabulatedBootstrapBits) /
                getBootstrapCost(kMaxTabulatedBootstrapBits - 1);
  EXPECT_NEAR(getBootstrapCost(kMaxTabulatedBootstrapBits + 1) /
                  getBootstrapCost(kMaxTabulatedBootstrapBits),
              last, 1e-12);
  EXPECT_NEAR(getBootstrapCost(16) / getBootstrapCost(10), std::pow(last, 6),
              1e-9);
}

TEST(BootstrapCost, ZeroBitsCostsAsOne) {
  EXPECT_DOUBLE_EQ(getBootstrapCost(0), getBootstrapCost(1));
}

TEST(TotalBootstrapCost, SumsCountTimesCost) {
  EXPECT_EQ(getTotalBootstrapCost({}), 0.0);
  // The digits MLP at cap 8: 42 lookups and 168 roundings on 8 bits.
  EXPECT_DOUBLE_EQ(getTotalBootstrapCost({{8, 42}, {8, 168}}), 210.0);
  EXPECT_DOUBLE_EQ(getTotalBootstrapCost({{4, 10}, {8, 1}, {4, 0}}),
                   10 * 76.0 / 1761.0 + 1.0);
}

TEST(CostByLayer, SumsPerLayerInOrderOfAppearance) {
  std::vector<BootstrapRecord> records = {
      {"conv", BootstrapKind::Rounding, 8, 100},
      {"relu", BootstrapKind::Lookup, 8, 50},
      {"conv", BootstrapKind::Rounding, 8, 100},
      {"conv", BootstrapKind::Lookup, 6, 10},
      {"pool", BootstrapKind::Lookup, 4, 0},
  };
  std::vector<LayerCost> layers = getCostByLayer(records);
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(layers[0].layer, "conv");
  EXPECT_EQ(layers[1].layer, "relu");
  EXPECT_EQ(layers[2].layer, "pool");
  EXPECT_EQ(layers[0].roundings, (std::map<unsigned, int64_t>{{8, 200}}));
  EXPECT_EQ(layers[0].lookups, (std::map<unsigned, int64_t>{{6, 10}}));
  EXPECT_EQ(layers[0].getCount(BootstrapKind::Rounding), 200);
  EXPECT_EQ(layers[0].getCount(BootstrapKind::Lookup), 10);
  EXPECT_DOUBLE_EQ(layers[0].cost, 200.0 + 10 * getBootstrapCost(6));
  EXPECT_DOUBLE_EQ(layers[1].cost, 50.0);
  // A layer without bootstraps is listed, at no cost.
  EXPECT_EQ(layers[2].cost, 0.0);
  EXPECT_EQ(layers[2].getCount(BootstrapKind::Lookup), 0);

  LayerCost total = getTotalCost(records, "predict");
  EXPECT_EQ(total.layer, "predict");
  EXPECT_EQ(total.lookups,
            (std::map<unsigned, int64_t>{{4, 0}, {6, 10}, {8, 50}}));
  EXPECT_EQ(total.roundings, (std::map<unsigned, int64_t>{{8, 200}}));
  EXPECT_DOUBLE_EQ(total.cost,
                   layers[0].cost + layers[1].cost + layers[2].cost);
}

TEST(CostByLayer, NoRecordsNoLayers) {
  EXPECT_TRUE(getCostByLayer({}).empty());
  LayerCost total = getTotalCost({});
  EXPECT_EQ(total.layer, "total");
  EXPECT_EQ(total.cost, 0.0);
}

} // namespace
