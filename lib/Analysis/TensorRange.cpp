//===- TensorRange.cpp - value ranges of tensors --------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/TensorRange.h"
#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::qfhe;

TensorRange TensorRange::perChannel(int64_t axis, ArrayRef<Interval> channels) {
  TensorRange range;
  for (const Interval &channel : channels)
    range.whole = range.whole.join(channel);
  range.axis = axis;
  range.channels.assign(channels.begin(), channels.end());
  return range;
}

TensorRange TensorRange::unknown(StringRef reason) {
  TensorRange range(Interval::full());
  range.reason = reason.str();
  return range;
}

Interval TensorRange::getChannel(int64_t queryAxis, int64_t index) const {
  if (axis && *axis == queryAxis && index >= 0 &&
      index < static_cast<int64_t>(channels.size()))
    return channels[index];
  return whole;
}

TensorRange TensorRange::join(const TensorRange &other) const {
  if (whole.isEmpty() && !hasChannels())
    return other;
  if (other.whole.isEmpty() && !other.hasChannels())
    return *this;
  TensorRange result(whole.join(other.whole));
  if (axis && axis == other.axis && channels.size() == other.channels.size()) {
    result.axis = axis;
    for (auto [mine, theirs] : llvm::zip(channels, other.channels))
      result.channels.push_back(mine.join(theirs));
  }
  if (!result.isFinite())
    result.reason = !isFinite() ? reason : other.reason;
  return result;
}

TensorRange TensorRange::widen(double relative, double absolute) const {
  TensorRange result = *this;
  result.whole = whole.widen(relative, absolute);
  for (Interval &channel : result.channels)
    channel = channel.widen(relative, absolute);
  return result;
}

TensorRange TensorRange::withReason(StringRef newReason) const {
  TensorRange result = *this;
  if (!isFinite() && result.reason.empty())
    result.reason = newReason.str();
  return result;
}

bool TensorRange::operator==(const TensorRange &other) const {
  return whole == other.whole && axis == other.axis &&
         channels == other.channels && reason == other.reason;
}

void TensorRange::print(llvm::raw_ostream &os) const {
  os << whole;
  if (axis) {
    os << " axis " << *axis << " {";
    llvm::interleaveComma(channels, os);
    os << '}';
  }
  if (!reason.empty())
    os << " (" << reason << ')';
}

DictionaryAttr TensorRange::toAttribute(MLIRContext *ctx) const {
  Builder builder(ctx);
  SmallVector<NamedAttribute> entries;
  entries.push_back(
      builder.getNamedAttr("min", builder.getF64FloatAttr(whole.getLo())));
  entries.push_back(
      builder.getNamedAttr("max", builder.getF64FloatAttr(whole.getHi())));
  if (axis) {
    SmallVector<double> lows, highs;
    for (const Interval &channel : channels) {
      lows.push_back(channel.getLo());
      highs.push_back(channel.getHi());
    }
    entries.push_back(
        builder.getNamedAttr("axis", builder.getI64IntegerAttr(*axis)));
    entries.push_back(builder.getNamedAttr("channel_min",
                                           builder.getDenseF64ArrayAttr(lows)));
    entries.push_back(builder.getNamedAttr(
        "channel_max", builder.getDenseF64ArrayAttr(highs)));
  }
  if (!reason.empty())
    entries.push_back(
        builder.getNamedAttr("reason", builder.getStringAttr(reason)));
  return builder.getDictionaryAttr(entries);
}

/// Reads a real from a float or integer attribute.
static std::optional<double> getReal(Attribute attr) {
  if (auto floatAttr = dyn_cast_or_null<FloatAttr>(attr))
    return floatAttr.getValueAsDouble();
  if (auto intAttr = dyn_cast_or_null<IntegerAttr>(attr))
    return static_cast<double>(intAttr.getInt());
  return std::nullopt;
}

std::optional<TensorRange> TensorRange::fromAttribute(DictionaryAttr attr) {
  if (!attr)
    return std::nullopt;
  std::optional<double> lo = getReal(attr.get("min"));
  std::optional<double> hi = getReal(attr.get("max"));
  if (!lo || !hi)
    return std::nullopt;
  TensorRange range(Interval(*lo, *hi));
  auto axisAttr = dyn_cast_or_null<IntegerAttr>(attr.get("axis"));
  auto lows = dyn_cast_or_null<DenseF64ArrayAttr>(attr.get("channel_min"));
  auto highs = dyn_cast_or_null<DenseF64ArrayAttr>(attr.get("channel_max"));
  if (axisAttr && lows && highs && lows.size() == highs.size()) {
    range.axis = axisAttr.getInt();
    for (auto [low, high] : llvm::zip(lows.asArrayRef(), highs.asArrayRef()))
      range.channels.push_back(Interval(low, high));
  }
  if (auto reasonAttr = dyn_cast_or_null<StringAttr>(attr.get("reason")))
    range.reason = reasonAttr.str();
  return range;
}

std::optional<TensorRange> TensorRange::fromAttribute(Attribute attr) {
  if (auto dictionary = dyn_cast_or_null<DictionaryAttr>(attr))
    return fromAttribute(dictionary);
  auto observed = dyn_cast_or_null<ObservedAttr>(attr);
  if (!observed)
    return std::nullopt;
  std::optional<int64_t> axis = observed.getAxis();
  if (!axis)
    return TensorRange(Interval(observed.getMin(), observed.getMax()));
  SmallVector<Interval> channels;
  for (auto [low, high] :
       llvm::zip_equal(observed.getChannelMin(), observed.getChannelMax()))
    channels.push_back(Interval(low, high));
  return perChannel(*axis, channels);
}
