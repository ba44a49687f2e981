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
static double applyMath(const FloatRounding &rounding, float (*f32)(float),
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

/// The kind of an interpretable op (isInterpretable, not a constant).
static BodyInterpreter::Kind getKind(Operation &op) {
  using K = BodyInterpreter::Kind;
  return llvm::TypeSwitch<Operation *, K>(&op)
      .Case([](arith::AddFOp) { return K::AddF; })
      .Case([](arith::SubFOp) { return K::SubF; })
      .Case([](arith::MulFOp) { return K::MulF; })
      .Case([](arith::DivFOp) { return K::DivF; })
      .Case([](arith::RemFOp) { return K::RemF; })
      .Case([](arith::NegFOp) { return K::NegF; })
      .Case([](arith::MaximumFOp) { return K::MaximumF; })
      .Case([](arith::MinimumFOp) { return K::MinimumF; })
      .Case([](arith::MaxNumFOp) { return K::MaxNumF; })
      .Case([](arith::MinNumFOp) { return K::MinNumF; })
      .Case([](arith::CmpFOp) { return K::CmpF; })
      .Case([](arith::SelectOp) { return K::Select; })
      .Case([](arith::ExtFOp) { return K::ExtF; })
      .Case([](arith::TruncFOp) { return K::TruncF; })
      .Case([](arith::SIToFPOp) { return K::SIToFP; })
      .Case([](arith::IndexCastOp) { return K::IndexCast; })
      .Case([](math::ExpOp) { return K::Exp; })
      .Case([](math::Exp2Op) { return K::Exp2; })
      .Case([](math::ExpM1Op) { return K::ExpM1; })
      .Case([](math::LogOp) { return K::Log; })
      .Case([](math::Log2Op) { return K::Log2; })
      .Case([](math::Log1pOp) { return K::Log1p; })
      .Case([](math::SqrtOp) { return K::Sqrt; })
      .Case([](math::RsqrtOp) { return K::Rsqrt; })
      .Case([](math::TanhOp) { return K::Tanh; })
      .Case([](math::ErfOp) { return K::Erf; })
      .Case([](math::SinOp) { return K::Sin; })
      .Case([](math::CosOp) { return K::Cos; })
      .Case([](math::AtanOp) { return K::Atan; })
      .Case([](math::AbsFOp) { return K::AbsF; })
      .Case([](math::CeilOp) { return K::Ceil; })
      .Case([](math::FloorOp) { return K::Floor; })
      .Case([](math::RoundOp) { return K::Round; })
      .Case([](math::RoundEvenOp) { return K::RoundEven; })
      .Case([](math::TruncOp) { return K::Trunc; })
      .Case([](math::PowFOp) { return K::PowF; })
      .Case([](math::FmaOp) { return K::Fma; })
      .Default([](Operation *) { return K::Extract; });
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
    Step step{getKind(op), FloatRounding(op.getResult(0).getType()), {},
              result,      arith::CmpFPredicate::AlwaysFalse,        {},
              {}};
    if (auto cmp = dyn_cast<arith::CmpFOp>(op))
      step.predicate = cmp.getPredicate();
    if (tensor) {
      // Decoded once: a table evaluates the body for every entry.
      auto values = tensor.tryGetValues<APFloat>();
      for (APFloat value : *values)
        step.tensor.push_back(value.convertToDouble());
      llvm::append_range(step.shape,
                         cast<ShapedType>(tensor.getType()).getShape());
    }
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

/// The arithmetic of the binary ops evaluated a row at a time in a loop of
/// their own (evaluateRow) and one entry at a time (apply), one definition
/// for both: calls `body` with the op's function of two doubles; false
/// (and no call) for other kinds.
template <typename Body>
static bool withBinaryOp(BodyInterpreter::Kind kind, const FloatRounding &round,
                         Body body) {
  using Kind = BodyInterpreter::Kind;
  switch (kind) {
  case Kind::AddF:
    body([&](double a, double b) { return round(a + b); });
    return true;
  case Kind::SubF:
    body([&](double a, double b) { return round(a - b); });
    return true;
  case Kind::MulF:
    body([&](double a, double b) { return round(a * b); });
    return true;
  case Kind::DivF:
    body([&](double a, double b) { return round(a / b); });
    return true;
  case Kind::MaximumF:
    body([](double a, double b) {
      return std::isnan(a) || std::isnan(b) ? std::nan("") : std::max(a, b);
    });
    return true;
  case Kind::MinimumF:
    body([](double a, double b) {
      return std::isnan(a) || std::isnan(b) ? std::nan("") : std::min(a, b);
    });
    return true;
  case Kind::MaxNumF:
    body([](double a, double b) { return std::fmax(a, b); });
    return true;
  case Kind::MinNumF:
    body([](double a, double b) { return std::fmin(a, b); });
    return true;
  default:
    return false;
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

double BodyInterpreter::apply(const Step &step, ArrayRef<double> in) {
  const FloatRounding &round = step.rounding;
  double binary = 0;
  if (withBinaryOp(step.kind, round,
                   [&](auto op) { binary = op(in[0], in[1]); }))
    return binary;
  switch (step.kind) {
  case Kind::AddF:
  case Kind::SubF:
  case Kind::MulF:
  case Kind::DivF:
  case Kind::MaximumF:
  case Kind::MinimumF:
  case Kind::MaxNumF:
  case Kind::MinNumF:
    break; // withBinaryOp's
  case Kind::RemF:
    return round(std::fmod(in[0], in[1]));
  case Kind::NegF:
    return -in[0];
  case Kind::CmpF:
    return compare(step.predicate, in[0], in[1]) ? 1.0 : 0.0;
  case Kind::Select:
    return in[0] != 0.0 ? in[1] : in[2];
  case Kind::ExtF:
  case Kind::IndexCast:
    return in[0];
  case Kind::TruncF:
  case Kind::SIToFP:
    return round(in[0]);
  case Kind::Exp:
    return applyMath(round, expf, exp, in[0]);
  case Kind::Exp2:
    return applyMath(round, exp2f, exp2, in[0]);
  case Kind::ExpM1:
    return applyMath(round, expm1f, expm1, in[0]);
  case Kind::Log:
    return applyMath(round, logf, log, in[0]);
  case Kind::Log2:
    return applyMath(round, log2f, log2, in[0]);
  case Kind::Log1p:
    return applyMath(round, log1pf, log1p, in[0]);
  case Kind::Sqrt:
    return applyMath(round, sqrtf, sqrt, in[0]);
  case Kind::Rsqrt:
    return round(1.0 / round(std::sqrt(in[0])));
  case Kind::Tanh:
    return applyMath(round, tanhf, tanh, in[0]);
  case Kind::Erf:
    return applyMath(round, erff, erf, in[0]);
  case Kind::Sin:
    return applyMath(round, sinf, sin, in[0]);
  case Kind::Cos:
    return applyMath(round, cosf, cos, in[0]);
  case Kind::Atan:
    return applyMath(round, atanf, atan, in[0]);
  case Kind::AbsF:
    return std::fabs(in[0]);
  case Kind::Ceil:
    return std::ceil(in[0]);
  case Kind::Floor:
    return std::floor(in[0]);
  case Kind::Round:
    return std::round(in[0]);
  case Kind::RoundEven:
    return std::nearbyint(in[0]);
  case Kind::Trunc:
    return std::trunc(in[0]);
  case Kind::PowF:
    return round(std::pow(in[0], in[1]));
  case Kind::Fma:
    return round(std::fma(in[0], in[1], in[2]));
  case Kind::Extract: {
    // Operand 0 is the tensor; the indices follow.
    uint64_t index = 0;
    for (auto [dim, size] : llvm::enumerate(step.shape))
      index = index * size + static_cast<uint64_t>(in[dim + 1]);
    return step.tensor[index];
  }
  }
  return std::nan("");
}

double BodyInterpreter::evaluate(ArrayRef<double> arguments) {
  slots.assign(initial.begin(), initial.end());
  for (auto [index, value] :
       llvm::enumerate(arguments.take_front(body.getNumArguments())))
    slots[1 + index] = value;
  SmallVector<double, 4> in;
  for (const Step &step : steps) {
    in.clear();
    for (unsigned operand : step.operands)
      in.push_back(slots[operand]);
    slots[step.result] = apply(step, in);
  }
  return slots[yielded];
}

void BodyInterpreter::evaluateRow(ArrayRef<double> firsts,
                                  ArrayRef<double> others,
                                  MutableArrayRef<double> results) const {
  size_t length = firsts.size();
  // Per slot: its value where it does not vary along the row, whether it
  // varies, and the rows of those that do (slot s at s * length; written
  // before they are read).
  SmallVector<double> values(initial.begin(), initial.end());
  SmallVector<bool> varying(initial.size(), false);
  SmallVector<double, 0> rows;
  rows.resize_for_overwrite(initial.size() * length);
  if (body.getNumArguments() > 0) {
    varying[1] = true;
    llvm::copy(firsts, rows.begin() + length);
  }
  for (auto [index, value] : llvm::enumerate(
           others.take_front(std::max(body.getNumArguments(), 1u) - 1)))
    values[2 + index] = value;
  // Each op over the whole row, or once where no operand varies.
  SmallVector<double, 4> in;
  for (const Step &step : steps) {
    bool varies = llvm::any_of(step.operands,
                               [&](unsigned slot) { return varying[slot]; });
    in.assign(step.operands.size(), 0.0);
    auto read = [&](size_t k) {
      for (auto [i, slot] : llvm::enumerate(step.operands))
        in[i] = varying[slot] ? rows[slot * length + k] : values[slot];
    };
    if (!varies) {
      read(0);
      values[step.result] = apply(step, in);
      continue;
    }
    varying[step.result] = true;
    double *out = rows.data() + step.result * length;
    // Binary arithmetic in a loop of its own, each operand a row or a
    // value.
    if (step.operands.size() == 2) {
      auto [a, b] = std::make_pair(step.operands[0], step.operands[1]);
      const double *aRow = varying[a] ? rows.data() + a * length : nullptr;
      const double *bRow = varying[b] ? rows.data() + b * length : nullptr;
      double aValue = values[a], bValue = values[b];
      if (withBinaryOp(step.kind, step.rounding, [&](auto op) {
            if (aRow && bRow)
              for (size_t k = 0; k < length; ++k)
                out[k] = op(aRow[k], bRow[k]);
            else if (aRow)
              for (size_t k = 0; k < length; ++k)
                out[k] = op(aRow[k], bValue);
            else
              for (size_t k = 0; k < length; ++k)
                out[k] = op(aValue, bRow[k]);
          }))
        continue;
    }
    for (size_t k = 0; k < length; ++k) {
      read(k);
      out[k] = apply(step, in);
    }
  }
  if (varying[yielded])
    llvm::copy(ArrayRef<double>(rows.data() + yielded * length, length),
               results.begin());
  else
    std::fill(results.begin(), results.end(), values[yielded]);
}
