//===- SquaresProduct.cpp - products of two integers with two lookups -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/SquaresProduct.h"

#include "llvm/ADT/bit.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <limits>
#include <map>
#include <mutex>

using namespace mlir;
using namespace mlir::qfhe;

int64_t mlir::qfhe::quarterSquare(int64_t s, double scale) {
  int64_t exact = s * s / 4;
  if (scale == 1.0)
    return exact;
  // Rounding a product by a positive constant is monotone: the entries
  // still grow with |s|.
  return static_cast<int64_t>(
      std::floor(static_cast<long double>(exact) * scale + 0.5L));
}

/// floor(a / 2) for any sign.
static int64_t floorHalf(int64_t a) { return a >= 0 ? a / 2 : -((1 - a) / 2); }

/// The entries quarterSquare(., scale) takes over `range`: it grows with |s|.
static IntegerRange quarterSquares(IntegerRange range, double scale) {
  int64_t nearest = range.min > 0 ? range.min : range.max < 0 ? range.max : 0;
  int64_t farthest = std::max(std::llabs(range.min), std::llabs(range.max));
  return {quarterSquare(nearest, scale), quarterSquare(farthest, scale)};
}

/// The plan at `scale`, if its tables and difference fit `width` bits.
static std::optional<SquaresProductPlan> planAt(IntegerRange sum,
                                                IntegerRange difference,
                                                unsigned width, double scale) {
  IntegerRange squares = quarterSquares(sum, scale);
  IntegerRange differences = quarterSquares(difference, scale);
  // Center the difference table, then the product.
  int64_t differenceShift = floorHalf(differences.min + differences.max);
  IntegerRange differenceTable{differences.min - differenceShift,
                               differences.max - differenceShift};
  IntegerRange unshifted{squares.min - differenceTable.max,
                         squares.max - differenceTable.min};
  int64_t sumShift = floorHalf(unshifted.min + unshifted.max + 1);
  SquaresProductPlan plan{
      scale,           sumShift,
      differenceShift, {squares.min - sumShift, squares.max - sumShift},
      differenceTable, {unshifted.min - sumShift, unshifted.max - sumShift}};
  if (getSignedBitWidth(plan.sumTable) <= width &&
      getSignedBitWidth(plan.differenceTable) <= width &&
      getSignedBitWidth(plan.product) <= width)
    return plan;
  return std::nullopt;
}

std::optional<SquaresProductPlan>
mlir::qfhe::planSquaresProduct(IntegerRange sum, IntegerRange difference,
                               unsigned width) {
  // |s| and |d| beyond 2^31 would overflow the squares.
  constexpr int64_t kLargest = int64_t(1) << 31;
  if (width < 2 || width > 62 || sum.min > sum.max ||
      difference.min > difference.max ||
      std::max(std::llabs(sum.min), std::llabs(sum.max)) > kLargest ||
      std::max(std::llabs(difference.min), std::llabs(difference.max)) >
          kLargest)
    return std::nullopt;
  if (std::optional<SquaresProductPlan> exact =
          planAt(sum, difference, width, 1.0))
    return exact;
  // The largest power of two that fits, then the largest scale below twice
  // it (bisection; the ranges grow with the scale, and whichever scale is
  // kept is checked to fit).
  for (int drop = 1; drop < 62; ++drop) {
    double low = std::ldexp(1.0, -drop);
    std::optional<SquaresProductPlan> best =
        planAt(sum, difference, width, low);
    if (!best)
      continue;
    double high = 2 * low;
    for (int step = 0; step < 40; ++step) {
      double middle = (low + high) / 2;
      if (std::optional<SquaresProductPlan> plan =
              planAt(sum, difference, width, middle)) {
        best = plan;
        low = middle;
      } else {
        high = middle;
      }
    }
    return best;
  }
  return std::nullopt;
}

int64_t ExactSquaresTables::getLevel(int64_t p) const {
  auto above = std::upper_bound(thresholds.begin(), thresholds.end(), p);
  return levels[above - thresholds.begin()];
}

namespace {

/// Difference constraints v[to] - v[from] <= weight over `size` variables,
/// solved by shortest paths from variable 0 (queue-based Bellman-Ford: a
/// path of `size` edges means a negative cycle, i.e. no solution).
class DifferenceConstraints {
public:
  explicit DifferenceConstraints(int64_t size) : size(size) {}

  void add(int64_t from, int64_t to, int64_t weight) {
    edges.push_back({from, to, weight});
  }

  /// The largest solution with v[0] = 0, if any.
  std::optional<std::vector<int64_t>> solve() const {
    std::vector<int64_t> firstEdge(size + 1, 0);
    for (const Edge &edge : edges)
      ++firstEdge[edge.from + 1];
    for (int64_t v = 0; v < size; ++v)
      firstEdge[v + 1] += firstEdge[v];
    std::vector<const Edge *> sorted(edges.size());
    std::vector<int64_t> next(firstEdge.begin(), firstEdge.end() - 1);
    for (const Edge &edge : edges)
      sorted[next[edge.from]++] = &edge;

    constexpr int64_t kUnreached = std::numeric_limits<int64_t>::max();
    std::vector<int64_t> distance(size, kUnreached), pathEdges(size, 0);
    std::vector<char> queued(size, 0);
    std::deque<int64_t> queue{0};
    distance[0] = 0;
    queued[0] = 1;
    while (!queue.empty()) {
      int64_t from = queue.front();
      queue.pop_front();
      queued[from] = 0;
      for (int64_t e = firstEdge[from]; e < firstEdge[from + 1]; ++e) {
        const Edge &edge = *sorted[e];
        int64_t candidate = distance[from] + edge.weight;
        if (candidate >= distance[edge.to])
          continue;
        distance[edge.to] = candidate;
        pathEdges[edge.to] = pathEdges[from] + 1;
        if (pathEdges[edge.to] >= size)
          return std::nullopt;
        if (!queued[edge.to]) {
          queued[edge.to] = 1;
          queue.push_back(edge.to);
        }
      }
    }
    if (distance[0] != 0)
      return std::nullopt;
    return distance;
  }

private:
  struct Edge {
    int64_t from, to, weight;
  };
  int64_t size;
  std::vector<Edge> edges;
};

/// The smallest and largest product of the factors that reach one level.
struct LevelSpan {
  int64_t level, lowest, highest;
};

/// Answers of solveExactSquares by their inputs: the measured allocation
/// search lowers the same product for many candidates (hundreds of
/// solves of a few milliseconds each). Shared by the threads that lower
/// candidates; forgotten past a few hundred distinct products.
class SolutionMemo {
public:
  static SolutionMemo &get() {
    static SolutionMemo memo;
    return memo;
  }

  std::optional<std::optional<ExactSquaresTables>>
  find(const std::vector<int64_t> &key) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = answers.find(key);
    if (it == answers.end())
      return std::nullopt;
    return it->second;
  }

  void insert(std::vector<int64_t> key,
              const std::optional<ExactSquaresTables> &answer) {
    std::lock_guard<std::mutex> lock(mutex);
    if (answers.size() >= kMaxAnswers)
      answers.clear();
    answers.emplace(std::move(key), answer);
  }

private:
  static constexpr size_t kMaxAnswers = 256;
  std::mutex mutex;
  std::map<std::vector<int64_t>, std::optional<ExactSquaresTables>> answers;
};

} // namespace

/// Solves the entries of `tables` (whose thresholds and levels are set)
/// that put every pair of `x` and `y` on its level (`pairLevel`, indexed
/// by (a - x.min) * |y| + b - y.min; `levelIndex` maps a level to its
/// position in tables.levels).
static std::optional<ExactSquaresTables>
solveEntries(IntegerRange x, IntegerRange y, const SquaresProductPlan &plan,
             const std::vector<int64_t> &pairLevel,
             const std::map<int64_t, int64_t> &levelIndex,
             ExactSquaresTables tables) {
  int64_t yCount = y.max - y.min + 1;
  // Variable 0 is the constant 0; then the sum entries, then the
  // difference entries.
  tables.sumMin = x.min + y.min;
  tables.differenceMin = x.min - y.max;
  int64_t sumCount = x.max + y.max - tables.sumMin + 1;
  int64_t differenceCount = x.max - y.min - tables.differenceMin + 1;
  DifferenceConstraints constraints(1 + sumCount + differenceCount);
  auto bound = [&](int64_t variable, IntegerRange table, int64_t shift) {
    constraints.add(0, variable, table.max + shift);
    constraints.add(variable, 0, -(table.min + shift));
  };
  for (int64_t s = 0; s < sumCount; ++s)
    bound(1 + s, plan.sumTable, plan.sumShift);
  for (int64_t d = 0; d < differenceCount; ++d)
    bound(1 + sumCount + d, plan.differenceTable, plan.differenceShift);
  int64_t lastLevel = static_cast<int64_t>(tables.levels.size()) - 1;
  for (int64_t a = x.min; a <= x.max; ++a)
    for (int64_t b = y.min; b <= y.max; ++b) {
      int64_t index =
          levelIndex.at(pairLevel[(a - x.min) * yCount + (b - y.min)]);
      int64_t sumVariable = 1 + (a + b - tables.sumMin);
      int64_t differenceVariable =
          1 + sumCount + (a - b - tables.differenceMin);
      // sum - difference < thresholds[index], >= thresholds[index - 1].
      if (index < lastLevel)
        constraints.add(differenceVariable, sumVariable,
                        tables.thresholds[index] - 1);
      if (index > 0)
        constraints.add(sumVariable, differenceVariable,
                        -tables.thresholds[index - 1]);
    }
  std::optional<std::vector<int64_t>> solution = constraints.solve();
  if (!solution)
    return std::nullopt;
  tables.sumEntries.assign(solution->begin() + 1,
                           solution->begin() + 1 + sumCount);
  tables.differenceEntries.assign(solution->begin() + 1 + sumCount,
                                  solution->end());
  return tables;
}
std::optional<ExactSquaresTables> mlir::qfhe::solveExactSquares(
    IntegerRange x, IntegerRange y, const SquaresProductPlan &plan,
    llvm::function_ref<int64_t(int64_t)> level, int64_t maxPairs) {
  if (plan.scale == 1.0 || x.min > x.max || y.min > y.max || maxPairs < 1)
    return std::nullopt;
  int64_t xCount = x.max - x.min + 1, yCount = y.max - y.min + 1;
  if (xCount > maxPairs || yCount > maxPairs / xCount)
    return std::nullopt;

  // The level of each product, and the products each level spans.
  std::vector<int64_t> pairLevel(xCount * yCount);
  std::map<int64_t, LevelSpan> spans;
  for (int64_t a = x.min; a <= x.max; ++a)
    for (int64_t b = y.min; b <= y.max; ++b) {
      int64_t product = a * b, reached = level(product);
      pairLevel[(a - x.min) * yCount + (b - y.min)] = reached;
      auto [it, inserted] =
          spans.try_emplace(reached, LevelSpan{reached, product, product});
      it->second.lowest = std::min(it->second.lowest, product);
      it->second.highest = std::max(it->second.highest, product);
    }
  ExactSquaresTables tables;
  std::map<int64_t, int64_t> levelIndex;
  const LevelSpan *previous = nullptr;
  for (const auto &[reached, span] : spans) {
    if (previous) {
      // A level that decreases with the product has no thresholds.
      if (previous->highest >= span.lowest)
        return std::nullopt;
      double middle = plan.scale *
                      (static_cast<double>(previous->highest) +
                       static_cast<double>(span.lowest)) /
                      2;
      tables.thresholds.push_back(static_cast<int64_t>(std::floor(middle)) + 1);
    }
    levelIndex[reached] = static_cast<int64_t>(tables.levels.size());
    tables.levels.push_back(reached);
    previous = &span;
  }

  // The spans determine every pair's level (they are disjoint and the
  // level is a function of the product): with the plan and the factors'
  // ranges, they are the whole question.
  std::vector<int64_t> key = {x.min,
                              x.max,
                              y.min,
                              y.max,
                              llvm::bit_cast<int64_t>(plan.scale),
                              plan.sumShift,
                              plan.differenceShift,
                              plan.sumTable.min,
                              plan.sumTable.max,
                              plan.differenceTable.min,
                              plan.differenceTable.max};
  for (const auto &[reached, span] : spans)
    key.insert(key.end(), {reached, span.lowest, span.highest});
  SolutionMemo &memo = SolutionMemo::get();
  if (std::optional<std::optional<ExactSquaresTables>> known = memo.find(key))
    return *known;
  std::optional<ExactSquaresTables> solved =
      solveEntries(x, y, plan, pairLevel, levelIndex, std::move(tables));
  memo.insert(std::move(key), solved);
  return solved;
}
