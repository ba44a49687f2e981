//===- Quantizer.cpp - float program to quantized qfhe ops ----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Quantizer.h"
#include "Classify.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"
#include "qfhe/Support/QuantMath.h"

using namespace mlir;
using namespace mlir::qfhe;

Quantizer::Quantizer(func::FuncOp func, const QuantizeOptions &options,
                     SoundRangeFn soundRange, QuantizedWeightCache *weightCache)
    : func(func), options(options), soundRange(std::move(soundRange)),
      weightCache(weightCache), builder(func.getContext()) {
  if (auto module = func->getParentOfType<ModuleOp>()) {
    if (auto bits = module->getAttrOfType<IntegerAttr>(kDefaultBitsAttr))
      moduleDefaultBits = bits.getInt();
    if (auto bits = module->getAttrOfType<IntegerAttr>(kOutputBitsAttr))
      moduleOutputBits = bits.getInt();
  }
}

/// Calls `visit` with each op that reads `value` as data, looking through
/// data movement and folded padding; max pooling keeps its input's
/// parameters, so its users are visited too.
static void forEachConsumer(Value value,
                            function_ref<void(Operation *)> visit) {
  for (Operation *user : getDataUsers(value)) {
    if (isDataMovement(user) || isFoldedPadding(user)) {
      forEachConsumer(user->getResult(0), visit);
      continue;
    }
    visit(user);
    if (isa<linalg::PoolingNchwMaxOp>(user))
      forEachConsumer(user->getResult(0), visit);
  }
}

/// The integer entry `name` of `op`'s qfhe.allocation, if any.
static IntegerAttr getAllocationEntry(Operation *op, StringRef name) {
  auto allocation = op->getAttrOfType<DictionaryAttr>(kAllocationAttr);
  return allocation ? allocation.getAs<IntegerAttr>(name) : IntegerAttr();
}

unsigned Quantizer::desiredBits(Value value, unsigned fallback) {
  std::optional<unsigned> bits;
  forEachConsumer(value, [&](Operation *consumer) {
    IntegerAttr inputBits = getAllocationEntry(consumer, "input_bits");
    unsigned wanted = inputBits ? inputBits.getInt() : fallback;
    bits = bits ? std::min(*bits, wanted) : wanted;
  });
  return bits ? *bits : fallback;
}

double Quantizer::desiredClip(Value value) {
  std::optional<double> clip;
  forEachConsumer(value, [&](Operation *consumer) {
    // Max pooling passes its input's parameters on: its users decide.
    if (isa<linalg::PoolingNchwMaxOp>(consumer))
      return;
    auto allocation = consumer->getAttrOfType<DictionaryAttr>(kAllocationAttr);
    FloatAttr entry =
        allocation ? allocation.getAs<FloatAttr>("input_clip") : FloatAttr();
    double wanted = entry ? entry.getValueAsDouble() : 1.0;
    clip = clip ? std::max(*clip, wanted) : wanted;
  });
  return clip ? *clip : 1.0;
}

//===----------------------------------------------------------------------===//
// Parameters and representations
//===----------------------------------------------------------------------===//

/// Names a value in diagnostics.
static std::string describe(Value value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto argument = dyn_cast<BlockArgument>(value))
    os << "argument #" << argument.getArgNumber();
  else
    os << "result #" << cast<OpResult>(value).getResultNumber() << " of '"
       << value.getDefiningOp()->getName() << "'";
  return text;
}

TensorRange Quantizer::getRange(Value value) const {
  if (options.useObserved)
    if (std::optional<TensorRange> observed = getObservedRange(value))
      return *observed;
  return soundRange(value);
}

FailureOr<QuantParamsAttr> Quantizer::chooseParams(Value value, unsigned bits,
                                                   bool symmetric,
                                                   Operation *user) {
  TensorRange range = getRange(value);
  if (!range.isFinite()) {
    InFlightDiagnostic diag = user->emitError()
                              << "cannot quantize: " << describe(value)
                              << " has no finite range";
    if (!range.getReason().empty())
      diag << " (" << range.getReason() << ")";
    diag << "; declare input ranges with qfhe.range or calibrate with "
            "'quant-run calibrate'";
    diag.attachNote(value.getLoc()) << "value defined here";
    return failure();
  }
  // The consumers may ask for a narrower range (clipping outliers for a
  // finer step; quantization saturates what lies beyond).
  double clip = desiredClip(value);
  std::optional<AffineParams> affine = computeAffineParams(
      range.getWhole().getLo() * clip, range.getWhole().getHi() * clip,
      getStorageRange(bits, /*isSigned=*/true),
      symmetric ? QuantScheme::Symmetric : QuantScheme::Asymmetric);
  if (!affine)
    return user->emitError()
           << "cannot quantize " << describe(value) << ": no " << bits
           << "-bit parameters for range " << range.getWhole().str();
  return QuantParamsAttr::get(func.getContext(), bits, /*isSigned=*/true,
                              affine->scale, affine->zeroPoint);
}

RankedTensorType Quantizer::storageType(Type like, QuantParamsAttr params) {
  return cast<RankedTensorType>(like).clone(params.getStorageType());
}

QuantParamsAttr Quantizer::accumulatorParams(ArrayRef<double> scales,
                                             std::optional<int64_t> axis) {
  SmallVector<int64_t> zeros(scales.size(), 0);
  MLIRContext *ctx = func.getContext();
  if (scales.size() == 1)
    return QuantParamsAttr::get(ctx, options.accumulatorBits, true, scales[0],
                                0);
  return QuantParamsAttr::get(ctx, options.accumulatorBits, true, false, axis,
                              scales, zeros);
}

QValue Quantizer::requantize(QValue quantized, QuantParamsAttr params,
                             Location loc) {
  if (quantized.params == params)
    return quantized;
  Value result = RequantizeOp::create(
      builder, loc, storageType(quantized.value.getType(), params),
      quantized.value, quantized.params, params);
  return QValue{result, params, false};
}

void Quantizer::setQuantized(Value value, QValue q) { quantized[value] = q; }

FailureOr<QValue> Quantizer::getQuantized(Value value, Operation *user) {
  if (auto it = quantized.find(value); it != quantized.end())
    return it->second;
  if (!isClientInput(value))
    return user->emitError() << "cannot quantize: " << describe(value)
                             << " has no quantized form (its producer was "
                                "not quantized)";
  // The client quantizes straight to the bits the value's users want: a
  // wider input would cost a lookup per element to narrow it, and round
  // twice.
  unsigned bits = desiredBits(value, defaultBits(options.inputBits));
  FailureOr<QuantParamsAttr> params =
      chooseParams(value, bits, options.symmetricActivations, user);
  if (failed(params))
    return failure();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointAfterValue(value);
  Value q =
      QuantizeOp::create(builder, value.getLoc(),
                         storageType(value.getType(), *params), value, *params);
  QValue result{q, *params, false};
  quantized[value] = result;
  return result;
}

FailureOr<QValue> Quantizer::getActivation(Value value, Operation *user) {
  FailureOr<QValue> q = getQuantized(value, user);
  if (failed(q))
    return failure();
  unsigned bits = desiredBits(value, defaultBits(options.activationBits));
  if (!q->isAccumulator && !q->params.isPerAxis() &&
      q->params.getBits() <= bits)
    return *q;
  FailureOr<QuantParamsAttr> params =
      chooseParams(value, bits, options.symmetricActivations, user);
  if (failed(params))
    return failure();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointAfterValue(q->value);
  QValue activation = requantize(*q, *params, value.getLoc());
  quantized[value] = activation;
  return activation;
}

//===----------------------------------------------------------------------===//
// The client boundary
//===----------------------------------------------------------------------===//

bool mlir::qfhe::isDataMovement(Operation *op) {
  return isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp,
             tensor::ExtractSliceOp, tensor::ReshapeOp, linalg::TransposeOp,
             linalg::BroadcastOp>(op);
}

bool mlir::qfhe::isFoldedPadding(Operation *op) {
  auto pad = dyn_cast<tensor::PadOp>(op);
  if (!pad || pad.use_empty())
    return false;
  FloatAttr value;
  Value padValue = pad.getConstantPaddingValue();
  if (!padValue || !matchPattern(padValue, m_Constant(&value)))
    return false;
  bool zero = value.getValue().isZero();
  bool lowest = value.getValue().isInfinity() && value.getValue().isNegative();
  SmallVector<Operation *> users = getDataUsers(pad.getResult());
  return !users.empty() && llvm::all_of(users, [&](Operation *user) {
    if (user->getOperand(0) != pad.getResult())
      return false;
    if (isa<linalg::PoolingNchwMaxOp>(user))
      return lowest;
    return zero &&
           isa<linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp,
               linalg::PoolingNchwSumOp>(user);
  });
}

/// The float tensor operands an elementwise or movement op computes from.
static SmallVector<Value> getDataOperands(Operation *op) {
  if (auto generic = dyn_cast<linalg::GenericOp>(op))
    if (std::optional<UnivariateGeneric> univariate = matchUnivariate(generic))
      return {op->getOperand(univariate->dataOperand)};
  if (isDataMovement(op))
    return {op->getOperand(0)};
  return {};
}

bool Quantizer::isClientInput(Value value) {
  if (auto it = clientInput.find(value); it != clientInput.end())
    return it->second;
  bool result = false;
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    result = argument.getOwner() == &func.getBody().front() &&
             isa<RankedTensorType>(value.getType());
  } else if (Operation *op = value.getDefiningOp()) {
    SmallVector<Value> data = getDataOperands(op);
    result = !data.empty() && llvm::all_of(data, [&](Value operand) {
      return isClientInput(operand);
    });
  }
  clientInput[value] = result;
  return result;
}

bool Quantizer::feedsOnlyClient(Value value) const {
  SmallVector<Operation *> users = getDataUsers(value);
  return !users.empty() && llvm::all_of(users, [&](Operation *user) {
    return isa<func::ReturnOp>(user) || clientOutputOps.contains(user);
  });
}

void Quantizer::findClientOutputOps() {
  Block &body = func.getBody().front();
  for (Operation &op : llvm::reverse(body)) {
    bool candidate = isa<linalg::SoftmaxOp>(op) || isDataMovement(&op);
    if (auto generic = dyn_cast<linalg::GenericOp>(op))
      candidate = matchUnivariate(generic).has_value();
    if (!candidate || op.use_empty())
      continue;
    bool onlyToOutputs = true;
    for (Value result : op.getResults())
      for (Operation *user : getDataUsers(result))
        onlyToOutputs &=
            isa<func::ReturnOp>(user) || clientOutputOps.contains(user);
    if (onlyToOutputs)
      clientOutputOps.insert(&op);
  }
}

LogicalResult Quantizer::dequantizeForClient(Operation *op) {
  for (OpOperand &operand : op->getOpOperands()) {
    Value value = operand.get();
    auto it = quantized.find(value);
    if (it == quantized.end())
      continue;
    Value &floats = dequantized[value];
    if (!floats) {
      FailureOr<QuantParamsAttr> params =
          chooseParams(value, outputBits(), options.symmetricActivations, op);
      if (failed(params))
        return failure();
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointAfterValue(it->second.value);
      QValue output = requantize(it->second, *params, value.getLoc());
      floats = DequantizeOp::create(builder, value.getLoc(), value.getType(),
                                    output.value, output.params);
    }
    operand.set(floats);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// The walk
//===----------------------------------------------------------------------===//

/// Ops that only build constants, shapes or initial values: they stay.
static bool isAuxiliary(Operation *op) {
  return isa<arith::ConstantOp, tensor::EmptyOp, linalg::FillOp, tensor::DimOp>(
             op) ||
         llvm::none_of(op->getResultTypes(),
                       [](Type type) { return isa<TensorType>(type); });
}

LogicalResult Quantizer::fallBack(Operation *op, StringRef reason) {
  if (!options.floatFallback)
    return op->emitError() << "cannot quantize '" << op->getName()
                           << "': " << reason
                           << " (use float-fallback to keep it in float)";
  op->emitWarning() << "'" << op->getName() << "' stays in float between a "
                    << "dequantize and a quantize (" << reason
                    << "); the program is not an FHE circuit";
  for (OpOperand &operand : op->getOpOperands()) {
    auto it = quantized.find(operand.get());
    if (it == quantized.end())
      continue;
    operand.set(DequantizeOp::create(builder, op->getLoc(),
                                     operand.get().getType(), it->second.value,
                                     it->second.params));
  }
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointAfter(op);
  for (Value result : op->getResults()) {
    if (!isa<RankedTensorType>(result.getType()))
      continue;
    FailureOr<QuantParamsAttr> params = chooseParams(
        result, desiredBits(result, defaultBits(options.activationBits)),
        options.symmetricActivations, op);
    if (failed(params))
      return failure();
    Value q = QuantizeOp::create(builder, op->getLoc(),
                                 storageType(result.getType(), *params), result,
                                 *params);
    quantized[result] = QValue{q, *params, false};
  }
  return success();
}

LogicalResult Quantizer::quantizeOp(Operation *op) {
  if (consumed.contains(op))
    return success();
  if (isa<func::ReturnOp>(op) || clientOutputOps.contains(op))
    return dequantizeForClient(op);
  if (isAuxiliary(op) || isFoldedPadding(op))
    return success();
  if (llvm::all_of(op->getResults(),
                   [&](Value result) { return isClientInput(result); }))
    return success();
  for (auto family :
       {quantizeLinearOp, quantizeElementwiseOp, quantizeMovementOp})
    if (RewriteResult result = family(*this, op))
      return *result;
  return fallBack(op, "no quantized form for this op");
}

void Quantizer::eraseDeadFloatOps() {
  Block &body = func.getBody().front();
  // Shape queries of float values read the same shape off their quantized
  // form, so that the float ops die.
  body.walk([&](tensor::DimOp dim) {
    auto it = quantized.find(dim.getSource());
    if (it != quantized.end())
      dim.getSourceMutable().assign(it->second.value);
  });
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
}

LogicalResult Quantizer::run() {
  if (!func.getBody().hasOneBlock())
    return emitError(func.getLoc())
           << "qfhe-quantize supports single-block functions";
  findClientOutputOps();
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    ops.push_back(&op);
  for (Operation *op : ops) {
    builder.setInsertionPoint(op);
    if (failed(quantizeOp(op)))
      return failure();
  }
  eraseDeadFloatOps();
  return success();
}
