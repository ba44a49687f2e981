//===- Builders.h - IR building blocks of the ONNX importer -----*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The pieces every emitter uses: initialized result tensors, elementwise
// linalg.generic ops with numpy broadcasting, reshapes as collapse/expand,
// padding, transposes, and import-time transformations of constant data.
// A dynamic dimension is always the batch (dimension 0): the helpers that
// create tensors read its size from `tensor.dim` of a value that has it.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_IMPORT_ONNX_BUILDERS_H
#define QFHE_LIB_IMPORT_ONNX_BUILDERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir {
namespace qfhe {
namespace onnx_import {

/// A scalar f32 `arith.constant`.
Value createF32(OpBuilder &builder, Location loc, double value);

/// `tensor.empty` of `type`; a dynamic dimension 0 takes its size from
/// dimension 0 of `batchSource`.
Value createEmpty(OpBuilder &builder, Location loc, RankedTensorType type,
                  Value batchSource);

/// `tensor.empty` of `type` filled with `value` by `linalg.fill`.
Value createFilled(OpBuilder &builder, Location loc, RankedTensorType type,
                   double value, Value batchSource);

/// Builds the body of an elementwise op from the operands' elements.
using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// The indexing map reading an operand of shape `operand` broadcast
/// numpy-style into the loops of a result of shape `result`: trailing
/// dimensions align, size-1 dimensions read index 0, missing leading ones
/// are dropped.
AffineMap getBroadcastMap(MLIRContext *context, ArrayRef<int64_t> operand,
                          ArrayRef<int64_t> result);

/// An all-parallel `linalg.generic` producing `resultType`, reading
/// `operands` through `maps`, with the element computed by `body`.
Value buildGeneric(OpBuilder &builder, Location loc, ValueRange operands,
                   ArrayRef<AffineMap> maps, RankedTensorType resultType,
                   BodyFn body);

/// `buildGeneric` with numpy broadcasting maps for every operand.
Value buildBroadcastGeneric(OpBuilder &builder, Location loc,
                            ValueRange operands, RankedTensorType resultType,
                            BodyFn body);

/// An elementwise op on `input`, same shape, f32 result.
Value buildUnary(OpBuilder &builder, Location loc, Value input, BodyFn body);

/// `input` divided by the constant `divisor`, elementwise.
Value divideBy(OpBuilder &builder, Location loc, Value input, double divisor);

/// The sums of `input` over the dimensions `reduced` marks (a
/// `linalg.generic` with reduction iterators into a zero-filled f32 tensor
/// of the other dimensions, in order); the batch (dimension 0) must not be
/// reduced when it is dynamic.
Value buildSumOver(OpBuilder &builder, Location loc, Value input,
                   ArrayRef<bool> reduced);

/// Reshapes `input` to `shape` (same element count, batch kept at dimension
/// 0): `tensor.collapse_shape`/`tensor.expand_shape` when the reshape is a
/// pure collapse or expand, else `tensor.reshape` with a constant shape, or,
/// with a dynamic batch, a collapse of the other dimensions then an expand.
Value buildReshape(OpBuilder &builder, Location loc, Value input,
                   ArrayRef<int64_t> shape);

/// `tensor.pad` of `input` by `low`/`high` (one entry per dimension) with the
/// f32 constant `padValue`.
Value buildPad(OpBuilder &builder, Location loc, Value input,
               ArrayRef<int64_t> low, ArrayRef<int64_t> high, double padValue);

/// `linalg.transpose` of `input` by `permutation` (result dimension i is input
/// dimension permutation[i]).
Value buildTranspose(OpBuilder &builder, Location loc, Value input,
                     ArrayRef<int64_t> permutation);

/// `data` transposed by `permutation`, at import time.
DenseElementsAttr transposeData(DenseElementsAttr data,
                                ArrayRef<int64_t> permutation);

/// The f32 `data` multiplied by `factor` (in f32), at import time.
DenseElementsAttr scaleData(DenseElementsAttr data, float factor);

/// The values of f32 `data`.
SmallVector<float> getFloatValues(DenseElementsAttr data);

/// The values of integer `data`, sign- or zero-extended by its type (none
/// when its elements are not integers).
SmallVector<int64_t> getIntValues(DenseElementsAttr data);

} // namespace onnx_import
} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_IMPORT_ONNX_BUILDERS_H
