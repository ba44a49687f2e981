//===- TensorData.h - ONNX tensors as MLIR constants ------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Converts ONNX TensorProto data (initializers, Constant values) into dense
// elements attributes, and names ONNX data types for messages.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_IMPORT_ONNX_TENSORDATA_H
#define QFHE_LIB_IMPORT_ONNX_TENSORDATA_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

#include <string>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace mlir {
namespace qfhe {
namespace onnx_import {

/// The MLIR element type of the ONNX data type `dataType`: f32 for FLOAT,
/// si8/ui8/si32/si64 for INT8/UINT8/INT32/INT64; null for any other type.
Type getElementType(MLIRContext *context, int32_t dataType);

/// The name of the ONNX data type `dataType` (`FLOAT`, `INT64`...).
std::string getDataTypeName(int32_t dataType);

/// Converts `tensor` into dense elements of the type `getElementType` gives.
/// Reports (through `emitError`) unsupported data types, external data and
/// data whose size does not match the dimensions.
FailureOr<DenseElementsAttr>
convertTensor(const onnx::TensorProto &tensor, MLIRContext *context,
              function_ref<InFlightDiagnostic()> emitError);

} // namespace onnx_import
} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_IMPORT_ONNX_TENSORDATA_H
