//===- RunCommand.cpp - run a program over a data set ---------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "qfhe/Runtime/EntryFunction.h"
#include "qfhe/Runtime/JitProgram.h"
#include "qfhe/Runtime/Metrics.h"
#include "qfhe/Runtime/Npy.h"
#include "qfhe/Support/OutputFile.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <optional>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// Compares each result with its expected array; prints one line per
/// result and fails when any element is off.
llvm::Error compareResults(const RunConfig &config,
                           llvm::ArrayRef<HostArray> results,
                           llvm::ArrayRef<HostArray> expected,
                           llvm::raw_ostream &os) {
  int64_t mismatches = 0;
  for (auto [index, path, want] : llvm::enumerate(config.compare, expected)) {
    llvm::Expected<Comparison> comparison =
        compareArrays(results[index], want, config.atol, config.rtol);
    if (!comparison)
      return llvm::createStringError("result " + llvm::Twine(index) + " vs " +
                                     path + ": " +
                                     toString(comparison.takeError()));
    os << "compare result " << index << " with " << path << ": "
       << comparison->numMismatches << " of " << comparison->numElements
       << " elements differ (atol " << formatNumber(config.atol) << ", rtol "
       << formatNumber(config.rtol) << "), max abs error "
       << formatNumber(comparison->maxAbsError);
    if (comparison->numMismatches > 0) {
      int64_t at = comparison->firstMismatch;
      os << "; first at " << formatIndex(want.getShape(), at) << ": "
         << formatNumber(results[index].getAsDouble(at)) << " vs "
         << formatNumber(want.getAsDouble(at));
    }
    os << '\n';
    mismatches += comparison->numMismatches;
  }
  if (mismatches > 0)
    return llvm::createStringError("the results differ from the expected "
                                   "arrays beyond the tolerance");
  return llvm::Error::success();
}

/// Everything a run reads besides the model, checked before compiling.
struct RunData {
  /// One array per argument, converted to its element type.
  llvm::SmallVector<HostArray> inputs;
  std::optional<HostArray> labels;
  /// One array per --compare.
  llvm::SmallVector<HostArray> expected;

  int64_t getNumSamples() const { return inputs.front().getShape().front(); }
};

/// Checks that accuracy can be computed: result 0 holds a row of scores (or
/// one score) per sample, and there is a label per sample.
llvm::Error checkLabels(const RunConfig &config, const FunctionSpec &spec,
                        const RunData &data) {
  const TensorSpec &result = spec.results.front();
  if (result.shape.size() != 1 && result.shape.size() != 2)
    return llvm::createStringError("--labels needs result 0 of @" + spec.name +
                                   " to have shape [N, classes] or [N], not " +
                                   result.typeName);
  if (data.labels->getNumElements() != data.getNumSamples())
    return llvm::createStringError(
        config.labels + " has " + llvm::Twine(data.labels->getNumElements()) +
        " labels (shape " + formatShape(data.labels->getShape()) + ") but " +
        config.data.front() + " has " + llvm::Twine(data.getNumSamples()) +
        " samples");
  // One score per sample is thresholded into classes 0 and 1.
  int64_t classes = result.shape.size() == 2 ? result.shape[1] : 1;
  if (classes == 1)
    classes = 2;
  if (classes == kDynamicSize)
    return llvm::Error::success();
  return checkLabelClasses(*data.labels, classes, config.labels);
}

/// Reads the data, labels and expected arrays and checks them against the
/// entry function.
llvm::Expected<RunData> readRunData(const RunConfig &config,
                                    const FunctionSpec &spec) {
  if (config.outputs.size() > spec.results.size())
    return llvm::createStringError(
        llvm::Twine(config.outputs.size()) + " output files (-o) for the " +
        llvm::Twine(spec.results.size()) + " results of @" + spec.name);
  if (config.compare.size() > spec.results.size())
    return llvm::createStringError(
        llvm::Twine(config.compare.size()) + " --compare files for the " +
        llvm::Twine(spec.results.size()) + " results of @" + spec.name);
  RunData data;
  llvm::Expected<llvm::SmallVector<HostArray>> arrays = readArrays(config.data);
  if (!arrays)
    return arrays.takeError();
  llvm::Expected<llvm::SmallVector<HostArray>> inputs =
      prepareInputs(spec, std::move(*arrays), config.data);
  if (!inputs)
    return inputs.takeError();
  data.inputs = std::move(*inputs);
  if (!config.labels.empty()) {
    llvm::Expected<HostArray> labels = readNpyFile(config.labels);
    if (!labels)
      return labels.takeError();
    data.labels = std::move(*labels);
    if (llvm::Error error = checkLabels(config, spec, data))
      return std::move(error);
  }
  llvm::Expected<llvm::SmallVector<HostArray>> expected =
      readArrays(config.compare);
  if (!expected)
    return expected.takeError();
  data.expected = std::move(*expected);
  return data;
}

llvm::Error writeReport(llvm::StringRef path, llvm::json::Object report) {
  return writeOutputFile(path, [&](llvm::raw_ostream &os) {
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << '\n';
    return llvm::Error::success();
  });
}

/// Writes the results, prints the summary (sample count, accuracy,
/// comparisons) and writes the report.
llvm::Error reportRun(const RunConfig &config, const JitProgram &program,
                      const RunData &data, llvm::ArrayRef<HostArray> results,
                      double seconds) {
  for (auto [path, result] : llvm::zip_first(config.outputs, results))
    if (llvm::Error error = writeNpyFile(result, path))
      return error;
  if (!config.predictions.empty()) {
    std::vector<int64_t> classes =
        predictClasses(results.front(), config.threshold);
    HostArray predicted(DType::Int64, {static_cast<int64_t>(classes.size())});
    std::memcpy(predicted.getData(), classes.data(),
                predicted.getSizeInBytes());
    if (llvm::Error error = writeNpyFile(predicted, config.predictions))
      return error;
  }

  // Standard output carries the .npy data when -o is `-`.
  bool npyOnStdout = llvm::is_contained(config.outputs, "-");
  llvm::raw_ostream &os = npyOnStdout ? llvm::errs() : llvm::outs();
  int64_t samples = data.getNumSamples();
  os << "samples: " << samples << '\n';
  const FunctionSpec &spec = program.getSpec();
  llvm::json::Object report{
      {"model", config.model},
      {"entry", spec.name},
      {"samples", samples},
      {"batch_size", takesBatches(spec) ? config.batchSize : int64_t(1)},
      {"seconds", seconds},
      {"samples_per_second", samples / seconds},
      {"compile_seconds", program.getCompileSeconds()}};
  if (data.labels) {
    llvm::Expected<Accuracy> accuracy =
        computeAccuracy(predictClasses(results.front(), config.threshold),
                        *data.labels, config.labels);
    if (!accuracy)
      return accuracy.takeError();
    os << llvm::format("accuracy: %.4f\n", accuracy->getValue());
    report["accuracy"] = accuracy->getValue();
    report["correct"] = accuracy->correct;
    if (accuracy->getValue() < config.minAccuracy)
      return llvm::createStringError(
          llvm::formatv("accuracy {0:F4} is below --min-accuracy {1:F4}",
                        accuracy->getValue(), config.minAccuracy)
              .str());
  } else if (config.minAccuracy >= 0) {
    return llvm::createStringError("--min-accuracy needs --labels");
  }
  if (!config.report.empty())
    if (llvm::Error error = writeReport(config.report, std::move(report)))
      return error;
  return compareResults(config, results, data.expected, os);
}

} // namespace

llvm::Error mlir::qfhe::runCommand(const RunConfig &config) {
  // Outputs that cannot be written fail before the work.
  for (const std::string &path : config.outputs)
    if (llvm::Error error = checkOutputPath(path))
      return error;
  for (llvm::StringRef path : {config.predictions, config.report})
    if (!path.empty())
      if (llvm::Error error = checkOutputPath(path))
        return error;
  llvm::Expected<LoadedModel> model = loadModel(config.model, config.entry);
  if (!model)
    return model.takeError();
  llvm::Expected<FunctionSpec> spec =
      getFunctionSpec(model->module->lookupSymbol<func::FuncOp>(model->entry));
  if (!spec)
    return llvm::createStringError(config.model + ": " +
                                   toString(spec.takeError()));
  llvm::Expected<RunData> data = readRunData(config, *spec);
  if (!data)
    return data.takeError();

  llvm::Expected<std::unique_ptr<JitProgram>> program =
      JitProgram::compile(*model->module, model->entry);
  if (!program)
    return program.takeError();
  auto start = std::chrono::steady_clock::now();
  llvm::Expected<llvm::SmallVector<HostArray>> results =
      runOnSamples(**program, data->inputs, makeRunOptions(config.batchSize));
  if (!results)
    return results.takeError();
  return reportRun(config, **program, *data, *results, secondsSince(start));
}
