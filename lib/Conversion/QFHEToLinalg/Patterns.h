//===- Patterns.h - qfhe-to-linalg pattern groups ---------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_CONVERSION_QFHETOLINALG_PATTERNS_H
#define QFHE_LIB_CONVERSION_QFHETOLINALG_PATTERNS_H

#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace qfhe {

/// quantize, dequantize, requantize.
void populateQuantOpsToLinalgPatterns(const TypeConverter &typeConverter,
                                      RewritePatternSet &patterns);

/// matmul, conv2d, sum_pool, max_pool, reduce_sum.
void populateLinearOpsToLinalgPatterns(const TypeConverter &typeConverter,
                                       RewritePatternSet &patterns);

/// apply, add, sub, mul.
void populateFunctionOpsToLinalgPatterns(const TypeConverter &typeConverter,
                                         RewritePatternSet &patterns);

/// lut, round.
void populateIntegerOpsToLinalgPatterns(const TypeConverter &typeConverter,
                                        RewritePatternSet &patterns);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_CONVERSION_QFHETOLINALG_PATTERNS_H
