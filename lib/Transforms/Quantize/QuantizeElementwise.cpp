//===- QuantizeElementwise.cpp - quantize elementwise functions -----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A chain of univariate elementwise generics becomes one qfhe.apply whose
// body is the chain's float arithmetic (one table at the integer level).
// A bias add at the head of a chain applied to an accumulator folds into
// the linear op instead, exactly: bias / (input_scale * weight_scale).
// Binary arithmetic of two tensors becomes qfhe.add, qfhe.sub or qfhe.mul.
//
//===----------------------------------------------------------------------===//

#include "Classify.h"
#include "Quantizer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
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
SmallVector<UnivariateGeneric> collectChain(Quantizer &quantizer,
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

/// Folds a bias into the linear op producing `accumulator`; the new
/// accumulator, or std::nullopt when it does not apply.
std::optional<QValue> foldBias(Quantizer &quantizer, const QValue &accumulator,
                               ArrayRef<double> bias, Value floatInput,
                               std::optional<int64_t> biasDim) {
  Operation *producer = accumulator.value.getDefiningOp();
  if (!producer || getDataUsers(floatInput).size() != 1 ||
      !isa<MatmulOp, Conv2DOp>(producer))
    return std::nullopt;
  auto type = cast<RankedTensorType>(accumulator.value.getType());
  int64_t channelDim = isa<MatmulOp>(producer) ? type.getRank() - 1 : 1;
  int64_t channels = type.getDimSize(channelDim);
  if (bias.size() != 1 &&
      (biasDim != channelDim || static_cast<int64_t>(bias.size()) != channels))
    return std::nullopt;
  QuantParams params = accumulator.getParams();
  IntegerRange storage = params.getStorageRange();
  SmallVector<int64_t> values;
  for (int64_t channel = 0; channel < channels; ++channel) {
    double real = bias[bias.size() == 1 ? 0 : channel];
    values.push_back(quantizeValue(real, params.getScale(channel), 0, storage));
  }
  if (producer->getNumOperands() > 2)
    return std::nullopt;
  OpBuilder &b = quantizer.getBuilder();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfter(producer);
  // The bias has the accumulator's parameters, per axis 0 of its one
  // dimension.
  quant::QuantizedType biasElement = getUniformType(
      params.getExpressedType(), params.getStorageWidth(), params.isSigned(),
      params.getScales(), params.getZeroPoints(),
      params.isPerAxis() ? std::optional<int64_t>(0) : std::nullopt);
  Value biasValue = createQuantizedConstant(
      b, producer->getLoc(), RankedTensorType::get({channels}, biasElement),
      values);
  Operation *folded;
  if (auto matmul = dyn_cast<MatmulOp>(producer))
    folded =
        MatmulOp::create(b, matmul.getLoc(), matmul.getType(), matmul.getLhs(),
                         matmul.getRhs(), biasValue, matmul.getChunksAttr());
  else {
    auto conv = cast<Conv2DOp>(producer);
    folded = Conv2DOp::create(
        b, conv.getLoc(), conv.getType(), conv.getInput(), conv.getFilter(),
        biasValue, conv.getStridesAttr(), conv.getDilationsAttr(),
        conv.getPaddingAttr(), conv.getGroupsAttr(), conv.getChunksAttr());
  }
  producer->getResult(0).replaceAllUsesWith(folded->getResult(0));
  producer->erase();
  return QValue{folded->getResult(0), true};
}

/// Builds the body of a qfhe.apply from the chain links, in order.
void buildApplyBody(OpBuilder &b, ApplyOp apply,
                    ArrayRef<UnivariateGeneric> chain, Type floatType,
                    bool hasChannel) {
  Location loc = apply.getLoc();
  Block *block = b.createBlock(&apply.getBody());
  Value current = block->addArgument(floatType, loc);
  Value channel =
      hasChannel ? block->addArgument(b.getIndexType(), loc) : Value();
  for (const UnivariateGeneric &link : chain) {
    Block &body = *link.op.getBlock();
    IRMapping mapping;
    for (OpOperand *input : link.op.getDpsInputOperands()) {
      unsigned number = input->getOperandNumber();
      BlockArgument argument = body.getArgument(number);
      if (number == link.dataOperand) {
        mapping.map(argument, current);
        continue;
      }
      auto it = link.constantValues.find(number);
      if (it == link.constantValues.end())
        continue;
      Type type = argument.getType();
      if (it->second.size() == 1) {
        mapping.map(argument, arith::ConstantOp::create(
                                  b, loc, type,
                                  b.getFloatAttr(type, it->second.front())));
        continue;
      }
      auto vectorType = RankedTensorType::get(
          {static_cast<int64_t>(it->second.size())}, type);
      SmallVector<Attribute> values;
      for (double value : it->second)
        values.push_back(b.getFloatAttr(type, value));
      Value vector = arith::ConstantOp::create(
          b, loc, vectorType, DenseElementsAttr::get(vectorType, values));
      mapping.map(argument, tensor::ExtractOp::create(b, loc, vector, channel));
    }
    for (Operation &op : body.without_terminator())
      b.clone(op, mapping);
    current = mapping.lookup(body.getTerminator()->getOperand(0));
  }
  YieldOp::create(b, loc, current);
}

RewriteResult quantizeChain(Quantizer &quantizer, UnivariateGeneric head) {
  Operation *op = head.op;
  auto [inType, outType] = linkTypes(head);
  if (inType != outType)
    return op->emitError() << "cannot quantize: elementwise op converting "
                           << inType << " to " << outType;
  SmallVector<UnivariateGeneric> chain = collectChain(quantizer, head);
  Value input = op->getOperand(head.dataOperand);
  Value output = chain.back().op->getResult(0);
  FailureOr<QValue> quantized = quantizer.getQuantized(input, op);
  if (failed(quantized))
    return failure();
  QValue source = *quantized;
  ArrayRef<UnivariateGeneric> rest = chain;
  if (source.isAccumulator)
    if (std::optional<SmallVector<double>> bias = matchBiasAdd(chain.front()))
      if (std::optional<QValue> folded = foldBias(
              quantizer, source, *bias, input, chain.front().channelDim)) {
        source = *folded;
        rest = rest.drop_front();
        // The linear op was rebuilt with the bias: its float result now
        // stands for the new accumulator too.
        quantizer.setQuantized(input, source);
      }
  for (const UnivariateGeneric &link : chain)
    quantizer.markConsumed(link.op);
  if (rest.empty()) {
    quantizer.setQuantized(output, source);
    return success();
  }

  const QuantizeOptions &options = quantizer.getOptions();
  unsigned bits =
      quantizer.feedsOnlyClient(output)
          ? quantizer.outputBits()
          : quantizer.desiredBits(
                output, quantizer.defaultBits(options.activationBits));
  FailureOr<quant::QuantizedType> params = quantizer.chooseParams(
      output, bits, options.symmetricActivations, chain.back().op);
  if (failed(params))
    return failure();
  std::optional<int64_t> channel;
  for (const UnivariateGeneric &link : rest)
    if (link.channelDim)
      channel = link.channelDim;
  OpBuilder &b = quantizer.getBuilder();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(chain.back().op);
  auto apply = ApplyOp::create(
      b, op->getLoc(), Quantizer::storageType(output.getType(), *params),
      source.value, channel ? b.getI64IntegerAttr(*channel) : IntegerAttr());
  buildApplyBody(b, apply, rest, inType, channel.has_value());
  quantizer.setQuantized(output, QValue{apply.getResult(), false});
  return success();
}

RewriteResult quantizeBinary(Quantizer &quantizer, linalg::GenericOp op,
                             const BinaryGeneric &binary) {
  FailureOr<QValue> lhs = quantizer.getQuantized(binary.lhs, op);
  if (failed(lhs))
    return failure();
  FailureOr<QValue> rhs = quantizer.getQuantized(binary.rhs, op);
  if (failed(rhs))
    return failure();
  const QuantizeOptions &options = quantizer.getOptions();
  Value output = op->getResult(0);
  unsigned bits =
      quantizer.feedsOnlyClient(output)
          ? quantizer.outputBits()
          : quantizer.desiredBits(
                output, quantizer.defaultBits(options.activationBits));
  FailureOr<quant::QuantizedType> params =
      quantizer.chooseParams(output, bits, options.symmetricActivations, op);
  if (failed(params))
    return failure();
  OpBuilder &b = quantizer.getBuilder();
  RankedTensorType type = Quantizer::storageType(output.getType(), *params);
  Value result;
  switch (binary.kind) {
  case BinaryKind::Add:
    result = AddOp::create(b, op.getLoc(), type, lhs->value, rhs->value);
    break;
  case BinaryKind::Sub:
    result = SubOp::create(b, op.getLoc(), type, lhs->value, rhs->value);
    break;
  case BinaryKind::Mul:
    result = MulOp::create(b, op.getLoc(), type, lhs->value, rhs->value);
    break;
  }
  quantizer.setQuantized(output, QValue{result, false});
  return success();
}

} // namespace

RewriteResult mlir::qfhe::quantizeElementwiseOp(Quantizer &quantizer,
                                                Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic)
    return std::nullopt;
  if (std::optional<BinaryGeneric> binary = matchBinary(generic))
    return quantizeBinary(quantizer, generic, *binary);
  if (std::optional<UnivariateGeneric> univariate = matchUnivariate(generic))
    return quantizeChain(quantizer, *univariate);
  return std::nullopt;
}
