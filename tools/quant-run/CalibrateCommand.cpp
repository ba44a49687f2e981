//===- CalibrateCommand.cpp - record observed ranges ----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "qfhe/Runtime/Calibration.h"

#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlir::qfhe;

llvm::Error mlir::qfhe::calibrateCommand(const CalibrateConfig &config) {
  llvm::Expected<LoadedModel> model = loadModel(config.model, config.entry);
  if (!model)
    return model.takeError();
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
