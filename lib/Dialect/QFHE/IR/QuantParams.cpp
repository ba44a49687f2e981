//===- QuantParams.cpp - quantization parameters from quant types ---------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QuantParams.h"
#include "qfhe/Dialect/QFHE/IR/RawIntegers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

std::optional<QuantParams> QuantParams::get(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    type = shaped.getElementType();
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(type)) {
    QuantParams params(uniform);
    params.scales.push_back(uniform.getScale());
    params.zeroPoints.push_back(uniform.getZeroPoint());
    return params;
  }
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
    QuantParams params(perAxis);
    params.axis = perAxis.getQuantizedDimension();
    params.scales.assign(perAxis.getScales().begin(),
                         perAxis.getScales().end());
    params.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                             perAxis.getZeroPoints().end());
    return params;
  }
  return std::nullopt;
}

quant::QuantizedType mlir::qfhe::getUniformType(
    Type expressed, unsigned bits, bool isSigned, ArrayRef<double> scales,
    ArrayRef<int64_t> zeroPoints, std::optional<int64_t> axis,
    std::optional<IntegerRange> bounds) {
  MLIRContext *ctx = expressed.getContext();
  IntegerRange range = bounds ? *bounds : getStorageRange(bits, isSigned);
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  Type storage = IntegerType::get(ctx, bits);
  if (axis)
    return quant::UniformQuantizedPerAxisType::get(
        flags, storage, expressed, scales, zeroPoints,
        static_cast<int32_t>(*axis), range.min, range.max);
  assert(scales.size() == 1 && zeroPoints.size() == 1 &&
         "per-tensor parameters have one scale");
  return quant::UniformQuantizedType::get(flags, storage, expressed,
                                          scales.front(), zeroPoints.front(),
                                          range.min, range.max);
}

quant::QuantizedType mlir::qfhe::withStorageBounds(const QuantParams &params,
                                                   IntegerRange bounds) {
  return getUniformType(params.getExpressedType(), params.getStorageWidth(),
                        params.isSigned(), params.getScales(),
                        params.getZeroPoints(), params.getAxis(), bounds);
}

RankedTensorType mlir::qfhe::getTensorType(Type like, Type element) {
  return cast<RankedTensorType>(like).clone(element);
}

LogicalResult
mlir::qfhe::verifyQuantizedTensor(function_ref<InFlightDiagnostic()> emitError,
                                  Type type, StringRef role) {
  std::optional<QuantParams> params = QuantParams::get(type);
  if (!params)
    return emitError() << role << " type " << type
                       << " does not hold !quant.uniform elements (per "
                          "tensor or per axis)";
  if (!params->isPerAxis())
    return success();
  auto shaped = cast<ShapedType>(type);
  int64_t axis = *params->getAxis();
  if (axis < 0 || axis >= shaped.getRank())
    return emitError() << role << " has per-axis parameters on axis " << axis
                       << " but type " << type << " has rank "
                       << shaped.getRank();
  int64_t size = shaped.getDimSize(axis);
  if (!ShapedType::isDynamic(size) &&
      size != static_cast<int64_t>(params->getNumChannels()))
    return emitError() << role << " has " << params->getNumChannels()
                       << " per-axis scales but dimension " << axis << " of "
                       << type << " has size " << size;
  return success();
}

bool mlir::qfhe::scalesAgree(double got, double expected) {
  return std::fabs(got - expected) <= std::ldexp(std::fabs(expected), -23);
}

std::string mlir::qfhe::formatScale(double scale) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::format("%.10g", scale);
  return text;
}

std::optional<SmallVector<int64_t>>
mlir::qfhe::getQuantizedConstant(Value value) {
  auto cast = value.getDefiningOp<quant::StorageCastOp>();
  if (!cast)
    return std::nullopt;
  std::optional<QuantParams> params = QuantParams::get(cast.getType());
  if (!params)
    return std::nullopt;
  Value source = cast.getInput();
  // A chain of storage casts reinterprets the same integers.
  while (auto inner = source.getDefiningOp<quant::StorageCastOp>())
    source = inner.getInput();
  DenseIntElementsAttr attr;
  if (!matchPattern(source, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> values;
  values.reserve(attr.getNumElements());
  auto element = dyn_cast<IntegerType>(attr.getElementType());
  unsigned width = element ? element.getWidth() : 0;
  if (!element || width > 64) {
    for (const APInt &v : attr.getValues<APInt>())
      values.push_back(params->isSigned()
                           ? v.getSExtValue()
                           : static_cast<int64_t>(v.getZExtValue()));
    return values;
  }
  // The storage's bits (read raw: weights are millions of elements),
  // extended as the parameters' signedness says.
  RawIntegers reader(attr);
  uint64_t mask = width == 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
  uint64_t sign = params->isSigned() ? uint64_t(1) << (width - 1) : 0;
  for (int64_t i = 0, e = reader.size(); i < e; ++i) {
    uint64_t bits = static_cast<uint64_t>(reader[i]) & mask;
    values.push_back(static_cast<int64_t>((bits ^ sign) - sign));
  }
  return values;
}

Value mlir::qfhe::createQuantizedConstant(OpBuilder &builder, Location loc,
                                          RankedTensorType type,
                                          ArrayRef<int64_t> values) {
  std::optional<QuantParams> params = QuantParams::get(type);
  assert(params && "a tensor of !quant.uniform elements");
  unsigned width = params->getStorageWidth();
  auto storageType = type.clone(IntegerType::get(builder.getContext(), width));
  Value storage = arith::ConstantOp::create(
      builder, loc, storageType, getRawIntegers(storageType, values));
  return quant::StorageCastOp::create(builder, loc, type, storage);
}
