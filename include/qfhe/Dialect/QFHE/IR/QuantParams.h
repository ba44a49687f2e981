//===- QuantParams.h - quantization parameters from quant types -*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The quantized level of the qfhe dialect states quantization parameters in
// types: tensors of upstream `!quant.uniform` elements, per tensor or per
// axis, with optional storage bounds (`i8<-8:7>`). This header gives one
// view of both kinds of types (QuantParams), builders, checks the ops share,
// and quantized constants (`quant.scast` of an `arith.constant` of the
// storage integers).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_QUANTPARAMS_H
#define QFHE_DIALECT_QFHE_IR_QUANTPARAMS_H

#include "qfhe/Support/QuantMath.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include <optional>
#include <string>

namespace mlir {
namespace qfhe {

/// The parameters of a `!quant.uniform` element type, per tensor or per
/// axis: integer `q` of channel `c` stands for `scale(c) * (q - zp(c))`.
/// Per-tensor parameters answer every channel with their one scale and zero
/// point.
class QuantParams {
public:
  /// The parameters of `type`: a `!quant.uniform` element type (per tensor
  /// or per axis) or a shaped type of one; std::nullopt for anything else
  /// (sub-channel types included).
  static std::optional<QuantParams> get(Type type);

  /// The element type.
  quant::QuantizedType getType() const { return type; }
  bool isPerAxis() const { return axis.has_value(); }
  /// The quantized dimension of per-axis parameters.
  std::optional<int64_t> getAxis() const { return axis; }
  /// Number of (scale, zero point) pairs: 1 per tensor.
  unsigned getNumChannels() const { return scales.size(); }
  ArrayRef<double> getScales() const { return scales; }
  ArrayRef<int64_t> getZeroPoints() const { return zeroPoints; }
  /// Scale of `channel` (the one scale of per-tensor parameters).
  double getScale(unsigned channel = 0) const {
    return scales[scales.size() == 1 ? 0 : channel];
  }
  /// Zero point of `channel` (the one zero point of per-tensor parameters).
  int64_t getZeroPoint(unsigned channel = 0) const {
    return zeroPoints[zeroPoints.size() == 1 ? 0 : channel];
  }
  /// Whether the storage integers are signed.
  bool isSigned() const { return type.isSigned(); }
  /// Bits of the storage type.
  unsigned getStorageWidth() const {
    return type.getStorageTypeIntegralWidth();
  }
  /// The storage bounds (narrower than the storage type when the type says
  /// so: `i8<-8:7>`).
  int64_t getQMin() const { return type.getStorageTypeMin(); }
  int64_t getQMax() const { return type.getStorageTypeMax(); }
  IntegerRange getStorageRange() const { return {getQMin(), getQMax()}; }
  /// The float type the integers approximate.
  Type getExpressedType() const { return type.getExpressedType(); }

private:
  explicit QuantParams(quant::QuantizedType type) : type(type) {}

  quant::QuantizedType type;
  std::optional<int64_t> axis;
  SmallVector<double, 1> scales;
  SmallVector<int64_t, 1> zeroPoints;
};

/// A `!quant.uniform` type of `bits`-bit storage (signed or not) expressing
/// `expressed`, with one scale and zero point, or one per index along
/// `axis` (which must then be set when there is more than one); `bounds`
/// narrows the storage range (default: the whole storage type).
quant::QuantizedType getUniformType(Type expressed, unsigned bits,
                                    bool isSigned, ArrayRef<double> scales,
                                    ArrayRef<int64_t> zeroPoints,
                                    std::optional<int64_t> axis = std::nullopt,
                                    std::optional<IntegerRange> bounds = {});

/// `params`' type with other storage bounds (same storage type).
quant::QuantizedType withStorageBounds(const QuantParams &params,
                                       IntegerRange bounds);

/// `like`'s shape with `element` as element type.
RankedTensorType getTensorType(Type like, Type element);

/// Checks that `type` (a ranked tensor of `!quant.uniform`) holds per-axis
/// parameters consistently: the axis is a dimension of the tensor, whose
/// size (when static) is the number of scales. `role` names the value in
/// messages.
LogicalResult
verifyQuantizedTensor(function_ref<InFlightDiagnostic()> emitError, Type type,
                      StringRef role);

/// Whether two scales are equal up to the float32 rounding of a product or
/// quotient of float32 scales: relative difference at most 2^-23.
bool scalesAgree(double got, double expected);

/// A scale printed with enough digits to see a difference scalesAgree
/// rejects.
std::string formatScale(double scale);

/// The integers a quantized constant holds: `quant.scast` (or a chain of
/// them) of an `arith.constant` of storage integers, sign- or zero-extended
/// as the quantized type says. std::nullopt when `value` is not one.
std::optional<SmallVector<int64_t>> getQuantizedConstant(Value value);

/// Builds a quantized constant of `type` (a ranked tensor of `!quant.uniform`)
/// holding `values` (storage integers): an `arith.constant` of the signless
/// storage type and a `quant.scast`.
Value createQuantizedConstant(OpBuilder &builder, Location loc,
                              RankedTensorType type, ArrayRef<int64_t> values);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_DIALECT_QFHE_IR_QUANTPARAMS_H
