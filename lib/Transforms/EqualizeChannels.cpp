//===- EqualizeChannels.cpp - the qfhe-equalize-channels pass -------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Between two layers with constant weights, ops that are positively
// homogeneous per channel (bias adds, relu, pools, depthwise convolutions,
// zero padding, scalar products, flattening) commute with a positive scale per
// channel: dividing the first layer's output channel c by r_c and multiplying
// the second layer's weights of that channel by r_c computes the same function.
// With r_c = (channel c's calibrated magnitude) / (the largest), every channel
// of the activations between them spans the same range, so a per-tensor
// activation quantization gives each channel all its levels: per-channel
// activation scales, folded into the weights (cross-layer equalization,
// Nagel et al. 2019, aimed at the activations).
//
// Products of encrypted tensors are homogeneous too, of higher degree: a
// square (x * x) scales by r_c^2, and a product by a value that does not
// depend on the first layer (a gate relu(W1 x) * sigmoid(W2 x)) scales with
// its scaled factor. Each value of the chain has a degree p (its scale is
// r_c^p); the second layer's weights take r_c^p, so a product's or a
// square's result reaches the next layer with per-channel scales, which
// qfhe.mul's and qfhe.apply's per-tensor result types cannot give.
//
//===----------------------------------------------------------------------===//

#include "Quantize/Classify.h"
#include "qfhe/Analysis/ConstantValues.h"
#include "qfhe/Analysis/RangeAnalysis.h"
#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"
#include "qfhe/Support/ChannelLayout.h"
#include "qfhe/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Threading.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_EQUALIZECHANNELS
#include "qfhe/Transforms/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// A constant operand whose values move with the channels: operand
/// `operand` of `op`, its dimension `dim` indexing the channels.
struct ChannelConstant {
  Operation *op;
  unsigned operand;
  int64_t dim;
  /// The chain value the op reads (an index into Chain::values).
  size_t valueIndex;
  /// The degree of the data the constant is added to: it scales by
  /// r_c^degree.
  unsigned degree;
};

/// The ops between two layers and how their values map to the first
/// layer's output channels.
struct Chain {
  /// Every value from the first layer's result to the second layer's input.
  SmallVector<Value> values;
  /// For each value, the axis holding the channels and the first layer's
  /// channel of each index along it.
  SmallVector<std::pair<int64_t, SmallVector<int64_t>>> channelsOf;
  /// For each value, its degree: it scales by r_c^degree (1 after linear
  /// and positively homogeneous ops, 2 after a square, ...).
  SmallVector<unsigned> degreeOf;
  /// Bias constants, divided by the factors of their channels.
  SmallVector<ChannelConstant> biases;
  /// The second layer and the dimension of its weights indexing the input.
  Operation *consumer = nullptr;
  int64_t consumerDim = 0;
};

/// Constant float elements of a value.
DenseFPElementsAttr constantElements(Value value) {
  DenseFPElementsAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    return attr;
  return {};
}

/// Whether a value is a float zero (a scalar or a splat).
bool isZero(Value value) { return matchPattern(value, m_AnyZeroFloat()); }

/// Whether a linalg init is filled with 0 or an infinity (values every
/// positive scale keeps) or, for the maxima of windows (`isMax`), with the
/// lowest finite float (what tosa.max_pool2d starts from): no finite
/// element is below it, so the maximum is the window's and scales with it.
bool isScaleInvariantFill(Value init, bool isMax) {
  if (isZeroFilled(init))
    return true;
  auto fill = init.getDefiningOp<linalg::FillOp>();
  FloatAttr value;
  if (!fill || !matchPattern(fill.getInputs()[0], m_Constant(&value)))
    return false;
  const APFloat &v = value.getValue();
  return v.isInfinity() ||
         (isMax && v == APFloat::getLargest(v.getSemantics(), true));
}

/// Whether `op` is a layer with constant weights reading `input` along
/// channel axis 1 of a rank-4 (convolution) or rank-2 (matmul) tensor; sets
/// the dimension of its weights that indexes the input channels.
bool isConsumer(Operation *op, Value input, int64_t axis, int64_t &weightDim) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getDpsInputs().size() != 2 ||
      linalgOp.getDpsInputs()[0] != input || axis != 1 ||
      !constantElements(linalgOp.getDpsInputs()[1]))
    return false;
  if (isa<linalg::Conv2DNchwFchwOp>(op)) {
    weightDim = 1;
    return true;
  }
  if (auto matmul = dyn_cast<linalg::MatmulOp>(op)) {
    weightDim = 0;
    return !matmul.hasUserDefinedMaps() &&
           cast<ShapedType>(input.getType()).getRank() == 2;
  }
  return false;
}

/// How a value inside a linalg.generic body depends on the chain's data:
/// scaled (with a degree), a constant operand, zero, or free (computed from
/// tensors that do not depend on the chain, e.g. the other factor of a gate).
enum class Role { Scaled, Constant, Zero, Free };

/// The most a chain's degree grows (x^8): beyond it the factors' powers
/// leave double's comfortable range for nothing a model needs.
constexpr unsigned kLargestDegree = 8;

/// The degree of the result of an elementwise linalg.generic of the chain
/// value `input` (of degree `degree`), constants and tensors that do not
/// depend on the chain, if it keeps scaling per channel: bias adds (whose
/// constants then scale), products and quotients by constants or by free
/// values (a gate), products of scaled values (a square: the degrees add),
/// max/min with zero, negation. Records the bias operands. (Every chain
/// value has one data user, the next op of the chain, so no other operand of
/// that op can depend on the chain.)
std::optional<unsigned> homogeneousDegree(linalg::GenericOp generic,
                                          Value input, int64_t axis,
                                          unsigned degree, Chain &chain) {
  if (generic.getNumDpsInits() != 1 || generic.getNumResults() != 1 ||
      llvm::any_of(generic.getIteratorTypesArray(),
                   [](utils::IteratorType type) {
                     return type != utils::IteratorType::parallel;
                   }))
    return std::nullopt;
  auto maps = generic.getIndexingMapsArray();
  Block &body = generic.getRegion().front();
  DenseMap<Value, Role> roles;
  DenseMap<Value, unsigned> degrees;
  DenseMap<Value, unsigned> operandOf;
  bool sawInput = false;
  for (OpOperand &operand : generic->getOpOperands()) {
    BlockArgument argument = body.getArgument(operand.getOperandNumber());
    if (generic.isDpsInit(&operand)) {
      if (!argument.use_empty() ||
          !maps[operand.getOperandNumber()].isIdentity())
        return std::nullopt;
      continue;
    }
    if (operand.get() == input) {
      if (sawInput || !maps[operand.getOperandNumber()].isIdentity())
        return std::nullopt;
      sawInput = true;
      roles[argument] = Role::Scaled;
      degrees[argument] = degree;
      continue;
    }
    if (!isConstant(operand.get())) {
      roles[argument] = Role::Free;
      continue;
    }
    roles[argument] = isZero(operand.get()) ? Role::Zero : Role::Constant;
    operandOf[argument] = operand.getOperandNumber();
  }
  auto roleOf = [&](Value value) -> std::optional<Role> {
    auto it = roles.find(value);
    if (it != roles.end())
      return it->second;
    if (value.getParentRegion() != &generic.getRegion() && isConstant(value))
      return isZero(value) ? Role::Zero : Role::Constant;
    return std::nullopt;
  };
  // Constant operands added to the data scale with it; those that multiply
  // must not: one operand cannot do both. A captured nonzero scalar added
  // to every channel cannot scale per channel.
  DenseSet<unsigned> additive, multiplicative;
  // The degree each added constant operand scales with.
  DenseMap<unsigned, unsigned> additiveDegree;
  auto noteConstant = [&](Value value, DenseSet<unsigned> &set) {
    if (auto it = operandOf.find(value); it != operandOf.end()) {
      set.insert(it->second);
      return true;
    }
    return &set == &multiplicative || *roleOf(value) == Role::Zero;
  };
  for (Operation &op : body.without_terminator()) {
    if (op.getNumResults() != 1)
      return std::nullopt;
    SmallVector<std::optional<Role>> operands;
    for (Value operand : op.getOperands())
      operands.push_back(roleOf(operand));
    if (llvm::any_of(operands, [](auto role) { return !role; }))
      return std::nullopt;
    auto scaled = [&](unsigned i) { return *operands[i] == Role::Scaled; };
    auto degreeOf = [&](unsigned i) {
      return degrees.lookup(op.getOperand(i));
    };
    if (matchPattern(op.getResult(0), m_Constant())) {
      // A constant in the body, as one captured from outside.
      roles[op.getResult(0)] =
          isZero(op.getResult(0)) ? Role::Zero : Role::Constant;
      continue;
    }
    if (llvm::none_of(llvm::seq<unsigned>(0, operands.size()), scaled)) {
      // Arithmetic of constants and free values does not scale.
      if (!isPure(&op))
        return std::nullopt;
      roles[op.getResult(0)] = Role::Free;
      continue;
    }
    // A free value (zero or not) may multiply or divide the data, never add.
    auto isFree = [&](Value value) { return *roleOf(value) == Role::Free; };
    std::optional<unsigned> result;
    if (isa<arith::AddFOp, arith::SubFOp>(op) && operands.size() == 2) {
      if (scaled(0) && scaled(1)) {
        if (degreeOf(0) == degreeOf(1))
          result = degreeOf(0);
      } else {
        unsigned data = scaled(0) ? 0 : 1;
        Value other = op.getOperand(1 - data);
        if (!isFree(other) &&
            (*roleOf(other) == Role::Zero || noteConstant(other, additive))) {
          result = degreeOf(data);
          if (auto it = operandOf.find(other); it != operandOf.end())
            if (!additiveDegree.try_emplace(it->second, *result).second &&
                additiveDegree[it->second] != *result)
              return std::nullopt;
        }
      }
    } else if (isa<arith::MulFOp>(op)) {
      if (scaled(0) && scaled(1)) {
        result = degreeOf(0) + degreeOf(1);
      } else {
        unsigned data = scaled(0) ? 0 : 1;
        Value other = op.getOperand(1 - data);
        if (isFree(other) || noteConstant(other, multiplicative))
          result = degreeOf(data);
      }
    } else if (isa<arith::DivFOp>(op) && scaled(0) && !scaled(1)) {
      if (isFree(op.getOperand(1)) ||
          noteConstant(op.getOperand(1), multiplicative))
        result = degreeOf(0);
    } else if (isa<arith::MaximumFOp, arith::MaxNumFOp, arith::MinimumFOp,
                   arith::MinNumFOp>(op) &&
               scaled(0) != scaled(1)) {
      if (*operands[scaled(0) ? 1 : 0] == Role::Zero)
        result = degreeOf(scaled(0) ? 0 : 1);
    } else if (isa<arith::NegFOp>(op) && scaled(0)) {
      result = degreeOf(0);
    }
    if (!result || *result > kLargestDegree)
      return std::nullopt;
    roles[op.getResult(0)] = Role::Scaled;
    degrees[op.getResult(0)] = *result;
  }
  Value yielded = body.getTerminator()->getOperand(0);
  if (!sawInput || roleOf(yielded) != Role::Scaled)
    return std::nullopt;
  for (unsigned operand : additive) {
    if (multiplicative.contains(operand))
      return std::nullopt;
    // The bias must vary along the channel axis only through one of its
    // dimensions (or not at all: then it is per tensor and cannot scale).
    AffineMap map = maps[operand];
    std::optional<int64_t> dim;
    for (unsigned i = 0; i < map.getNumResults(); ++i)
      if (auto expr = dyn_cast<AffineDimExpr>(map.getResult(i)))
        if (static_cast<int64_t>(expr.getPosition()) == axis)
          dim = i;
    if (!dim)
      return std::nullopt;
    chain.biases.push_back({generic, operand, *dim, chain.values.size() - 1,
                            additiveDegree.lookup(operand)});
  }
  return degrees.lookup(yielded);
}

/// The next value of the chain after `value` (its only data user), with
/// its channel axis and channel map; std::nullopt when the chain stops.
std::optional<Value> step(Value value, int64_t &axis, unsigned &degree,
                          SmallVector<int64_t> &channels, Chain &chain) {
  SmallVector<Operation *> users = getDataUsers(value);
  if (users.size() != 1)
    return std::nullopt;
  Operation *user = users.front();
  if (isConsumer(user, value, axis, chain.consumerDim)) {
    chain.consumer = user;
    return Value();
  }
  if (auto generic = dyn_cast<linalg::GenericOp>(user)) {
    std::optional<unsigned> next =
        homogeneousDegree(generic, value, axis, degree, chain);
    if (!next)
      return std::nullopt;
    degree = *next;
    return generic->getResult(0);
  }
  // Pools and depthwise convolutions compute each channel from itself.
  if (isa<linalg::PoolingNchwSumOp, linalg::PoolingNchwMaxOp,
          linalg::DepthwiseConv2DNchwChwOp>(user)) {
    auto windowed = cast<linalg::LinalgOp>(user);
    if (axis != 1 || windowed.getDpsInputs()[0] != value ||
        !isScaleInvariantFill(windowed.getDpsInits()[0],
                              isa<linalg::PoolingNchwMaxOp>(user)))
      return std::nullopt;
    return user->getResult(0);
  }
  if (auto pad = dyn_cast<tensor::PadOp>(user)) {
    Value padding = pad.getConstantPaddingValue();
    if (!padding || !isZero(padding) || pad.getStaticLow()[axis] != 0 ||
        pad.getStaticHigh()[axis] != 0)
      return std::nullopt;
    return pad.getResult();
  }
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(user)) {
    ArrayRef<int64_t> shape = collapse.getSrcType().getShape();
    for (auto [group, dims] :
         llvm::enumerate(collapse.getReassociationIndices())) {
      if (!llvm::is_contained(dims, axis))
        continue;
      // Row-major flattening of the group's dimensions.
      int64_t inner = 1, outer = 1;
      for (int64_t dim : dims) {
        if (ShapedType::isDynamic(shape[dim]))
          return std::nullopt;
        if (dim > axis)
          inner *= shape[dim];
        if (dim < axis)
          outer *= shape[dim];
      }
      SmallVector<int64_t> flattened;
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t channel : channels)
          flattened.append(inner, channel);
      channels = std::move(flattened);
      axis = group;
      return collapse.getResult();
    }
  }
  return std::nullopt;
}

/// The observed channel intervals of `value` along `axis`, if recorded
/// with `count` channels.
std::optional<SmallVector<Interval>> observedChannels(Value value, int64_t axis,
                                                      size_t count) {
  std::optional<TensorRange> range = getObservedRange(value);
  if (!range || range->getAxis() != axis ||
      range->getChannels().size() != count)
    return std::nullopt;
  return SmallVector<Interval>(range->getChannels());
}

/// A new constant: `elements` with every value multiplied by the factor of
/// its index along `dim`.
Value scaledConstant(OpBuilder &b, Location loc, DenseFPElementsAttr elements,
                     int64_t dim, ArrayRef<double> factorOf) {
  auto type = cast<ShapedType>(elements.getType());
  int64_t inner = 1;
  for (int64_t d = dim + 1; d < type.getRank(); ++d)
    inner *= type.getDimSize(d);
  int64_t size = type.getDimSize(dim);
  if (type.getElementType().isF32()) {
    // The common case, without APFloat: the product is rounded to float
    // (to nearest, ties to even) as APFloat::convert would.
    SmallVector<float> values;
    values.reserve(type.getNumElements());
    ChannelCursor cursor({size, inner});
    for (float value : elements.getValues<float>()) {
      values.push_back(static_cast<float>(static_cast<double>(value) *
                                          factorOf[cursor.channel()]));
      cursor.next();
    }
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, ArrayRef<float>(values)));
  }
  SmallVector<APFloat> values;
  ChannelCursor cursor({size, inner});
  for (APFloat value : elements.getValues<APFloat>()) {
    double scaled = value.convertToDouble() * factorOf[cursor.channel()];
    cursor.next();
    APFloat result(scaled);
    bool lost;
    result.convert(value.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
    values.push_back(result);
  }
  return arith::ConstantOp::create(b, loc,
                                   DenseFPElementsAttr::get(type, values));
}

/// Replaces operand `operand` of `op` (a constant) with its values scaled
/// along `dim` by `factorOf`.
void scaleOperand(Operation *op, unsigned operand, int64_t dim,
                  ArrayRef<double> factorOf) {
  OpBuilder b(op);
  Value old = op->getOperand(operand);
  op->setOperand(operand, scaledConstant(b, op->getLoc(), constantElements(old),
                                         dim, factorOf));
  if (Operation *constant = old.getDefiningOp(); constant && old.use_empty())
    constant->erase();
}

/// Follows the scaling of `consumer`'s weights along `dim` by `factorOf`
/// (its input's channels divided by the same) in the second moments
/// calibration recorded of its inputs: entry (i, j) is divided by the factors
/// of inputs i and j. Drops them where the weights' layout is not the one
/// calibration records (a matmul's terms, a convolution's windows).
void rescaleInputGram(Operation *consumer, int64_t dim,
                      ArrayRef<double> factorOf) {
  auto entry = consumer->getAttrOfType<DictionaryAttr>(kInputGramAttr);
  auto gram =
      entry ? entry.getAs<DenseFPElementsAttr>("second_moments") : nullptr;
  if (!gram)
    return;
  auto weights = cast<ShapedType>(consumer->getOperand(1).getType());
  int64_t terms = gram.getType().getDimSize(0);
  // The weights of an output channel along `dim`, each repeated `inner`
  // times (a convolution's window).
  int64_t inner = 0;
  if (isa<linalg::MatmulOp>(consumer) && dim == 0)
    inner = 1;
  else if (isa<linalg::Conv2DNchwFchwOp>(consumer) && dim == 1)
    inner = weights.getDimSize(2) * weights.getDimSize(3);
  if (inner == 0 || terms != static_cast<int64_t>(factorOf.size()) * inner) {
    consumer->removeAttr(kInputGramAttr);
    return;
  }
  SmallVector<double> entries = getElementsAsDoubles(gram);
  SmallVector<float> scaled(entries.size());
  for (int64_t i = 0; i < terms; ++i)
    for (int64_t j = 0; j < terms; ++j)
      scaled[i * terms + j] = static_cast<float>(
          entries[i * terms + j] / (factorOf[i / inner] * factorOf[j / inner]));
  NamedAttrList updated(entry);
  updated.set("second_moments",
              DenseElementsAttr::get(gram.getType(), ArrayRef(scaled)));
  consumer->setAttr(kInputGramAttr,
                    updated.getDictionary(consumer->getContext()));
}

struct EqualizeChannelsPass
    : qfhe::impl::EqualizeChannelsBase<EqualizeChannelsPass> {
  using EqualizeChannelsBase::EqualizeChannelsBase;

  /// The most a channel's range is widened.
  static constexpr double kLargestGain = 256.0;

  /// Equalizes the chain after `producer` if there is one; returns whether
  /// it did.
  bool equalize(linalg::LinalgOp producer) {
    int64_t producerDim;
    if (isa<linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp>(
            producer))
      producerDim = 0;
    else if (auto matmul = dyn_cast<linalg::MatmulOp>(*producer);
             matmul && !matmul.hasUserDefinedMaps() &&
             cast<ShapedType>(matmul.getDpsInputs()[0].getType()).getRank() ==
                 2)
      producerDim = 1;
    else
      return false;
    DenseFPElementsAttr weights = constantElements(producer.getDpsInputs()[1]);
    if (!weights || !isZeroFilled(producer.getDpsInits()[0]))
      return false;
    int64_t count = cast<ShapedType>(weights.getType()).getDimSize(producerDim);
    Chain chain;
    int64_t axis = 1;
    // The first layer's channels, and where each value holds them.
    SmallVector<int64_t> identity =
        llvm::to_vector(llvm::seq<int64_t>(0, count));
    SmallVector<int64_t> channels = identity;
    Value value = producer->getResult(0);
    unsigned degree = 1;
    while (value) {
      chain.values.push_back(value);
      chain.channelsOf.push_back({axis, channels});
      chain.degreeOf.push_back(degree);
      std::optional<Value> next = step(value, axis, degree, channels, chain);
      if (!next)
        return false;
      value = *next;
    }
    // Every value between the layers must carry per-channel calibration:
    // their ranges scale with the channels.
    SmallVector<SmallVector<Interval>> observed;
    for (auto [v, mapping] : llvm::zip(chain.values, chain.channelsOf)) {
      std::optional<SmallVector<Interval>> intervals =
          observedChannels(v, mapping.first, mapping.second.size());
      if (!intervals)
        return false;
      observed.push_back(std::move(*intervals));
    }
    // The magnitude of each first-layer channel where the second layer
    // reads it.
    SmallVector<double> magnitude(count, 0.0);
    for (auto [index, interval] : llvm::enumerate(observed.back())) {
      int64_t channel = chain.channelsOf.back().second[index];
      magnitude[channel] =
          std::max({magnitude[channel], std::fabs(interval.getLo()),
                    std::fabs(interval.getHi())});
    }
    double largest = *llvm::max_element(magnitude);
    if (!(largest > 0) || !std::isfinite(largest))
      return false;
    // The second layer reads channel c at r_c^degree: r_c is the
    // degree-th root of the magnitude's ratio.
    unsigned readDegree = chain.degreeOf.back();
    SmallVector<double> factor(count);
    for (int64_t c = 0; c < count; ++c) {
      // Channels that never vary keep their scale; nearly silent ones grow
      // at most kLargestGain times where the second layer reads them (their
      // weights stay finite).
      factor[c] =
          magnitude[c] > 0
              ? std::pow(std::max(magnitude[c] / largest, 1.0 / kLargestGain),
                         1.0 / readDegree)
              : 1.0;
    }
    if (llvm::all_of(factor, [](double f) { return f == 1.0; }))
      return false;
    // The factor of each channel at a degree: r_c^degree.
    auto factorsAt = [&](ArrayRef<int64_t> channelOf, unsigned degree,
                         bool invert) {
      SmallVector<double> byIndex;
      for (int64_t channel : channelOf) {
        double power = std::pow(factor[channel], degree);
        byIndex.push_back(invert ? 1.0 / power : power);
      }
      return byIndex;
    };

    scaleOperand(producer, 1, producerDim,
                 factorsAt(identity, 1, /*invert=*/true));
    for (const ChannelConstant &bias : chain.biases)
      scaleOperand(bias.op, bias.operand, bias.dim,
                   factorsAt(chain.channelsOf[bias.valueIndex].second,
                             bias.degree, /*invert=*/true));
    SmallVector<double> consumerFactors =
        factorsAt(chain.channelsOf.back().second, readDegree, /*invert=*/false);
    scaleOperand(chain.consumer, 1, chain.consumerDim, consumerFactors);
    rescaleInputGram(chain.consumer, chain.consumerDim, consumerFactors);

    // The calibration statistics follow the values: each value's rescaled
    // statistics (the mixture quantiles of its channels) computed on the
    // context's threads, then recorded in order.
    MLIRContext *ctx = &getContext();
    SmallVector<Attribute> rescaled(chain.values.size());
    parallelFor(ctx, 0, chain.values.size(), [&](size_t i) {
      const auto &mapping = chain.channelsOf[i];
      SmallVector<double> factors =
          factorsAt(mapping.second, chain.degreeOf[i], /*invert=*/true);
      SmallVector<Interval> scaled;
      for (auto [index, interval] : llvm::enumerate(observed[i])) {
        double f = factors[index];
        scaled.push_back(Interval(interval.getLo() * f, interval.getHi() * f));
      }
      auto result = cast<OpResult>(chain.values[i]);
      Attribute entry = result.getOwner()
                            ->getAttrOfType<ArrayAttr>(kObservedRangeAttr)
                            .getValue()[result.getResultNumber()];
      if (auto statistics = dyn_cast<ObservedAttr>(entry))
        rescaled[i] = statistics.scaleChannels(factors);
      else
        rescaled[i] =
            TensorRange::perChannel(mapping.first, scaled).toAttribute(ctx);
    });
    for (auto [v, entry] : llvm::zip(chain.values, rescaled)) {
      auto result = cast<OpResult>(v);
      Operation *owner = result.getOwner();
      SmallVector<Attribute> perResult(
          owner->getAttrOfType<ArrayAttr>(kObservedRangeAttr).getValue());
      perResult[result.getResultNumber()] = entry;
      owner->setAttr(kObservedRangeAttr, ArrayAttr::get(ctx, perResult));
    }
    if (printChoices)
      producer->emitRemark()
          << "equalized " << count << " channels up to "
          << chain.consumer->getName() << ": smallest factor "
          << *llvm::min_element(factor);
    return true;
  }

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> producers;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp,
              linalg::MatmulOp>(op))
        producers.push_back(op);
    });
    for (linalg::LinalgOp producer : producers)
      equalize(producer);
  }
};

} // namespace
