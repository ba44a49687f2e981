//===- GramRounding.h - weights rounded against their inputs' Gram --*- C++
//-*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Rounding a layer's weights one at a time, each rounding error compensated
// by the weights not rounded yet in proportion to how their inputs correlate
// (error feedback, as in OPTQ/GPTQ: Frantar et al. 2023), under the l1 budget
// of an accumulator-aware layer (as AXE does: Colbert et al. 2024). What is
// minimized is the error the layer's output sees over the calibration
// inputs, (w - s q)^T G (w - s q) with G = E[x x^T] the inputs' second
// moments, where importance-weighted rounding sees only G's diagonal.
// MLIR-free; unit-tested in unittests/Support/GramRoundingTest.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_GRAMROUNDING_H
#define QFHE_SUPPORT_GRAMROUNDING_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace mlir {
namespace qfhe {

/// The second moments of the inputs one output channel of a layer reads,
/// G = E[x x^T] (symmetric, `size` x `size`, row-major; the inputs in the
/// order of a channel's weights), prepared once for rounding every channel
/// of the layer.
class InputGram {
public:
  /// Prepares `gram`, the average over `rows` rows of inputs: std::nullopt
  /// when it is not `size` x `size`, holds a non-finite entry, a negative
  /// diagonal entry, or is all zero, or when `rows` is not positive. The
  /// off-diagonal entries shrink by size / (size + rows) (few rows estimate
  /// the correlations poorly), and the rounding and the error measures use
  /// this G; the rounding orders the inputs by decreasing mean square and
  /// dampens G by adding 1% of its mean diagonal to its diagonal (GPTQ's
  /// default), which makes it positive definite.
  static std::optional<InputGram> prepare(std::vector<double> gram, size_t size,
                                          int64_t rows);

  /// The number of inputs.
  size_t size() const { return order.size(); }

  /// The mean square of input `input`, G's diagonal entry.
  double meanSquare(size_t input) const { return gram[input * size() + input]; }

  /// The error the layer's output sees from rounding `weights` to
  /// `scale * integers`: (w - s q)^T G (w - s q).
  double outputError(const std::vector<double> &weights, double scale,
                     const std::vector<int64_t> &integers) const;

  /// The scale minimizing outputError for fixed `integers`: w^T G q / q^T G
  /// q, rounded to float32; `scale` when that is not positive.
  double refitScale(const std::vector<double> &weights, double scale,
                    const std::vector<int64_t> &integers) const;

  /// Rounds `weights` at `scale` one input at a time, in decreasing mean
  /// square, each to the nearest integer within `storage` ([minimum,
  /// maximum]) and within what is left of the l1 budget of its run of
  /// `segmentSize` weights (the whole channel when 0; no budget when
  /// `l1Budget` is 0), and passes its error on to the weights not rounded
  /// yet. Inputs whose mean square is 0 (always zero) get 0.
  void roundWithFeedback(const std::vector<double> &weights, double scale,
                         int64_t minimum, int64_t maximum, int64_t l1Budget,
                         size_t segmentSize,
                         std::vector<int64_t> &integers) const;

private:
  InputGram() = default;

  /// G, row-major.
  std::vector<double> gram;
  /// The inputs by decreasing mean square (G's diagonal).
  std::vector<size_t> order;
  /// The upper Cholesky factor U of the inverse of the damped G permuted
  /// by `order` (inverse = U^T U), row-major.
  std::vector<double> inverseFactor;
};

/// Quantizes one channel of weights symmetrically to `bits` bits
/// (`narrowRange` as for quantizeChannelWithBudget) under the l1 budget
/// `l1Budget` per run of `segmentSize` weights, minimizing the error the
/// layer's output sees, InputGram::outputError: among the scales
/// quantizeChannelWeighted tries, each rounded with error feedback and
/// refitted, and quantizeChannelWeighted's own choice (with G's diagonal as
/// the importance), it keeps the least error, so it never does worse than
/// that by this measure. Returns the scale (a float32 value) and the error
/// through `error` when given. Non-finite weights, or a `gram` of another
/// size than the weights, give all-zero integers, scale 1 and an infinite
/// error.
double quantizeChannelWithGram(const std::vector<double> &weights,
                               const InputGram &gram, unsigned bits,
                               bool narrowRange, int64_t l1Budget,
                               std::vector<int64_t> &integers,
                               double *error = nullptr, size_t segmentSize = 0);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_GRAMROUNDING_H
