//===- CalibrateCommand.cpp - record observed ranges ----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "qfhe/Runtime/Calibration.h"
#include "qfhe/Support/OutputFile.h"

#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace mlir::qfhe;

llvm::Error mlir::qfhe::calibrateCommand(const CalibrateConfig &config) {
  if (llvm::Error error = checkOutputPath(config.output))
    return error;
  llvm::Expected<LoadedModel> model = loadModel(config.model, config.entry);
  if (!model)
    return model.takeError();
  llvm::Expected<llvm::SmallVector<HostArray>> data = readArrays(config.data);
  if (!data)
    return data.takeError();
  for (auto [array, name] : llvm::zip(*data, config.data)) {
    std::string warning = getCalibrationWarning(array, name);
    if (!warning.empty())
      llvm::WithColor::warning(llvm::errs(), "quant-run") << warning << "\n";
  }
  if (llvm::Error error =
          calibrate(*model->module, model->entry, std::move(*data), config.data,
                    makeRunOptions(config.batchSize)))
    return error;

  return writeOutputFile(config.output, [&](llvm::raw_ostream &os) {
    model->module->print(os);
    os << '\n';
    return llvm::Error::success();
  });
}
