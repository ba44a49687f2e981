//===- Calibration.cpp - observed value ranges over a data set ------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/Calibration.h"
#include "ObserveGram.h"
#include "ObserveValues.h"

#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"
#include "qfhe/Dialect/QFHE/IR/QFHEDialect.h"
#include "qfhe/Runtime/EntryFunction.h"
#include "qfhe/Runtime/JitProgram.h"
#include "qfhe/Support/Statistics.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/MapVector.h"

#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// The most inputs per output channel of a layer whose Gram matrix is
/// recorded: the matrix has their square of entries, and rounding one
/// channel's weights against it costs that square per scale tried.
constexpr int64_t kGramInputLimit = 512;

/// What the calls observed of one value: statistics of all its elements
/// and, when it has channels, of each index along dimension 1.
struct ValueStatistics {
  TwoPassStatistics whole;
  std::vector<TwoPassStatistics> channels;
};

/// Calls `visit(index, element)` for every element of `array`, a float
/// array (in C order), converted to double.
template <typename Fn>
llvm::Error forEachElement(const ArrayView &array, Fn visit) {
  int64_t count = getNumElements(array.shape);
  auto visitAll = [&](const auto *elements) {
    for (int64_t index = 0; index < count; ++index)
      visit(index, static_cast<double>(elements[index]));
    return llvm::Error::success();
  };
  switch (array.dtype) {
  case DType::Float32:
    return visitAll(reinterpret_cast<const float *>(array.data));
  case DType::Float64:
    return visitAll(reinterpret_cast<const double *>(array.data));
  default:
    return llvm::createStringError("calibration observes float values, got " +
                                   getDTypeName(array.dtype).str() +
                                   " elements");
  }
}

/// Folds the elements of `observed`, what one call saw of a value, into
/// `statistics`: the first pass (`histogram` false) or the second.
llvm::Error accumulate(ValueStatistics &statistics, const ArrayView &observed,
                       bool withChannels, bool histogram) {
  auto add = [&](TwoPassStatistics &into, double element) {
    if (histogram)
      into.addToHistogram(element);
    else
      into.addToRange(element);
  };
  if (!withChannels)
    return forEachElement(observed, [&](int64_t, double element) {
      add(statistics.whole, element);
    });
  llvm::ArrayRef<int64_t> shape = observed.shape;
  int64_t channels = shape[1];
  if (statistics.channels.empty())
    statistics.channels.resize(channels);
  if (static_cast<int64_t>(statistics.channels.size()) != channels)
    return llvm::createStringError(
        "the number of channels of an observed value changed between calls");
  int64_t inner = getNumElements(shape.drop_front(2));
  return forEachElement(observed, [&](int64_t index, double element) {
    add(statistics.whole, element);
    add(statistics.channels[(index / inner) % channels], element);
  });
}

/// The `qfhe.observed` entry of one value: its statistics, or an empty
/// dictionary when no finite element was seen.
Attribute makeObservedAttr(MLIRContext *ctx,
                           const ValueStatistics &statistics) {
  const std::vector<double> &levels = getCalibrationQuantileLevels();
  SummaryStatistics whole = statistics.whole.summarize(levels);
  if (whole.count == 0)
    return DictionaryAttr::get(ctx);
  ObservedStatistics observed;
  observed.min = whole.min;
  observed.max = whole.max;
  observed.meanSquare = whole.meanSquare;
  observed.quantileLevels = levels;
  observed.quantiles = whole.quantiles;
  // A channel that saw no finite element has no range: then none is given
  // per channel.
  bool everyChannelSeen =
      llvm::all_of(statistics.channels, [](const TwoPassStatistics &channel) {
        return channel.getCount() > 0;
      });
  if (!statistics.channels.empty() && everyChannelSeen) {
    observed.axis = 1;
    for (const TwoPassStatistics &channel : statistics.channels) {
      SummaryStatistics summary = channel.summarize(levels);
      observed.channelMin.push_back(summary.min);
      observed.channelMax.push_back(summary.max);
      observed.channelMeanSquare.push_back(summary.meanSquare);
      observed.channelQuantiles.push_back(summary.quantiles);
    }
  }
  return ObservedAttr::get(ctx, observed);
}

/// Writes the statistics of `values` (of `entry`) as attributes.
void writeAttributes(func::FuncOp entry, llvm::ArrayRef<Value> values,
                     llvm::ArrayRef<ValueStatistics> statistics,
                     int64_t samples) {
  constexpr llvm::StringLiteral kObserved = "qfhe.observed";
  MLIRContext *ctx = entry.getContext();
  // The program may not use qfhe yet; its attributes need the dialect.
  ctx->getOrLoadDialect<QFHEDialect>();
  Builder b(ctx);
  llvm::MapVector<Operation *, llvm::SmallVector<Attribute>> opAttrs;
  for (auto [value, observed] : llvm::zip_equal(values, statistics)) {
    Attribute attr = makeObservedAttr(ctx, observed);
    if (auto argument = dyn_cast<BlockArgument>(value)) {
      entry.setArgAttr(argument.getArgNumber(), kObserved, attr);
      continue;
    }
    auto result = cast<OpResult>(value);
    Operation *op = result.getOwner();
    auto [it, inserted] = opAttrs.try_emplace(op);
    if (inserted)
      it->second.assign(op->getNumResults(), b.getDictionaryAttr({}));
    it->second[result.getResultNumber()] = attr;
  }
  for (auto &[op, attrs] : opAttrs)
    op->setAttr(kObserved, b.getArrayAttr(attrs));
  entry->setAttr("qfhe.calibration_samples", b.getI64IntegerAttr(samples));
}

} // namespace

std::string mlir::qfhe::getCalibrationWarning(const HostArray &data,
                                              llvm::StringRef name) {
  if (data.getRank() == 0)
    return "";
  int64_t samples = data.getShape().front();
  const char *advice = ": ranges observed on it fit it only; calibrate on a "
                       "few hundred samples like the inputs the program will "
                       "see";
  if (samples < 2)
    return (name + " holds " + llvm::Twine(samples) + " sample" + advice).str();
  size_t rowBytes = data.getSizeInBytes() / samples;
  const char *rows = data.getData();
  for (int64_t row = 1; row < samples; ++row)
    if (std::memcmp(rows, rows + row * rowBytes, rowBytes) != 0)
      return "";
  return (name + ": its " + llvm::Twine(samples) + " samples are all the same" +
          advice)
      .str();
}

llvm::Error mlir::qfhe::calibrate(ModuleOp module, llvm::StringRef entryName,
                                  llvm::SmallVector<HostArray> data,
                                  llvm::ArrayRef<std::string> names,
                                  const RunOptions &options) {
  llvm::Expected<func::FuncOp> entry = findEntryFunction(module, entryName);
  if (!entry)
    return entry.takeError();
  llvm::Expected<FunctionSpec> spec = getFunctionSpec(*entry);
  if (!spec)
    return spec.takeError();
  llvm::Expected<llvm::SmallVector<HostArray>> inputs =
      prepareInputs(*spec, std::move(data), names);
  if (!inputs)
    return inputs.takeError();
  llvm::Expected<llvm::SmallVector<Value>> values = getObservedValues(*entry);
  if (!values)
    return values.takeError();

  // Compile, in a copy of the module, a copy of the entry function that also
  // returns the reductions observing each value.
  OwningOpRef<ModuleOp> copy = module.clone();
  auto copyEntry = copy->lookupSymbol<func::FuncOp>(entryName);
  llvm::Expected<llvm::SmallVector<Value>> copyValues =
      getObservedValues(copyEntry);
  if (!copyValues)
    return copyValues.takeError();
  std::string observer = addObserverFunction(copyEntry, *copyValues);
  llvm::Expected<std::unique_ptr<JitProgram>> program =
      JitProgram::compile(*copy, observer);
  if (!program)
    return program.takeError();

  // Two runs: the range, count and sum of squares of every value, then
  // its histogram over that range (for the quantiles).
  std::vector<ValueStatistics> statistics(values->size());
  GramObserver grams(*values, kGramInputLimit,
                     inputs->front().getShape().front());
  for (bool histogram : {false, true}) {
    auto record = [&](int64_t first, int64_t count,
                      llvm::MutableArrayRef<HostArray> results) -> llvm::Error {
      // The arguments are the call's inputs; the values ops compute follow
      // the entry function's own results.
      const HostArray *next = results.begin() + spec->results.size();
      llvm::SmallVector<ArrayView> views;
      for (auto [value, observed] : llvm::zip_equal(*values, statistics)) {
        auto argument = dyn_cast<BlockArgument>(value);
        views.push_back(
            argument ? (*inputs)[argument.getArgNumber()].getRows(first, count)
                     : (next++)->getView());
        if (llvm::Error error = accumulate(observed, views.back(),
                                           hasChannels(value), histogram))
          return error;
      }
      if (!histogram && !grams.empty())
        return grams.add(views);
      return llvm::Error::success();
    };
    if (llvm::Error error = forEachCall(**program, *inputs, options, record))
      return error;
  }
  writeAttributes(*entry, *values, statistics,
                  inputs->front().getShape().front());
  grams.write();
  return llvm::Error::success();
}
