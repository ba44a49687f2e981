//===- Calibration.h - observed value ranges over a data set ----*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// `quant-run calibrate`: runs a float program over a calibration set and
// records the observed ranges of its values as the `qfhe.observed` and
// `qfhe.calibration_samples` attributes that docs/attributes.md defines.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_RUNTIME_CALIBRATION_H
#define QFHE_RUNTIME_CALIBRATION_H

#include "qfhe/Runtime/HostArray.h"
#include "qfhe/Runtime/SampleRunner.h"

#include "llvm/Support/Error.h"

namespace mlir {
class ModuleOp;

namespace qfhe {

/// Runs the function `entry` of `module` over every sample of `data` (one
/// array per argument, named by `names` in messages; see prepareInputs) in
/// one compiled run, and writes into `module` what it observed: a
/// `qfhe.observed` dictionary on each float tensor argument of `entry` and a
/// `qfhe.observed` array on each op of its body with a float tensor result
/// (constants, `tensor.empty` and `linalg.fill` excepted), and
/// `qfhe.calibration_samples` on `entry`. Nothing else in `module` changes,
/// so the program computes what it computed before.
llvm::Error calibrate(ModuleOp module, llvm::StringRef entry,
                      llvm::SmallVector<HostArray> data,
                      llvm::ArrayRef<std::string> names,
                      const RunOptions &options);

/// What makes `data` (samples along its leading dimension, named `name`) a
/// poor calibration set, as a warning: fewer than two samples, or samples
/// that are all the same. Ranges observed on them fit those inputs only, and
/// a program quantized from them loses what any other input needs. Empty
/// when nothing does.
std::string getCalibrationWarning(const HostArray &data, llvm::StringRef name);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_RUNTIME_CALIBRATION_H
