//===- BodyInterpreter.cpp - evaluate qfhe.apply bodies -------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "BodyInterpreter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

double mlir::qfhe::roundToType(double value, Type type) {
  auto floatType = dyn_cast<FloatType>(type);
  if (!floatType || floatType.isF64())
    return value;
  if (floatType.isF32())
    return static_cast<double>(static_cast<float>(value));
  bool lostInfo;
  llvm::APFloat rounded(value);
  rounded.convert(floatType.getFloatSemantics(),
                  llvm::APFloat::rmNearestTiesToEven, &lostInfo);
  return rounded.convertToDouble();
}

/// A float function applied in the precision of `type`: f32 calls the
/// float version of the C library function, like the compiled program.
static double apply(Type type, float (*f32)(float), double (*f64)(double),
                    double x) {
  if (type.isF32())
    return f32(static_cast<float>(x));
  return roundToType(f64(x), type);
}

static bool isInterpretable(Operation &op) {
  return isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp,
             arith::RemFOp, arith::NegFOp, arith::MaximumFOp, arith::MinimumFOp,
             arith::MaxNumFOp, arith::MinNumFOp, arith::CmpFOp, arith::SelectOp,
             arith::ExtFOp, arith::TruncFOp, arith::ConstantOp, arith::SIToFPOp,
             arith::IndexCastOp, math::ExpOp, math::Exp2Op, math::ExpM1Op,
             math::LogOp, math::Log2Op, math::Log1pOp, math::SqrtOp,
             math::RsqrtOp, math::TanhOp, math::ErfOp, math::AbsFOp,
             math::CeilOp, math::FloorOp, math::RoundOp, math::RoundEvenOp,
             math::TruncOp, math::PowFOp, math::FmaOp, math::SinOp, math::CosOp,
             math::AtanOp, tensor::ExtractOp>(op);
}

BodyInterpreter::BodyInterpreter(Block &body) : body(body) {
  // Values captured from outside the body must be scalar constants.
  for (Operation &op : body) {
    for (Value operand : op.getOperands()) {
      if (isa<BlockArgument>(operand) &&
          cast<BlockArgument>(operand).getOwner() == &body)
        continue;
      Operation *def = operand.getDefiningOp();
      if (def && def->getBlock() == &body)
        continue;
      Attribute attr;
      if (auto f = dyn_cast_or_null<FloatAttr>(
              matchPattern(operand, m_Constant(&attr)) ? attr : Attribute()))
        captured[operand] = f.getValueAsDouble();
      else if (auto i = dyn_cast_or_null<IntegerAttr>(attr))
        captured[operand] = static_cast<double>(i.getValue().getSExtValue());
      else if (!isa<TensorType>(operand.getType())) {
        error = "cannot tabulate a body that reads a non-constant value "
                "defined outside it";
        return;
      }
    }
  }
  for (Operation &op : body.without_terminator()) {
    if (!isInterpretable(op)) {
      error = ("cannot tabulate '" + op.getName().getStringRef() + "'").str();
      return;
    }
    if (auto extract = dyn_cast<tensor::ExtractOp>(op)) {
      ElementsAttr attr;
      if (!matchPattern(extract.getTensor(), m_Constant(&attr)) ||
          !isa<FloatType>(attr.getElementType())) {
        error = "cannot tabulate tensor.extract from a non-constant tensor";
        return;
      }
    }
  }
}

/// Evaluates a float comparison predicate.
static bool compare(arith::CmpFPredicate predicate, double a, double b) {
  using P = arith::CmpFPredicate;
  bool unordered = std::isnan(a) || std::isnan(b);
  switch (predicate) {
  case P::AlwaysFalse:
    return false;
  case P::AlwaysTrue:
    return true;
  case P::OEQ:
    return !unordered && a == b;
  case P::OGT:
    return !unordered && a > b;
  case P::OGE:
    return !unordered && a >= b;
  case P::OLT:
    return !unordered && a < b;
  case P::OLE:
    return !unordered && a <= b;
  case P::ONE:
    return !unordered && a != b;
  case P::ORD:
    return !unordered;
  case P::UEQ:
    return unordered || a == b;
  case P::UGT:
    return unordered || a > b;
  case P::UGE:
    return unordered || a >= b;
  case P::ULT:
    return unordered || a < b;
  case P::ULE:
    return unordered || a <= b;
  case P::UNE:
    return unordered || a != b;
  case P::UNO:
    return unordered;
  }
  return false;
}

double BodyInterpreter::evaluate(ArrayRef<double> arguments) {
  values = captured;
  for (auto [argument, value] : llvm::zip(body.getArguments(), arguments))
    values[argument] = value;
  auto get = [&](Value value) { return values.lookup(value); };
  for (Operation &op : body.without_terminator()) {
    Type type = op.getNumResults() ? op.getResult(0).getType() : Type();
    auto in = [&](unsigned i) { return get(op.getOperand(i)); };
    double result =
        llvm::TypeSwitch<Operation *, double>(&op)
            .Case(
                [&](arith::AddFOp) { return roundToType(in(0) + in(1), type); })
            .Case(
                [&](arith::SubFOp) { return roundToType(in(0) - in(1), type); })
            .Case(
                [&](arith::MulFOp) { return roundToType(in(0) * in(1), type); })
            .Case(
                [&](arith::DivFOp) { return roundToType(in(0) / in(1), type); })
            .Case([&](arith::RemFOp) {
              return roundToType(std::fmod(in(0), in(1)), type);
            })
            .Case([&](arith::NegFOp) { return -in(0); })
            .Case([&](arith::MaximumFOp) {
              return std::isnan(in(0)) || std::isnan(in(1))
                         ? std::nan("")
                         : std::max(in(0), in(1));
            })
            .Case([&](arith::MinimumFOp) {
              return std::isnan(in(0)) || std::isnan(in(1))
                         ? std::nan("")
                         : std::min(in(0), in(1));
            })
            .Case([&](arith::MaxNumFOp) { return std::fmax(in(0), in(1)); })
            .Case([&](arith::MinNumFOp) { return std::fmin(in(0), in(1)); })
            .Case([&](arith::CmpFOp cmp) {
              return compare(cmp.getPredicate(), in(0), in(1)) ? 1.0 : 0.0;
            })
            .Case([&](arith::SelectOp) { return in(0) != 0.0 ? in(1) : in(2); })
            .Case([&](arith::ExtFOp) { return in(0); })
            .Case([&](arith::TruncFOp) { return roundToType(in(0), type); })
            .Case([&](arith::SIToFPOp) { return roundToType(in(0), type); })
            .Case([&](arith::IndexCastOp) { return in(0); })
            .Case([&](arith::ConstantOp constant) {
              Attribute value = constant.getValue();
              if (auto f = dyn_cast<FloatAttr>(value))
                return f.getValueAsDouble();
              if (auto i = dyn_cast<IntegerAttr>(value))
                return static_cast<double>(i.getValue().getSExtValue());
              return 0.0;
            })
            .Case([&](math::ExpOp) { return apply(type, expf, exp, in(0)); })
            .Case([&](math::Exp2Op) { return apply(type, exp2f, exp2, in(0)); })
            .Case([&](math::ExpM1Op) {
              return apply(type, expm1f, expm1, in(0));
            })
            .Case([&](math::LogOp) { return apply(type, logf, log, in(0)); })
            .Case([&](math::Log2Op) { return apply(type, log2f, log2, in(0)); })
            .Case([&](math::Log1pOp) {
              return apply(type, log1pf, log1p, in(0));
            })
            .Case([&](math::SqrtOp) { return apply(type, sqrtf, sqrt, in(0)); })
            .Case([&](math::RsqrtOp) {
              return roundToType(1.0 / roundToType(std::sqrt(in(0)), type),
                                 type);
            })
            .Case([&](math::TanhOp) { return apply(type, tanhf, tanh, in(0)); })
            .Case([&](math::ErfOp) { return apply(type, erff, erf, in(0)); })
            .Case([&](math::SinOp) { return apply(type, sinf, sin, in(0)); })
            .Case([&](math::CosOp) { return apply(type, cosf, cos, in(0)); })
            .Case([&](math::AtanOp) { return apply(type, atanf, atan, in(0)); })
            .Case([&](math::AbsFOp) { return std::fabs(in(0)); })
            .Case([&](math::CeilOp) { return std::ceil(in(0)); })
            .Case([&](math::FloorOp) { return std::floor(in(0)); })
            .Case([&](math::RoundOp) { return std::round(in(0)); })
            .Case([&](math::RoundEvenOp) { return std::nearbyint(in(0)); })
            .Case([&](math::TruncOp) { return std::trunc(in(0)); })
            .Case([&](math::PowFOp) {
              return roundToType(std::pow(in(0), in(1)), type);
            })
            .Case([&](math::FmaOp) {
              return roundToType(std::fma(in(0), in(1), in(2)), type);
            })
            .Case([&](tensor::ExtractOp extract) {
              ElementsAttr attr;
              matchPattern(extract.getTensor(), m_Constant(&attr));
              auto shape = cast<ShapedType>(attr.getType());
              uint64_t index = 0;
              for (unsigned dim = 0; dim < extract.getIndices().size(); ++dim)
                index = index * shape.getDimSize(dim) +
                        static_cast<uint64_t>(in(dim + 1));
              return (*attr.tryGetValues<APFloat>())[index].convertToDouble();
            })
            .Default([](Operation *) { return std::nan(""); });
    values[op.getResult(0)] = result;
  }
  return get(body.getTerminator()->getOperand(0));
}
