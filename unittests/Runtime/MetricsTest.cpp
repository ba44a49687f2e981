//===- MetricsTest.cpp - tests of accuracy and comparison -----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/Metrics.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir::qfhe;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

HostArray makeFloats(llvm::ArrayRef<int64_t> shape,
                     std::initializer_list<float> values) {
  HostArray array(DType::Float32, shape);
  EXPECT_EQ(array.getNumElements(), static_cast<int64_t>(values.size()));
  std::memcpy(array.getData(), values.begin(), array.getSizeInBytes());
  return array;
}

HostArray makeLabels(std::initializer_list<int64_t> values) {
  HostArray array(DType::Int64, {static_cast<int64_t>(values.size())});
  std::memcpy(array.getData(), values.begin(), array.getSizeInBytes());
  return array;
}

TEST(PredictClasses, ArgmaxOverTheLastAxis) {
  HostArray scores = makeFloats({3, 3}, {0.1f, 0.7f, 0.2f, //
                                         5, -1, 4,         //
                                         -3, -2, -1});
  EXPECT_EQ(predictClasses(scores, 0.5), (std::vector<int64_t>{1, 0, 2}));
}

TEST(PredictClasses, TiesGoToTheFirstMaximum) {
  HostArray scores = makeFloats({2, 3}, {1, 1, 0, 0, 2, 2});
  EXPECT_EQ(predictClasses(scores, 0.5), (std::vector<int64_t>{0, 1}));
}

TEST(PredictClasses, NaNNeverWins) {
  HostArray scores = makeFloats({3, 3}, {kNaN, 1, 2,  //
                                         0, kNaN, -1, //
                                         kNaN, kNaN, kNaN});
  EXPECT_EQ(predictClasses(scores, 0.5), (std::vector<int64_t>{2, 0, 0}));
}

TEST(PredictClasses, InfinityWins) {
  HostArray scores = makeFloats({1, 3}, {1, kInf, 2});
  EXPECT_EQ(predictClasses(scores, 0.5), (std::vector<int64_t>{1}));
}

TEST(PredictClasses, OneColumnIsThresholded) {
  HostArray logits = makeFloats({4, 1}, {-0.1f, 0.0f, 0.3f, 0.7f});
  EXPECT_EQ(predictClasses(logits, 0.5), (std::vector<int64_t>{0, 0, 0, 1}));
  EXPECT_EQ(predictClasses(logits, 0.0), (std::vector<int64_t>{0, 0, 1, 1}));
  // Rank 1: one value per sample.
  HostArray flat = makeFloats({4}, {-0.1f, 0.0f, 0.3f, 0.7f});
  EXPECT_EQ(predictClasses(flat, 0.0), (std::vector<int64_t>{0, 0, 1, 1}));
}

TEST(PredictClasses, HigherRanksPredictPerRow) {
  HostArray scores = makeFloats({1, 2, 2}, {0, 1, 1, 0});
  EXPECT_EQ(predictClasses(scores, 0.5), (std::vector<int64_t>{1, 0}));
}

TEST(Accuracy, CountsMatches) {
  llvm::Expected<Accuracy> accuracy =
      computeAccuracy({1, 0, 2, 2}, makeLabels({1, 0, 1, 2}), "y.npy");
  ASSERT_TRUE(static_cast<bool>(accuracy))
      << llvm::toString(accuracy.takeError());
  EXPECT_EQ(accuracy->correct, 3);
  EXPECT_EQ(accuracy->total, 4);
  EXPECT_EQ(accuracy->getValue(), 0.75);
  EXPECT_EQ(Accuracy().getValue(), 0.0);
}

TEST(Accuracy, IntegralFloatLabelsAreClasses) {
  HostArray labels = makeFloats({3}, {1, 0, 2});
  llvm::Expected<Accuracy> accuracy = computeAccuracy({1, 1, 2}, labels, "y");
  ASSERT_TRUE(static_cast<bool>(accuracy))
      << llvm::toString(accuracy.takeError());
  EXPECT_EQ(accuracy->correct, 2);
}

TEST(Accuracy, Errors) {
  llvm::Expected<Accuracy> count =
      computeAccuracy({1, 0, 2}, makeLabels({1, 0}), "y.npy");
  ASSERT_FALSE(static_cast<bool>(count));
  EXPECT_EQ(llvm::toString(count.takeError()),
            "y.npy has 2 labels (shape [2]) but there are 3 predictions");
  llvm::Expected<Accuracy> fractional =
      computeAccuracy({1, 0}, makeFloats({2}, {1, 0.5f}), "y.npy");
  ASSERT_FALSE(static_cast<bool>(fractional));
  EXPECT_EQ(llvm::toString(fractional.takeError()),
            "y.npy: label 0.5 at [1] is not an integer class");
}

TEST(Accuracy, LabelsMustBeClassesOfTheModel) {
  EXPECT_FALSE(checkLabelClasses(makeLabels({0, 2, 1}), 3, "y.npy"));
  EXPECT_FALSE(checkLabelClasses(makeFloats({2}, {1, 0}), 2, "y.npy"));
  llvm::Error negative = checkLabelClasses(makeLabels({0, -1}), 3, "y.npy");
  EXPECT_EQ(llvm::toString(std::move(negative)),
            "y.npy: label -1 at [1] is not a class of the model's 3 "
            "(expected 0 to 2)");
  llvm::Error beyond = checkLabelClasses(makeLabels({2, 0}), 2, "y.npy");
  EXPECT_EQ(llvm::toString(std::move(beyond)),
            "y.npy: label 2 at [0] is not a class of the model's 2 (expected "
            "0 to 1)");
  llvm::Error fractional =
      checkLabelClasses(makeFloats({2}, {1, 0.5f}), 2, "y.npy");
  EXPECT_EQ(llvm::toString(std::move(fractional)),
            "y.npy: label 0.5 at [1] is not an integer class");
}

TEST(Compare, WithinTolerance) {
  HostArray expected = makeFloats({2, 2}, {1, 100, -3, 0});
  HostArray actual = makeFloats({2, 2}, {1.000005f, 100.0009f, -3, 0});
  llvm::Expected<Comparison> comparison =
      compareArrays(actual, expected, 1e-5, 1e-5);
  ASSERT_TRUE(static_cast<bool>(comparison));
  EXPECT_EQ(comparison->numElements, 4);
  EXPECT_EQ(comparison->numMismatches, 0);
  EXPECT_EQ(comparison->firstMismatch, -1);
  EXPECT_NEAR(comparison->maxAbsError, 9e-4, 1e-5);
}

TEST(Compare, CountsMismatchesAndFindsTheFirst) {
  HostArray expected = makeFloats({2, 3}, {0, 1, 2, 3, 4, 5});
  HostArray actual = makeFloats({2, 3}, {0, 1, 2.1f, 3, 4, 4});
  llvm::Expected<Comparison> comparison =
      compareArrays(actual, expected, 1e-5, 0);
  ASSERT_TRUE(static_cast<bool>(comparison));
  EXPECT_EQ(comparison->numMismatches, 2);
  EXPECT_EQ(comparison->firstMismatch, 2);
  EXPECT_EQ(comparison->maxAbsError, 1.0);
}

TEST(Compare, NaNAndInfinities) {
  HostArray expected = makeFloats({4}, {kNaN, kInf, -kInf, 1});
  HostArray same = makeFloats({4}, {kNaN, kInf, -kInf, 1});
  llvm::Expected<Comparison> equal = compareArrays(same, expected, 0, 0);
  ASSERT_TRUE(static_cast<bool>(equal));
  EXPECT_EQ(equal->numMismatches, 0);
  EXPECT_EQ(equal->maxAbsError, 0.0);
  HostArray other = makeFloats({4}, {1, kInf, kInf, kNaN});
  llvm::Expected<Comparison> differ = compareArrays(other, expected, 1, 1);
  ASSERT_TRUE(static_cast<bool>(differ));
  EXPECT_EQ(differ->numMismatches, 3);
  EXPECT_EQ(differ->firstMismatch, 0);
}

TEST(Compare, ShapesMustAgree) {
  llvm::Expected<Comparison> comparison = compareArrays(
      makeFloats({2, 1}, {0, 0}), makeFloats({1, 2}, {0, 0}), 0, 0);
  ASSERT_FALSE(static_cast<bool>(comparison));
  EXPECT_EQ(llvm::toString(comparison.takeError()),
            "cannot compare arrays of shapes [2, 1] and [1, 2]");
}

// KL((1/2, 1/2) || (1/4, 3/4)) = ln(4/3) / 2.
const double kHalfLogFourThirds = 0.5 * std::log(4.0 / 3.0);

TEST(MeanClassDivergence, IdenticalOutputsAreZero) {
  HostArray logits = makeFloats({2, 3}, {1, 2, 3, -1, 0, 5});
  EXPECT_EQ(meanClassDivergence(logits, logits), 0.0);
}

TEST(MeanClassDivergence, ComparesSoftmaxProbabilities) {
  HostArray reference = makeFloats({1, 2}, {0, 0});
  HostArray candidate = makeFloats({1, 2}, {0, std::log(3.0f)});
  EXPECT_NEAR(meanClassDivergence(reference, candidate), kHalfLogFourThirds,
              1e-6);
}

TEST(MeanClassDivergence, IgnoresAShiftOfAllLogits) {
  HostArray reference = makeFloats({1, 3}, {1, 2, 3});
  HostArray candidate = makeFloats({1, 3}, {11, 12, 13});
  EXPECT_NEAR(meanClassDivergence(reference, candidate), 0.0, 1e-12);
}

TEST(MeanClassDivergence, AveragesOverSamples) {
  HostArray reference = makeFloats({2, 2}, {0, 0, 5, 1});
  HostArray candidate = makeFloats({2, 2}, {0, std::log(3.0f), 5, 1});
  EXPECT_NEAR(meanClassDivergence(reference, candidate), kHalfLogFourThirds / 2,
              1e-6);
}

TEST(MeanClassDivergence, OneOutputIsASigmoidLogit) {
  HostArray reference = makeFloats({1, 1}, {0});
  HostArray candidate = makeFloats({1, 1}, {std::log(3.0f)});
  EXPECT_NEAR(meanClassDivergence(reference, candidate), kHalfLogFourThirds,
              1e-6);
}

TEST(MeanClassDivergence, NonFiniteOutputsAreInfinitelyFar) {
  HostArray reference = makeFloats({1, 2}, {0, 1});
  EXPECT_EQ(meanClassDivergence(reference, makeFloats({1, 2}, {kNaN, 1})),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(meanClassDivergence(reference, makeFloats({1, 2}, {kInf, 1})),
            std::numeric_limits<double>::infinity());
}

TEST(MeanClassDivergence, MismatchedSizesAreInfinitelyFar) {
  EXPECT_EQ(meanClassDivergence(makeFloats({1, 2}, {0, 1}),
                                makeFloats({1, 3}, {0, 1, 2})),
            std::numeric_limits<double>::infinity());
}

} // namespace
