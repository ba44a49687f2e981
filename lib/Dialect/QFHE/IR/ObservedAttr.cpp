//===- ObservedAttr.cpp - what calibration observed -----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// `#qfhe.observed`: construction from plain statistics, the verifier, the
// assembly format and the rescaling of channels.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"

#include "EntryParsing.h"

#include "mlir/IR/DialectImplementation.h"

#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// The values of an optional array attribute (empty when absent).
ArrayRef<double> valuesOf(DenseF64ArrayAttr attr) {
  return attr ? attr.asArrayRef() : ArrayRef<double>();
}

/// An array attribute of `values`, absent when empty.
DenseF64ArrayAttr arrayOf(MLIRContext *ctx, ArrayRef<double> values) {
  return values.empty() ? DenseF64ArrayAttr()
                        : DenseF64ArrayAttr::get(ctx, values);
}

/// `value` for messages: up to 9 significant digits (0.25, 1e+30, inf).
std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.9g", value);
  return text;
}

FloatAttr floatOf(MLIRContext *ctx, double value) {
  return FloatAttr::get(Float64Type::get(ctx), value);
}

/// The checks one set of statistics (the whole value's or a channel's)
/// must pass; `where` names it in messages ("" or " of channel 3").
LogicalResult verifyStatistics(function_ref<InFlightDiagnostic()> emitError,
                               StringRef where, double min, double max,
                               std::optional<double> meanSquare,
                               ArrayRef<double> levels,
                               ArrayRef<double> quantiles) {
  if (!std::isfinite(min) || !std::isfinite(max) || !(min <= max))
    return emitError() << "observed range" << where << " [" << number(min)
                       << ", " << number(max)
                       << "] is not a finite range with min <= max";
  if (meanSquare) {
    // Rounding may put a sum of squares a few ulps above its bound.
    double bound = std::max(min * min, max * max) * (1 + 1e-9);
    if (!std::isfinite(*meanSquare) || !(*meanSquare >= 0) ||
        *meanSquare > bound)
      return emitError() << "observed mean square" << where << " "
                         << number(*meanSquare) << " is not in [0, "
                         << number(std::max(min * min, max * max))
                         << "], the squares of the range [" << number(min)
                         << ", " << number(max) << "]";
  }
  if (quantiles.empty())
    return success();
  if (quantiles.size() != levels.size())
    return emitError() << "observed value has " << levels.size()
                       << " quantile levels but " << quantiles.size()
                       << " quantiles" << where;
  for (auto [index, quantile] : llvm::enumerate(quantiles)) {
    if (!std::isfinite(quantile) || quantile < min || quantile > max)
      return emitError() << "observed quantile" << where << " at level "
                         << number(levels[index]) << " is " << number(quantile)
                         << ", outside the range [" << number(min) << ", "
                         << number(max) << "]";
    if (index > 0 && quantile < quantiles[index - 1])
      return emitError() << "observed quantiles" << where
                         << " decrease: " << number(quantiles[index - 1])
                         << " at level " << number(levels[index - 1])
                         << ", then " << number(quantile) << " at level "
                         << number(levels[index]);
  }
  return success();
}

/// Parses `[v, v, ...]`.
ParseResult parseNumbers(AsmParser &parser, SmallVectorImpl<double> &values) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
    return parser.parseFloat(values.emplace_back());
  });
}

void printNumbers(AsmPrinter &printer, ArrayRef<double> values) {
  printer << '[';
  llvm::interleaveComma(values, printer, [&](double value) {
    printer.printFloat(llvm::APFloat(value));
  });
  printer << ']';
}

constexpr StringLiteral kKeys[] = {"min",
                                   "max",
                                   "mean_square",
                                   "quantiles",
                                   "axis",
                                   "channel_min",
                                   "channel_max",
                                   "channel_mean_square",
                                   "channel_quantiles"};

} // namespace

ObservedAttr ObservedAttr::get(MLIRContext *ctx,
                               const ObservedStatistics &statistics) {
  SmallVector<double> channelQuantiles;
  for (const std::vector<double> &quantiles : statistics.channelQuantiles)
    channelQuantiles.append(quantiles.begin(), quantiles.end());
  return get(ctx, floatOf(ctx, statistics.min), floatOf(ctx, statistics.max),
             statistics.meanSquare ? floatOf(ctx, *statistics.meanSquare)
                                   : FloatAttr(),
             arrayOf(ctx, statistics.quantileLevels),
             arrayOf(ctx, statistics.quantiles), statistics.axis,
             arrayOf(ctx, statistics.channelMin),
             arrayOf(ctx, statistics.channelMax),
             arrayOf(ctx, statistics.channelMeanSquare),
             arrayOf(ctx, channelQuantiles));
}

LogicalResult ObservedAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, FloatAttr minAttr,
    FloatAttr maxAttr, FloatAttr meanSquareAttr,
    DenseF64ArrayAttr quantileLevelsAttr, DenseF64ArrayAttr quantilesAttr,
    std::optional<int64_t> axis, DenseF64ArrayAttr channelMinAttr,
    DenseF64ArrayAttr channelMaxAttr, DenseF64ArrayAttr channelMeanSquareAttr,
    DenseF64ArrayAttr channelQuantilesAttr) {
  if (!minAttr || !maxAttr)
    return emitError() << "observed value needs min and max";
  double min = minAttr.getValueAsDouble(), max = maxAttr.getValueAsDouble();
  ArrayRef<double> levels = valuesOf(quantileLevelsAttr);
  for (auto [index, level] : llvm::enumerate(levels))
    if (!(level >= 0 && level <= 1) ||
        (index > 0 && level <= levels[index - 1]))
      return emitError() << "quantile levels must increase inside [0, 1]; "
                         << "level " << index << " is " << number(level);
  if (!levels.empty() && !quantilesAttr)
    return emitError() << "observed value has " << levels.size()
                       << " quantile levels but no quantiles";
  std::optional<double> meanSquare;
  if (meanSquareAttr)
    meanSquare = meanSquareAttr.getValueAsDouble();
  if (failed(verifyStatistics(emitError, "", min, max, meanSquare, levels,
                              valuesOf(quantilesAttr))))
    return failure();

  ArrayRef<double> channelMin = valuesOf(channelMinAttr),
                   channelMax = valuesOf(channelMaxAttr),
                   channelMeanSquare = valuesOf(channelMeanSquareAttr),
                   channelQuantiles = valuesOf(channelQuantilesAttr);
  if (!axis) {
    if (channelMinAttr || channelMaxAttr || channelMeanSquareAttr ||
        channelQuantilesAttr)
      return emitError() << "observed channel statistics need an axis";
    return success();
  }
  if (*axis < 0)
    return emitError() << "observed axis " << *axis << " must be non-negative";
  size_t channels = channelMin.size();
  if (channels == 0 || channelMax.size() != channels)
    return emitError() << "observed value along axis " << *axis << " has "
                       << channelMin.size() << " channel minima and "
                       << channelMax.size()
                       << " channel maxima; expected the same number, at "
                          "least 1";
  if (!channelMeanSquare.empty() && channelMeanSquare.size() != channels)
    return emitError() << "observed value has " << channels << " channels but "
                       << channelMeanSquare.size() << " channel mean squares";
  size_t perChannel = levels.size();
  if (!channelQuantiles.empty() &&
      (perChannel == 0 || channelQuantiles.size() != channels * perChannel))
    return emitError() << "observed value has " << channels << " channels and "
                       << perChannel << " quantile levels but "
                       << channelQuantiles.size() << " channel quantiles";
  for (size_t channel = 0; channel < channels; ++channel) {
    std::string where = " of channel " + std::to_string(channel);
    std::optional<double> squares;
    if (!channelMeanSquare.empty())
      squares = channelMeanSquare[channel];
    ArrayRef<double> quantiles;
    if (!channelQuantiles.empty())
      quantiles = channelQuantiles.slice(channel * perChannel, perChannel);
    if (failed(verifyStatistics(emitError, where, channelMin[channel],
                                channelMax[channel], squares, levels,
                                quantiles)))
      return failure();
    if (channelMin[channel] < min || channelMax[channel] > max)
      return emitError() << "observed range" << where << " ["
                         << number(channelMin[channel]) << ", "
                         << number(channelMax[channel])
                         << "] is not inside the whole range [" << number(min)
                         << ", " << number(max) << "]";
  }
  return success();
}

ObservedStatistics ObservedAttr::getStatistics() const {
  ObservedStatistics statistics;
  statistics.min = getMin();
  statistics.max = getMax();
  statistics.meanSquare = getMeanSquare();
  statistics.quantileLevels = getQuantileLevels();
  statistics.quantiles = getQuantiles();
  statistics.axis = getAxis();
  statistics.channelMin = getChannelMin();
  statistics.channelMax = getChannelMax();
  statistics.channelMeanSquare = getChannelMeanSquare();
  if (getChannelQuantilesAttr())
    for (int64_t channel = 0; channel < getNumChannels(); ++channel)
      statistics.channelQuantiles.push_back(getChannelQuantiles(channel));
  return statistics;
}

std::optional<double> ObservedAttr::getMeanSquare() const {
  if (FloatAttr attr = getMeanSquareAttr())
    return attr.getValueAsDouble();
  return std::nullopt;
}

ArrayRef<double> ObservedAttr::getQuantileLevels() const {
  return valuesOf(getQuantileLevelsAttr());
}

ArrayRef<double> ObservedAttr::getQuantiles() const {
  return valuesOf(getQuantilesAttr());
}

int64_t ObservedAttr::getNumChannels() const { return getChannelMin().size(); }

ArrayRef<double> ObservedAttr::getChannelMin() const {
  return valuesOf(getChannelMinAttr());
}

ArrayRef<double> ObservedAttr::getChannelMax() const {
  return valuesOf(getChannelMaxAttr());
}

ArrayRef<double> ObservedAttr::getChannelMeanSquare() const {
  return valuesOf(getChannelMeanSquareAttr());
}

ArrayRef<double> ObservedAttr::getChannelQuantiles(int64_t channel) const {
  ArrayRef<double> all = valuesOf(getChannelQuantilesAttr());
  size_t perChannel = getQuantileLevels().size();
  if (all.empty() || channel < 0 || channel >= getNumChannels())
    return {};
  return all.slice(channel * perChannel, perChannel);
}

ObservedAttr ObservedAttr::scaleChannels(ArrayRef<double> factors) const {
  ObservedStatistics statistics = getStatistics();
  assert(statistics.axis && statistics.channelMin.size() == factors.size() &&
         "one factor per channel");
  for (auto [channel, factor] : llvm::enumerate(factors)) {
    assert(factor > 0 && "channels are scaled by positive factors");
    statistics.channelMin[channel] *= factor;
    statistics.channelMax[channel] *= factor;
    if (!statistics.channelMeanSquare.empty())
      statistics.channelMeanSquare[channel] *= factor * factor;
    if (!statistics.channelQuantiles.empty())
      for (double &quantile : statistics.channelQuantiles[channel])
        quantile *= factor;
  }
  statistics.min = *llvm::min_element(statistics.channelMin);
  statistics.max = *llvm::max_element(statistics.channelMax);
  // Every channel holds as many elements: the whole value's mean square is
  // the channels' mean.
  statistics.meanSquare.reset();
  if (!statistics.channelMeanSquare.empty()) {
    double sum = 0;
    for (double meanSquare : statistics.channelMeanSquare)
      sum += meanSquare;
    statistics.meanSquare = std::min(sum / statistics.channelMeanSquare.size(),
                                     std::max(statistics.min * statistics.min,
                                              statistics.max * statistics.max));
  }
  statistics.quantiles.clear();
  if (!statistics.channelQuantiles.empty()) {
    std::vector<std::vector<double>> distributions;
    for (auto [channel, quantiles] :
         llvm::enumerate(statistics.channelQuantiles)) {
      std::vector<double> distribution = {statistics.channelMin[channel]};
      distribution.insert(distribution.end(), quantiles.begin(),
                          quantiles.end());
      distribution.push_back(statistics.channelMax[channel]);
      distributions.push_back(std::move(distribution));
    }
    statistics.quantiles = estimateMixtureQuantiles(
        statistics.quantileLevels, distributions, statistics.quantileLevels);
  }
  return get(getContext(), statistics);
}

Attribute ObservedAttr::parse(AsmParser &parser, Type) {
  MLIRContext *ctx = parser.getContext();
  SMLoc loc = parser.getCurrentLocation();
  std::optional<double> min, max, meanSquare;
  std::optional<int64_t> axis;
  SmallVector<double> levels, quantiles, channelMin, channelMax,
      channelMeanSquare, channelQuantiles;
  llvm::StringSet<> seen;
  auto parseEntry = [&]() -> ParseResult {
    StringRef key;
    if (parseEntryKey(parser, kKeys, getMnemonic(), seen, key))
      return failure();
    auto parseNumber = [&](std::optional<double> &value) {
      return parser.parseFloat(value.emplace());
    };
    if (key == "min")
      return parseNumber(min);
    if (key == "max")
      return parseNumber(max);
    if (key == "mean_square")
      return parseNumber(meanSquare);
    if (key == "axis")
      return parser.parseInteger(axis.emplace());
    if (key == "quantiles")
      return parser.parseCommaSeparatedList(
          AsmParser::Delimiter::Braces, [&]() -> ParseResult {
            return failure(parser.parseFloat(levels.emplace_back()) ||
                           parser.parseColon() ||
                           parser.parseFloat(quantiles.emplace_back()));
          });
    if (key == "channel_quantiles")
      return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        return parseNumbers(parser, channelQuantiles);
      });
    SmallVectorImpl<double> &values = key == "channel_min" ? channelMin
                                      : key == "channel_max"
                                          ? channelMax
                                          : channelMeanSquare;
    return parseNumbers(parser, values);
  };
  if (parser.parseLess() || parser.parseCommaSeparatedList(parseEntry) ||
      parser.parseGreater())
    return {};
  if (!min || !max) {
    parser.emitError(loc) << "#qfhe.observed needs min and max";
    return {};
  }
  return parser.getChecked<ObservedAttr>(
      loc, ctx, floatOf(ctx, *min), floatOf(ctx, *max),
      meanSquare ? floatOf(ctx, *meanSquare) : FloatAttr(),
      arrayOf(ctx, levels), arrayOf(ctx, quantiles), axis,
      arrayOf(ctx, channelMin), arrayOf(ctx, channelMax),
      arrayOf(ctx, channelMeanSquare), arrayOf(ctx, channelQuantiles));
}

void ObservedAttr::print(AsmPrinter &printer) const {
  auto printNumber = [&](double value) {
    printer.printFloat(llvm::APFloat(value));
  };
  printer << "<min = ";
  printNumber(getMin());
  printer << ", max = ";
  printNumber(getMax());
  if (std::optional<double> meanSquare = getMeanSquare()) {
    printer << ", mean_square = ";
    printNumber(*meanSquare);
  }
  if (!getQuantiles().empty()) {
    printer << ", quantiles = {";
    llvm::interleaveComma(llvm::zip(getQuantileLevels(), getQuantiles()),
                          printer, [&](auto pair) {
                            printNumber(std::get<0>(pair));
                            printer << " : ";
                            printNumber(std::get<1>(pair));
                          });
    printer << '}';
  }
  if (std::optional<int64_t> axis = getAxis()) {
    printer << ", axis = " << *axis << ", channel_min = ";
    printNumbers(printer, getChannelMin());
    printer << ", channel_max = ";
    printNumbers(printer, getChannelMax());
    if (!getChannelMeanSquare().empty()) {
      printer << ", channel_mean_square = ";
      printNumbers(printer, getChannelMeanSquare());
    }
    if (getChannelQuantilesAttr()) {
      printer << ", channel_quantiles = [";
      for (int64_t channel = 0; channel < getNumChannels(); ++channel) {
        if (channel)
          printer << ", ";
        printNumbers(printer, getChannelQuantiles(channel));
      }
      printer << ']';
    }
  }
  printer << '>';
}
