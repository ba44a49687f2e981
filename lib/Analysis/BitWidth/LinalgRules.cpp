//===- LinalgRules.cpp - structured linalg ops, read through their maps ---===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// One rule for every structured op (named or generic): its body must be a
// sum of products of its operands' elements (each product with at most one
// encrypted factor; TFHE multiplies encrypted values only through lookups),
// `out + ` such a sum when it reduces, or a max/min reduction. Nothing else
// is recognised.
//
// The exact range of an output element is the sum, over the iterations that
// write it, of each product's range, with each factor read where the op's
// indexing maps say: an element of a constant operand exactly, an element of
// another operand through its fact (per index along its axis). Only the loop
// dimensions that change a factor's range are enumerated; the others only
// multiply the count of equal terms. The sum is computed exactly and placed
// into the result type modulo 2^N (see placeInType).
//
// Modular arithmetic is exact here because every operation the body applies
// between its leaves and the result is a ring homomorphism onto the
// integers modulo 2^N (N the result width): additions, subtractions and
// multiplications in N or more bits, truncations to N or more bits, and
// extensions of an operand's element (whose value is its signed or unsigned
// reading). An extension of anything computed in fewer than N bits is not,
// and is rejected.
//
//===----------------------------------------------------------------------===//

#include "CircuitRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Threading.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "qfhe/Dialect/QFHE/IR/RawIntegers.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// At most this many points of the relevant loop dimensions are enumerated;
/// beyond, every factor is bounded by its whole range.
constexpr int64_t kMaxPoints = int64_t(1) << 24;
/// At most this many products in a body.
constexpr size_t kMaxMonomials = 256;
/// Sums over at least this many points are bounded on the context's
/// threads, in at most kParallelBlocks blocks of their first parallel
/// dimension.
constexpr int64_t kParallelPoints = int64_t(1) << 16;
constexpr int64_t kParallelBlocks = 64;

//===----------------------------------------------------------------------===//
// The body as a polynomial
//===----------------------------------------------------------------------===//

/// How a factor reads its bits.
enum class Reading { Signed, Unsigned };

/// A factor: an element of an operand (through the operand's indexing map),
/// or a scalar the body uses from above.
struct Leaf {
  OpOperand *operand = nullptr;
  Value captured;
  Reading reading = Reading::Signed;
  unsigned width = 0;

  bool operator==(const Leaf &other) const {
    return operand == other.operand && captured == other.captured &&
           reading == other.reading && width == other.width;
  }
};

/// coefficient * product of leaves (indices into the leaf table, sorted).
struct Monomial {
  WideInt coefficient;
  SmallVector<unsigned, 2> leaves;
};
using Polynomial = SmallVector<Monomial, 4>;

/// The representative of `value` modulo 2^width in [-2^(width-1),
/// 2^(width-1)) (width at most 64, `value` below 2^126 in magnitude).
WideInt reduceModulo(WideInt value, unsigned width) {
  WideInt modulus = static_cast<WideInt>(1) << width;
  WideInt half = modulus / 2;
  WideInt rest = value % modulus;
  if (rest >= half)
    rest -= modulus;
  else if (rest < -half)
    rest += modulus;
  return rest;
}

/// Adds like terms and drops zero ones, every coefficient taken modulo
/// 2^width: the body computes modulo 2^R, so coefficients that differ by a
/// multiple of 2^R give the same result, and reduced ones never grow.
Polynomial normalize(Polynomial terms, unsigned width) {
  Polynomial result;
  for (Monomial &term : terms) {
    llvm::sort(term.leaves);
    term.coefficient = reduceModulo(term.coefficient, width);
    auto same = llvm::find_if(result, [&](const Monomial &existing) {
      return existing.leaves == term.leaves;
    });
    if (same != result.end())
      same->coefficient =
          reduceModulo(same->coefficient + term.coefficient, width);
    else
      result.push_back(term);
  }
  llvm::erase_if(result,
                 [](const Monomial &term) { return term.coefficient == 0; });
  return result;
}

/// Reads a structured op's body as a polynomial over its leaves, modulo
/// 2^R (R: the result width).
class BodyParser {
public:
  BodyParser(linalg::LinalgOp op, unsigned resultWidth)
      : op(op), resultWidth(resultWidth) {}

  FailureOr<Polynomial> parse(Value value);
  ArrayRef<Leaf> getLeaves() const { return leaves; }
  const std::string &getError() const { return error; }

private:
  FailureOr<Polynomial> fail(const Twine &why) {
    if (error.empty())
      error = why.str();
    return failure();
  }
  bool isInBody(Value value) const {
    Region *region = value.getParentRegion();
    return region && op->getRegion(0).isAncestor(region);
  }
  Polynomial constant(WideInt value) const {
    return value == 0 ? Polynomial{} : Polynomial{Monomial{value, {}}};
  }
  Polynomial leaf(Leaf leafValue) {
    auto it = llvm::find(leaves, leafValue);
    unsigned index = it - leaves.begin();
    if (it == leaves.end())
      leaves.push_back(leafValue);
    return {Monomial{1, {index}}};
  }
  /// A value read directly, or through an extension from `width` bits.
  FailureOr<Polynomial> parseRead(Value value, Reading reading);
  FailureOr<Polynomial> parseOp(Operation *def, Value value);

  linalg::LinalgOp op;
  unsigned resultWidth;
  std::string error;
  SmallVector<Leaf> leaves;
  DenseMap<Value, Polynomial> memo;
};

unsigned getWidth(Value value) {
  IntegerType type = getIntegerElementType(value.getType());
  return type ? type.getWidth() : 0;
}

FailureOr<Polynomial> BodyParser::parseRead(Value value, Reading reading) {
  unsigned width = getWidth(value);
  if (width == 0 || width > 64)
    return fail("reads a value that is not an integer of at most 64 bits");
  APInt constant;
  if (matchPattern(value, m_ConstantInt(&constant)))
    return this->constant(
        reduceModulo(reading == Reading::Signed
                         ? static_cast<WideInt>(constant.getSExtValue())
                         : static_cast<WideInt>(constant.getZExtValue()),
                     resultWidth));
  if (auto argument = dyn_cast<BlockArgument>(value);
      argument && argument.getOwner() == op.getBlock())
    return leaf(
        Leaf{op.getMatchingOpOperand(argument), Value(), reading, width});
  if (!isInBody(value))
    return leaf(Leaf{nullptr, value, reading, width});
  return fail("extends a value computed in fewer bits than its result "
              "(the sum is then not exact modulo 2^" +
              Twine(resultWidth) + ")");
}

FailureOr<Polynomial> BodyParser::parse(Value value) {
  auto it = memo.find(value);
  if (it != memo.end())
    return it->second;
  FailureOr<Polynomial> result;
  Operation *def = value.getDefiningOp();
  if (!def || !isInBody(value) || def->hasTrait<OpTrait::ConstantLike>())
    result = parseRead(value, Reading::Signed);
  else
    result = parseOp(def, value);
  if (succeeded(result))
    memo[value] = *result;
  return result;
}

FailureOr<Polynomial> BodyParser::parseOp(Operation *def, Value value) {
  unsigned width = getWidth(value);
  if (width < resultWidth)
    return fail("computes in " + Twine(width) + " bits, fewer than its " +
                Twine(resultWidth) + "-bit result");
  if (isa<arith::ExtSIOp, arith::ExtUIOp>(def)) {
    Value input = def->getOperand(0);
    // Extending a value of at least R bits does not change it modulo 2^R.
    if (getWidth(input) >= resultWidth)
      return parse(input);
    return parseRead(input, isa<arith::ExtSIOp>(def) ? Reading::Signed
                                                     : Reading::Unsigned);
  }
  if (isa<arith::TruncIOp>(def))
    return parse(def->getOperand(0));
  if (isa<arith::AddIOp, arith::SubIOp, arith::MulIOp>(def)) {
    FailureOr<Polynomial> lhs = parse(def->getOperand(0));
    if (failed(lhs))
      return failure();
    FailureOr<Polynomial> rhs = parse(def->getOperand(1));
    if (failed(rhs))
      return failure();
    Polynomial result;
    if (isa<arith::MulIOp>(def)) {
      for (const Monomial &a : *lhs)
        for (const Monomial &b : *rhs) {
          // Reduced coefficients are below 2^63: their product is exact.
          Monomial term{
              reduceModulo(a.coefficient * b.coefficient, resultWidth),
              a.leaves};
          term.leaves.append(b.leaves.begin(), b.leaves.end());
          result.push_back(term);
        }
    } else {
      result = *lhs;
      for (Monomial term : *rhs) {
        if (isa<arith::SubIOp>(def))
          term.coefficient = -term.coefficient;
        result.push_back(term);
      }
    }
    result = normalize(std::move(result), resultWidth);
    if (result.size() > kMaxMonomials)
      return fail("has more than " + Twine(kMaxMonomials) + " products");
    return result;
  }
  return fail("computes '" + def->getName().getStringRef() +
              "', not a sum of products");
}

//===----------------------------------------------------------------------===//
// Bounds
//===----------------------------------------------------------------------===//

/// Evaluates an affine expression at a point of the loop dimensions.
std::optional<int64_t> evaluate(AffineExpr expr, ArrayRef<int64_t> dims) {
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return dims[dim.getPosition()];
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return constant.getValue();
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return std::nullopt;
  std::optional<int64_t> lhs = evaluate(binary.getLHS(), dims);
  std::optional<int64_t> rhs = evaluate(binary.getRHS(), dims);
  if (!lhs || !rhs)
    return std::nullopt;
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    return *lhs + *rhs;
  case AffineExprKind::Mul:
    return *lhs * *rhs;
  case AffineExprKind::Mod:
    return *rhs > 0 ? llvm::mod(*lhs, *rhs) : std::optional<int64_t>();
  case AffineExprKind::FloorDiv:
    return *rhs > 0 ? llvm::divideFloorSigned(*lhs, *rhs)
                    : std::optional<int64_t>();
  case AffineExprKind::CeilDiv:
    return *rhs > 0 ? llvm::divideCeilSigned(*lhs, *rhs)
                    : std::optional<int64_t>();
  default:
    return std::nullopt;
  }
}

/// The loop dimensions `expr` uses.
void collectDims(AffineExpr expr, llvm::SmallSetVector<unsigned, 4> &dims) {
  expr.walk([&](AffineExpr sub) {
    if (auto dim = dyn_cast<AffineDimExpr>(sub))
      dims.insert(dim.getPosition());
  });
}

/// What a leaf's range is at a point of the loops.
struct LeafBound {
  bool encrypted = false;
  AffineMap map;
  /// A constant operand's elements in the leaf's reading, row-major with
  /// `strides`; empty when the leaf is bounded by ranges.
  SmallVector<WideInt> constant;
  SmallVector<int64_t> strides;
  /// Per index along `axis` (relevant when `axis` is set), else `whole`.
  std::optional<int64_t> axis;
  SmallVector<WideRange> ranges;
  WideRange whole;
  /// The loop dimensions that change the leaf's range.
  llvm::SmallSetVector<unsigned, 4> dims;
  /// Per result of `map`, the loop dimension it is when it is one (-1
  /// otherwise): read off the point without evaluating the expression (the
  /// verifier reads every weight of a layer this way).
  SmallVector<int64_t> resultDims;

  void setMap(AffineMap indexing) {
    map = indexing;
    resultDims.clear();
    for (AffineExpr result : map.getResults()) {
      auto dim = dyn_cast<AffineDimExpr>(result);
      resultDims.push_back(dim ? static_cast<int64_t>(dim.getPosition()) : -1);
    }
  }
  int64_t resultAt(unsigned position, ArrayRef<int64_t> point) const {
    int64_t dim = resultDims[position];
    return dim >= 0 ? point[dim] : *evaluate(map.getResult(position), point);
  }

  WideRange at(ArrayRef<int64_t> point) const {
    if (!constant.empty()) {
      int64_t index = 0;
      for (auto [position, stride] : llvm::enumerate(strides))
        index += resultAt(position, point) * stride;
      return WideRange::point(constant[index]);
    }
    if (axis) {
      int64_t index = resultAt(*axis, point);
      if (index >= 0 && index < static_cast<int64_t>(ranges.size()))
        return ranges[index];
    }
    return whole;
  }
  void useWhole() {
    constant.clear();
    axis.reset();
    dims.clear();
  }
};

/// Converts a range in its type's reading into the leaf's reading.
WideRange toReading(WideRange range, bool typeUnsigned, Reading reading,
                    unsigned width) {
  if (reading == Reading::Unsigned && !typeUnsigned)
    return toUnsignedReading(range, width);
  if (reading == Reading::Signed && typeUnsigned)
    return toSignedReading(range, width);
  return range;
}

/// The bound of a leaf, or an error.
FailureOr<LeafBound> boundLeaf(linalg::LinalgOp op, const Leaf &leaf,
                               FactLookup facts, ArrayRef<int64_t> loopSizes,
                               std::string &error) {
  Value value = leaf.operand ? leaf.operand->get() : leaf.captured;
  const CircuitFact *fact = facts(value);
  IntegerType type = getIntegerElementType(value.getType());
  if (!fact || !fact->hasRanges() || !type) {
    error = "reads a value without an integer range";
    return failure();
  }
  bool typeUnsigned = type.isUnsigned();
  LeafBound bound;
  bound.encrypted = fact->isEncrypted();
  auto read = [&](WideRange range) {
    return toReading(range, typeUnsigned, leaf.reading, leaf.width);
  };
  bound.whole = read(WideRange::of(fact->getWhole()));
  if (!leaf.operand)
    return bound;
  bound.setMap(op.getMatchingIndexingMap(leaf.operand));
  if (bound.map.getNumSymbols()) {
    bound.useWhole();
    return bound;
  }
  auto allStatic = [&]() {
    return llvm::all_of(bound.dims, [&](unsigned dim) {
      return !ShapedType::isDynamic(loopSizes[dim]);
    });
  };
  // A constant tensor's elements, read straight from its storage (the
  // weights of a layer: millions of elements).
  auto shaped = dyn_cast<ShapedType>(value.getType());
  DenseIntElementsAttr dense;
  if (shaped && shaped.hasStaticShape() && getIntegerTypeRange(shaped) &&
      matchPattern(value, m_Constant(&dense))) {
    for (AffineExpr result : bound.map.getResults())
      collectDims(result, bound.dims);
    int64_t stride = 1;
    bound.strides.assign(shaped.getRank(), 1);
    for (int64_t dim = shaped.getRank() - 1; dim >= 0; --dim) {
      bound.strides[dim] = stride;
      stride *= shaped.getDimSize(dim);
    }
    RawIntegers values(dense);
    bound.constant.reserve(values.size());
    for (int64_t i = 0, e = values.size(); i < e; ++i)
      bound.constant.push_back(read(WideRange::point(values[i])).min);
    if (!allStatic())
      bound.useWhole();
    return bound;
  }
  if (std::optional<int64_t> axis = fact->getAxis();
      axis && *axis < bound.map.getNumResults()) {
    bound.axis = axis;
    for (const IntegerRange &range : fact->getRanges())
      bound.ranges.push_back(read(WideRange::of(range)));
    collectDims(bound.map.getResult(*axis), bound.dims);
    if (!allStatic())
      bound.useWhole();
  }
  return bound;
}

/// Iterates over every point of `dims` (sizes from `loopSizes`), setting
/// them in `point`.
void forEachPoint(ArrayRef<unsigned> dims, ArrayRef<int64_t> loopSizes,
                  SmallVectorImpl<int64_t> &point, function_ref<void()> body) {
  for (unsigned dim : dims)
    point[dim] = 0;
  while (true) {
    body();
    size_t position = 0;
    for (; position < dims.size(); ++position) {
      unsigned dim = dims[position];
      if (++point[dim] < loopSizes[dim])
        break;
      point[dim] = 0;
    }
    if (position == dims.size())
      return;
  }
}

/// A sum of products along one reduction dimension in 64-bit arithmetic:
/// how each leaf's range at a step of the reduction follows from the point
/// where the reduction dimension is 0. Used when no product, times the
/// equal terms counted and the steps, can reach 2^62: then no partial sum
/// overflows and every bound is exact, the same as WideRange's.
struct ReductionIn64Bits {
  /// How a leaf's range moves along the reduction dimension.
  struct Step {
    enum Kind { Fixed, Constant, Axis } kind = Fixed;
    /// Constant: elements between two steps.
    int64_t stride = 0;
  };
  unsigned dim = 0;
  int64_t steps = 0;
  SmallVector<Step> leaves;

  /// The plan for summing `terms` (each `count` times) along `reduction`,
  /// or std::nullopt when not one dimension, a leaf's index is not the
  /// dimension itself, or the sum may reach 2^62.
  static std::optional<ReductionIn64Bits> plan(const Polynomial &terms,
                                               ArrayRef<LeafBound> leafBounds,
                                               ArrayRef<unsigned> reduction,
                                               ArrayRef<int64_t> loopSizes,
                                               WideInt count) {
    if (reduction.size() != 1 ||
        ShapedType::isDynamic(loopSizes[reduction[0]]) ||
        loopSizes[reduction[0]] < 1)
      return std::nullopt;
    ReductionIn64Bits result;
    result.dim = reduction[0];
    result.steps = loopSizes[result.dim];
    result.leaves.resize(leafBounds.size());
    // The largest magnitude a leaf's range reaches anywhere.
    auto largest = [](const LeafBound &bound) {
      WideInt most = std::max(qfhe::detail::magnitude(bound.whole.min),
                              qfhe::detail::magnitude(bound.whole.max));
      for (WideInt value : bound.constant)
        most = std::max(most, qfhe::detail::magnitude(value));
      for (const WideRange &range : bound.ranges)
        most = std::max({most, qfhe::detail::magnitude(range.min),
                         qfhe::detail::magnitude(range.max)});
      return most;
    };
    auto usesDim = [&](const LeafBound &bound, unsigned position) {
      llvm::SmallSetVector<unsigned, 4> dims;
      collectDims(bound.map.getResult(position), dims);
      return dims.contains(result.dim);
    };
    // How each leaf moves, and its largest magnitude (at least 1: every
    // partial product is bounded by the product of these, so a zero factor
    // after a large one cannot hide an overflow).
    SmallVector<WideInt> magnitudes(leafBounds.size(), 1);
    for (const Monomial &term : terms)
      for (unsigned leaf : term.leaves) {
        const LeafBound &bound = leafBounds[leaf];
        magnitudes[leaf] =
            qfhe::detail::saturate(std::max<WideInt>(largest(bound), 1));
        Step &step = result.leaves[leaf];
        step = Step();
        if (!bound.dims.contains(result.dim))
          continue;
        if (!bound.constant.empty()) {
          step.kind = Step::Constant;
          for (auto [position, stride] : llvm::enumerate(bound.strides)) {
            if (bound.resultDims[position] == result.dim)
              step.stride += stride;
            else if (usesDim(bound, position))
              return std::nullopt;
          }
        } else if (bound.axis) {
          if (bound.resultDims[*bound.axis] != result.dim)
            return std::nullopt;
          step.kind = Step::Axis;
        }
      }
    constexpr WideInt kLimit = static_cast<WideInt>(1) << 62;
    WideInt total = 0;
    for (const Monomial &term : terms) {
      WideInt product = qfhe::detail::saturate(
          std::max<WideInt>(qfhe::detail::magnitude(term.coefficient), 1));
      for (unsigned leaf : term.leaves)
        product = qfhe::detail::saturatingMultiply(product, magnitudes[leaf]);
      total = qfhe::detail::saturate(total + product);
    }
    total = qfhe::detail::saturatingMultiply(
        qfhe::detail::saturatingMultiply(
            total, qfhe::detail::saturate(std::max<WideInt>(count, 1))),
        result.steps);
    if (total >= kLimit)
      return std::nullopt;
    return result;
  }

  /// The sum of `terms` (each `count` times) over the reduction at `point`
  /// (its reduction coordinate is overwritten).
  WideRange sum(const Polynomial &terms, ArrayRef<LeafBound> leafBounds,
                int64_t count, SmallVectorImpl<int64_t> &point) const {
    // Each leaf's range where the reduction starts, and where its steps go.
    point[dim] = 0;
    SmallVector<std::pair<int64_t, int64_t>, 4> fixed(leafBounds.size());
    SmallVector<int64_t, 4> base(leafBounds.size(), 0);
    for (const Monomial &term : terms)
      for (unsigned leaf : term.leaves) {
        const LeafBound &bound = leafBounds[leaf];
        if (leaves[leaf].kind == Step::Constant) {
          base[leaf] = 0;
          for (auto [position, stride] : llvm::enumerate(bound.strides))
            base[leaf] += bound.resultAt(position, point) * stride;
          continue;
        }
        WideRange range = bound.at(point);
        fixed[leaf] = {static_cast<int64_t>(range.min),
                       static_cast<int64_t>(range.max)};
      }
    int64_t low = 0, high = 0;
    for (int64_t j = 0; j < steps; ++j) {
      for (const Monomial &term : terms) {
        auto coefficient = static_cast<int64_t>(term.coefficient);
        int64_t productLow = coefficient, productHigh = coefficient;
        for (unsigned leaf : term.leaves) {
          const LeafBound &bound = leafBounds[leaf];
          int64_t min, max;
          switch (leaves[leaf].kind) {
          case Step::Constant:
            min = max = static_cast<int64_t>(
                bound.constant[base[leaf] + j * leaves[leaf].stride]);
            break;
          case Step::Axis: {
            const WideRange &range =
                j < static_cast<int64_t>(bound.ranges.size()) ? bound.ranges[j]
                                                              : bound.whole;
            min = static_cast<int64_t>(range.min);
            max = static_cast<int64_t>(range.max);
            break;
          }
          case Step::Fixed:
            std::tie(min, max) = fixed[leaf];
            break;
          }
          int64_t corners[] = {productLow * min, productLow * max,
                               productHigh * min, productHigh * max};
          productLow =
              *std::min_element(std::begin(corners), std::end(corners));
          productHigh =
              *std::max_element(std::begin(corners), std::end(corners));
        }
        low += productLow * count;
        high += productHigh * count;
      }
    }
    return {low, high};
  }
};

/// The result of a structured op whose body is `out + sum` (reductions) or
/// `sum` (no reduction), `sum` a polynomial over `leaves`.
RuleOutcome boundSum(linalg::LinalgOp op, const Polynomial &terms,
                     ArrayRef<LeafBound> leafBounds,
                     std::optional<unsigned> initLeaf,
                     ArrayRef<int64_t> loopSizes) {
  Value result = op->getResult(0);
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  bool encrypted = false;
  for (const Monomial &term : terms)
    for (unsigned leaf : term.leaves)
      encrypted |= leafBounds[leaf].encrypted;
  if (initLeaf)
    encrypted |= leafBounds[*initLeaf].encrypted;

  // The dimensions that change some factor's range, parallel first.
  llvm::SmallSetVector<unsigned, 8> relevant;
  for (const LeafBound &bound : leafBounds)
    relevant.insert(bound.dims.begin(), bound.dims.end());
  SmallVector<unsigned> parallel, reduction;
  for (unsigned dim : relevant)
    (iterators[dim] == utils::IteratorType::reduction ? reduction : parallel)
        .push_back(dim);
  // Terms along the other reduction dimensions are equal: they count.
  WideInt count = 1;
  for (auto [dim, iterator] : llvm::enumerate(iterators)) {
    if (iterator != utils::IteratorType::reduction ||
        llvm::is_contained(reduction, dim))
      continue;
    if (ShapedType::isDynamic(loopSizes[dim]))
      return RuleOutcome::unrecognized(
          op, encrypted,
          "cannot verify: '" + op->getName().getStringRef().str() +
              "' sums over a dynamic number of terms");
    count *= loopSizes[dim];
  }

  // The output axis: a parallel dimension some factor depends on that
  // indexes the result.
  AffineMap outputMap = op.getIndexingMapMatchingResult(cast<OpResult>(result));
  std::optional<int64_t> axis;
  for (auto [position, expr] : llvm::enumerate(outputMap.getResults()))
    if (auto dim = dyn_cast<AffineDimExpr>(expr);
        dim && llvm::is_contained(parallel, dim.getPosition())) {
      axis = position;
      break;
    }
  int64_t channels =
      axis ? loopSizes[cast<AffineDimExpr>(outputMap.getResult(*axis))
                           .getPosition()]
           : 1;
  // The points of the first parallel dimension are split into blocks
  // bounded on the context's threads, each into its own ranges per channel,
  // joined in order after (joins are exact: the result is the same).
  int64_t outerSize = parallel.empty() ? 1 : loopSizes[parallel.front()];
  ArrayRef<unsigned> inner =
      ArrayRef<unsigned>(parallel).drop_front(parallel.empty() ? 0 : 1);
  int64_t points = 1;
  for (unsigned dim : relevant)
    points *= std::max<int64_t>(loopSizes[dim], 1);
  // Each block holds a range per channel: at most about 2^20 in all.
  int64_t blocks =
      points < kParallelPoints
          ? 1
          : std::clamp<int64_t>(
                std::min<int64_t>((int64_t(1) << 20) /
                                      std::max<int64_t>(channels, 1),
                                  outerSize),
                1, kParallelBlocks);
  SmallVector<SmallVector<std::optional<WideRange>>> exactOfBlock(
      blocks, SmallVector<std::optional<WideRange>>(channels));
  SmallVector<char> unboundedOfBlock(blocks, 0);
  std::optional<ReductionIn64Bits> inBits64 =
      ReductionIn64Bits::plan(terms, leafBounds, reduction, loopSizes, count);
  mlir::parallelFor(op->getContext(), 0, blocks, [&](size_t block) {
    SmallVector<std::optional<WideRange>> &exact = exactOfBlock[block];
    SmallVector<int64_t> point(loopSizes.size(), 0);
    int64_t begin = outerSize * static_cast<int64_t>(block) / blocks;
    int64_t end = outerSize * static_cast<int64_t>(block + 1) / blocks;
    for (int64_t outer = begin; outer < end; ++outer) {
      if (!parallel.empty())
        point[parallel.front()] = outer;
      forEachPoint(inner, loopSizes, point, [&] {
        WideRange sum = WideRange::point(0);
        if (inBits64)
          sum = inBits64->sum(terms, leafBounds, static_cast<int64_t>(count),
                              point);
        else
          forEachPoint(reduction, loopSizes, point, [&] {
            for (const Monomial &term : terms) {
              WideRange product = WideRange::point(term.coefficient);
              for (unsigned leaf : term.leaves)
                product = multiply(product, leafBounds[leaf].at(point));
              // Bounded products times 1 are themselves.
              sum = add(sum, count == 1
                                 ? product
                                 : multiply(product, WideRange::point(count)));
            }
          });
        if (initLeaf)
          sum = add(sum, leafBounds[*initLeaf].at(point));
        unboundedOfBlock[block] |= !sum.isBounded();
        int64_t channel =
            axis ? *evaluate(outputMap.getResult(*axis), point) : 0;
        std::optional<WideRange> &slot = exact[channel];
        slot = slot ? slot->join(sum) : sum;
      });
    }
  });
  bool unbounded = llvm::is_contained(unboundedOfBlock, 1);
  SmallVector<std::optional<WideRange>> exact(channels);
  for (const SmallVector<std::optional<WideRange>> &ofBlock : exactOfBlock)
    for (auto [slot, range] : llvm::zip(exact, ofBlock))
      if (range)
        slot = slot ? slot->join(*range) : *range;
  if (unbounded)
    return RuleOutcome::unrecognized(
        op, encrypted,
        "cannot verify: '" + op->getName().getStringRef().str() +
            "' has a result range beyond 125 bits");
  SmallVector<WideRange> ranges;
  for (const std::optional<WideRange> &range : exact)
    ranges.push_back(range.value_or(WideRange::point(0)));
  return placeLinearResult(result.getType(), encrypted, axis, ranges);
}

/// `maxsi(out, x)` / `minsi(out, x)` (either order) with x one factor:
/// the value of a max (min) reduction stays among its inputs and its init.
std::optional<RuleOutcome> boundExtremum(linalg::LinalgOp op, FactLookup facts,
                                         ArrayRef<int64_t> loopSizes,
                                         std::string &error) {
  Value yielded = op.getBlock()->getTerminator()->getOperand(0);
  Operation *def = yielded.getDefiningOp();
  if (!isa_and_nonnull<arith::MaxSIOp, arith::MinSIOp>(def))
    return std::nullopt;
  bool isMax = isa<arith::MaxSIOp>(def);
  BlockArgument out = op.getBlock()->getArguments().back();
  Value other;
  if (def->getOperand(0) == out)
    other = def->getOperand(1);
  else if (def->getOperand(1) == out)
    other = def->getOperand(0);
  if (!other)
    return std::nullopt;
  unsigned width = getWidth(yielded);
  BodyParser parser(op, width);
  FailureOr<Polynomial> x = parser.parse(other);
  // The element itself: read signed in at most the compared width (the
  // polynomial is exact modulo 2^width only; a wider element, truncated,
  // is compared as another value).
  if (failed(x) || x->size() != 1 || x->front().coefficient != 1 ||
      x->front().leaves.size() != 1 ||
      parser.getLeaves()[x->front().leaves.front()].reading !=
          Reading::Signed ||
      parser.getLeaves()[x->front().leaves.front()].width > width) {
    error = "compares values that are not elements of an operand";
    return RuleOutcome::unrecognized(op, true);
  }
  const Leaf &leaf = parser.getLeaves()[x->front().leaves.front()];
  FailureOr<LeafBound> input = boundLeaf(op, leaf, facts, loopSizes, error);
  FailureOr<LeafBound> init = boundLeaf(
      op, Leaf{op.getDpsInitOperand(0), Value(), Reading::Signed, width}, facts,
      loopSizes, error);
  if (failed(input) || failed(init))
    return RuleOutcome::unrecognized(op, true);
  bool encrypted = input->encrypted || init->encrypted;
  // Per channel of the input where it maps to a dimension of the result.
  Value result = op->getResult(0);
  AffineMap outputMap = op.getIndexingMapMatchingResult(cast<OpResult>(result));
  std::optional<int64_t> axis;
  if (input->axis)
    if (auto dim = dyn_cast<AffineDimExpr>(input->map.getResult(*input->axis)))
      if (std::optional<unsigned> position = outputMap.getResultPosition(dim))
        axis = *position;
  if (!input->constant.empty() || (input->axis && !axis))
    input->useWhole();
  init->useWhole();
  int64_t reductions = 1;
  for (auto [dim, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::reduction) {
      if (ShapedType::isDynamic(loopSizes[dim]))
        return RuleOutcome::unrecognized(op, encrypted);
      reductions *= loopSizes[dim];
    }
  auto extremum = [&](WideRange x) -> WideRange {
    WideRange i = init->whole;
    if (isMax)
      return {std::max(i.min, x.min), std::max(i.max, x.max)};
    return {std::min(i.min, x.min), std::min(i.max, x.max)};
  };
  SmallVector<WideRange> ranges;
  WideRange all = init->whole.join(input->whole);
  if (axis)
    for (const WideRange &range : input->ranges)
      ranges.push_back(extremum(range));
  else
    ranges.push_back(extremum(input->whole));
  RuleOutcome outcome = exactResult(result.getType(), encrypted, axis, ranges);
  if (encrypted && reductions > 0) {
    // FHE compares by differences: max(a, b) = b + relu(a - b). The first
    // comparison is free when the init never wins.
    bool initNeverWins = isMax ? init->whole.max <= input->whole.min
                               : init->whole.min >= input->whole.max;
    std::optional<IntegerRange> compared = toIntegerRange(all);
    std::optional<IntegerRange> differences =
        toIntegerRange({all.min - all.max, all.max - all.min});
    if (!compared || !differences)
      return RuleOutcome::unrecognized(op, encrypted);
    outcome.bootstraps.push_back({Bootstrap::Kind::Comparison,
                                  getSignedBitWidth(*differences),
                                  getElementsPerSample(result.getType()) *
                                      (reductions - (initNeverWins ? 1 : 0)),
                                  compared});
  }
  return outcome;
}

std::string rejectionFor(linalg::LinalgOp op, const std::string &why) {
  return "cannot verify: '" + op->getName().getStringRef().str() + "' " + why;
}

} // namespace

std::optional<RuleOutcome> mlir::qfhe::applyLinalgRule(Operation *operation,
                                                       FactLookup facts) {
  auto op = dyn_cast<linalg::LinalgOp>(operation);
  if (!op)
    return std::nullopt;
  bool encrypted = llvm::any_of(operation->getOperands(), [&](Value v) {
    return facts(v)->isEncrypted();
  });
  if (!op.hasPureTensorSemantics() || op->getNumResults() != 1 ||
      op.getNumDpsInits() != 1 ||
      !getIntegerTypeRange(op->getResult(0).getType()) ||
      op->getRegion(0).empty() || op.getBlock()->getNumArguments() == 0)
    return RuleOutcome::unrecognized(
        op, encrypted,
        rejectionFor(op, "is not a single-result op on tensors of integers of "
                         "at most 64 bits"));
  // Each output element is written by the iterations of the reduction
  // dimensions at one point of the parallel ones: the rules sum those.
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  bool exactWrites = outputMap.isProjectedPermutation();
  for (auto [dim, iterator] : llvm::enumerate(iterators))
    exactWrites &= outputMap.isFunctionOfDim(dim) ==
                   (iterator == utils::IteratorType::parallel);
  if (!exactWrites)
    return RuleOutcome::unrecognized(
        op, encrypted,
        rejectionFor(op, "writes its result through a map that is not a "
                         "permutation of its parallel dimensions"));
  // Only the body's value is read: an op in it with effects on memory
  // would move data the rules never see.
  WalkResult effects = op.getBlock()->walk([](Operation *nested) {
    return isMemoryEffectFree(nested) ? WalkResult::advance()
                                      : WalkResult::interrupt();
  });
  if (effects.wasInterrupted())
    return RuleOutcome::unrecognized(
        op, encrypted, rejectionFor(op, "has a body with effects on memory"));
  SmallVector<int64_t> loopSizes = op.getStaticLoopRanges();
  // No iteration at all: every element of the result (if it has any) is
  // its init's.
  if (llvm::is_contained(loopSizes, 0)) {
    RuleOutcome outcome =
        RuleOutcome::of({*facts(op.getDpsInitOperand(0)->get())});
    outcome.movesData = true;
    return outcome;
  }
  bool reduces = op.getNumReductionLoops() > 0;
  std::string error;
  if (std::optional<RuleOutcome> extremum =
          boundExtremum(op, facts, loopSizes, error)) {
    if (!extremum->recognized)
      return RuleOutcome::unrecognized(op, encrypted, rejectionFor(op, error));
    return extremum;
  }

  Value yielded = op.getBlock()->getTerminator()->getOperand(0);
  unsigned width = getWidth(yielded);
  BodyParser parser(op, width);
  FailureOr<Polynomial> body = parser.parse(yielded);
  if (failed(body))
    return RuleOutcome::unrecognized(
        op, encrypted, rejectionFor(op, "body " + parser.getError()));

  std::vector<LeafBound> bounds;
  for (const Leaf &leaf : parser.getLeaves()) {
    FailureOr<LeafBound> bound = boundLeaf(op, leaf, facts, loopSizes, error);
    if (failed(bound))
      return RuleOutcome::unrecognized(op, encrypted, rejectionFor(op, error));
    bounds.push_back(std::move(*bound));
  }
  for (const Monomial &term : *body) {
    int64_t encryptedFactors = llvm::count_if(
        term.leaves, [&](unsigned leaf) { return bounds[leaf].encrypted; });
    if (encryptedFactors > 1)
      return RuleOutcome::unrecognized(
          op, true,
          rejectionFor(op, "multiplies encrypted values (a product of "
                           "encrypted values needs lookups in TFHE)"));
  }

  // A reduction accumulates into its init: the body must be `out + sum`
  // with `out` nowhere else.
  std::optional<unsigned> initLeaf;
  Polynomial terms = *body;
  if (reduces) {
    OpOperand *init = op.getDpsInitOperand(0);
    auto readsInit = [&](unsigned leaf) {
      return parser.getLeaves()[leaf].operand == init;
    };
    auto plainInit = llvm::find_if(terms, [&](const Monomial &term) {
      return term.coefficient == 1 && term.leaves.size() == 1 &&
             readsInit(term.leaves.front()) &&
             parser.getLeaves()[term.leaves.front()].reading == Reading::Signed;
    });
    if (plainInit != terms.end()) {
      initLeaf = plainInit->leaves.front();
      terms.erase(plainInit);
    }
    bool initElsewhere = llvm::any_of(terms, [&](const Monomial &term) {
      return llvm::any_of(term.leaves, readsInit);
    });
    if (!initLeaf || initElsewhere)
      return RuleOutcome::unrecognized(
          op, encrypted,
          rejectionFor(op, "reduces with a body that is not `out + ` a sum "
                           "of products of its inputs"));
  }

  // Too many points to enumerate: bound every factor by its whole range.
  int64_t points = 1;
  llvm::SmallSetVector<unsigned, 8> relevant;
  for (const LeafBound &bound : bounds)
    relevant.insert(bound.dims.begin(), bound.dims.end());
  for (unsigned dim : relevant) {
    points *= std::max<int64_t>(loopSizes[dim], 1);
    if (points > kMaxPoints) {
      for (LeafBound &bound : bounds)
        bound.useWhole();
      break;
    }
  }
  return boundSum(op, terms, bounds, initLeaf, loopSizes);
}
