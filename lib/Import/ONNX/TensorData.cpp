//===- TensorData.cpp - ONNX tensors as MLIR constants --------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "TensorData.h"

#include "mlir/IR/BuiltinTypes.h"
#include "onnx/onnx_pb.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"

#include <limits>
#include <type_traits>

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

Type mlir::qfhe::onnx_import::getElementType(MLIRContext *context,
                                             int32_t dataType) {
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return Float32Type::get(context);
  case onnx::TensorProto::INT8:
    return IntegerType::get(context, 8, IntegerType::Signed);
  case onnx::TensorProto::UINT8:
    return IntegerType::get(context, 8, IntegerType::Unsigned);
  case onnx::TensorProto::INT32:
    return IntegerType::get(context, 32, IntegerType::Signed);
  case onnx::TensorProto::INT64:
    return IntegerType::get(context, 64, IntegerType::Signed);
  default:
    return {};
  }
}

std::string mlir::qfhe::onnx_import::getDataTypeName(int32_t dataType) {
  if (onnx::TensorProto::DataType_IsValid(dataType))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(dataType));
  return "data type " + std::to_string(dataType);
}

namespace {

/// Reads `count` elements of type `T` from the raw little-endian bytes or,
/// when there are none, from the typed field `field` (whose elements have the
/// wider type `FieldT` for 8-bit data).
template <typename T, typename FieldT>
FailureOr<DenseElementsAttr>
readElements(const onnx::TensorProto &tensor, RankedTensorType type,
             int64_t count,
             const google::protobuf::RepeatedField<FieldT> &field,
             function_ref<InFlightDiagnostic()> emitError) {
  SmallVector<T> values;
  values.reserve(count);
  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (raw.size() != static_cast<uint64_t>(count) * sizeof(T))
      return emitError() << "tensor '" << tensor.name() << "' has "
                         << raw.size() << " bytes of data for " << count
                         << " elements of " << sizeof(T) << " bytes";
    for (int64_t i = 0; i < count; ++i)
      values.push_back(llvm::support::endian::read<T, llvm::endianness::little>(
          raw.data() + i * sizeof(T)));
  } else {
    if (field.size() != count)
      return emitError() << "tensor '" << tensor.name() << "' has "
                         << field.size() << " values for " << count
                         << " elements";
    for (FieldT value : field) {
      if constexpr (std::is_integral_v<T>) {
        if (value < std::numeric_limits<T>::min() ||
            value > std::numeric_limits<T>::max())
          return emitError() << "tensor '" << tensor.name() << "' holds "
                             << value << ", out of the range of its data type";
      }
      values.push_back(static_cast<T>(value));
    }
  }
  return DenseElementsAttr::get(type, ArrayRef<T>(values));
}

} // namespace

FailureOr<DenseElementsAttr> mlir::qfhe::onnx_import::convertTensor(
    const onnx::TensorProto &tensor, MLIRContext *context,
    function_ref<InFlightDiagnostic()> emitError) {
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return emitError() << "tensor '" << tensor.name()
                       << "' keeps its data in an external file, which the "
                          "importer does not read";
  if (tensor.has_segment())
    return emitError() << "tensor '" << tensor.name()
                       << "' is segmented, which the importer does not read";
  // Booleans (Dropout's training_mode) are read as 0 and 1 in `ui8`.
  bool isBool = tensor.data_type() == onnx::TensorProto::BOOL;
  Type elementType = isBool
                         ? IntegerType::get(context, 8, IntegerType::Unsigned)
                         : getElementType(context, tensor.data_type());
  if (!elementType)
    return emitError() << "tensor '" << tensor.name() << "' has data type "
                       << getDataTypeName(tensor.data_type())
                       << "; the importer reads FLOAT, INT8, UINT8, INT32, "
                          "INT64 and BOOL tensors";

  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    bool overflow = dim < 0 || llvm::MulOverflow(count, dim, count) ||
                    count > std::numeric_limits<int32_t>::max();
    if (overflow)
      return emitError() << "tensor '" << tensor.name()
                         << "' has an invalid or too large shape";
    shape.push_back(dim);
  }
  auto type = RankedTensorType::get(shape, elementType);
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    return readElements<float>(tensor, type, count, tensor.float_data(),
                               emitError);
  case onnx::TensorProto::INT8:
    return readElements<int8_t>(tensor, type, count, tensor.int32_data(),
                                emitError);
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    return readElements<uint8_t>(tensor, type, count, tensor.int32_data(),
                                 emitError);
  case onnx::TensorProto::INT32:
    return readElements<int32_t>(tensor, type, count, tensor.int32_data(),
                                 emitError);
  default:
    return readElements<int64_t>(tensor, type, count, tensor.int64_data(),
                                 emitError);
  }
}
