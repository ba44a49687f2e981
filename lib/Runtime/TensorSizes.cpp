//===- TensorSizes.cpp - refuse programs too large to run -----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/TensorSizes.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <unistd.h>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// Bytes of one element as the lowered program stores it.
double getElementBytes(Type type) {
  if (type.isIntOrFloat())
    return static_cast<double>((type.getIntOrFloatBitWidth() + 7) / 8);
  return 8; // index, quantized storage and anything else: at most a word
}

/// "16.0 TB", "512 MB".
std::string formatBytes(double bytes) {
  const char *units[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 6) {
    bytes /= 1000;
    ++unit;
  }
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.3g ", bytes) << units[unit];
  return text;
}

std::string describe(Value value, RankedTensorType type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (Operation *op = value.getDefiningOp())
    os << "the result of '" << op->getName() << "' at " << op->getLoc();
  else
    os << "argument #" << cast<BlockArgument>(value).getArgNumber() << " at "
       << value.getLoc();
  os << " (" << type << ")";
  return text;
}

} // namespace

LargestTensors LargestTensors::measure(Operation *root) {
  LargestTensors largest;
  auto visit = [&](Value value) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type)
      return;
    double bytes = getElementBytes(type.getElementType());
    bool grows = false;
    for (int64_t size : type.getShape()) {
      if (ShapedType::isDynamic(size))
        grows = true;
      else
        bytes *= static_cast<double>(size);
    }
    Tensor &slot = grows ? largest.perSample : largest.fixed;
    if (bytes > slot.bytes)
      slot = {bytes, describe(value, type)};
  };
  root->walk([&](Operation *op) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument argument : block.getArguments())
          visit(argument);
    for (Value result : op->getResults())
      visit(result);
  });
  return largest;
}

double LargestTensors::getBytes(int64_t samples) const {
  return std::max(fixed.bytes, perSample.bytes * static_cast<double>(samples));
}

llvm::Error LargestTensors::checkFits(int64_t samples, double available) const {
  bool perSampleIsLarger =
      perSample.bytes * static_cast<double>(samples) >= fixed.bytes;
  double needed = getBytes(samples);
  if (needed <= available)
    return llvm::Error::success();
  std::string message =
      (perSampleIsLarger ? perSample.description : fixed.description) +
      " needs " + formatBytes(needed);
  if (perSampleIsLarger)
    message += " for " + std::to_string(samples) + " sample" +
               (samples == 1 ? "" : "s") + " per call";
  message += "; this machine has " + formatBytes(available) + " of memory";
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot allocate the tensors of the "
                                 "program: " +
                                     message);
}

double mlir::qfhe::getPhysicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return 1e300; // unknown: let the allocation decide
  return static_cast<double>(pages) * static_cast<double>(pageSize);
}
