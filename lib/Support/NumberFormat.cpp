//===- NumberFormat.cpp - real numbers in messages ------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/NumberFormat.h"

#include <cstdio>

std::string mlir::qfhe::formatReal(double value, int digits) {
  char text[40];
  std::snprintf(text, sizeof(text), "%.*g", digits, value);
  return text;
}
