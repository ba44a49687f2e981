//===- Support.cpp - what the commands of quant-run share -----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "qfhe/InitQFHE.h"
#include "qfhe/Runtime/EntryFunction.h"
#include "qfhe/Runtime/Npy.h"
#include "qfhe/Support/ParserWorkarounds.h"
#include "qfhe/Support/Progress.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qfhe;

double mlir::qfhe::secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

llvm::Expected<LoadedModel> mlir::qfhe::loadModel(llvm::StringRef path,
                                                  llvm::StringRef entry) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path);
  if (!buffer)
    return llvm::createStringError("cannot read " + path + ": " +
                                   buffer.getError().message());
  if (reportLinalgParserCrashSite(**buffer))
    return llvm::createStringError("cannot parse " + path);
  DialectRegistry registry;
  registerQFHEDialects(registry);
  LoadedModel model;
  model.context = std::make_unique<MLIRContext>(registry);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  // Parse errors are printed with their location, then summed up.
  SourceMgrDiagnosticHandler handler(sourceMgr, model.context.get());
  model.module = parseSourceFile<ModuleOp>(sourceMgr, model.context.get());
  if (!model.module)
    return llvm::createStringError("cannot parse " + path);
  llvm::Expected<func::FuncOp> function =
      findEntryFunction(*model.module, entry);
  if (!function)
    return llvm::createStringError(path + ": " +
                                   toString(function.takeError()));
  model.entry = function->getSymName().str();
  return model;
}

llvm::Expected<llvm::SmallVector<HostArray>>
mlir::qfhe::readArrays(llvm::ArrayRef<std::string> paths) {
  llvm::SmallVector<HostArray> arrays;
  for (const std::string &path : paths) {
    llvm::Expected<HostArray> array = readNpyFile(path);
    if (!array)
      return array.takeError();
    arrays.push_back(std::move(*array));
  }
  return arrays;
}

RunOptions mlir::qfhe::makeRunOptions(int64_t batchSize) {
  RunOptions options;
  options.batchSize = batchSize;
  // `quant-run: 4096/10000 samples, 1.2 s` (qfhe/Support/Progress.h).
  if (getProgressStyle() != ProgressStyle::Off) {
    auto progress = std::make_shared<ProgressLine>("quant-run", "samples");
    options.onProgress = [progress](int64_t done, int64_t total) {
      progress->update(done, total);
      if (done == total)
        progress->finish();
    };
  }
  return options;
}
