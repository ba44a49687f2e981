//===- Npy.h - read and write NumPy .npy files ------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The .npy format (https://numpy.org/doc/stable/reference/generated/
// numpy.lib.format.html), versions 1.0, 2.0 and 3.0, restricted to what
// quant-run exchanges: C-order arrays of little-endian bool, int8..int64,
// uint8..uint64, float32 and float64.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_RUNTIME_NPY_H
#define QFHE_RUNTIME_NPY_H

#include "qfhe/Runtime/HostArray.h"

#include "llvm/Support/Error.h"

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mlir {
namespace qfhe {

/// Parses the contents of a .npy file. Errors start with `name` and say what
/// is wrong: a bad magic string or version, a malformed header, Fortran
/// order, big-endian or unsupported dtypes, or data that is shorter or
/// longer than the shape says.
llvm::Expected<HostArray> parseNpy(llvm::StringRef contents,
                                   llvm::StringRef name);

/// Reads and parses the .npy file at `path` (`-` reads standard input).
llvm::Expected<HostArray> readNpyFile(llvm::StringRef path);

/// Writes `array` in the format `numpy.save` uses: version 1.0, a header
/// padded with spaces to a multiple of 64 bytes, little-endian, C order.
void writeNpy(const HostArray &array, llvm::raw_ostream &os);

/// Writes `array` to the file at `path` (`-` writes standard output).
llvm::Error writeNpyFile(const HostArray &array, llvm::StringRef path);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_RUNTIME_NPY_H
