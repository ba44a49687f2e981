//===- QFHEAttrs.cpp - qfhe attributes ------------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "qfhe/Dialect/QFHE/IR/QFHEDialect.h"
#include "qfhe/Support/QuantMath.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

#define GET_ATTRDEF_CLASSES
#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.cpp.inc"

void QFHEDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// QuantParamsAttr
//===----------------------------------------------------------------------===//

/// Spells a storage as its MLIR integer type (`si8`, `ui8`).
static std::string storageName(unsigned bits, bool isSigned) {
  return (isSigned ? "si" : "ui") + std::to_string(bits);
}

LogicalResult QuantParamsAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, unsigned bits, bool isSigned,
    bool narrowRange, std::optional<int64_t> axis,
    DenseF64ArrayAttr scaleValues, ArrayRef<int64_t> zeroPoints) {
  ArrayRef<double> scales = scaleValues.asArrayRef();
  if (bits < 1 || bits > 32)
    return emitError() << "quantization storage has " << bits
                       << " bits; expected between 1 and 32";
  if (narrowRange && bits < 2)
    return emitError() << "narrow range needs at least 2 bits, got " << bits;
  if (scales.size() != zeroPoints.size())
    return emitError() << "quantization parameters have " << scales.size()
                       << " scales but " << zeroPoints.size() << " zero points";
  if (scales.empty())
    return emitError() << "quantization parameters have no scale";
  if (!axis && scales.size() != 1)
    return emitError() << "per-tensor quantization parameters have "
                       << scales.size() << " scales; expected 1 (or an axis)";
  if (axis && *axis < 0)
    return emitError() << "quantization axis " << *axis
                       << " must be non-negative";
  IntegerRange range = getStorageRange(bits, isSigned, narrowRange);
  for (auto [channel, scale, zeroPoint] : llvm::enumerate(scales, zeroPoints)) {
    std::string where =
        axis ? " of channel " + std::to_string(channel) : std::string();
    if (!std::isfinite(scale) || !(scale > 0))
      return emitError() << "scale" << where << " is " << scale
                         << "; expected a finite value > 0";
    if (!range.contains(zeroPoint))
      return emitError() << "zero point" << where << " is " << zeroPoint
                         << ", outside the integer range [" << range.min << ", "
                         << range.max << "] of " << storageName(bits, isSigned)
                         << (narrowRange ? " narrow" : "");
  }
  return success();
}

int64_t QuantParamsAttr::getQMin() const {
  return getStorageRange(getBits(), getIsSigned(), getNarrowRange()).min;
}

int64_t QuantParamsAttr::getQMax() const {
  return getStorageRange(getBits(), getIsSigned(), getNarrowRange()).max;
}

IntegerType QuantParamsAttr::getStorageType() const {
  return IntegerType::get(getContext(), getBits(),
                          getIsSigned() ? IntegerType::Signed
                                        : IntegerType::Unsigned);
}

LogicalResult
QuantParamsAttr::verifyStorage(function_ref<InFlightDiagnostic()> emitError,
                               Type type, StringRef role) const {
  Type elementType = getElementTypeOrSelf(type);
  auto intType = dyn_cast<IntegerType>(elementType);
  if (!intType)
    return emitError() << role << " element type " << elementType
                       << " is not an integer type; expected "
                       << getStorageType();
  if (intType.isSignless())
    return emitError() << role << " element type " << intType
                       << " is signless; quantized storage states its "
                          "signedness: expected "
                       << getStorageType();
  if (intType != getStorageType())
    return emitError() << role << " element type " << intType
                       << " contradicts the quantization parameters, whose "
                          "storage is "
                       << getStorageType();
  if (!isPerAxis())
    return success();
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return emitError() << role << " has per-axis parameters but type " << type
                       << " is not a ranked tensor";
  int64_t axis = *getAxis();
  if (axis >= shaped.getRank())
    return emitError() << role << " has per-axis parameters on axis " << axis
                       << " but type " << type << " has rank "
                       << shaped.getRank();
  int64_t size = shaped.getDimSize(axis);
  if (!ShapedType::isDynamic(size) &&
      size != static_cast<int64_t>(getNumChannels()))
    return emitError() << role << " has " << getNumChannels()
                       << " per-axis scales but dimension " << axis << " of "
                       << type << " has size " << size;
  return success();
}

Attribute QuantParamsAttr::parse(AsmParser &parser, Type) {
  MLIRContext *ctx = parser.getContext();
  SMLoc storageLoc = parser.getCurrentLocation();
  IntegerType storage;
  if (parser.parseLess() || parser.parseType(storage))
    return {};
  if (storage.isSignless()) {
    parser.emitError(storageLoc)
        << "quantized storage must state its signedness (si"
        << storage.getWidth() << " or ui" << storage.getWidth() << "), got "
        << storage;
    return {};
  }
  bool narrowRange = succeeded(parser.parseOptionalKeyword("narrow"));
  if (parser.parseComma())
    return {};

  std::optional<int64_t> axis;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  if (succeeded(parser.parseOptionalKeyword("axis"))) {
    int64_t axisValue;
    if (parser.parseEqual() || parser.parseInteger(axisValue) ||
        parser.parseComma() || parser.parseKeyword("scales") ||
        parser.parseEqual() ||
        parser.parseCommaSeparatedList(
            AsmParser::Delimiter::Square,
            [&] { return parser.parseFloat(scales.emplace_back()); }) ||
        parser.parseComma() || parser.parseKeyword("zero_points") ||
        parser.parseEqual() ||
        parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
          return parser.parseInteger(zeroPoints.emplace_back());
        }))
      return {};
    axis = axisValue;
  } else {
    if (parser.parseKeyword("scale") || parser.parseEqual() ||
        parser.parseFloat(scales.emplace_back()) || parser.parseComma() ||
        parser.parseKeyword("zero_point") || parser.parseEqual() ||
        parser.parseInteger(zeroPoints.emplace_back()))
      return {};
  }
  if (parser.parseGreater())
    return {};
  return QuantParamsAttr::getChecked(
      [&] { return parser.emitError(storageLoc); }, ctx, storage.getWidth(),
      storage.isSigned(), narrowRange, axis,
      DenseF64ArrayAttr::get(ctx, scales), zeroPoints);
}

void QuantParamsAttr::print(AsmPrinter &printer) const {
  printer << '<' << storageName(getBits(), getIsSigned());
  if (getNarrowRange())
    printer << " narrow";
  printer << ", ";
  auto printScale = [&](double scale) {
    printer.printFloat(llvm::APFloat(scale));
  };
  if (isPerAxis()) {
    printer << "axis = " << *getAxis() << ", scales = [";
    llvm::interleaveComma(getScales(), printer, printScale);
    printer << "], zero_points = [";
    llvm::interleaveComma(getZeroPoints(), printer);
    printer << ']';
  } else {
    printer << "scale = ";
    printScale(getScale());
    printer << ", zero_point = " << getZeroPoint();
  }
  printer << '>';
}
