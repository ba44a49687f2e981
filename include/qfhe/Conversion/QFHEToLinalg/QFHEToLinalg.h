//===- QFHEToLinalg.h - lower qfhe to upstream dialects ---------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_CONVERSION_QFHETOLINALG_QFHETOLINALG_H
#define QFHE_CONVERSION_QFHETOLINALG_QFHETOLINALG_H

#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace qfhe {

#define GEN_PASS_DECL_CONVERTQFHETOLINALG
#include "qfhe/Conversion/Passes.h.inc"

/// A type converter that turns quantized element types (`!quant.uniform`)
/// and integer types with a signedness (`si8`, `ui8`) into signless integer
/// types of their storage width, inside tensors too, and keeps every other
/// type.
class SignlessTypeConverter : public TypeConverter {
public:
  SignlessTypeConverter();
};

/// Adds the patterns that lower each qfhe op to linalg/arith/math/tensor.
void populateQFHEToLinalgPatterns(const TypeConverter &typeConverter,
                                  RewritePatternSet &patterns);

/// Adds the patterns that rewrite any non-qfhe op (function signatures,
/// constants, tensor ops...) whose types `typeConverter` changes.
void populateSignlessTypeConversionPatterns(const TypeConverter &typeConverter,
                                            RewritePatternSet &patterns,
                                            ConversionTarget &target);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_CONVERSION_QFHETOLINALG_QFHETOLINALG_H
