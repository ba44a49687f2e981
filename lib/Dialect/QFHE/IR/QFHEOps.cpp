//===- QFHEOps.cpp - qfhe operations --------------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "qfhe/Support/QuantMath.h"
#include "llvm/ADT/SmallString.h"

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
// QuantizeOp / DequantizeOp / RequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  return getParams().verifyStorage([&] { return emitOpError(); },
                                   getResult().getType(), "result");
}

LogicalResult DequantizeOp::verify() {
  return getParams().verifyStorage([&] { return emitOpError(); },
                                   getInput().getType(), "input");
}

LogicalResult RequantizeOp::verify() {
  if (failed(getFrom().verifyStorage([&] { return emitOpError(); },
                                     getInput().getType(), "input")) ||
      failed(getTo().verifyStorage([&] { return emitOpError(); },
                                   getResult().getType(), "result")))
    return failure();
  if (getFrom().isPerAxis() && getTo().isPerAxis() &&
      getFrom().getAxis() != getTo().getAxis())
    return emitOpError() << "per-axis parameters on different axes: "
                         << *getFrom().getAxis() << " and "
                         << *getTo().getAxis();
  return success();
}

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getFrom() == getTo() && getInput().getType() == getResult().getType())
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
  int64_t index = 0;
  for (const APInt &entry : getTable().getValues<APInt>()) {
    bool fits = tableUnsigned ? entry.getActiveBits() <= 63 &&
                                    resultRange.contains(entry.getZExtValue())
                              : entry.getSignificantBits() <= 64 &&
                                    resultRange.contains(entry.getSExtValue());
    if (!fits) {
      SmallString<16> text;
      entry.toString(text, 10, !tableUnsigned);
      return emitOpError() << "table entry " << text << " at index " << index
                           << " does not fit the result element type "
                           << resultElement << " (range [" << resultRange.min
                           << ", " << resultRange.max << "])";
    }
    ++index;
  }
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
