//===- SampleRunner.cpp - run a program over a data set -------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/SampleRunner.h"

#include "qfhe/Runtime/JitProgram.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// `argument N of @f (tensor<...>)`, for messages.
std::string describeArgument(const FunctionSpec &spec, size_t index) {
  return "argument " + std::to_string(index) + " of @" + spec.name + " (" +
         spec.arguments[index].typeName + ")";
}

/// The shape data for `arg` must have, as in `[N, 64]` or `[N, ?, 3]`.
std::string formatExpectedShape(const TensorSpec &arg) {
  std::string text = "[N";
  for (int64_t size : llvm::drop_begin(arg.shape))
    text += ", " + (size == kDynamicSize ? "?" : std::to_string(size));
  return text + "]";
}

/// Checks the leading dimensions of the arguments: all 1 or all dynamic.
llvm::Error checkSampleAxis(const FunctionSpec &spec) {
  if (spec.arguments.empty())
    return makeError("@" + spec.name +
                     " takes no arguments: quant-run feeds samples to them");
  for (size_t i = 0; i < spec.arguments.size(); ++i) {
    llvm::ArrayRef<int64_t> shape = spec.arguments[i].shape;
    if (shape.empty())
      return makeError(describeArgument(spec, i) +
                       " has no leading sample dimension: quant-run needs "
                       "1 (one sample per call) or ? (batches)");
    if (shape.front() != 1 && shape.front() != kDynamicSize)
      return makeError(describeArgument(spec, i) +
                       " has a leading dimension of " +
                       llvm::Twine(shape.front()) +
                       ": quant-run needs 1 (one sample per call) or ? "
                       "(batches)");
    if (shape.front() != spec.arguments.front().shape.front())
      return makeError("the arguments of @" + spec.name +
                       " mix a leading dimension of 1 and a dynamic one");
  }
  return llvm::Error::success();
}

/// Checks one data array against its argument.
llvm::Error checkShape(const FunctionSpec &spec, size_t index,
                       const HostArray &data, llvm::StringRef name) {
  const TensorSpec &arg = spec.arguments[index];
  bool matches = data.getRank() == static_cast<int64_t>(arg.shape.size());
  for (size_t dim = 1; matches && dim < arg.shape.size(); ++dim)
    matches = arg.shape[dim] == kDynamicSize ||
              arg.shape[dim] == data.getShape()[dim];
  if (!matches)
    return makeError(name + " has shape " + formatShape(data.getShape()) +
                     " but " + describeArgument(spec, index) + " needs " +
                     formatExpectedShape(arg) +
                     " (the leading dimension counts the samples)");
  return llvm::Error::success();
}

/// Fails on the first NaN or infinite element of float data: no program
/// computes anything meaningful from them (and quantization has no integer
/// for them).
llvm::Error checkFinite(const HostArray &data, llvm::StringRef name) {
  if (!isFloatDType(data.getDType()))
    return llvm::Error::success();
  for (int64_t i = 0, e = data.getNumElements(); i < e; ++i) {
    double value = data.getAsDouble(i);
    if (!std::isfinite(value))
      return makeError(name + ": element " + formatIndex(data.getShape(), i) +
                       " is " + formatNumber(value) +
                       "; the data must be finite");
  }
  return llvm::Error::success();
}

} // namespace

bool mlir::qfhe::takesBatches(const FunctionSpec &spec) {
  return spec.arguments.front().shape.front() == kDynamicSize;
}

llvm::Expected<llvm::SmallVector<HostArray>>
mlir::qfhe::prepareInputs(const FunctionSpec &spec,
                          llvm::SmallVector<HostArray> data,
                          llvm::ArrayRef<std::string> names) {
  assert(names.size() == data.size() && "one name per data array");
  if (llvm::Error error = checkSampleAxis(spec))
    return std::move(error);
  if (data.size() != spec.arguments.size())
    return makeError("@" + spec.name + " takes " +
                     llvm::Twine(spec.arguments.size()) + " argument" +
                     (spec.arguments.size() == 1 ? "" : "s") + " but " +
                     llvm::Twine(data.size()) + " data file" +
                     (data.size() == 1 ? " was" : "s were") +
                     " given (one --data per argument, in order)");
  llvm::SmallVector<HostArray> inputs;
  for (size_t i = 0; i < data.size(); ++i) {
    if (llvm::Error error = checkShape(spec, i, data[i], names[i]))
      return std::move(error);
    int64_t samples = data[i].getShape().front();
    if (samples == 0)
      return makeError(names[i] + " has no samples (shape " +
                       formatShape(data[i].getShape()) + ")");
    if (samples != data.front().getShape().front())
      return makeError(names[i] + " has " + llvm::Twine(samples) +
                       " samples but " + names.front() + " has " +
                       llvm::Twine(data.front().getShape().front()));
    if (llvm::Error error = checkFinite(data[i], names[i]))
      return std::move(error);
    llvm::Expected<HostArray> converted =
        convertElements(std::move(data[i]), spec.arguments[i].element);
    if (!converted)
      return makeError(names[i] + ": " + toString(converted.takeError()) +
                       " (" + describeArgument(spec, i) + ")");
    inputs.push_back(std::move(*converted));
  }
  return inputs;
}

llvm::Error mlir::qfhe::forEachCall(JitProgram &program,
                                    llvm::ArrayRef<HostArray> inputs,
                                    const RunOptions &options,
                                    CallResultsFn onResults) {
  int64_t total = inputs.front().getShape().front();
  int64_t perCall = takesBatches(program.getSpec()) ? options.batchSize : 1;
  assert(perCall > 0 && "batches hold at least one sample");
  llvm::SmallVector<ArrayView> views;
  for (int64_t begin = 0; begin < total; begin += perCall) {
    int64_t count = std::min(perCall, total - begin);
    views.clear();
    for (const HostArray &input : inputs)
      views.push_back(input.getRows(begin, count));
    llvm::Expected<llvm::SmallVector<HostArray>> results = program.call(views);
    if (!results)
      return results.takeError();
    if (llvm::Error error = onResults(begin, count, *results))
      return error;
    if (options.onProgress)
      options.onProgress(begin + count, total);
  }
  return llvm::Error::success();
}

llvm::Expected<llvm::SmallVector<HostArray>>
mlir::qfhe::runOnSamples(JitProgram &program, llvm::ArrayRef<HostArray> inputs,
                         const RunOptions &options) {
  const FunctionSpec &spec = program.getSpec();
  int64_t total = inputs.front().getShape().front();
  llvm::SmallVector<HostArray> stacked;
  auto append = [&](int64_t begin, int64_t count,
                    llvm::MutableArrayRef<HostArray> results) -> llvm::Error {
    for (auto [index, result] : llvm::enumerate(results)) {
      llvm::ArrayRef<int64_t> shape = result.getShape();
      if (shape.empty() || shape.front() != count)
        return makeError("result " + llvm::Twine(index) + " of @" + spec.name +
                         " has shape " + formatShape(shape) +
                         " after a call on " + llvm::Twine(count) +
                         " samples: quant-run needs results whose leading "
                         "dimension counts the samples");
      if (stacked.size() == index) {
        llvm::SmallVector<int64_t, 4> fullShape(shape);
        fullShape.front() = total;
        stacked.emplace_back(result.getDType(), fullShape);
      }
      HostArray &all = stacked[index];
      if (!llvm::equal(shape.drop_front(), all.getShape().drop_front()))
        return makeError("result " + llvm::Twine(index) + " of @" + spec.name +
                         " changes shape between calls: " +
                         formatShape(all.getShape().drop_front()) + " then " +
                         formatShape(shape.drop_front()) + " per sample");
      size_t rowBytes = all.getSizeInBytes() / total;
      if (result.getSizeInBytes() > 0)
        std::memcpy(all.getData() + begin * rowBytes, result.getData(),
                    result.getSizeInBytes());
    }
    return llvm::Error::success();
  };
  if (llvm::Error error = forEachCall(program, inputs, options, append))
    return std::move(error);
  return stacked;
}
