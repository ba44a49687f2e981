//===- quant-run.cpp - run tensor programs on NumPy data ------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The cleartext simulation of qfhe programs: compiles a float, qfhe or
// upstream-only tensor program once with MLIR's ExecutionEngine and runs it
// over the samples of .npy files, reporting accuracy against labels, or
// records the observed ranges of a float program's values (`calibrate`).
// docs/quant-run.md describes the command line.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "qfhe/Support/Interrupt.h"
#include "qfhe/Support/Progress.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

#include <cmath>

using namespace mlir::qfhe;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("quant-run options");

cl::SubCommand calibrateSub(
    "calibrate",
    "Run a float program over a calibration set and write it back with the "
    "observed range of every value as qfhe.observed attributes");

cl::SubCommand summarySub(
    "summary",
    "Print the per-layer summary of a compile from the verifier's JSON "
    "report (qfhe-pipeline report=): for each layer (ONNX node or source "
    "line) its input bits, parts, lookups, roundings and widest value");

cl::opt<std::string> summaryReport(cl::Positional, cl::Required,
                                   cl::desc("<report.json>"),
                                   cl::sub(summarySub), cl::cat(category));

// Options of the run and calibrate commands.
cl::opt<std::string> model(cl::Positional, cl::Required,
                           cl::desc("<model.mlir>"),
                           cl::sub(cl::SubCommand::getTopLevel()),
                           cl::sub(calibrateSub), cl::cat(category));
cl::list<std::string>
    data("data", cl::OneOrMore, cl::value_desc("x.npy"),
         cl::desc("Samples for an argument of the entry function: once per "
                  "argument, in order. The leading dimension is the sample "
                  "axis; integer data feeds float arguments exactly"),
         cl::sub(cl::SubCommand::getTopLevel()), cl::sub(calibrateSub),
         cl::cat(category));
cl::opt<std::string>
    entry("entry", cl::value_desc("name"),
          cl::desc("The function to run (default: the only public function)"),
          cl::sub(cl::SubCommand::getTopLevel()), cl::sub(calibrateSub),
          cl::cat(category));
cl::opt<int64_t>
    batchSize("batch-size", cl::init(256), cl::value_desc("n"),
              cl::desc("Samples per call when the entry function's leading "
                       "dimension is dynamic (default 256); a leading "
                       "dimension of 1 runs one sample per call"),
              cl::sub(cl::SubCommand::getTopLevel()), cl::sub(calibrateSub),
              cl::cat(category));

// Progress of the sample loop on standard error (qfhe/Support/Progress.h).
cl::opt<bool> quiet("quiet",
                    cl::desc("Print no progress on standard error (by "
                             "default it shows on a terminal; "
                             "QFHE_PROGRESS=1 shows it anywhere)"),
                    cl::sub(cl::SubCommand::getTopLevel()),
                    cl::sub(calibrateSub), cl::cat(category));
cl::opt<bool>
    progress("progress",
             cl::desc("Print progress on standard error even when it is not "
                      "a terminal"),
             cl::sub(cl::SubCommand::getTopLevel()), cl::sub(calibrateSub),
             cl::cat(category));

// Options of the run command.
cl::list<std::string>
    outputs("o", cl::value_desc("out.npy"),
            cl::desc("Write the results to .npy files: the first -o gets "
                     "result 0, the next result 1..."),
            cl::sub(cl::SubCommand::getTopLevel()), cl::cat(category));
cl::opt<std::string>
    labels("labels", cl::value_desc("y.npy"),
           cl::desc("Integer labels, one per sample: print the accuracy of "
                    "result 0 (argmax over its last axis)"),
           cl::sub(cl::SubCommand::getTopLevel()), cl::cat(category));
cl::opt<std::string> predictions(
    "predictions", cl::value_desc("classes.npy"),
    cl::desc("Write the class result 0 predicts for each sample (int64, as "
             "--labels reads them): another program's agreement with this "
             "one is its accuracy against these"),
    cl::sub(cl::SubCommand::getTopLevel()), cl::cat(category));
cl::opt<double> threshold(
    "threshold", cl::init(0.5), cl::value_desc("t"),
    cl::desc("With --labels or --predictions and one output column: class 1 "
             "when the output "
             "exceeds t (default 0.5, for probabilities; use 0 for logits)"),
    cl::sub(cl::SubCommand::getTopLevel()), cl::cat(category));
cl::list<std::string>
    compare("compare", cl::value_desc("expected.npy"),
            cl::desc("Compare the results (the first --compare result 0...) "
                     "with expected arrays; fail when an element differs by "
                     "more than atol + rtol * |expected|"),
            cl::sub(cl::SubCommand::getTopLevel()), cl::cat(category));
cl::opt<double>
    absoluteTolerance("atol", cl::init(1e-5), cl::value_desc("x"),
                      cl::desc("Absolute tolerance of --compare (default "
                               "1e-5)"),
                      cl::sub(cl::SubCommand::getTopLevel()),
                      cl::cat(category));
cl::opt<double>
    relativeTolerance("rtol", cl::init(1e-5), cl::value_desc("x"),
                      cl::desc("Relative tolerance of --compare (default "
                               "1e-5)"),
                      cl::sub(cl::SubCommand::getTopLevel()),
                      cl::cat(category));
cl::opt<double> minAccuracy(
    "min-accuracy", cl::init(-1.0), cl::value_desc("a"),
    cl::desc("With --labels: fail (exit 1) when the accuracy is below a; "
             "for tests that keep accuracy from regressing"),
    cl::sub(cl::SubCommand::getTopLevel()), cl::cat(category));
cl::opt<std::string>
    report("report", cl::value_desc("report.json"),
           cl::desc("Write a JSON report: samples, accuracy, seconds, "
                    "samples_per_second, compile_seconds..."),
           cl::sub(cl::SubCommand::getTopLevel()), cl::cat(category));

// Options of the calibrate command.
cl::opt<std::string>
    calibratedOutput("o", cl::init("-"), cl::value_desc("out.mlir"),
                     cl::desc("Where to write the calibrated program "
                              "(default: standard output)"),
                     cl::sub(calibrateSub), cl::cat(category));

constexpr const char *kOverview =
    "run tensor programs on NumPy data\n\n"
    "Compiles a float, qfhe or upstream MLIR tensor program once (MLIR's "
    "ExecutionEngine)\nand runs it over the samples of .npy files:\n\n"
    "  quant-run MODEL.mlir --data X.npy [--labels Y.npy] [-o OUT.npy] "
    "[--report R.json]\n"
    "  quant-run calibrate MODEL.mlir --data CALIB.npy [-o OUT.mlir]\n"
    "  quant-run summary REPORT.json\n\n"
    "See docs/quant-run.md.\n";

/// Checks the numeric options of the run command.
llvm::Error checkNumbers() {
  for (auto [name, value] :
       {std::pair<const char *, double>{"atol", absoluteTolerance.getValue()},
        {"rtol", relativeTolerance.getValue()}})
    if (!(value >= 0) || !std::isfinite(value))
      return llvm::createStringError("--" + llvm::Twine(name) + "=" +
                                     formatNumber(value) +
                                     " must be a finite number >= 0");
  if (!std::isfinite(threshold))
    return llvm::createStringError("--threshold=" + formatNumber(threshold) +
                                   " must be a finite number");
  if (minAccuracy.getNumOccurrences() &&
      !(minAccuracy >= 0 && minAccuracy <= 1))
    return llvm::createStringError(
        "--min-accuracy=" + formatNumber(minAccuracy) + " is outside [0, 1]");
  return llvm::Error::success();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  // Ctrl-C on a long search ends it with a message and no partial output.
  mlir::qfhe::reportInterrupts("quant-run");
  cl::HideUnrelatedOptions(category, cl::SubCommand::getTopLevel());
  cl::HideUnrelatedOptions(category, calibrateSub);
  cl::HideUnrelatedOptions(category, summarySub);
  cl::ParseCommandLineOptions(argc, argv, kOverview);
  if (quiet)
    setProgressMode(ProgressMode::Never);
  else if (progress)
    setProgressMode(ProgressMode::Always);

  llvm::Error error = llvm::Error::success();
  // Options of the top level are also found after a subcommand: refuse
  // those that are not its own. (cl::list overloads operator&, hence
  // std::addressof.)
  cl::Option *runOnly[] = {std::addressof(outputs),
                           &labels,
                           &predictions,
                           &threshold,
                           std::addressof(compare),
                           &absoluteTolerance,
                           &relativeTolerance,
                           &minAccuracy,
                           &report};
  cl::Option *programOnly[] = {std::addressof(data), &entry, &batchSize};
  auto findGiven = [](llvm::ArrayRef<cl::Option *> options) -> cl::Option * {
    const auto *given = llvm::find_if(options, [](cl::Option *option) {
      return option->getNumOccurrences();
    });
    return given == options.end() ? nullptr : *given;
  };
  cl::Option *misplaced = nullptr;
  if (calibrateSub)
    misplaced = findGiven(runOnly);
  else if (summarySub && !(misplaced = findGiven(runOnly)))
    misplaced = findGiven(programOnly);
  if (misplaced) {
    llvm::StringRef name = misplaced->ArgStr;
    error = llvm::createStringError((name.size() == 1 ? "-" : "--") + name +
                                    " is not an option of " +
                                    (calibrateSub ? "calibrate" : "summary"));
  } else if (batchSize < 1) {
    error = llvm::createStringError("--batch-size must be at least 1, not " +
                                    std::to_string(batchSize));
  } else if (llvm::Error bad = checkNumbers()) {
    error = std::move(bad);
  } else if (summarySub) {
    error = summaryCommand(summaryReport);
  } else if (calibrateSub) {
    error = calibrateCommand(
        {model, data, entry, calibratedOutput, batchSize.getValue()});
  } else {
    error =
        runCommand({model, data, entry, outputs, labels, predictions, threshold,
                    compare, absoluteTolerance, relativeTolerance, report,
                    batchSize.getValue(), minAccuracy.getValue()});
  }
  if (!error)
    return 0;
  // What was reported before the error comes first.
  llvm::outs().flush();
  llvm::WithColor::error(llvm::errs(), "quant-run")
      << toString(std::move(error)) << '\n';
  return 1;
}
