//===- CalibrateCommand.cpp - record observed ranges ----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "qfhe/Runtime/Calibration.h"
#include "qfhe/Support/OutputFile.h"
#include "qfhe/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"

#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace mlir::qfhe;

llvm::Error mlir::qfhe::calibrateCommand(const CalibrateConfig &config) {
  if (llvm::Error error = checkOutputPath(config.output))
    return error;
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
  for (auto [array, name] : llvm::zip(*data, config.data)) {
    std::string warning = getCalibrationWarning(array, name);
    if (!warning.empty())
      llvm::WithColor::warning(llvm::errs(), "quant-run") << warning << "\n";
  }
  if (llvm::Error error =
          calibrate(*model->module, model->entry, std::move(*data), config.data,
                    makeRunOptions(config.batchSize)))
    return error;

  // With the locations: the passes' reports and errors name the ONNX
  // nodes (or source lines) they hold.
  return writeOutputFile(config.output, [&](llvm::raw_ostream &os) {
    model->module->print(os, OpPrintingFlags().enableDebugInfo());
    os << '\n';
    return llvm::Error::success();
  });
}
