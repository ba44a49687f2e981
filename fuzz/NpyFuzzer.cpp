//===- NpyFuzzer.cpp - fuzz the .npy reader -------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// libFuzzer target: the input is the content of a .npy file. It is parsed;
// an array that parses is written back and parsed again, and must come back
// with the same dtype, shape and bytes.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/Npy.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>

using namespace mlir::qfhe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef contents(reinterpret_cast<const char *>(data), size);
  llvm::Expected<HostArray> array = parseNpy(contents, "fuzz.npy");
  if (!array) {
    llvm::consumeError(array.takeError());
    return 0;
  }
  std::string written;
  llvm::raw_string_ostream os(written);
  writeNpy(*array, os);
  llvm::Expected<HostArray> again = parseNpy(written, "written.npy");
  if (!again) {
    llvm::errs() << "an array read from .npy does not read back: "
                 << llvm::toString(again.takeError()) << "\n";
    std::abort();
  }
  if (again->getDType() != array->getDType() ||
      again->getShape() != array->getShape() ||
      again->getSizeInBytes() != array->getSizeInBytes() ||
      (array->getSizeInBytes() &&
       std::memcmp(again->getData(), array->getData(),
                   array->getSizeInBytes()) != 0)) {
    llvm::errs() << "an array read from .npy changes when written back\n";
    std::abort();
  }
  return 0;
}
