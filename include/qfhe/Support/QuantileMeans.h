//===- QuantileMeans.h - means of distributions by quantiles ---*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Calibration records each value's range and quantiles (#qfhe.observed).
// Read as a piecewise-linear quantile function, they give the value's mean
// and the mean of its quantized form: what a quantized linear layer's
// output loses on average, which its bias can give back (bias correction).
// Free of MLIR so that it can be unit-tested alone.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_QUANTILEMEANS_H
#define QFHE_SUPPORT_QUANTILEMEANS_H

#include "qfhe/Support/QuantMath.h"

#include <vector>

namespace mlir {
namespace qfhe {

/// A distribution known by points of its quantile function: the value below
/// which a fraction `levels[k]` of the mass lies is `values[k]`, linear in
/// between. `levels` increase from 0 to 1; `values` do not decrease. A flat
/// piece (equal values) is a point mass.
struct QuantileFunction {
  std::vector<double> levels, values;

  /// The function of a value with range [min, max] and `quantiles` at
  /// `quantileLevels` (each strictly inside (0, 1), increasing): min at
  /// level 0, max at level 1.
  static QuantileFunction
  fromQuantiles(const std::vector<double> &quantileLevels,
                const std::vector<double> &quantiles, double min, double max);
};

/// The mean of `distribution`: each piece between two points holds its
/// mass spread uniformly between their values.
double getMean(const QuantileFunction &distribution);

/// The mean of `dequantize(quantize(x))` for x of `distribution`, quantized
/// by quantizeValue at `scale` and `zeroPoint` into `storage` (clamped at
/// its ends), each piece spread uniformly as for getMean. Exact for that
/// piecewise-uniform distribution (ties of the rounding have no mass).
double getQuantizedMean(const QuantileFunction &distribution, double scale,
                        int64_t zeroPoint, IntegerRange storage);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_QUANTILEMEANS_H
