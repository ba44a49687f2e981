//===- ProgramPieces.h - a program cut into layer-sized parts ---*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Cuts the entry function of a tensor program into pieces that run one
// after the other: a piece ends after each contraction or reduction (a
// layer), and becomes a function of its own whose arguments are the
// tensors it reads from earlier pieces (or the entry's arguments) and whose
// results are the tensors later pieces (or the entry's results) read.
// Constants, and scalars computed from tensors (tensor.dim), are copied
// into every piece that uses them. Two programs that differ in one layer
// differ in the pieces around it only: the evaluator compiles and runs the
// others once (PieceEvaluator).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_RUNTIME_PROGRAMPIECES_H
#define QFHE_LIB_RUNTIME_PROGRAMPIECES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/Support/Error.h"

namespace mlir {
namespace qfhe {

/// Where a piece's argument (or an entry result) comes from.
struct PieceSource {
  /// The piece that computes it, or -1 for an argument of the entry.
  int piece = -1;
  /// The result of that piece (or the argument of the entry).
  unsigned index = 0;
};

/// One piece: a module holding one function, `piece`.
struct ProgramPiece {
  OwningOpRef<ModuleOp> module;
  /// A hash of the function's ops, types and attributes (locations and
  /// names aside): equal pieces hash equally.
  llvm::hash_code hash;
  /// The source of each argument.
  SmallVector<PieceSource> inputs;

  func::FuncOp getFunction() const;
};

/// A program as pieces.
struct ProgramPieces {
  SmallVector<ProgramPiece> pieces;
  /// The source of each result of the entry.
  SmallVector<PieceSource> results;
};

/// Cuts `entry` (its body one block ending in func.return) into pieces; a
/// program that cannot be cut (a value crossing pieces that is neither a
/// tensor whose leading dimension counts the samples nor a scalar that can
/// be recomputed) becomes one piece. Errors when the body has more than one
/// block.
llvm::Expected<ProgramPieces> cutIntoPieces(func::FuncOp entry);

/// Whether two pieces are the same function (locations aside).
bool isSamePiece(func::FuncOp a, func::FuncOp b);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_RUNTIME_PROGRAMPIECES_H
