//===- ConstantRanges.cpp - exact ranges of constant tensors --------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "RangeRules.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "qfhe/Support/ChannelLayout.h"

using namespace mlir;
using namespace mlir::qfhe;

ElementsAttr mlir::qfhe::getConstantElements(Value value) {
  ElementsAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    return attr;
  return {};
}

SmallVector<double> mlir::qfhe::getElementsAsDoubles(ElementsAttr attr) {
  SmallVector<double> values;
  Type elementType = attr.getElementType();
  // Dense f32 and f64 elements are read as they are stored.
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (elementType.isF32()) {
      auto floats = dense.getValues<float>();
      return SmallVector<double>(floats.begin(), floats.end());
    }
    if (elementType.isF64()) {
      auto doubles = dense.getValues<double>();
      return SmallVector<double>(doubles.begin(), doubles.end());
    }
  }
  if (isa<FloatType>(elementType)) {
    auto floats = attr.tryGetValues<APFloat>();
    if (!floats)
      return {};
    values.reserve(attr.getNumElements());
    for (const APFloat &value : *floats)
      values.push_back(value.convertToDouble());
    return values;
  }
  if (auto intType = dyn_cast<IntegerType>(elementType)) {
    auto ints = attr.tryGetValues<APInt>();
    if (!ints)
      return {};
    values.reserve(attr.getNumElements());
    for (const APInt &value : *ints)
      values.push_back(intType.isUnsigned()
                           ? static_cast<double>(value.getZExtValue())
                           : static_cast<double>(value.getSExtValue()));
  }
  return values;
}

Interval mlir::qfhe::getElementsRange(ElementsAttr attr) {
  if (attr.isSplat() || attr.getNumElements() == 1) {
    SmallVector<double> first = getElementsAsDoubles(attr);
    if (first.empty())
      return Interval::full();
    return Interval::point(first.front());
  }
  Interval range = Interval::empty();
  SmallVector<double> values = getElementsAsDoubles(attr);
  if (values.empty())
    return Interval::full();
  for (double value : values)
    range = range.join(Interval::point(value));
  return range;
}

SmallVector<Interval> mlir::qfhe::getElementsRangePerAxis(ElementsAttr attr,
                                                          int64_t axis) {
  auto type = cast<ShapedType>(attr.getType());
  int64_t channels = type.getDimSize(axis);
  SmallVector<Interval> ranges(channels, Interval::empty());
  SmallVector<double> values = getElementsAsDoubles(attr);
  if (values.empty())
    return SmallVector<Interval>(channels, Interval::full());
  ChannelCursor cursor(ChannelLayout::along(type.getShape(), axis));
  for (double value : values) {
    Interval &range = ranges[cursor.channel()];
    range = range.join(Interval::point(value));
    cursor.next();
  }
  return ranges;
}
