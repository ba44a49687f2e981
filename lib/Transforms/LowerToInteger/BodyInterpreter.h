//===- BodyInterpreter.h - evaluate qfhe.apply bodies -----------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Evaluates the scalar float arithmetic of a qfhe.apply body at compile
// time, with the arithmetic of the body's types (f32 ops are computed in
// float, so that a table holds what the program would compute at run time).
// Used to tabulate univariate functions.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_LOWERTOINTEGER_BODYINTERPRETER_H
#define QFHE_LIB_TRANSFORMS_LOWERTOINTEGER_BODYINTERPRETER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Block.h"
#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallVector.h"

#include <string>
#include <vector>

namespace mlir {
namespace qfhe {

/// Rounding of a double to a float type, the type inspected once (tables
/// evaluate it for each of up to 2^24 entries): none for f64 and non-float
/// types, through `float` for f32, through APFloat for the others (f16,
/// bf16, ...).
class FloatRounding {
public:
  explicit FloatRounding(Type type);

  double operator()(double value) const {
    switch (kind) {
    case Kind::None:
      return value;
    case Kind::F32:
      return static_cast<double>(static_cast<float>(value));
    case Kind::Other:
      return roundWithSemantics(value);
    }
    return value;
  }

  /// Whether the type is f32 (math functions then call their float form).
  bool isF32() const { return kind == Kind::F32; }

private:
  double roundWithSemantics(double value) const;

  enum class Kind { None, F32, Other };
  Kind kind = Kind::None;
  const llvm::fltSemantics *semantics = nullptr;
};

/// Interprets one block of scalar arith/math ops (and tensor.extract from
/// constant vectors).
class BodyInterpreter {
public:
  /// Prepares to interpret `body`; `error` is set if it holds an op without
  /// an interpretation.
  explicit BodyInterpreter(Block &body);

  /// Whether every op of the body can be interpreted; the reason otherwise.
  bool isValid() const { return error.empty(); }
  StringRef getError() const { return error; }

  /// Evaluates the body on the given block arguments (reals, or indices as
  /// reals) and returns the real the terminator yields (operand 0).
  double evaluate(ArrayRef<double> arguments);

  /// Evaluates the body once for each of `firsts` as its first argument,
  /// with `others` as the following arguments, into `results` (as many as
  /// `firsts`): what evaluate gives for each, op by op over the whole row
  /// (a table's row holds up to 2^16 entries). Its state is its own:
  /// several threads may evaluate rows of one interpreter at once.
  void evaluateRow(ArrayRef<double> firsts, ArrayRef<double> others,
                   MutableArrayRef<double> results) const;

  /// The ops the interpreter knows.
  enum class Kind {
    AddF,
    SubF,
    MulF,
    DivF,
    RemF,
    NegF,
    MaximumF,
    MinimumF,
    MaxNumF,
    MinNumF,
    CmpF,
    Select,
    ExtF,
    TruncF,
    SIToFP,
    IndexCast,
    Exp,
    Exp2,
    ExpM1,
    Log,
    Log2,
    Log1p,
    Sqrt,
    Rsqrt,
    Tanh,
    Erf,
    Sin,
    Cos,
    Atan,
    AbsF,
    Ceil,
    Floor,
    Round,
    RoundEven,
    Trunc,
    PowF,
    Fma,
    Extract
  };

private:
  /// One op of the body, its operands and result as slots of `slots`.
  struct Step {
    Kind kind;
    FloatRounding rounding;
    SmallVector<unsigned, 3> operands;
    unsigned result;
    /// The predicate of an arith.cmpf.
    arith::CmpFPredicate predicate = arith::CmpFPredicate::AlwaysFalse;
    /// The constant tensor of a tensor.extract, decoded, and its shape.
    SmallVector<double> tensor;
    SmallVector<int64_t> shape;
  };

  /// The result of `step` on its operands' values `in`.
  static double apply(const Step &step, ArrayRef<double> in);

  /// The slot of `value`: block arguments, captured constants and results
  /// of the body's ops have one; any other value reads slot 0 (0.0).
  unsigned getSlot(Value value) const;

  Block &body;
  std::string error;
  /// Slots in evaluation order: 0 (always 0.0), the block arguments, the
  /// scalar constants captured from outside the body, the ops' results.
  DenseMap<Value, unsigned> slotOf;
  /// Slot values before an evaluation: captured constants and the results
  /// of the body's arith.constant ops; 0.0 elsewhere.
  SmallVector<double> initial;
  SmallVector<double> slots;
  SmallVector<Step> steps;
  unsigned yielded = 0;
};

/// Rounds `value` to the float type `type` (f16, bf16, f32, f64).
double roundToType(double value, Type type);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_LOWERTOINTEGER_BODYINTERPRETER_H
