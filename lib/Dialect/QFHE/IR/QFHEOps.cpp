//===- QFHEOps.cpp - qfhe operations --------------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "qfhe/Dialect/QFHE/IR/RawIntegers.h"
#include "qfhe/Support/QuantMath.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

#define GET_OP_CLASSES
#include "qfhe/Dialect/QFHE/IR/QFHEOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Integers an integer type holds: signless types are two's complement.
static IntegerRange getIntegerTypeRange(IntegerType type) {
  return getStorageRange(type.getWidth(), !type.isUnsigned());
}

//===----------------------------------------------------------------------===//
// Shared checks of the quantized-level ops
//===----------------------------------------------------------------------===//

namespace {

/// The parameters of a value of the quantized level (its ODS type
/// constraint guarantees a `!quant.uniform` element type).
QuantParams paramsOf(Value value) { return *QuantParams::get(value.getType()); }

/// Checks the per-axis parameters of `value`'s type against its shape.
LogicalResult verifyTensor(Operation *op, Value value, StringRef role) {
  return verifyQuantizedTensor([&] { return op->emitOpError(); },
                               value.getType(), role);
}

/// Checks that `params` are per tensor.
LogicalResult verifyPerTensor(Operation *op, const QuantParams &params,
                              StringRef role) {
  if (params.isPerAxis())
    return op->emitOpError()
           << role << " must be quantized per tensor, got per-axis type "
           << params.getType();
  return success();
}

/// Checks that `params` are per tensor or per axis on `axis`.
LogicalResult verifyAxis(Operation *op, const QuantParams &params, int64_t axis,
                         StringRef role) {
  if (params.isPerAxis() && *params.getAxis() != axis)
    return op->emitOpError()
           << role << " must be quantized per tensor or per axis " << axis
           << ", got axis " << *params.getAxis();
  return success();
}

/// Checks that a scale is what the operands give, up to float32 rounding.
LogicalResult verifyScale(Operation *op, StringRef role, unsigned channel,
                          double got, double want) {
  if (scalesAgree(got, want))
    return success();
  return op->emitOpError() << role << " scale of channel " << channel << " is "
                           << formatScale(got) << " but the operands give "
                           << formatScale(want) << " (relative difference "
                           << llvm::formatv("{0:e1}", std::fabs(got - want) /
                                                          std::fabs(want))
                                  .str()
                           << "; float32 rounding allows 2^-23)";
}

/// Checks the type of an accumulator: per axis on `axis` when `perAxis`,
/// zero points 0, storage bounds those of its storage type, and scale
/// `expected(channel)` up to float32 rounding.
LogicalResult verifyAccumulator(Operation *op, const QuantParams &params,
                                bool perAxis, int64_t axis,
                                function_ref<double(unsigned)> expected) {
  if (perAxis != params.isPerAxis() || (perAxis && *params.getAxis() != axis))
    return op->emitOpError()
           << "result must be quantized "
           << (perAxis ? "per axis " + std::to_string(axis) : "per tensor")
           << " to match the operands, got " << params.getType();
  if (params.getType().hasStorageTypeBounds())
    return op->emitOpError()
           << "result storage is narrowed to [" << params.getQMin() << ", "
           << params.getQMax()
           << "]; an accumulator spans its whole storage type";
  for (unsigned channel = 0; channel < params.getNumChannels(); ++channel) {
    if (params.getZeroPoint(channel) != 0)
      return op->emitOpError() << "result zero point of channel " << channel
                               << " is " << params.getZeroPoint(channel)
                               << "; an accumulator has zero point 0";
    if (failed(verifyScale(op, "result", channel, params.getScale(channel),
                           expected(channel))))
      return failure();
  }
  return success();
}

/// Checks the bias of a linear op: `count` values (one per output channel)
/// at the scales of the accumulator `result`, zero point 0.
LogicalResult verifyBias(Operation *op, Value bias, int64_t count,
                         const QuantParams &result) {
  auto biasType = cast<RankedTensorType>(bias.getType());
  if (biasType.getRank() != 1 ||
      failed(verifyCompatibleShape(biasType.getShape(), {count})))
    return op->emitOpError()
           << "bias of type " << biasType
           << " must hold one value per output channel (" << count << ")";
  if (failed(verifyTensor(op, bias, "bias")))
    return failure();
  QuantParams params = paramsOf(bias);
  if (failed(verifyAxis(op, params, 0, "bias")))
    return failure();
  unsigned channels =
      std::max(params.getNumChannels(), result.getNumChannels());
  for (unsigned channel = 0; channel < channels; ++channel) {
    if (params.getZeroPoint(channel) != 0)
      return op->emitOpError()
             << "bias zero point of channel " << channel << " is "
             << params.getZeroPoint(channel) << "; a bias has zero point 0";
    if (failed(verifyScale(op, "bias", channel, params.getScale(channel),
                           result.getScale(channel))))
      return failure();
  }
  return success();
}

/// Checks the types of a linear op: the data operand per tensor, the
/// weights per tensor or per axis `weightAxis`, the result an accumulator of
/// the products of their scales (per axis `resultAxis` when the weights are
/// per axis), and the bias, if any, one value per output channel
/// (`channels`) at the result's scales.
LogicalResult verifyLinearTypes(Operation *op, Value data, StringRef dataRole,
                                Value weights, StringRef weightRole,
                                int64_t weightAxis, Value result,
                                int64_t resultAxis, Value bias,
                                int64_t channels) {
  if (failed(verifyTensor(op, data, dataRole)) ||
      failed(verifyTensor(op, weights, weightRole)) ||
      failed(verifyTensor(op, result, "result")))
    return failure();
  QuantParams in = paramsOf(data), w = paramsOf(weights);
  QuantParams accumulator = paramsOf(result);
  if (failed(verifyPerTensor(op, in, dataRole)) ||
      failed(verifyAxis(op, w, weightAxis, weightRole)))
    return failure();
  if (failed(verifyAccumulator(
          op, accumulator, w.isPerAxis(), resultAxis,
          [&](unsigned c) { return in.getScale() * w.getScale(c); })))
    return failure();
  return bias ? verifyBias(op, bias, channels, accumulator) : success();
}

} // namespace

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp / RequantizeOp
//===----------------------------------------------------------------------===//

/// Checks that the expressed type of the quantized value `quantized` is the
/// float element type of `real`.
static LogicalResult verifyExpressedType(Operation *op, Value quantized,
                                         Value real, StringRef role) {
  Type expressed = paramsOf(quantized).getExpressedType();
  Type element = getElementTypeOrSelf(real.getType());
  if (expressed != element)
    return op->emitOpError() << role << " type expresses " << expressed
                             << " but the float type is " << element;
  return success();
}

LogicalResult QuantizeOp::verify() {
  if (failed(verifyTensor(*this, getResult(), "result")))
    return failure();
  return verifyExpressedType(*this, getResult(), getInput(), "result");
}

LogicalResult DequantizeOp::verify() {
  if (failed(verifyTensor(*this, getInput(), "input")))
    return failure();
  return verifyExpressedType(*this, getInput(), getResult(), "input");
}

LogicalResult RequantizeOp::verify() {
  if (failed(verifyTensor(*this, getInput(), "input")) ||
      failed(verifyTensor(*this, getResult(), "result")))
    return failure();
  QuantParams from = paramsOf(getInput()), to = paramsOf(getResult());
  if (from.isPerAxis() && to.isPerAxis() && from.getAxis() != to.getAxis())
    return emitOpError() << "per-axis parameters on different axes: "
                         << *from.getAxis() << " and " << *to.getAxis();
  if (getRounding() == RoundingMode::float_half_even)
    return success();
  unsigned channels = std::max(from.getNumChannels(), to.getNumChannels());
  for (unsigned channel = 0; channel < channels; ++channel) {
    double ratio = from.getScale(channel) / to.getScale(channel);
    if (!computeFixedPointMultiplier(ratio))
      return emitOpError() << "scale ratio " << formatScale(ratio)
                           << " of channel " << channel
                           << " has no fixed-point form (it must be below "
                              "2^31)";
  }
  return success();
}

RescaleRounding RequantizeOp::getRescaleRounding() {
  switch (getRounding()) {
  case RoundingMode::fixed_point:
    return RescaleRounding::FixedPoint;
  case RoundingMode::fixed_point_double:
    return RescaleRounding::FixedPointDouble;
  case RoundingMode::float_half_even:
    return RescaleRounding::FloatHalfEven;
  }
  llvm_unreachable("unknown rounding mode");
}

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// LutOp
//===----------------------------------------------------------------------===//

LogicalResult LutOp::verify() {
  auto inputType = getInput().getType();
  auto inputElement = cast<IntegerType>(inputType.getElementType());
  auto resultElement =
      cast<IntegerType>(getResult().getType().getElementType());
  unsigned inputBits = inputElement.getWidth();
  if (inputBits > 32)
    return emitOpError() << "input element type " << inputElement
                         << " is too wide for a table lookup (2^" << inputBits
                         << " entries); round it first";

  auto tableType = cast<ShapedType>(getTable().getType());
  std::optional<int64_t> axis = getAxis();
  int64_t expectedRank = axis ? 2 : 1;
  if (tableType.getRank() != expectedRank)
    return emitOpError() << "table of type " << tableType << " has rank "
                         << tableType.getRank() << "; expected " << expectedRank
                         << (axis ? " (one row per index along the axis)"
                                  : " (or an axis for one table per channel)");
  if (axis) {
    if (*axis < 0 || *axis >= inputType.getRank())
      return emitOpError() << "axis " << *axis
                           << " is out of range for an input of rank "
                           << inputType.getRank();
    int64_t channels = inputType.getDimSize(*axis);
    if (!ShapedType::isDynamic(channels) && channels != tableType.getDimSize(0))
      return emitOpError() << "table has " << tableType.getDimSize(0)
                           << " rows but dimension " << *axis
                           << " of the input has size " << channels;
  }
  uint64_t expectedEntries = uint64_t(1) << inputBits;
  uint64_t entries = tableType.getShape().back();
  if (entries != expectedEntries)
    return emitOpError() << "table has " << entries << " entries per row but a "
                         << inputBits << "-bit input needs 2^" << inputBits
                         << " = " << expectedEntries;

  IntegerRange resultRange = getIntegerTypeRange(resultElement);
  bool tableUnsigned =
      cast<IntegerType>(tableType.getElementType()).isUnsigned();
  auto fits = [&](const APInt &entry) {
    return tableUnsigned ? entry.getActiveBits() <= 63 &&
                               resultRange.contains(entry.getZExtValue())
                         : entry.getSignificantBits() <= 64 &&
                               resultRange.contains(entry.getSExtValue());
  };
  auto misfit = [&](const APInt &entry, int64_t index) {
    SmallString<16> text;
    entry.toString(text, 10, !tableUnsigned);
    return emitOpError() << "table entry " << text << " at index " << index
                         << " does not fit the result element type "
                         << resultElement << " (range [" << resultRange.min
                         << ", " << resultRange.max << "])";
  };
  unsigned tableBits = tableType.getElementTypeBitWidth();
  if (tableBits > 64 || (tableUnsigned && tableBits == 64)) {
    int64_t index = 0;
    for (const APInt &entry : getTable().getValues<APInt>()) {
      if (!fits(entry))
        return misfit(entry, index);
      ++index;
    }
    return success();
  }
  // A table whose element type's range is within the result's needs no
  // look at its entries (every table the compiler builds); other tables of
  // up to 64 bits are read from their raw storage.
  IntegerRange tableRange =
      getIntegerTypeRange(cast<IntegerType>(tableType.getElementType()));
  if (resultRange.min <= tableRange.min && tableRange.max <= resultRange.max)
    return success();
  RawIntegers values(getTable());
  for (int64_t index = 0, e = values.size(); index < e; ++index)
    if (!resultRange.contains(values[index]))
      return misfit(APInt(tableBits, static_cast<uint64_t>(values[index]),
                          !tableUnsigned),
                    index);
  return success();
}

//===----------------------------------------------------------------------===//
// RoundOp
//===----------------------------------------------------------------------===//

LogicalResult RoundOp::verify() {
  auto inputElement = cast<IntegerType>(getInput().getType().getElementType());
  auto resultElement =
      cast<IntegerType>(getResult().getType().getElementType());
  int64_t inputBits = inputElement.getWidth();
  int64_t dropBits = getDropBits();
  if (dropBits < 1)
    return emitOpError() << "drops " << dropBits
                         << " bits; expected at least 1";
  if (dropBits >= inputBits)
    return emitOpError() << "drops " << dropBits << " bits but the input "
                         << inputElement << " has only " << inputBits;
  if (inputElement.getSignedness() != resultElement.getSignedness())
    return emitOpError() << "result element type " << resultElement
                         << " has another signedness than the input "
                         << inputElement;
  int64_t resultBits = resultElement.getWidth();
  if (resultBits < inputBits - dropBits || resultBits > inputBits)
    return emitOpError() << "result element type " << resultElement
                         << " must have between " << inputBits - dropBits
                         << " and " << inputBits << " bits (" << inputBits
                         << "-bit input, " << dropBits << " dropped)";
  return success();
}

namespace {

/// Checks a window attribute list: `count` values, each at least `minimum`.
LogicalResult verifyWindowAttr(Operation *op, ArrayRef<int64_t> values,
                               size_t count, int64_t minimum, StringRef name) {
  if (values.size() != count)
    return op->emitOpError()
           << name << " has " << values.size() << " values; expected " << count;
  for (int64_t value : values)
    if (value < minimum)
      return op->emitOpError()
             << name << " value " << value << " is below " << minimum;
  return success();
}

/// Checks an output size of a window op: (in + pads - dilation*(k-1) - 1) /
/// stride + 1, when everything is static.
LogicalResult verifyWindowSize(Operation *op, int64_t in, int64_t out,
                               int64_t kernel, int64_t stride, int64_t dilation,
                               int64_t padBefore, int64_t padAfter,
                               StringRef dim) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(out))
    return success();
  int64_t span = in + padBefore + padAfter - dilation * (kernel - 1) - 1;
  int64_t expected = span < 0 ? 0 : span / stride + 1;
  if (span < 0 || out != expected)
    return op->emitOpError() << "output " << dim << " is " << out
                             << " but the window gives " << expected;
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

/// Checks a `chunks` attribute: a power of two from 2 to `terms` (the
/// length of what it splits).
static LogicalResult verifyChunks(Operation *op, std::optional<int64_t> chunks,
                                  int64_t terms, StringRef what) {
  if (!chunks)
    return success();
  if (*chunks < 2 || !llvm::isPowerOf2_64(*chunks))
    return op->emitOpError()
           << "chunks = " << *chunks << " must be a power of two >= 2";
  if (!ShapedType::isDynamic(terms) && *chunks > terms)
    return op->emitOpError() << "chunks = " << *chunks << " exceeds the "
                             << terms << " " << what << " it splits";
  return success();
}

LogicalResult MatmulOp::verify() {
  auto lhsType = getLhs().getType(), rhsType = getRhs().getType();
  auto resultType = getResult().getType();
  if (lhsType.getRank() < 2 || rhsType.getRank() != 2)
    return emitOpError() << "expects lhs of rank >= 2 and rhs of rank 2, got "
                         << lhsType << " and " << rhsType;
  int64_t rank = lhsType.getRank();
  int64_t k = lhsType.getDimSize(rank - 1), kr = rhsType.getDimSize(0);
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(kr) && k != kr)
    return emitOpError() << "contracts " << k << " lhs columns with " << kr
                         << " rhs rows";
  SmallVector<int64_t> expected(lhsType.getShape().drop_back());
  expected.push_back(rhsType.getDimSize(1));
  if (failed(verifyCompatibleShape(expected, resultType.getShape())))
    return emitOpError() << "result type " << resultType
                         << " does not match the product's shape";
  if (failed(verifyChunks(*this, getChunks(), rhsType.getDimSize(0), "terms")))
    return failure();
  return verifyLinearTypes(*this, getLhs(), "lhs", getRhs(), "rhs", 1,
                           getResult(), rank - 1, getBias(),
                           rhsType.getDimSize(1));
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  auto inputType = getInput().getType(), filterType = getFilter().getType();
  auto resultType = getResult().getType();
  if (inputType.getRank() != 4 || filterType.getRank() != 4 ||
      resultType.getRank() != 4)
    return emitOpError() << "expects NCHW input, FCHW filter and NCHW result";
  if (failed(verifyWindowAttr(*this, getStrides(), 2, 1, "strides")) ||
      failed(verifyWindowAttr(*this, getDilations(), 2, 1, "dilations")) ||
      failed(verifyWindowAttr(*this, getPadding(), 4, 0, "padding")))
    return failure();
  int64_t groups = getGroups();
  int64_t channels = inputType.getDimSize(1),
          filters = filterType.getDimSize(0);
  if (groups < 1 || ShapedType::isDynamic(channels) || channels % groups ||
      filters % groups)
    return emitOpError() << groups << " groups do not divide " << channels
                         << " input channels and " << filters << " filters";
  if (groups != 1 && groups != channels)
    return emitOpError() << "supports 1 group or one per input channel "
                         << "(depthwise), got " << groups;
  if (filterType.getDimSize(1) != channels / groups)
    return emitOpError() << "filter has " << filterType.getDimSize(1)
                         << " channels per group; the input gives "
                         << channels / groups;
  if (resultType.getDimSize(1) != filters)
    return emitOpError() << "result has " << resultType.getDimSize(1)
                         << " channels but there are " << filters << " filters";
  ArrayRef<int64_t> strides = getStrides(), dilations = getDilations(),
                    padding = getPadding();
  for (int dim = 0; dim < 2; ++dim)
    if (failed(verifyWindowSize(*this, inputType.getDimSize(2 + dim),
                                resultType.getDimSize(2 + dim),
                                filterType.getDimSize(2 + dim), strides[dim],
                                dilations[dim], padding[dim], padding[2 + dim],
                                dim == 0 ? "height" : "width")))
      return failure();
  if (getChunks() && getGroups() != 1)
    return emitOpError() << "chunks apply to convolutions with groups = 1";
  if (failed(verifyChunks(*this, getChunks(), filterType.getDimSize(1),
                          "input channels")))
    return failure();
  return verifyLinearTypes(*this, getInput(), "input", getFilter(), "filter", 0,
                           getResult(), 1, getBias(), filters);
}

//===----------------------------------------------------------------------===//
// SumPoolOp / ReduceSumOp / MaxPoolOp
//===----------------------------------------------------------------------===//

/// Checks the shapes of an NCHW pooling op.
static LogicalResult verifyPooling(Operation *op, RankedTensorType inputType,
                                   RankedTensorType resultType,
                                   ArrayRef<int64_t> kernel,
                                   ArrayRef<int64_t> strides,
                                   ArrayRef<int64_t> padding) {
  if (inputType.getRank() != 4 || resultType.getRank() != 4)
    return op->emitOpError() << "expects NCHW input and result";
  if (failed(verifyWindowAttr(op, kernel, 2, 1, "kernel")) ||
      failed(verifyWindowAttr(op, strides, 2, 1, "strides")) ||
      failed(verifyWindowAttr(op, padding, 4, 0, "padding")))
    return failure();
  if (failed(verifyCompatibleShape(inputType.getShape().take_front(2),
                                   resultType.getShape().take_front(2))))
    return op->emitOpError() << "changes the batch or channel dimensions";
  for (int dim = 0; dim < 2; ++dim)
    if (failed(verifyWindowSize(op, inputType.getDimSize(2 + dim),
                                resultType.getDimSize(2 + dim), kernel[dim],
                                strides[dim], 1, padding[dim], padding[2 + dim],
                                dim == 0 ? "height" : "width")))
      return failure();
  return success();
}

/// Checks the types of a sum: a per-tensor input, and a result of scale
/// scale_in / divisor, zero point 0.
static LogicalResult verifySum(Operation *op, Value input, Value result,
                               int64_t divisor) {
  if (divisor < 1)
    return op->emitOpError() << "divisor " << divisor << " must be positive";
  if (failed(verifyTensor(op, input, "input")) ||
      failed(verifyTensor(op, result, "result")))
    return failure();
  QuantParams in = paramsOf(input);
  if (failed(verifyPerTensor(op, in, "input")))
    return failure();
  return verifyAccumulator(op, paramsOf(result), false, 0, [&](unsigned) {
    return in.getScale() / static_cast<double>(divisor);
  });
}

LogicalResult SumPoolOp::verify() {
  if (failed(verifyPooling(*this, getInput().getType(), getResult().getType(),
                           getKernel(), getStrides(), getPadding())))
    return failure();
  return verifySum(*this, getInput(), getResult(), getDivisor());
}

LogicalResult ReduceSumOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  SmallVector<int64_t> kept;
  llvm::SmallDenseSet<int64_t> reduced;
  for (int64_t dim : getDimensions()) {
    if (dim < 0 || dim >= inputType.getRank() || !reduced.insert(dim).second)
      return emitOpError() << "dimension " << dim
                           << " is out of range or repeated for rank "
                           << inputType.getRank();
  }
  for (int64_t dim = 0; dim < inputType.getRank(); ++dim)
    if (!reduced.contains(dim))
      kept.push_back(inputType.getDimSize(dim));
  if (failed(verifyCompatibleShape(kept, resultType.getShape())))
    return emitOpError() << "result type " << resultType
                         << " does not drop exactly the reduced dimensions";
  return verifySum(*this, getInput(), getResult(), getDivisor());
}

LogicalResult MaxPoolOp::verify() {
  if (failed(verifyPooling(*this, getInput().getType(), getResult().getType(),
                           getKernel(), getStrides(), getPadding())) ||
      failed(verifyTensor(*this, getInput(), "input")))
    return failure();
  Type in = getInput().getType().getElementType();
  Type out = getResult().getType().getElementType();
  if (in != out)
    return emitOpError() << "result element type " << out
                         << " differs from the input's " << in
                         << " (a maximum keeps the parameters)";
  return verifyAxis(*this, paramsOf(getInput()), 1, "input");
}

//===----------------------------------------------------------------------===//
// Binary ops and ApplyOp
//===----------------------------------------------------------------------===//

/// Checks the three types of a binary op.
template <typename BinaryOp> static LogicalResult verifyBinary(BinaryOp op) {
  if (failed(verifyTensor(op, op.getLhs(), "lhs")) ||
      failed(verifyTensor(op, op.getRhs(), "rhs")) ||
      failed(verifyTensor(op, op.getResult(), "result")))
    return failure();
  return success();
}

LogicalResult AddOp::verify() { return verifyBinary(*this); }
LogicalResult SubOp::verify() { return verifyBinary(*this); }
LogicalResult MulOp::verify() { return verifyBinary(*this); }

LogicalResult ApplyOp::verify() {
  if (failed(verifyTensor(*this, getInput(), "input")) ||
      failed(verifyTensor(*this, getResult(), "result")))
    return failure();
  if (std::optional<int64_t> axis = getChannelAxis())
    if (*axis < 0 || *axis >= getInput().getType().getRank())
      return emitOpError() << "channel axis " << *axis
                           << " is out of range for rank "
                           << getInput().getType().getRank();
  return success();
}

LogicalResult ApplyOp::verifyRegions() {
  Block &body = getBody().front();
  unsigned expected = getChannelAxis() ? 2 : 1;
  if (body.getNumArguments() != expected)
    return emitOpError() << "body has " << body.getNumArguments()
                         << " arguments; expected " << expected
                         << (expected == 2 ? " (value, channel index)"
                                           : " (the value)");
  Type valueType = body.getArgument(0).getType();
  if (!isa<FloatType>(valueType))
    return emitOpError() << "body argument has type " << valueType
                         << "; expected a float type";
  if (expected == 2 && !body.getArgument(1).getType().isIndex())
    return emitOpError() << "channel argument has type "
                         << body.getArgument(1).getType() << "; expected index";
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield || yield.getValue().getType() != valueType)
    return emitOpError() << "body must end in qfhe.yield of a " << valueType;
  return success();
}

LogicalResult ApplyPairOp::verify() {
  for (auto [value, role] : {std::pair<Value, StringRef>{getLhs(), "lhs"},
                             {getRhs(), "rhs"},
                             {getResult(), "result"}})
    if (failed(verifyTensor(*this, value, role)) ||
        failed(verifyPerTensor(*this, paramsOf(value), role)))
      return failure();
  return success();
}

LogicalResult ApplyPairOp::verifyRegions() {
  Block &body = getBody().front();
  if (body.getNumArguments() != 2)
    return emitOpError() << "body has " << body.getNumArguments()
                         << " arguments; expected 2 (the lhs and rhs values)";
  Type valueType = body.getArgument(0).getType();
  if (!isa<FloatType>(valueType) || body.getArgument(1).getType() != valueType)
    return emitOpError() << "body arguments have types " << valueType << " and "
                         << body.getArgument(1).getType()
                         << "; expected one float type";
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield || yield.getValue().getType() != valueType)
    return emitOpError() << "body must end in qfhe.yield of a " << valueType;
  return success();
}
