//===- QuantizeElementwise.cpp - quantize elementwise functions -----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A chain of univariate elementwise generics becomes one qfhe.apply whose
// body is the chain's float arithmetic (one table at the integer level),
// built on the chain's last link; the other links die. A bias add at the
// head of a chain applied to an accumulator folds into the linear op
// instead, exactly: bias / (input_scale * weight_scale). Binary arithmetic
// of two tensors becomes qfhe.add, qfhe.sub or qfhe.mul.
//
//===----------------------------------------------------------------------===//

#include "QuantizationPlan.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"
#include "qfhe/Support/QuantMath.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// The element type a chain link reads its data in, and writes.
std::pair<Type, Type> linkTypes(const UnivariateGeneric &link) {
  Operation *op = link.op;
  return {getElementTypeOrSelf(op->getOperand(link.dataOperand).getType()),
          getElementTypeOrSelf(op->getResult(0).getType())};
}

/// Collects the chain of univariate generics that starts at `head`: each
/// next link reads the previous one's only use, in the same float type,
/// with per-channel constants along the same dimension.
SmallVector<UnivariateGeneric> collectChain(QuantizationPlan &quantizer,
                                            UnivariateGeneric head) {
  SmallVector<UnivariateGeneric> chain{head};
  std::optional<int64_t> channel = head.channelDim;
  Value last = head.op->getResult(0);
  while (true) {
    SmallVector<Operation *> users = getDataUsers(last);
    if (users.size() != 1)
      break;
    auto next = dyn_cast<linalg::GenericOp>(users.front());
    if (!next || quantizer.isClientOutputOp(next))
      break;
    std::optional<UnivariateGeneric> link = matchUnivariate(next);
    if (!link || next->getOperand(link->dataOperand) != last ||
        linkTypes(*link).first != linkTypes(*link).second ||
        linkTypes(*link).first != linkTypes(head).first)
      break;
    if (link->channelDim && channel && link->channelDim != channel)
      break;
    if (link->channelDim)
      channel = link->channelDim;
    chain.push_back(*link);
    last = next->getResult(0);
  }
  return chain;
}

/// If `link` adds a constant (per output channel or scalar) to the data,
/// the constant's values.
std::optional<SmallVector<double>> matchBiasAdd(const UnivariateGeneric &link) {
  Block &body = *link.op.getBlock();
  if (body.getOperations().size() != 2 || link.constantValues.size() != 1)
    return std::nullopt;
  auto add = dyn_cast<arith::AddFOp>(body.front());
  if (!add || body.getTerminator()->getOperand(0) != add.getResult())
    return std::nullopt;
  Value data = body.getArgument(link.dataOperand);
  if (add.getLhs() != data && add.getRhs() != data)
    return std::nullopt;
  return link.constantValues.begin()->second;
}

/// Plans the fold of a bias into the linear op whose accumulator `read`
/// reads; false when it does not apply.
bool planBiasFold(QuantizationPlan &quantizer, const QuantizedRead &read,
                  ArrayRef<double> bias, std::optional<int64_t> biasDim) {
  Operation *producer = read.value.getDefiningOp();
  LinearPlan *linear = producer ? quantizer.findLinear(producer) : nullptr;
  if (!linear || !linear->weightType || linear->biasType ||
      getDataUsers(read.value).size() != 1 ||
      !quantizer.isAccumulatorRead(read))
    return false;
  auto type = cast<RankedTensorType>(read.value.getType());
  int64_t channelDim = isa<linalg::MatmulOp, linalg::BatchMatmulOp>(producer)
                           ? type.getRank() - 1
                           : 1;
  int64_t channels = type.getDimSize(channelDim);
  if (bias.size() != 1 &&
      (biasDim != channelDim || static_cast<int64_t>(bias.size()) != channels))
    return false;
  QuantParams params = *QuantParams::get(read.type);
  IntegerRange storage = params.getStorageRange();
  linear->bias.clear();
  for (int64_t channel = 0; channel < channels; ++channel) {
    double real = bias[bias.size() == 1 ? 0 : channel];
    if (static_cast<int64_t>(linear->biasCorrection.size()) == channels)
      real += linear->biasCorrection[channel];
    linear->bias.push_back(
        quantizeValue(real, params.getScale(channel), 0, storage));
  }
  // The bias has the accumulator's parameters, per axis 0 of its one
  // dimension.
  quant::QuantizedType element = getUniformType(
      params.getExpressedType(), params.getStorageWidth(), params.isSigned(),
      params.getScales(), params.getZeroPoints(),
      params.isPerAxis() ? std::optional<int64_t>(0) : std::nullopt);
  linear->biasType = RankedTensorType::get({channels}, element);
  return true;
}

PlanResult planChain(QuantizationPlan &quantizer, UnivariateGeneric head) {
  Operation *op = head.op;
  auto [inType, outType] = linkTypes(head);
  if (inType != outType)
    return op->emitError() << "cannot quantize: elementwise op converting "
                           << inType << " to " << outType;
  SmallVector<UnivariateGeneric> chain = collectChain(quantizer, head);
  Value input = op->getOperand(head.dataOperand);
  Value output = chain.back().op->getResult(0);
  FailureOr<QuantizedRead> source = quantizer.getQuantized(input, op);
  if (failed(source))
    return failure();
  for (const UnivariateGeneric &link : chain)
    quantizer.setConsumed(link.op);
  QuantizedRead read = *source;
  ArrayRef<UnivariateGeneric> rest = chain;
  if (std::optional<SmallVector<double>> bias = matchBiasAdd(chain.front()))
    if (planBiasFold(quantizer, read, *bias, chain.front().channelDim)) {
      // The bias add's result is the accumulator (with the bias).
      Operation *biasAdd = chain.front().op;
      quantizer.setFoldedBias(biasAdd);
      quantizer.setType(biasAdd->getResult(0), read.type,
                        /*accumulator=*/true);
      read = QuantizedRead{biasAdd->getResult(0), read.type};
      rest = rest.drop_front();
    }
  if (rest.empty())
    return success();

  FailureOr<quant::QuantizedType> params = quantizer.chooseParams(
      output, quantizer.resultBits(output),
      quantizer.getOptions().symmetricActivations, chain.back().op);
  if (failed(params))
    return failure();
  std::optional<int64_t> channel;
  for (const UnivariateGeneric &link : rest)
    if (link.channelDim)
      channel = link.channelDim;
  quantizer.setType(output, *params, /*accumulator=*/false);
  quantizer.setTable(chain.back().op,
                     TablePlan{read, SmallVector<UnivariateGeneric>(rest),
                               channel, inType, op->getLoc()});
  return success();
}

PlanResult planBinary(QuantizationPlan &quantizer, linalg::GenericOp op,
                      const BinaryGeneric &binary) {
  // The factors of a product are added and subtracted exactly by its
  // integer lowering (the squares trick): they are read as activations of
  // the bits the product wants (QuantizationPlan::desiredBits), an
  // accumulator requantized first.
  auto read = [&](Value value) {
    return binary.kind == BinaryKind::Mul ? quantizer.getActivation(value, op)
                                          : quantizer.getQuantized(value, op);
  };
  FailureOr<QuantizedRead> lhs = read(binary.lhs);
  if (failed(lhs))
    return failure();
  FailureOr<QuantizedRead> rhs = read(binary.rhs);
  if (failed(rhs))
    return failure();
  Value output = op->getResult(0);
  FailureOr<quant::QuantizedType> params =
      quantizer.chooseParams(output, quantizer.resultBits(output),
                             quantizer.getOptions().symmetricActivations, op);
  if (failed(params))
    return failure();
  quantizer.setType(output, *params, /*accumulator=*/false);
  quantizer.setBinary(op, BinaryPlan{binary.kind, *lhs, *rhs});
  return success();
}

/// Every planned linalg.generic: a folded bias (replaced by the
/// accumulator), the last link of a table, binary arithmetic, a sum
/// reduction.
struct GenericPattern : PlannedPattern<linalg::GenericOp> {
  using PlannedPattern::PlannedPattern;

  LogicalResult
  matchAndRewrite(linalg::GenericOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (plan.isFoldedBias(op)) {
      unsigned data = matchUnivariate(op)->dataOperand;
      rewriter.replaceOp(op, adaptor.getOperands()[data]);
      return success();
    }
    if (const TablePlan *table = plan.getTable(op)) {
      Value input = plan.materialize(rewriter, table->input);
      auto apply = ApplyOp::create(
          rewriter, *table->loc, resultType(op), input,
          table->channel ? rewriter.getI64IntegerAttr(*table->channel)
                         : IntegerAttr());
      {
        OpBuilder::InsertionGuard guard(rewriter);
        buildApplyBody(rewriter, apply, table->links, table->floatType,
                       table->channel.has_value());
      }
      rewriter.replaceOp(op, apply.getResult());
      return success();
    }
    if (const BinaryPlan *binary = plan.getBinary(op)) {
      Value lhs = plan.materialize(rewriter, binary->lhs);
      Value rhs = plan.materialize(rewriter, binary->rhs);
      RankedTensorType type = resultType(op);
      Value result;
      switch (binary->kind) {
      case BinaryKind::Add:
        result = AddOp::create(rewriter, op.getLoc(), type, lhs, rhs);
        break;
      case BinaryKind::Sub:
        result = SubOp::create(rewriter, op.getLoc(), type, lhs, rhs);
        break;
      case BinaryKind::Mul:
        result = MulOp::create(rewriter, op.getLoc(), type, lhs, rhs);
        break;
      }
      rewriter.replaceOp(op, result);
      return success();
    }
    if (const LinearPlan *linear = plan.getLinear(op)) {
      Value input = plan.materialize(rewriter, linear->input);
      rewriter.replaceOp(op,
                         createReduceSum(rewriter, op, input, resultType(op)));
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not planned");
  }
};

} // namespace

PlanResult mlir::qfhe::planElementwiseOp(QuantizationPlan &plan,
                                         Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic)
    return std::nullopt;
  if (std::optional<BinaryGeneric> binary = matchBinary(generic))
    return planBinary(plan, generic, *binary);
  if (std::optional<UnivariateGeneric> univariate = matchUnivariate(generic))
    return planChain(plan, *univariate);
  return std::nullopt;
}

void mlir::qfhe::populateElementwiseQuantizePatterns(
    const TypeConverter &converter, QuantizationPlan &plan,
    RewritePatternSet &patterns) {
  patterns.add<GenericPattern>(converter, plan);
}
