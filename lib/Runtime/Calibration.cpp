//===- Calibration.cpp - observed value ranges over a data set ------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/Calibration.h"
#include "ObserveValues.h"

#include "qfhe/Runtime/EntryFunction.h"
#include "qfhe/Runtime/JitProgram.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/MapVector.h"

#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// What the calls observed of one value: its minimum and maximum (one
/// element each), and per channel when it has channels.
struct ObservedRange {
  std::vector<double> min, max, channelMin, channelMax;
};

/// Folds a reduction the program computed into `bounds`.
llvm::Error accumulate(std::vector<double> &bounds, const HostArray &reduced,
                       bool isMin) {
  if (bounds.empty())
    bounds.assign(reduced.getNumElements(), isMin ? kInf : -kInf);
  if (static_cast<int64_t>(bounds.size()) != reduced.getNumElements())
    return llvm::createStringError(
        "the number of channels of an observed value changed between calls");
  for (auto [index, bound] : llvm::enumerate(bounds)) {
    // Adding 0 turns -0 into +0.
    double value = reduced.getAsDouble(index) + 0.0;
    bound = isMin ? std::min(bound, value) : std::max(bound, value);
  }
  return llvm::Error::success();
}

/// The `qfhe.observed` dictionary of one value; empty when no element was
/// seen (all NaN).
DictionaryAttr makeObservedAttr(Builder &b, const ObservedRange &range) {
  if (!(range.min.front() <= range.max.front()))
    return b.getDictionaryAttr({});
  llvm::SmallVector<NamedAttribute> entries = {
      b.getNamedAttr("min", b.getF64FloatAttr(range.min.front())),
      b.getNamedAttr("max", b.getF64FloatAttr(range.max.front()))};
  if (!range.channelMin.empty()) {
    entries.push_back(b.getNamedAttr("axis", b.getI64IntegerAttr(1)));
    entries.push_back(b.getNamedAttr("channel_min",
                                     b.getDenseF64ArrayAttr(range.channelMin)));
    entries.push_back(b.getNamedAttr("channel_max",
                                     b.getDenseF64ArrayAttr(range.channelMax)));
  }
  return b.getDictionaryAttr(entries);
}

/// Writes the observed ranges of `values` (of `entry`) as attributes.
void writeAttributes(func::FuncOp entry, llvm::ArrayRef<Value> values,
                     llvm::ArrayRef<ObservedRange> ranges, int64_t samples) {
  constexpr llvm::StringLiteral kObserved = "qfhe.observed";
  Builder b(entry.getContext());
  llvm::MapVector<Operation *, llvm::SmallVector<Attribute>> opAttrs;
  for (auto [value, range] : llvm::zip_equal(values, ranges)) {
    DictionaryAttr attr = makeObservedAttr(b, range);
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

  std::vector<ObservedRange> ranges(values->size());
  auto record = [&](int64_t, int64_t,
                    llvm::MutableArrayRef<HostArray> results) -> llvm::Error {
    // The observations follow the entry function's own results.
    const HostArray *next = results.begin() + spec->results.size();
    for (auto [value, range] : llvm::zip_equal(*values, ranges)) {
      if (llvm::Error error = accumulate(range.min, *next++, /*isMin=*/true))
        return error;
      if (llvm::Error error = accumulate(range.max, *next++, /*isMin=*/false))
        return error;
      if (!hasChannels(value))
        continue;
      if (llvm::Error error =
              accumulate(range.channelMin, *next++, /*isMin=*/true))
        return error;
      if (llvm::Error error =
              accumulate(range.channelMax, *next++, /*isMin=*/false))
        return error;
    }
    return llvm::Error::success();
  };
  if (llvm::Error error = forEachCall(**program, *inputs, options, record))
    return error;
  writeAttributes(*entry, *values, ranges, inputs->front().getShape().front());
  return llvm::Error::success();
}
