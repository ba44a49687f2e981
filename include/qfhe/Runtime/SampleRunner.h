//===- SampleRunner.h - run a program over a data set -----------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The sample loop of quant-run: the leading dimension of every data array is
// the sample axis. An entry function whose arguments have a static leading
// dimension of 1 is called once per sample; one whose arguments have a
// dynamic leading dimension is called on batches of samples.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_RUNTIME_SAMPLERUNNER_H
#define QFHE_RUNTIME_SAMPLERUNNER_H

#include "qfhe/Runtime/HostArray.h"
#include "qfhe/Runtime/TensorSpec.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <functional>

namespace mlir {
namespace qfhe {

class JitProgram;

/// How to run the sample loop.
struct RunOptions {
  /// Samples per call when the leading dimension is dynamic.
  int64_t batchSize = 256;
  /// Called after every call with the number of samples done and in all.
  std::function<void(int64_t done, int64_t total)> onProgress;
};

/// Whether `spec` takes batches (a dynamic leading dimension) rather than
/// one sample per call. Valid for specs prepareInputs accepted.
bool takesBatches(const FunctionSpec &spec);

/// Checks the data arrays (one per argument, in order; `names` name them in
/// messages) against the arguments of `spec` and converts their elements
/// exactly into the arguments' element types. Every argument needs a leading
/// dimension that is 1 or dynamic (the same for all), every array the rank
/// of its argument, the static sizes beyond the leading one, and as many
/// samples as the others.
llvm::Expected<llvm::SmallVector<HostArray>>
prepareInputs(const FunctionSpec &spec, llvm::SmallVector<HostArray> data,
              llvm::ArrayRef<std::string> names);

/// The results of one call and the samples they belong to.
using CallResultsFn =
    llvm::function_ref<llvm::Error(int64_t firstSample, int64_t numSamples,
                                   llvm::MutableArrayRef<HostArray> results)>;

/// Calls `program` on every sample of `inputs` (from prepareInputs), one by
/// one or in batches, and passes each call's results to `onResults`.
llvm::Error forEachCall(JitProgram &program, llvm::ArrayRef<HostArray> inputs,
                        const RunOptions &options, CallResultsFn onResults);

/// Calls `program` on every sample of `inputs` and returns each result with
/// the results of all calls stacked along the leading (sample) axis. Every
/// result must have a leading dimension that counts the samples of the
/// call.
llvm::Expected<llvm::SmallVector<HostArray>>
runOnSamples(JitProgram &program, llvm::ArrayRef<HostArray> inputs,
             const RunOptions &options);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_RUNTIME_SAMPLERUNNER_H
