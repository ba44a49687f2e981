//===- QuantizationPlan.cpp - the choices of qfhe-quantize ----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "QuantizationPlan.h"
#include "Allocation.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "qfhe/Support/QuantMath.h"

using namespace mlir;
using namespace mlir::qfhe;

QuantizationPlan::QuantizationPlan(func::FuncOp func,
                                   const QuantizeOptions &options,
                                   SoundRangeFn soundRange,
                                   QuantizedWeightCache *weightCache)
    : func(func), options(options), soundRange(std::move(soundRange)),
      weightCache(weightCache) {
  if (auto module = func->getParentOfType<ModuleOp>()) {
    if (auto bits = module->getAttrOfType<IntegerAttr>(kDefaultBitsAttr))
      moduleDefaultBits = bits.getInt();
    if (auto bits = module->getAttrOfType<IntegerAttr>(kOutputBitsAttr))
      moduleOutputBits = bits.getInt();
  }
}

//===----------------------------------------------------------------------===//
// What the users of a value want
//===----------------------------------------------------------------------===//

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

/// `op`'s qfhe.allocation, if any.
static AllocationAttr getAllocation(Operation *op) {
  return op->getAttrOfType<AllocationAttr>(kAllocationAttr);
}

/// Whether `op` multiplies two different tensors elementwise.
static bool isProductOfTwoTensors(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic)
    return false;
  std::optional<BinaryGeneric> binary = matchBinary(generic);
  return binary && binary->kind == BinaryKind::Mul &&
         binary->lhs != binary->rhs;
}

unsigned QuantizationPlan::desiredBits(Value value, unsigned fallback) {
  std::optional<unsigned> bits;
  forEachConsumer(value, [&](Operation *consumer) {
    AllocationAttr allocation = getAllocation(consumer);
    unsigned wanted = allocation ? allocation.getInputBits() : fallback;
    // The integer lowering adds and subtracts the two factors of a product
    // exactly before its lookups (the squares trick): one bit fewer than
    // an activation's keeps their sum within the activation's width.
    if (isProductOfTwoTensors(consumer))
      wanted = std::max(
          2u, std::min(wanted, defaultBits(options.activationBits) - 1));
    bits = bits ? std::min(*bits, wanted) : wanted;
  });
  return bits ? *bits : fallback;
}

int64_t QuantizationPlan::desiredLevels(Value value, unsigned bits) {
  int64_t levels = int64_t(1) << bits;
  forEachConsumer(value, [&](Operation *consumer) {
    AllocationAttr allocation = getAllocation(consumer);
    if (allocation && allocation.getInputLevels() > 0 &&
        allocation.getInputBits() == bits)
      levels = std::min(levels, allocation.getLevels());
  });
  return levels;
}

double QuantizationPlan::desiredClip(Value value) {
  std::optional<double> clip;
  forEachConsumer(value, [&](Operation *consumer) {
    // Max pooling passes its input's parameters on: its users decide.
    if (isa<linalg::PoolingNchwMaxOp>(consumer))
      return;
    AllocationAttr allocation = getAllocation(consumer);
    double wanted = allocation ? allocation.getInputClip() : 1.0;
    clip = clip ? std::max(*clip, wanted) : wanted;
  });
  return clip ? *clip : 1.0;
}

unsigned QuantizationPlan::resultBits(Value value) {
  return feedsOnlyClient(value)
             ? outputBits()
             : desiredBits(value, defaultBits(options.activationBits));
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
  os << " (" << value.getType() << ")";
  return text;
}

TensorRange QuantizationPlan::getRange(Value value) const {
  if (options.useObserved)
    if (std::optional<TensorRange> observed = getObservedRange(value))
      return *observed;
  return soundRange(value);
}

FailureOr<quant::QuantizedType>
QuantizationPlan::chooseParams(Value value, unsigned bits, bool symmetric,
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
  // Fewer levels than the bits hold give the users' weights a larger
  // budget (input_levels).
  IntegerRange storage = getStorageRange(bits, /*isSigned=*/true);
  std::optional<IntegerRange> bounds;
  if (int64_t levels = desiredLevels(value, bits);
      levels < storage.max - storage.min + 1) {
    auto [low, high] = getLevelsRange(bits, levels);
    storage = IntegerRange{low, high};
    bounds = storage;
  }
  std::optional<AffineParams> affine = computeAffineParams(
      range.getWhole().getLo() * clip, range.getWhole().getHi() * clip, storage,
      symmetric ? QuantScheme::Symmetric : QuantScheme::Asymmetric);
  if (!affine)
    return user->emitError()
           << "cannot quantize " << describe(value) << ": no " << bits
           << "-bit parameters for range " << range.getWhole().str();
  return getUniformType(getElementTypeOrSelf(value.getType()), bits,
                        /*isSigned=*/true, {affine->scale}, {affine->zeroPoint},
                        std::nullopt, bounds);
}

quant::QuantizedType
QuantizationPlan::accumulatorType(Type expressed, ArrayRef<double> scales,
                                  std::optional<int64_t> axis) {
  SmallVector<int64_t> zeros(scales.size(), 0);
  return getUniformType(expressed, options.accumulatorBits, /*isSigned=*/true,
                        scales, zeros,
                        scales.size() == 1 ? std::nullopt : axis);
}

void QuantizationPlan::setType(Value value, quant::QuantizedType type,
                               bool accumulator) {
  types[value] = type;
  current[value] = type;
  if (accumulator)
    accumulators.insert(value);
}

FailureOr<QuantizedRead> QuantizationPlan::getQuantized(Value value,
                                                        Operation *user) {
  if (auto it = current.find(value); it != current.end())
    return QuantizedRead{value, it->second};
  if (!isClientInput(value))
    return user->emitError() << "cannot quantize: " << describe(value)
                             << " has no quantized form (its producer was "
                                "not quantized)";
  // The client quantizes straight to the bits the value's users want: a
  // wider input would cost a lookup per element to narrow it, and round
  // twice.
  unsigned bits = desiredBits(value, defaultBits(options.inputBits));
  FailureOr<quant::QuantizedType> type =
      chooseParams(value, bits, options.symmetricActivations, user);
  if (failed(type))
    return failure();
  setType(value, *type, /*accumulator=*/false);
  return QuantizedRead{value, *type};
}

FailureOr<QuantizedRead> QuantizationPlan::getActivation(Value value,
                                                         Operation *user) {
  FailureOr<QuantizedRead> read = getQuantized(value, user);
  if (failed(read))
    return failure();
  unsigned bits = desiredBits(value, defaultBits(options.activationBits));
  QuantParams params = *QuantParams::get(read->type);
  if (!isAccumulatorRead(*read) && !params.isPerAxis() &&
      params.getStorageWidth() <= bits &&
      params.getQMax() - params.getQMin() + 1 <= desiredLevels(value, bits))
    return *read;
  FailureOr<quant::QuantizedType> type =
      chooseParams(value, bits, options.symmetricActivations, user);
  if (failed(type))
    return failure();
  if (*type != read->type)
    activationSources[{value, *type}] = read->type;
  current[value] = *type;
  return QuantizedRead{value, *type};
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

bool QuantizationPlan::isClientInput(Value value) {
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

bool QuantizationPlan::feedsOnlyClient(Value value) const {
  SmallVector<Operation *> users = getDataUsers(value);
  return !users.empty() && llvm::all_of(users, [&](Operation *user) {
    return isa<func::ReturnOp>(user) || clientOutputOps.contains(user);
  });
}

void QuantizationPlan::findClientOutputOps() {
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

LogicalResult QuantizationPlan::planBoundary(Operation *op, bool toClient) {
  BoundaryPlan plan{{}, toClient};
  for (OpOperand &operand : op->getOpOperands()) {
    Value value = operand.get();
    auto it = current.find(value);
    if (it == current.end())
      continue;
    plan.operands.push_back(
        {operand.getOperandNumber(), QuantizedRead{value, it->second}});
    if (!toClient || outputTypes.count(value))
      continue;
    FailureOr<quant::QuantizedType> type =
        chooseParams(value, outputBits(), options.symmetricActivations, op);
    if (failed(type))
      return failure();
    outputTypes[value] = *type;
  }
  if (!plan.operands.empty())
    boundaries[op] = std::move(plan);
  return success();
}

LogicalResult QuantizationPlan::planFallback(Operation *op, StringRef reason) {
  if (!options.floatFallback)
    return op->emitError() << "cannot quantize '" << op->getName()
                           << "': " << reason
                           << " (use float-fallback to keep it in float)";
  op->emitWarning() << "'" << op->getName() << "' stays in float between a "
                    << "dequantize and a quantize (" << reason
                    << "); the program is not an FHE circuit";
  if (failed(planBoundary(op, /*toClient=*/false)))
    return failure();
  // The results are quantized after the op (the client's quantize).
  for (Value result : op->getResults()) {
    if (!isa<RankedTensorType>(result.getType()))
      continue;
    FailureOr<quant::QuantizedType> type = chooseParams(
        result, desiredBits(result, defaultBits(options.activationBits)),
        options.symmetricActivations, op);
    if (failed(type))
      return failure();
    setType(result, *type, /*accumulator=*/false);
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

LogicalResult QuantizationPlan::planOp(Operation *op) {
  if (consumed.contains(op))
    return success();
  if (isa<func::ReturnOp>(op) || clientOutputOps.contains(op))
    return planBoundary(op, /*toClient=*/true);
  if (isAuxiliary(op) || isFoldedPadding(op))
    return success();
  if (llvm::all_of(op->getResults(),
                   [&](Value result) { return isClientInput(result); }))
    return success();
  for (auto family : {planLinearOp, planElementwiseOp, planMovementOp})
    if (PlanResult result = family(*this, op))
      return *result;
  return planFallback(op, "no quantized form for this op");
}

LogicalResult QuantizationPlan::build() {
  if (!func.getBody().hasOneBlock())
    return emitError(func.getLoc())
           << "qfhe-quantize supports single-block functions";
  findClientOutputOps();
  for (Operation &op : func.getBody().front())
    if (failed(planOp(&op)))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// Queries of the patterns
//===----------------------------------------------------------------------===//

/// The plan of `op` in `plans`, if any.
template <typename Plan>
static const Plan *lookupPlan(const DenseMap<Operation *, Plan> &plans,
                              Operation *op) {
  auto it = plans.find(op);
  return it == plans.end() ? nullptr : &it->second;
}

const LinearPlan *QuantizationPlan::getLinear(Operation *op) const {
  return lookupPlan(linear, op);
}
const TablePlan *QuantizationPlan::getTable(Operation *op) const {
  return lookupPlan(tables, op);
}
const BinaryPlan *QuantizationPlan::getBinary(Operation *op) const {
  return lookupPlan(binary, op);
}
const SmallVector<QuantizedRead> *
QuantizationPlan::getMovement(Operation *op) const {
  return lookupPlan(movement, op);
}
const BoundaryPlan *QuantizationPlan::getBoundary(Operation *op) const {
  return lookupPlan(boundaries, op);
}

bool QuantizationPlan::isRewritten(Operation *op) const {
  if (boundaries.count(op))
    return !boundaryDone.contains(op);
  return linear.count(op) || tables.count(op) || binary.count(op) ||
         movement.count(op) || foldedBiases.contains(op);
}

Value QuantizationPlan::requantize(OpBuilder &builder, Location loc,
                                   Value quantized,
                                   quant::QuantizedType element) {
  if (getElementTypeOrSelf(quantized.getType()) == element)
    return quantized;
  return RequantizeOp::create(
      builder, loc, getTensorType(quantized.getType(), element), quantized);
}

Value QuantizationPlan::materialize(ConversionPatternRewriter &rewriter,
                                    const QuantizedRead &read) {
  quant::QuantizedType own = types.lookup(read.value);
  if (read.type == own)
    return rewriter.getRemappedValue(read.value);
  Value &cached = requantized[{read.value, read.type}];
  if (cached)
    return cached;
  quant::QuantizedType from = activationSources.lookup({read.value, read.type});
  Value source = materialize(rewriter, QuantizedRead{read.value, from});
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointAfterValue(source);
  cached = requantize(rewriter, read.value.getLoc(), source, read.type);
  return cached;
}

Value QuantizationPlan::dequantize(ConversionPatternRewriter &rewriter,
                                   const QuantizedRead &read, bool toClient) {
  if (!toClient) {
    Value source = materialize(rewriter, read);
    return DequantizeOp::create(rewriter, read.value.getLoc(),
                                read.value.getType(), source);
  }
  Value &cached = dequantized[read.value];
  if (cached)
    return cached;
  Value source = materialize(rewriter, read);
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointAfterValue(source);
  Value output = requantize(rewriter, read.value.getLoc(), source,
                            outputTypes.lookup(read.value));
  cached = DequantizeOp::create(rewriter, read.value.getLoc(),
                                read.value.getType(), output);
  return cached;
}
