//===- QuantizeConversion.cpp - qfhe-quantize as a dialect conversion -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The type converter, the legality of the ops, the patterns of the client
// boundary (results, postprocessing, float fallback, shape queries) and the
// conversion of one function from its plan.
//
//===----------------------------------------------------------------------===//

#include "QuantizationPlan.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;
using namespace mlir::qfhe;

//===----------------------------------------------------------------------===//
// Types and legality
//===----------------------------------------------------------------------===//

QuantizeTypeConverter::QuantizeTypeConverter(const QuantizationPlan &plan) {
  addConversion([](Type type) { return type; });
  // Context-aware: a float tensor value converts to its planned type.
  addConversion([&plan](Value value) -> std::optional<Type> {
    quant::QuantizedType element = plan.getType(value);
    if (!element)
      return std::nullopt;
    return getTensorType(value.getType(), element);
  });
  // Float values computed in the clear (the client's inputs, a float
  // fallback) are quantized where the circuit reads them, located at the
  // value they quantize (reports name the input, not its first reader).
  addTargetMaterialization([](OpBuilder &builder, RankedTensorType type,
                              ValueRange inputs, Location) -> Value {
    if (inputs.size() != 1 || !QuantParams::get(type) ||
        !isa<FloatType>(getElementTypeOrSelf(inputs.front())))
      return Value();
    return QuantizeOp::create(builder, inputs.front().getLoc(), type,
                              inputs.front());
  });
  // Float code that stays (the links a table replaces, until they die)
  // reads quantized values dequantized.
  addSourceMaterialization([](OpBuilder &builder, RankedTensorType type,
                              ValueRange inputs, Location loc) -> Value {
    if (inputs.size() != 1 || !QuantParams::get(inputs.front().getType()) ||
        !isa<FloatType>(type.getElementType()))
      return Value();
    return DequantizeOp::create(builder, loc, type, inputs.front());
  });
}

void mlir::qfhe::configureQuantizeTarget(ConversionTarget &target,
                                         const QuantizationPlan &plan) {
  target.markUnknownOpDynamicallyLegal([&plan](Operation *op) {
    if (auto dim = dyn_cast<tensor::DimOp>(op))
      return !plan.getType(dim.getSource());
    return !plan.isRewritten(op);
  });
}

//===----------------------------------------------------------------------===//
// Patterns of the boundary
//===----------------------------------------------------------------------===//

namespace {

/// An op that reads quantized values as floats (a result, client
/// postprocessing, a float fallback): its operands become the client's
/// dequantizations, in place.
struct BoundaryPattern : ConversionPattern {
  BoundaryPattern(const TypeConverter &converter, QuantizationPlan &plan)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1,
                          plan.getFunction().getContext()),
        plan(plan) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value>,
                  ConversionPatternRewriter &rewriter) const override {
    const BoundaryPlan *boundary = plan.getBoundary(op);
    if (!boundary || !plan.isRewritten(op))
      return rewriter.notifyMatchFailure(op, "not a planned boundary");
    SmallVector<std::pair<unsigned, Value>> floats;
    for (const auto &[number, read] : boundary->operands)
      floats.push_back(
          {number, plan.dequantize(rewriter, read, boundary->toClient)});
    rewriter.modifyOpInPlace(op, [&] {
      for (auto [number, value] : floats)
        op->setOperand(number, value);
    });
    plan.setBoundaryDone(op);
    return success();
  }

  QuantizationPlan &plan;
};

/// Shape queries of float values read the same shape off the quantized
/// form, so that the float ops die.
struct DimPattern : OpConversionPattern<tensor::DimOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tensor::DimOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::DimOp>(op, adaptor.getSource(),
                                               adaptor.getIndex());
    return success();
  }
};

} // namespace

void mlir::qfhe::populateQuantizePatterns(
    const QuantizeTypeConverter &typeConverter, QuantizationPlan &plan,
    RewritePatternSet &patterns) {
  populateLinearQuantizePatterns(typeConverter, plan, patterns);
  populateElementwiseQuantizePatterns(typeConverter, plan, patterns);
  populateMovementQuantizePatterns(typeConverter, plan, patterns);
  patterns.add<BoundaryPattern>(typeConverter, plan);
  patterns.add<DimPattern>(typeConverter, patterns.getContext());
}

//===----------------------------------------------------------------------===//
// One function
//===----------------------------------------------------------------------===//

/// Plans `func`; null (errors reported) when an op cannot be quantized.
static std::shared_ptr<QuantizationPlan>
buildPlan(func::FuncOp func, const QuantizeOptions &options,
          SoundRangeFn soundRange, QuantizedWeightCache *weightCache) {
  auto plan = std::make_shared<QuantizationPlan>(
      func, options, std::move(soundRange), weightCache);
  if (failed(plan->build()))
    return nullptr;
  return plan;
}

/// The sound ranges of `solver`.
static SoundRangeFn rangesOf(const RangeSolver &solver) {
  return [&solver](Value value) { return solver.getRange(value); };
}

std::shared_ptr<QuantizationPlan>
mlir::qfhe::planQuantization(func::FuncOp func, const QuantizeOptions &options,
                             const RangeSolver &solver) {
  return buildPlan(func, options, rangesOf(solver), nullptr);
}

LogicalResult mlir::qfhe::quantizeFunction(func::FuncOp func,
                                           const QuantizeOptions &options,
                                           const RangeSolver &solver) {
  return quantizeFunction(func, options, rangesOf(solver), nullptr);
}

LogicalResult mlir::qfhe::quantizeFunction(func::FuncOp func,
                                           const QuantizeOptions &options,
                                           SoundRangeFn soundRange,
                                           QuantizedWeightCache *weightCache) {
  std::shared_ptr<QuantizationPlan> plan =
      buildPlan(func, options, std::move(soundRange), weightCache);
  if (!plan)
    return failure();
  MLIRContext *ctx = func.getContext();
  QuantizeTypeConverter converter(*plan);
  ConversionTarget target(*ctx);
  configureQuantizeTarget(target, *plan);
  RewritePatternSet patterns(ctx);
  populateQuantizePatterns(converter, *plan, patterns);
  ConversionConfig config;
  config.foldingMode = DialectConversionFoldingMode::Never;
  if (failed(applyPartialConversion(func, target, std::move(patterns), config)))
    return failure();
  // The float ops whose results were quantized, the links of tables and
  // folded paddings are dead now.
  Block &body = func.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  return success();
}

LogicalResult mlir::qfhe::quantizeModule(ModuleOp module,
                                         const QuantizeOptions &options,
                                         const SoundRangeFn &soundRange,
                                         QuantizedWeightCache *weightCache) {
  bool failedAny = false;
  module.walk([&](func::FuncOp func) {
    if (!func.isExternal())
      failedAny |=
          failed(quantizeFunction(func, options, soundRange, weightCache));
  });
  return failure(failedAny);
}
