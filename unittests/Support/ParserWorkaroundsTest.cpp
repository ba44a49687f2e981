//===- ParserWorkaroundsTest.cpp - tests of findLinalgParserCrashSite -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Which texts the check flags, and where. Which of them really crash MLIR
// 22's parser was measured with the upstream mlir-opt (test/e2e/
// linalg-parser-crashes.test holds the reproducers, run through the tools).
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/ParserWorkarounds.h"

#include "gtest/gtest.h"

#include <string>

using namespace mlir::qfhe;

namespace {

const char *const kReduceIns = "%r = linalg.reduce ins(%x : tensor<2x3xf32>) "
                               "outs(%e : tensor<2xf32>) ";

/// The offset the check reports in `text`, or -1 when it accepts it.
long long siteOffset(const std::string &text) {
  std::optional<LinalgParserCrashSite> site = findLinalgParserCrashSite(text);
  return site ? static_cast<long long>(site->offset) : -1;
}

/// The offset of the first occurrence of `needle` in `text`.
long long offsetOf(const std::string &text, const std::string &needle) {
  return static_cast<long long>(text.find(needle));
}

TEST(LinalgParserCrashSite, AcceptsIntegerLists) {
  for (const char *list :
       {"[]", "[ ]", "[1]", "[1, 0]", "[-1]", "[- 1]", "[0x1F]", "[true]",
        "[false, 1]", "[1 // a comment\n, 0]", "[9223372036854775807]",
        "[-9223372036854775808]", "[-10000000000000000]",
        // Leading zeros do not count.
        "[000000000000000000000001]"}) {
    std::string text = std::string(kReduceIns) + "dimensions = " + list;
    EXPECT_EQ(siteOffset(text), -1) << text;
  }
}

TEST(LinalgParserCrashSite, PointsAtTheTokenThatBreaksTheList) {
  struct Case {
    const char *value;
    const char *at;
  };
  for (Case c :
       {Case{"[x1, 0]", "x1"}, Case{"1", "1"}, Case{"array<i64: 1>", "array"},
        Case{"[1.5]", "1.5"}, Case{"[1e3]", "e3"}, Case{"[1 2]", "2"},
        Case{"[1,]", "]"}, Case{"[-true]", "true"}, Case{"[[1]]", "[1]"},
        Case{"[99999999999999999999]", "999"},
        Case{"[0x10000000000000000]", "0x1"},
        Case{"[-0x8000000000000001]", "0x8"}}) {
    std::string prefix = std::string(kReduceIns) + "dimensions = ";
    std::string text = prefix + c.value;
    EXPECT_EQ(siteOffset(text),
              static_cast<long long>(prefix.size()) + offsetOf(c.value, c.at))
        << text;
  }
  // Cut short: the site is the end of the text.
  std::string cut = std::string(kReduceIns) + "permutation = [1, 0";
  EXPECT_EQ(siteOffset(cut), static_cast<long long>(cut.size()));
  std::string empty = std::string(kReduceIns) + "dimensions =";
  EXPECT_EQ(siteOffset(empty), static_cast<long long>(empty.size()));
}

TEST(LinalgParserCrashSite, NamesTheAttribute) {
  std::optional<LinalgParserCrashSite> site =
      findLinalgParserCrashSite(std::string(kReduceIns) + "permutation = [x]");
  ASSERT_TRUE(site);
  EXPECT_NE(site->message.find("expected an integer in the list of "
                               "'permutation'"),
            std::string::npos)
      << site->message;
}

TEST(LinalgParserCrashSite, FindsTheKeywordWhereverTheParserReachesIt) {
  // After a comment, with no ins/outs, after an attribute dictionary, with
  // a comment or a NUL byte before `=`.
  for (std::string text : {std::string(kReduceIns) + "// c\n dimensions = [x]",
                           std::string("linalg.reduce dimensions = [x]"),
                           std::string("linalg.reduce <{a}> dimensions = [x]"),
                           std::string(kReduceIns) + "dimensions // c\n = [x]",
                           std::string(kReduceIns) + "dimensions" +
                               std::string(1, '\0') + "= [x]"}) {
    EXPECT_EQ(siteOffset(text), static_cast<long long>(text.rfind('x')))
        << text;
  }
}

TEST(LinalgParserCrashSite, IgnoresWhatTheParserReadsSafely) {
  for (const char *text : {
           // A dictionary entry: any attribute, parsed safely.
           R"("linalg.reduce"(%x, %e) <{dimensions = array<i64: 1>}>)",
           R"("test.op"() {a = 1, permutation = ["a"]} : () -> ())",
           // Comments, strings and names that contain the keyword.
           "// ) dimensions = [x]\n",
           R"("test.op"() {s = ") dimensions = [x]"} : () -> ())",
           R"("test.op"() {s = "\") dimensions = [x]"} : () -> ())",
           "%dimensions = arith.constant 1 : i64",
           "^permutation = x",
           "@dimensions = x",
           "linalg.reduce ins() my.dimensions = [x]",
           // No `=`: the parser stops before the list.
           "linalg.transpose ins() outs() permutation [x]",
       }) {
    EXPECT_EQ(siteOffset(text), -1) << text;
  }
}

TEST(LinalgParserCrashSite, ChecksTheOperandTypesOfShortForms) {
  // Shaped operands, and aliases of them, are fine; linalg.map may have none.
  for (const char *text : {
           "linalg.map { arith.addf } ins(%a, %b : tensor<4xf32>, "
           "memref<4xf32, affine_map<(d0) -> (d0)>>) outs(%c : vector<4xf32>)",
           "!t = tensor<4xf32>\n!u = !t\n"
           "linalg.map { arith.negf } ins(%a : !u) outs(%c : !t)",
           "linalg.map { arith.negf } ins(%a : !undefined) outs(%c : !t)",
           "linalg.map { arith.addf }",
           "linalg.reduce { arith.addf } outs(%c : tensor<f32>) "
           "dimensions = [0]",
       }) {
    EXPECT_EQ(siteOffset(text), -1) << text;
  }
  std::string scalar = "linalg.map { arith.addf {fastmath = #arith.fastmath<"
                       "none>} } ins(%a, %b : tensor<4xf32>, f32) outs(%c : "
                       "tensor<4xf32>)";
  EXPECT_EQ(siteOffset(scalar), offsetOf(scalar, "f32)"));
  std::string scalarInit = "!s = f32\nlinalg.reduce { arith.addf } ins(%a : "
                           "tensor<4xf32>) outs(%c : !s) dimensions = [0]";
  EXPECT_EQ(siteOffset(scalarInit), offsetOf(scalarInit, "!s)"));
  std::string none = "linalg.reduce { arith.addf } dimensions = [0]";
  EXPECT_EQ(siteOffset(none), 0);
  std::optional<LinalgParserCrashSite> site = findLinalgParserCrashSite(none);
  ASSERT_TRUE(site);
  EXPECT_NE(site->message.find("expected ins(...) and outs(...) in the short "
                               "form of 'linalg.reduce'"),
            std::string::npos)
      << site->message;
}

} // namespace
