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
//===----------------------------------------------------------------------===//

#include "Quantize/Classify.h"
#include "qfhe/Analysis/RangeAnalysis.h"
#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"
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
};

/// The ops between two layers and how their values map to the first
/// layer's output channels.
struct Chain {
  /// Every value from the first layer's result to the second layer's input.
  SmallVector<Value> values;
  /// For each value, the axis holding the channels and the first layer's
  /// channel of each index along it.
  SmallVector<std::pair<int64_t, SmallVector<int64_t>>> channelsOf;
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

/// How a value inside a linalg.generic body depends on the chain's data.
enum class Role { Scaled, Constant, Zero };

/// Whether an elementwise linalg.generic of the chain value `input` and
/// constants keeps scaling per channel: bias adds (whose constants then
/// scale), products and quotients by constants, max/min with zero,
/// negation. Records the bias operands.
bool isHomogeneousGeneric(linalg::GenericOp generic, Value input, int64_t axis,
                          Chain &chain) {
  if (generic.getNumDpsInits() != 1 || generic.getNumResults() != 1 ||
      llvm::any_of(generic.getIteratorTypesArray(),
                   [](utils::IteratorType type) {
                     return type != utils::IteratorType::parallel;
                   }))
    return false;
  auto maps = generic.getIndexingMapsArray();
  Block &body = generic.getRegion().front();
  DenseMap<Value, Role> roles;
  DenseMap<Value, unsigned> operandOf;
  bool sawInput = false;
  for (OpOperand &operand : generic->getOpOperands()) {
    BlockArgument argument = body.getArgument(operand.getOperandNumber());
    if (generic.isDpsInit(&operand)) {
      if (!argument.use_empty() ||
          !maps[operand.getOperandNumber()].isIdentity())
        return false;
      continue;
    }
    if (operand.get() == input) {
      if (sawInput || !maps[operand.getOperandNumber()].isIdentity())
        return false;
      sawInput = true;
      roles[argument] = Role::Scaled;
      continue;
    }
    if (!isConstant(operand.get()))
      return false;
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
  auto noteConstant = [&](Value value, DenseSet<unsigned> &set) {
    if (auto it = operandOf.find(value); it != operandOf.end()) {
      set.insert(it->second);
      return true;
    }
    return &set == &multiplicative || *roleOf(value) == Role::Zero;
  };
  for (Operation &op : body.without_terminator()) {
    if (op.getNumResults() != 1)
      return false;
    SmallVector<std::optional<Role>> operands;
    for (Value operand : op.getOperands())
      operands.push_back(roleOf(operand));
    if (llvm::any_of(operands, [](auto role) { return !role; }))
      return false;
    auto scaled = [&](unsigned i) { return *operands[i] == Role::Scaled; };
    bool ok = false;
    if (isa<arith::AddFOp, arith::SubFOp>(op) && operands.size() == 2 &&
        scaled(0) != scaled(1)) {
      Value other = op.getOperand(scaled(0) ? 1 : 0);
      ok = *roleOf(other) == Role::Zero || noteConstant(other, additive);
    } else if (isa<arith::MulFOp>(op) && scaled(0) != scaled(1)) {
      ok = noteConstant(op.getOperand(scaled(0) ? 1 : 0), multiplicative);
    } else if (isa<arith::DivFOp>(op) && scaled(0) && !scaled(1)) {
      ok = noteConstant(op.getOperand(1), multiplicative);
    } else if (isa<arith::MaximumFOp, arith::MaxNumFOp, arith::MinimumFOp,
                   arith::MinNumFOp>(op) &&
               scaled(0) != scaled(1)) {
      ok = *operands[scaled(0) ? 1 : 0] == Role::Zero;
    } else if (isa<arith::NegFOp>(op) && scaled(0)) {
      ok = true;
    }
    if (!ok)
      return false;
    roles[op.getResult(0)] = Role::Scaled;
  }
  Value yielded = body.getTerminator()->getOperand(0);
  if (!sawInput || roleOf(yielded) != Role::Scaled)
    return false;
  for (unsigned operand : additive) {
    if (multiplicative.contains(operand))
      return false;
    // The bias must vary along the channel axis only through one of its
    // dimensions (or not at all: then it is per tensor and cannot scale).
    AffineMap map = maps[operand];
    std::optional<int64_t> dim;
    for (unsigned i = 0; i < map.getNumResults(); ++i)
      if (auto expr = dyn_cast<AffineDimExpr>(map.getResult(i)))
        if (static_cast<int64_t>(expr.getPosition()) == axis)
          dim = i;
    if (!dim)
      return false;
    chain.biases.push_back({generic, operand, *dim, chain.values.size() - 1});
  }
  return true;
}

/// The next value of the chain after `value` (its only data user), with
/// its channel axis and channel map; std::nullopt when the chain stops.
std::optional<Value> step(Value value, int64_t &axis,
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
    if (!isHomogeneousGeneric(generic, value, axis, chain))
      return std::nullopt;
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
    int64_t index = 0;
    for (float value : elements.getValues<float>())
      values.push_back(static_cast<float>(static_cast<double>(value) *
                                          factorOf[(index++ / inner) % size]));
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, ArrayRef<float>(values)));
  }
  SmallVector<APFloat> values;
  int64_t index = 0;
  for (APFloat value : elements.getValues<APFloat>()) {
    double scaled =
        value.convertToDouble() * factorOf[(index++ / inner) % size];
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
    SmallVector<int64_t> channels(count);
    for (int64_t c = 0; c < count; ++c)
      channels[c] = c;
    Value value = producer->getResult(0);
    while (value) {
      chain.values.push_back(value);
      chain.channelsOf.push_back({axis, channels});
      std::optional<Value> next = step(value, axis, channels, chain);
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
    SmallVector<double> factor(count), inverse(count);
    for (int64_t c = 0; c < count; ++c) {
      // Channels that never vary keep their scale; nearly silent ones grow
      // at most kLargestGain times (their weights stay finite).
      factor[c] = magnitude[c] > 0
                      ? std::max(magnitude[c] / largest, 1.0 / kLargestGain)
                      : 1.0;
      inverse[c] = 1.0 / factor[c];
    }
    if (llvm::all_of(factor, [](double f) { return f == 1.0; }))
      return false;

    scaleOperand(producer, 1, producerDim, inverse);
    for (const ChannelConstant &bias : chain.biases) {
      const auto &mapping = chain.channelsOf[bias.valueIndex];
      SmallVector<double> byIndex;
      for (int64_t channel : mapping.second)
        byIndex.push_back(inverse[channel]);
      scaleOperand(bias.op, bias.operand, bias.dim, byIndex);
    }
    const auto &consumerMapping = chain.channelsOf.back().second;
    SmallVector<double> consumerFactor;
    for (int64_t channel : consumerMapping)
      consumerFactor.push_back(factor[channel]);
    scaleOperand(chain.consumer, 1, chain.consumerDim, consumerFactor);

    // The calibration statistics follow the values: each value's rescaled
    // statistics (the mixture quantiles of its channels) computed on the
    // context's threads, then recorded in order.
    MLIRContext *ctx = &getContext();
    SmallVector<Attribute> rescaled(chain.values.size());
    parallelFor(ctx, 0, chain.values.size(), [&](size_t i) {
      const auto &mapping = chain.channelsOf[i];
      SmallVector<double> factors;
      SmallVector<Interval> scaled;
      for (auto [index, interval] : llvm::enumerate(observed[i])) {
        double f = inverse[mapping.second[index]];
        factors.push_back(f);
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
