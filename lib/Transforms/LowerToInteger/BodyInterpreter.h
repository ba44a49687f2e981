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

#include "mlir/IR/Block.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/DenseMap.h"

#include <string>

namespace mlir {
namespace qfhe {

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

private:
  Block &body;
  std::string error;
  DenseMap<Value, double> values;
  /// Scalar constants defined outside the body that it reads.
  DenseMap<Value, double> captured;
};

/// Rounds `value` to the float type `type` (f16, bf16, f32, f64).
double roundToType(double value, Type type);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_LOWERTOINTEGER_BODYINTERPRETER_H
