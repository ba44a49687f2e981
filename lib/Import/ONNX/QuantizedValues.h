//===- QuantizedValues.h - quantized tensors of the ONNX importer -*- C++
//-*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// ONNX states quantization parameters as inputs (a scale and a zero point
// per tensor or per axis) next to integer tensors; the importer puts them in
// the types: quantized tensors are `!quant.uniform` tensors, quantized
// constants `quant.scast` of integer constants, and an integer tensor read
// with other parameters is reinterpreted through its storage integers.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_IMPORT_ONNX_QUANTIZEDVALUES_H
#define QFHE_LIB_IMPORT_ONNX_QUANTIZEDVALUES_H

#include "NodeContext.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

namespace mlir {
namespace qfhe {
namespace onnx_import {

/// Where a node states the parameters of one quantized operand.
struct QuantizedOperand {
  /// The operand (an integer constant or a quantized tensor).
  unsigned index;
  /// Its scale and zero point inputs (the zero point optional, default 0);
  /// no scale input means scale 1 (MatMulInteger, ConvInteger).
  std::optional<unsigned> scale;
  unsigned zeroPoint;
  /// The axis of per-axis parameters, when they have several values.
  int64_t axis;
};

/// The integer storage type of a tensor: its integer element type, or the
/// storage of its quantized elements (signed or unsigned); null otherwise.
IntegerType getStorageOf(RankedTensorType type);

/// The `!quant.uniform` element type of a tensor of shape `type` stored as
/// `storage`, with the parameters `operand` locates (constant inputs).
FailureOr<quant::QuantizedType>
getQuantizedType(NodeContext &ctx, RankedTensorType type, IntegerType storage,
                 const QuantizedOperand &operand);

/// Input `index` as a tensor of `element`: a constant becomes an
/// `arith.constant` of signless storage integers and a `quant.scast`; a
/// quantized tensor with other parameters is reinterpreted through its
/// storage integers.
FailureOr<Value> getQuantizedInput(NodeContext &ctx, unsigned index,
                                   quant::QuantizedType element);

/// The operand `operand` locates, typed with its parameters.
FailureOr<Value> getQuantizedOperand(NodeContext &ctx,
                                     const QuantizedOperand &operand);

/// Clip of quantized integers (inputs `min` and `max` of the storage type):
/// the same parameters with narrower storage bounds.
LogicalResult emitQuantizedClip(NodeContext &ctx);

} // namespace onnx_import
} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_IMPORT_ONNX_QUANTIZEDVALUES_H
