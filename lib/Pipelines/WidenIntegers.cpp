//===- WidenIntegers.cpp - byte-sized integers for simulation -------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// An integer program states the proven width of every value (`i3`, `i7`,
// `i12`); CPUs compute on bytes, and LLVM vectorizes odd widths badly. This
// pass stores every signless integer of such a width in the next of i8,
// i16, i32, i64, as the value sign-extended (its "normal form"), and keeps
// the arithmetic of the narrow type: results that may leave it (sums,
// products, shifts left, truncations) are brought back into it by
// sign-extending their low bits, and ops that read the bits as unsigned
// (extui, divui, unsigned comparisons...) mask the high bits first. Integer
// arithmetic modulo 2^N is a ring: computing in a wider type and reducing
// gives the same result, so every value is exactly what the narrow program
// computes, whatever its wrap-arounds. Arguments are brought into normal
// form on entry.
//
// Structured ops other than linalg.generic (matmul, convolutions, pools)
// compute sums and products only: their results are reduced once, after
// the op. A program the pass cannot widen (an op it does not know reads an
// odd width) is left unchanged.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Pipelines/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_WIDENINTEGERS
#include "qfhe/Pipelines/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;

namespace {

/// The width of `type` when it is a signless integer that is not byte-sized
/// (nor i1), else 0.
unsigned getNarrowWidth(Type type) {
  auto integer = dyn_cast<IntegerType>(getElementTypeOrSelf(type));
  if (!integer || !integer.isSignless())
    return 0;
  unsigned width = integer.getWidth();
  if (width == 1 || width == 8 || width == 16 || width == 32 || width >= 64)
    return 0;
  return width;
}

/// The width a narrow integer is stored in.
unsigned getStorageWidth(unsigned width) {
  return width <= 8 ? 8 : width <= 16 ? 16 : width <= 32 ? 32 : 64;
}

struct WideningConverter : TypeConverter {
  WideningConverter() {
    addConversion([](Type type) { return type; });
    addConversion([](IntegerType type) -> Type {
      if (unsigned width = getNarrowWidth(type))
        return IntegerType::get(type.getContext(), getStorageWidth(width));
      return type;
    });
    addConversion([this](RankedTensorType type) -> Type {
      return type.clone(convertType(type.getElementType()));
    });
  }
};

/// Whether `op` reads, defines or has block arguments of a narrow type.
bool hasNarrowType(Operation *op) {
  bool narrow = llvm::any_of(op->getOperandTypes(), getNarrowWidth) ||
                llvm::any_of(op->getResultTypes(), getNarrowWidth);
  for (Region &region : op->getRegions())
    for (Block &block : region)
      narrow |= llvm::any_of(block.getArgumentTypes(), getNarrowWidth);
  return narrow;
}

/// Ops whose meaning depends on the bit width itself.
bool isWidthDependent(Operation *op) {
  return op->getName().getStringRef().starts_with("math.") ||
         isa<arith::MulSIExtendedOp, arith::MulUIExtendedOp,
             arith::AddUIExtendedOp, arith::BitcastOp>(op);
}

/// A scalar integer constant of `type`.
Value intConstant(OpBuilder &b, Location loc, Type type, int64_t value) {
  return arith::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, value));
}

/// `x` (a scalar of a storage width) with its low `bits` bits sign-extended.
Value normalizeScalar(OpBuilder &b, Location loc, Value x, unsigned bits) {
  unsigned width = x.getType().getIntOrFloatBitWidth();
  if (bits >= width)
    return x;
  Value shift = intConstant(b, loc, x.getType(), width - bits);
  return arith::ShRSIOp::create(b, loc, arith::ShLIOp::create(b, loc, x, shift),
                                shift);
}

/// `x` (a scalar of a storage width) with its high bits, above `bits`,
/// cleared: the narrow value read as unsigned.
Value maskScalar(OpBuilder &b, Location loc, Value x, unsigned bits) {
  unsigned width = x.getType().getIntOrFloatBitWidth();
  if (bits >= width)
    return x;
  return arith::AndIOp::create(
      b, loc, x, intConstant(b, loc, x.getType(), (int64_t(1) << bits) - 1));
}

/// Every element of `tensor` normalized to `bits` bits (a linalg.generic).
Value normalizeTensor(OpBuilder &b, Location loc, Value tensor, unsigned bits) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, tensor);
  Value init = tensor::EmptyOp::create(b, loc, sizes, type.getElementType());
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{tensor}, ValueRange{init},
             ArrayRef<AffineMap>{identity, identity}, iterators,
             [&](OpBuilder &body, Location bodyLoc, ValueRange args) {
               linalg::YieldOp::create(
                   body, bodyLoc,
                   normalizeScalar(body, bodyLoc, args[0], bits));
             })
      .getResult(0);
}

/// Whether arithmetic in `op` may skip normalization: the body of a
/// structured op other than linalg.generic holds sums and products, whose
/// results are normalized after the op.
bool isInNamedStructuredOp(Operation *op) {
  Operation *parent = op->getParentOp();
  return parent && isa<linalg::LinalgOp>(parent) &&
         !isa<linalg::GenericOp>(parent);
}

/// arith.constant of a narrow type: the same values, sign-extended.
struct ConstantWidening : OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!getNarrowWidth(op.getType()))
      return rewriter.notifyMatchFailure(op, "not narrow");
    Type type = getTypeConverter()->convertType(op.getType());
    unsigned width = getElementTypeOrSelf(type).getIntOrFloatBitWidth();
    TypedAttr value;
    if (auto scalar = dyn_cast<IntegerAttr>(op.getValue())) {
      value = IntegerAttr::get(type, scalar.getValue().sext(width));
    } else if (auto dense = dyn_cast<DenseIntElementsAttr>(op.getValue())) {
      value = dense.mapValues(getElementTypeOrSelf(type),
                              [&](const APInt &v) { return v.sext(width); });
    } else {
      return rewriter.notifyMatchFailure(op, "not a dense integer constant");
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type, value);
    return success();
  }
};

/// Casts between integer widths, and from and to indices and floats.
struct CastWidening : ConversionPattern {
  CastWidening(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/2, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp,
             arith::IndexCastOp, arith::IndexCastUIOp, arith::UIToFPOp,
             arith::SIToFPOp, arith::FPToSIOp, arith::FPToUIOp>(op))
      return failure();
    Type from = op->getOperand(0).getType(), to = op->getResult(0).getType();
    unsigned fromBits = getNarrowWidth(from), toBits = getNarrowWidth(to);
    if (!fromBits && !toBits)
      return rewriter.notifyMatchFailure(op, "no narrow type");
    Location loc = op->getLoc();
    Value input = operands[0];
    Type result = getTypeConverter()->convertType(to);
    // Unsigned readings of a narrow value clear its high bits first.
    if (fromBits &&
        isa<arith::ExtUIOp, arith::IndexCastUIOp, arith::UIToFPOp>(op))
      input = maskScalar(rewriter, loc, input, fromBits);
    Value converted;
    unsigned inWidth = getElementTypeOrSelf(input.getType()).isIntOrIndex() &&
                               !input.getType().isIndex()
                           ? input.getType().getIntOrFloatBitWidth()
                           : 0;
    unsigned outWidth = result.isIntOrIndex() && !result.isIndex()
                            ? result.getIntOrFloatBitWidth()
                            : 0;
    if (isa<arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp>(op)) {
      // Between storage widths: extend (a normal form by its sign; a byte
      // or a masked value read as unsigned by zeros), truncate, or nothing.
      if (outWidth > inWidth && isa<arith::ExtUIOp>(op))
        converted = arith::ExtUIOp::create(rewriter, loc, result, input);
      else if (outWidth > inWidth)
        converted = arith::ExtSIOp::create(rewriter, loc, result, input);
      else if (outWidth < inWidth)
        converted = arith::TruncIOp::create(rewriter, loc, result, input);
      else
        converted = input;
    } else {
      OperationState state(loc, op->getName());
      state.addOperands(input);
      state.addTypes(result);
      state.addAttributes(op->getAttrs());
      converted = rewriter.create(state)->getResult(0);
    }
    // A narrow result is brought into normal form when it may be out of
    // its type: truncations, indices and floats (extensions of normal forms,
    // or of masked values into a wider type, are in range).
    if (toBits && !isa<arith::ExtSIOp, arith::ExtUIOp>(op))
      converted = normalizeScalar(rewriter, loc, converted, toBits);
    rewriter.replaceOp(op, converted);
    return success();
  }
};

/// Every other op: the same op on the converted types, its regions
/// converted; narrow results normalized where they may leave their type,
/// and narrow operands masked where read as unsigned.
struct AnyOpWidening : ConversionPattern {
  AnyOpWidening(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  /// Whether `op` reads its integer operands as unsigned.
  static bool readsUnsigned(Operation *op) {
    if (auto cmp = dyn_cast<arith::CmpIOp>(op))
      return cmp.getPredicate() == arith::CmpIPredicate::ult ||
             cmp.getPredicate() == arith::CmpIPredicate::ule ||
             cmp.getPredicate() == arith::CmpIPredicate::ugt ||
             cmp.getPredicate() == arith::CmpIPredicate::uge;
    return isa<arith::DivUIOp, arith::RemUIOp, arith::ShRUIOp, arith::MaxUIOp,
               arith::MinUIOp, arith::CeilDivUIOp>(op);
  }

  /// Whether a narrow result of `op` may leave its type (and so needs
  /// normalizing): not for ops that keep their operands' values (moves,
  /// selections, bitwise logic and comparisons of normal forms).
  static bool mayLeaveType(Operation *op) {
    if (readsUnsigned(op))
      return true;
    if (isa<arith::AddIOp, arith::SubIOp, arith::MulIOp, arith::ShLIOp,
            arith::DivSIOp, arith::CeilDivSIOp, arith::FloorDivSIOp,
            arith::RemSIOp>(op))
      return !isInNamedStructuredOp(op);
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
      return !isa<linalg::GenericOp>(op) && linalgOp.getNumReductionLoops();
    return false;
  }

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    const TypeConverter &converter = *getTypeConverter();
    if (!hasNarrowType(op))
      return rewriter.notifyMatchFailure(op, "no narrow type");
    if (isWidthDependent(op))
      return rewriter.notifyMatchFailure(op, "depends on the width");
    if (isa<FunctionOpInterface>(op))
      return rewriter.notifyMatchFailure(op, "functions have their pattern");
    Location loc = op->getLoc();
    SmallVector<Value> inputs(operands);
    if (readsUnsigned(op))
      for (auto [input, original] : llvm::zip(inputs, op->getOperands()))
        if (unsigned bits = getNarrowWidth(original.getType()))
          input = maskScalar(rewriter, loc, input, bits);
    OperationState state(loc, op->getName());
    state.addOperands(inputs);
    SmallVector<Type> results;
    if (failed(converter.convertTypes(op->getResultTypes(), results)))
      return failure();
    state.addTypes(results);
    state.addAttributes(llvm::to_vector(op->getDiscardableAttrs()));
    state.propertiesAttr = op->getPropertiesAsAttribute();
    state.addSuccessors(op->getSuccessors());
    for (Region &region : op->getRegions()) {
      Region *converted = state.addRegion();
      rewriter.inlineRegionBefore(region, *converted, converted->end());
      if (failed(rewriter.convertRegionTypes(converted, converter)))
        return failure();
    }
    Operation *widened = rewriter.create(state);
    SmallVector<Value> replacements(widened->getResults());
    if (mayLeaveType(op)) {
      rewriter.setInsertionPointAfter(widened);
      for (auto [replacement, original] :
           llvm::zip(replacements, op->getResults())) {
        unsigned bits = getNarrowWidth(original.getType());
        if (!bits)
          continue;
        replacement = isa<RankedTensorType>(replacement.getType())
                          ? normalizeTensor(rewriter, loc, replacement, bits)
                          : normalizeScalar(rewriter, loc, replacement, bits);
      }
    }
    rewriter.replaceOp(op, replacements);
    return success();
  }
};

struct WidenIntegersPass : qfhe::impl::WidenIntegersBase<WidenIntegersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    // A program with an op whose meaning depends on an odd width stays as
    // it is (checked first: a failed conversion would report errors).
    WalkResult dependent = module.walk([](Operation *op) {
      return isWidthDependent(op) && hasNarrowType(op) ? WalkResult::interrupt()
                                                       : WalkResult::advance();
    });
    if (dependent.wasInterrupted())
      return;
    // Converted on a copy: a program the pass cannot widen stays as it is.
    OwningOpRef<ModuleOp> copy = module.clone();
    WideningConverter converter;
    ConversionTarget target(*ctx);
    target.markUnknownOpDynamicallyLegal([&](Operation *op) {
      if (auto function = dyn_cast<func::FuncOp>(op))
        return converter.isSignatureLegal(function.getFunctionType());
      if (!converter.isLegal(op))
        return false;
      for (Region &region : op->getRegions())
        if (!converter.isLegal(&region))
          return false;
      return true;
    });
    RewritePatternSet patterns(ctx);
    patterns.add<ConstantWidening>(converter, ctx);
    patterns.add<CastWidening, AnyOpWidening>(converter, ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    if (failed(applyPartialConversion(*copy, target, std::move(patterns))))
      return;
    // Arguments in normal form: a caller may store a narrow value
    // zero-extended.
    copy->walk([&](func::FuncOp function) {
      if (function.isExternal())
        return;
      OpBuilder b = OpBuilder::atBlockBegin(&function.getBody().front());
      for (BlockArgument argument : function.getArguments()) {
        unsigned bits = getNarrowWidth(
            module.lookupSymbol<func::FuncOp>(function.getSymName())
                .getArgumentTypes()[argument.getArgNumber()]);
        if (!bits)
          continue;
        SmallVector<OpOperand *> uses;
        for (OpOperand &use : argument.getUses())
          uses.push_back(&use);
        Value normal =
            isa<RankedTensorType>(argument.getType())
                ? normalizeTensor(b, argument.getLoc(), argument, bits)
                : normalizeScalar(b, argument.getLoc(), argument, bits);
        for (OpOperand *use : uses)
          use->set(normal);
      }
    });
    // The widened program replaces the original.
    module.getBodyRegion().takeBody(copy->getBodyRegion());
  }
};

} // namespace
