//===- CalibrateCommand.cpp - record observed ranges ----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "qfhe/Runtime/Calibration.h"
#include "qfhe/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"

#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlir::qfhe;

llvm::Error mlir::qfhe::calibrateCommand(const CalibrateConfig &config) {
  llvm::Expected<LoadedModel> model = loadModel(config.model, config.entry);
  if (!model)
    return model.takeError();
  // The ranges are recorded on the normalized program: qfhe-normalize
  // replaces a front end's ops (tosa, named elementwise ops, transposed
  // weights...) by new ones, which would not carry ranges recorded on the
  // old ones, and it leaves a normalized program as it is.
  PassManager normalize(model->module->getContext());
  normalize.addPass(createNormalize());
  if (failed(normalize.run(*model->module)))
    return llvm::createStringError(config.model +
                                   ": cannot normalize the program");
  llvm::Expected<llvm::SmallVector<HostArray>> data = readArrays(config.data);
  if (!data)
    return data.takeError();
  if (llvm::Error error =
          calibrate(*model->module, model->entry, std::move(*data), config.data,
                    makeRunOptions(config.batchSize)))
    return error;

  std::string message;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(config.output, &message);
  if (!output)
    return llvm::createStringError("cannot write " + config.output + ": " +
                                   message);
  // With the locations: the passes' reports and errors name the ONNX
  // nodes (or source lines) they hold.
  model->module->print(output->os(), OpPrintingFlags().enableDebugInfo());
  output->os() << '\n';
  output->keep();
  return llvm::Error::success();
}
