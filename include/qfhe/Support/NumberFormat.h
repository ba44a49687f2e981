//===- NumberFormat.h - real numbers in messages ----------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Real numbers written as a user would write them in options and read them
// in messages and remarks: printf's %g, not MLIR's 1.500000e+00.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_NUMBERFORMAT_H
#define QFHE_SUPPORT_NUMBERFORMAT_H

#include <string>

namespace mlir {
namespace qfhe {

/// `value` as printf's %.*g prints it with `digits` significant digits
/// (0.8, 1.5e+06, inf, nan; not 8.000000e-01).
std::string formatReal(double value, int digits = 6);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_NUMBERFORMAT_H
