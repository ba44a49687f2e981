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

FloatRounding::FloatRounding(Type type) {
  auto floatType = dyn_cast_or_null<FloatType>(type);
  if (!floatType || floatType.isF64())
    return;
  if (floatType.isF32()) {
    kind = Kind::F32;
    return;
  }
  kind = Kind::Other;
  semantics = &floatType.getFloatSemantics();
}

double FloatRounding::roundWithSemantics(double value) const {
  bool lostInfo;
  llvm::APFloat rounded(value);
  rounded.convert(*semantics, llvm::APFloat::rmNearestTiesToEven, &lostInfo);
  return rounded.convertToDouble();
}

double mlir::qfhe::roundToType(double value, Type type) {
  return FloatRounding(type)(value);
}

/// A float function applied in the precision `rounding` gives: f32 calls
/// the float version of the C library function, like the compiled program.
static double apply(const FloatRounding &rounding, float (*f32)(float),
                    double (*f64)(double), double x) {
  if (rounding.isF32())
    return f32(static_cast<float>(x));
  return rounding(f64(x));
}

/// The real an arith.constant holds (0 for other attributes).
static double getConstantReal(arith::ConstantOp constant) {
  Attribute value = constant.getValue();
  if (auto f = dyn_cast<FloatAttr>(value))
    return f.getValueAsDouble();
  if (auto i = dyn_cast<IntegerAttr>(value))
    return static_cast<double>(i.getValue().getSExtValue());
  return 0.0;
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
  initial.push_back(0.0);
  for (BlockArgument argument : body.getArguments()) {
    slotOf[argument] = initial.size();
    initial.push_back(0.0);
  }
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
      std::optional<double> captured;
      if (auto f = dyn_cast_or_null<FloatAttr>(
              matchPattern(operand, m_Constant(&attr)) ? attr : Attribute()))
        captured = f.getValueAsDouble();
      else if (auto i = dyn_cast_or_null<IntegerAttr>(attr))
        captured = static_cast<double>(i.getValue().getSExtValue());
      if (captured) {
        auto [it, inserted] = slotOf.try_emplace(operand, initial.size());
        if (inserted)
          initial.push_back(*captured);
      } else if (!isa<TensorType>(operand.getType())) {
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
    ElementsAttr tensor;
    if (auto extract = dyn_cast<tensor::ExtractOp>(op)) {
      if (!matchPattern(extract.getTensor(), m_Constant(&tensor)) ||
          !isa<FloatType>(tensor.getElementType())) {
        error = "cannot tabulate tensor.extract from a non-constant tensor";
        return;
      }
    }
    unsigned result = initial.size();
    slotOf[op.getResult(0)] = result;
    // Constants of the body are evaluated once.
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      initial.push_back(getConstantReal(constant));
      continue;
    }
    initial.push_back(0.0);
    Step step{
        &op, FloatRounding(op.getResult(0).getType()), {}, result, tensor};
    for (Value operand : op.getOperands())
      step.operands.push_back(getSlot(operand));
    steps.push_back(std::move(step));
  }
  Operation *terminator = body.getTerminator();
  yielded = terminator && terminator->getNumOperands()
                ? getSlot(terminator->getOperand(0))
                : 0;
}

unsigned BodyInterpreter::getSlot(Value value) const {
  return slotOf.lookup(value);
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
  slots.assign(initial.begin(), initial.end());
  for (auto [index, value] :
       llvm::enumerate(arguments.take_front(body.getNumArguments())))
    slots[1 + index] = value;
  for (const Step &step : steps) {
    const FloatRounding &round = step.rounding;
    auto in = [&](unsigned i) { return slots[step.operands[i]]; };
    double result =
        llvm::TypeSwitch<Operation *, double>(step.op)
            .Case([&](arith::AddFOp) { return round(in(0) + in(1)); })
            .Case([&](arith::SubFOp) { return round(in(0) - in(1)); })
            .Case([&](arith::MulFOp) { return round(in(0) * in(1)); })
            .Case([&](arith::DivFOp) { return round(in(0) / in(1)); })
            .Case([&](arith::RemFOp) { return round(std::fmod(in(0), in(1))); })
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
            .Case([&](arith::TruncFOp) { return round(in(0)); })
            .Case([&](arith::SIToFPOp) { return round(in(0)); })
            .Case([&](arith::IndexCastOp) { return in(0); })
            .Case([&](math::ExpOp) { return apply(round, expf, exp, in(0)); })
            .Case(
                [&](math::Exp2Op) { return apply(round, exp2f, exp2, in(0)); })
            .Case([&](math::ExpM1Op) {
              return apply(round, expm1f, expm1, in(0));
            })
            .Case([&](math::LogOp) { return apply(round, logf, log, in(0)); })
            .Case(
                [&](math::Log2Op) { return apply(round, log2f, log2, in(0)); })
            .Case([&](math::Log1pOp) {
              return apply(round, log1pf, log1p, in(0));
            })
            .Case(
                [&](math::SqrtOp) { return apply(round, sqrtf, sqrt, in(0)); })
            .Case([&](math::RsqrtOp) {
              return round(1.0 / round(std::sqrt(in(0))));
            })
            .Case(
                [&](math::TanhOp) { return apply(round, tanhf, tanh, in(0)); })
            .Case([&](math::ErfOp) { return apply(round, erff, erf, in(0)); })
            .Case([&](math::SinOp) { return apply(round, sinf, sin, in(0)); })
            .Case([&](math::CosOp) { return apply(round, cosf, cos, in(0)); })
            .Case(
                [&](math::AtanOp) { return apply(round, atanf, atan, in(0)); })
            .Case([&](math::AbsFOp) { return std::fabs(in(0)); })
            .Case([&](math::CeilOp) { return std::ceil(in(0)); })
            .Case([&](math::FloorOp) { return std::floor(in(0)); })
            .Case([&](math::RoundOp) { return std::round(in(0)); })
            .Case([&](math::RoundEvenOp) { return std::nearbyint(in(0)); })
            .Case([&](math::TruncOp) { return std::trunc(in(0)); })
            .Case([&](math::PowFOp) { return round(std::pow(in(0), in(1))); })
            .Case([&](math::FmaOp) {
              return round(std::fma(in(0), in(1), in(2)));
            })
            .Case([&](tensor::ExtractOp extract) {
              ElementsAttr attr = step.tensor;
              auto shape = cast<ShapedType>(attr.getType());
              uint64_t index = 0;
              for (unsigned dim = 0; dim < extract.getIndices().size(); ++dim)
                index = index * shape.getDimSize(dim) +
                        static_cast<uint64_t>(in(dim + 1));
              return (*attr.tryGetValues<APFloat>())[index].convertToDouble();
            })
            .Default([](Operation *) { return std::nan(""); });
    slots[step.result] = result;
  }
  return slots[yielded];
}
