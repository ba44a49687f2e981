//===- EntryFunction.cpp - the function quant-run calls -------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/EntryFunction.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::qfhe;

static_assert(kDynamicSize == ShapedType::kDynamic,
              "TensorSpec uses MLIR's marker of dynamic sizes");

namespace {

std::string printType(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

std::optional<ElementSpec> getElementSpec(Type type) {
  if (type.isF32())
    return ElementSpec{DType::Float32, 32, "f32"};
  if (type.isF64())
    return ElementSpec{DType::Float64, 64, "f64"};
  // Quantized values are their storage integers.
  if (auto quantized = dyn_cast<quant::QuantizedType>(type))
    type = IntegerType::get(
        type.getContext(), quantized.getStorageTypeIntegralWidth(),
        quantized.isSigned() ? IntegerType::Signed : IntegerType::Unsigned);
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer || integer.getWidth() > 64)
    return std::nullopt;
  unsigned width = integer.getWidth();
  std::string name = printType(type);
  if (width == 1)
    return ElementSpec{DType::Bool, 1, name};
  static const DType signedTypes[] = {DType::Int8, DType::Int16, DType::Int32,
                                      DType::Int64};
  static const DType unsignedTypes[] = {DType::UInt8, DType::UInt16,
                                        DType::UInt32, DType::UInt64};
  // LLVM stores iN in the smallest power-of-two number of bytes.
  unsigned index = llvm::Log2_32_Ceil(llvm::divideCeil(width, 8));
  DType storage =
      integer.isUnsigned() ? unsignedTypes[index] : signedTypes[index];
  return ElementSpec{storage, width, name};
}

llvm::Expected<TensorSpec> getTensorSpec(Type type, const llvm::Twine &what) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  std::optional<ElementSpec> element =
      tensor ? getElementSpec(tensor.getElementType()) : std::nullopt;
  if (!element)
    return llvm::createStringError(
        what + " has type " + printType(type) +
        ": quant-run supports ranked tensors of f32, f64 and integers of at "
        "most 64 bits");
  return TensorSpec{*element, llvm::to_vector_of<int64_t, 4>(tensor.getShape()),
                    printType(type)};
}

} // namespace

llvm::Expected<func::FuncOp>
mlir::qfhe::findEntryFunction(ModuleOp module, llvm::StringRef name) {
  if (!name.empty()) {
    auto function = module.lookupSymbol<func::FuncOp>(name);
    if (function && !function.isExternal())
      return function;
    return llvm::createStringError("no function @" + name +
                                   " with a body in the module");
  }
  llvm::SmallVector<func::FuncOp> candidates;
  for (auto function : module.getOps<func::FuncOp>())
    if (function.isPublic() && !function.isExternal())
      candidates.push_back(function);
  if (candidates.size() == 1)
    return candidates.front();
  if (candidates.empty())
    return llvm::createStringError(
        "the module has no public function with a body to run");
  std::string names =
      llvm::join(llvm::map_range(
                     candidates,
                     [](func::FuncOp f) { return "@" + f.getSymName().str(); }),
                 ", ");
  return llvm::createStringError("the module has several public functions (" +
                                 names + "): choose one with --entry");
}

llvm::Expected<FunctionSpec>
mlir::qfhe::getFunctionSpec(func::FuncOp function) {
  FunctionSpec spec;
  spec.name = function.getSymName().str();
  auto describe = [&](TypeRange types, llvm::StringRef what,
                      llvm::SmallVectorImpl<TensorSpec> &specs) -> llvm::Error {
    for (auto [index, type] : llvm::enumerate(types)) {
      llvm::Expected<TensorSpec> tensor = getTensorSpec(
          type, what + " " + llvm::Twine(index) + " of @" + spec.name);
      if (!tensor)
        return tensor.takeError();
      specs.push_back(std::move(*tensor));
    }
    return llvm::Error::success();
  };
  FunctionType type = function.getFunctionType();
  if (llvm::Error error =
          describe(type.getInputs(), "argument", spec.arguments))
    return std::move(error);
  if (llvm::Error error = describe(type.getResults(), "result", spec.results))
    return std::move(error);
  if (spec.results.empty())
    return llvm::createStringError("@" + spec.name + " returns nothing");
  return spec;
}
