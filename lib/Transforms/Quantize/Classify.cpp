//===- Classify.cpp - recognize the float ops the quantizer rewrites ------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Classify.h"

#include "qfhe/Analysis/ConstantValues.h"
#include "qfhe/Support/ShapeFormat.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

bool mlir::qfhe::isConstant(Value value) {
  Attribute attr;
  return matchPattern(value, m_Constant(&attr));
}

bool mlir::qfhe::isZeroFilled(Value value) {
  if (auto fill = value.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat()) ||
           matchPattern(fill.getInputs()[0], m_Zero());
  return matchPattern(value, m_AnyZeroFloat());
}

SmallVector<Operation *> mlir::qfhe::getDataUsers(Value value) {
  SmallVector<Operation *> users;
  for (Operation *user : value.getUsers())
    if (!isa<tensor::DimOp>(user))
      users.push_back(user);
  return users;
}

std::vector<double>
mlir::qfhe::getChannelMeanSquares(const TensorRange &range,
                                  std::optional<int64_t> axis, int64_t count) {
  std::vector<double> squares(count, 1.0);
  for (int64_t c = 0; c < count; ++c) {
    Interval interval = axis ? range.getChannel(*axis, c) : range.getWhole();
    if (!interval.isFinite())
      continue;
    double lo = interval.getLo(), hi = interval.getHi();
    squares[c] = (lo * lo + lo * hi + hi * hi) / 3.0;
  }
  return squares;
}

bool mlir::qfhe::isTabulableBody(Block &body) {
  for (Operation &op : body.without_terminator()) {
    if (!isa<arith::ArithDialect, math::MathDialect>(op.getDialect()))
      return false;
    for (Type type : op.getResultTypes())
      if (!type.isIntOrIndexOrFloat())
        return false;
  }
  return true;
}

/// The float values of a constant operand, read along the output dimension
/// its map indexes (at most one); std::nullopt if it varies along more.
static std::optional<std::pair<std::optional<int64_t>, SmallVector<double>>>
readConstantAlongChannel(Value value, AffineMap map, AffineMap outputMap) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  if (auto floatAttr = dyn_cast<FloatAttr>(attr))
    return std::make_pair(std::optional<int64_t>(),
                          SmallVector<double>{floatAttr.getValueAsDouble()});
  auto elements = dyn_cast<DenseFPElementsAttr>(attr);
  if (!elements)
    return std::nullopt;
  if (elements.isSplat())
    return std::make_pair(
        std::optional<int64_t>(),
        SmallVector<double>{
            elements.getSplatValue<APFloat>().convertToDouble()});
  auto type = cast<ShapedType>(elements.getType());
  // The constant must vary along a single dimension, indexed by a loop that
  // is an output dimension; other dimensions must have size 1.
  std::optional<int64_t> varying, channel;
  for (unsigned k = 0; k < map.getNumResults(); ++k) {
    if (type.getDimSize(k) == 1)
      continue;
    auto dim = dyn_cast<AffineDimExpr>(map.getResult(k));
    if (!dim || varying)
      return std::nullopt;
    varying = k;
    for (unsigned o = 0; o < outputMap.getNumResults(); ++o)
      if (outputMap.getResult(o) == map.getResult(k))
        channel = o;
    if (!channel)
      return std::nullopt;
  }
  return std::make_pair(channel, getElementsAsDoubles(elements));
}

std::optional<UnivariateGeneric>
mlir::qfhe::matchUnivariate(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0 ||
      !op.hasPureTensorSemantics())
    return std::nullopt;
  Block &body = *op.getBlock();
  if (!isTabulableBody(body))
    return std::nullopt;
  OpOperand *init = op.getDpsInitOperand(0);
  if (op.payloadUsesValueFromOperand(init))
    return std::nullopt;
  AffineMap outputMap = op.getMatchingIndexingMap(init);
  UnivariateGeneric result;
  result.op = op;
  result.dataOperand = 0;
  std::optional<unsigned> data;
  for (OpOperand *input : op.getDpsInputOperands()) {
    if (!op.payloadUsesValueFromOperand(input))
      continue;
    AffineMap map = op.getMatchingIndexingMap(input);
    if (auto constant =
            readConstantAlongChannel(input->get(), map, outputMap)) {
      if (constant->first) {
        if (result.channelDim && result.channelDim != constant->first)
          return std::nullopt;
        result.channelDim = constant->first;
      }
      result.constantValues[input->getOperandNumber()] = constant->second;
      continue;
    }
    if (data || map != outputMap)
      return std::nullopt;
    data = input->getOperandNumber();
  }
  if (!data)
    return std::nullopt;
  result.dataOperand = *data;
  return result;
}

std::optional<BinaryGeneric> mlir::qfhe::matchBinary(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumDpsInputs() != 2 ||
      op.getNumReductionLoops() != 0 || !op.hasPureTensorSemantics())
    return std::nullopt;
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  for (OpOperand *input : op.getDpsInputOperands())
    if (op.getMatchingIndexingMap(input) != outputMap ||
        isConstant(input->get()))
      return std::nullopt;
  Block &body = *op.getBlock();
  Operation *yielded = body.getTerminator()->getOperand(0).getDefiningOp();
  if (!yielded || yielded->getBlock() != &body || &body.front() != yielded ||
      yielded->getNumOperands() != 2)
    return std::nullopt;
  auto lhs = dyn_cast<BlockArgument>(yielded->getOperand(0));
  auto rhs = dyn_cast<BlockArgument>(yielded->getOperand(1));
  if (!lhs || !rhs || lhs.getArgNumber() >= 2 || rhs.getArgNumber() >= 2 ||
      lhs == rhs)
    return std::nullopt;
  BinaryGeneric result;
  if (isa<arith::AddFOp>(yielded))
    result.kind = BinaryKind::Add;
  else if (isa<arith::SubFOp>(yielded))
    result.kind = BinaryKind::Sub;
  else if (isa<arith::MulFOp>(yielded))
    result.kind = BinaryKind::Mul;
  else
    return std::nullopt;
  result.lhs = op.getDpsInputs()[lhs.getArgNumber()];
  result.rhs = op.getDpsInputs()[rhs.getArgNumber()];
  return result;
}

std::optional<SumReduction>
mlir::qfhe::matchSumReduction(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumDpsInputs() != 1 ||
      op.getNumReductionLoops() == 0 || !op.hasPureTensorSemantics())
    return std::nullopt;
  OpOperand *input = op.getDpsInputOperand(0);
  if (!op.getMatchingIndexingMap(input).isIdentity() ||
      !isZeroFilled(op.getDpsInits()[0]))
    return std::nullopt;
  Block &body = *op.getBlock();
  auto add = dyn_cast<arith::AddFOp>(body.front());
  if (!add || body.getTerminator()->getOperand(0) != add.getResult())
    return std::nullopt;
  Value in = body.getArgument(0), out = body.getArgument(1);
  if (!((add.getLhs() == in && add.getRhs() == out) ||
        (add.getLhs() == out && add.getRhs() == in)))
    return std::nullopt;
  SumReduction result{input->get(), {}};
  for (auto [dim, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::reduction)
      result.dimensions.push_back(dim);
  // The output keeps the parallel dimensions in order.
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  unsigned next = 0;
  for (auto [dim, iterator] : llvm::enumerate(op.getIteratorTypesArray())) {
    if (iterator != utils::IteratorType::parallel)
      continue;
    if (next >= outputMap.getNumResults() ||
        outputMap.getResult(next) != getAffineDimExpr(dim, op.getContext()))
      return std::nullopt;
    ++next;
  }
  return result;
}

void mlir::qfhe::buildApplyBody(OpBuilder &b, ApplyOp apply,
                                ArrayRef<UnivariateGeneric> chain,
                                Type floatType, bool hasChannel) {
  Location loc = apply.getLoc();
  Block *block = b.createBlock(&apply.getBody());
  Value current = block->addArgument(floatType, loc);
  Value channel =
      hasChannel ? block->addArgument(b.getIndexType(), loc) : Value();
  YieldOp::create(b, loc,
                  appendUnivariateChain(b, loc, current, chain, channel));
}

Value mlir::qfhe::appendUnivariateChain(OpBuilder &b, Location loc,
                                        Value current,
                                        ArrayRef<UnivariateGeneric> chain,
                                        Value channel) {
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
  return current;
}

LogicalResult mlir::qfhe::checkFiniteWeights(DenseFPElementsAttr weights,
                                             Value value, Operation *user) {
  auto shape = cast<ShapedType>(weights.getType()).getShape();
  // f32 and f64 weights (millions in a large model) are read as floats;
  // the message, and other types, go through APFloat.
  auto allFinite = [](auto values) {
    return llvm::all_of(*values, [](auto v) { return std::isfinite(v); });
  };
  if (auto floats = weights.tryGetValues<float>(); succeeded(floats))
    if (allFinite(floats))
      return success();
  if (auto doubles = weights.tryGetValues<double>(); succeeded(doubles))
    if (allFinite(doubles))
      return success();
  for (auto [index, element] : llvm::enumerate(weights.getValues<APFloat>())) {
    if (element.isFinite()) {
      if (weights.isSplat())
        break;
      continue;
    }
    std::string text = element.isNaN()        ? "nan"
                       : element.isNegative() ? "-inf"
                                              : "inf";
    InFlightDiagnostic diag =
        emitError(value.getLoc())
        << "weights are not finite: element "
        << formatIndex(shape, static_cast<int64_t>(index)) << " of this "
        << cast<ShapedType>(weights.getType()) << " constant is " << text
        << " (the weights of '" << user->getName() << "')";
    diag.attachNote(user->getLoc()) << "read by this op";
    return diag;
  }
  return success();
}
