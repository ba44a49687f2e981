//===- ObserveGram.h - the second moments of layers' inputs ------*- C++
//-*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// What `quant-run calibrate` records for rounding weights against their
// inputs (qfhe/Support/GramRounding.h): for each matmul and NCHW
// convolution with constant weights, the Gram matrix E[x x^T] of the inputs
// one output channel reads (a row of the matmul's input; a convolution's
// window, channel by channel), over every sample and output position, as
// `qfhe.input_gram` on the op (docs/attributes.md).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_RUNTIME_OBSERVEGRAM_H
#define QFHE_LIB_RUNTIME_OBSERVEGRAM_H

#include "qfhe/Runtime/HostArray.h"

#include "mlir/IR/Value.h"

#include "llvm/Support/Error.h"

#include <vector>

namespace mlir {
namespace qfhe {

/// Accumulates the Gram matrices of the layers whose input is one of the
/// observed values, for layers of at most `limit` inputs per output channel
/// (the matrix grows as the square; its rounding costs that per channel),
/// over `samples` samples. A convolution sums every window up to kMaxRows
/// rows, and evenly spaced windows beyond.
class GramObserver {
public:
  GramObserver(llvm::ArrayRef<Value> values, int64_t limit, int64_t samples);

  /// The most rows a convolution's Gram matrix sums (each costs K^2 / 2).
  static constexpr int64_t kMaxRows = int64_t(1) << 16;

  /// Whether any layer is observed.
  bool empty() const { return layers.empty(); }

  /// Adds one call's values (`views[i]` holds `values[i]`).
  llvm::Error add(llvm::ArrayRef<ArrayView> views);

  /// Writes `qfhe.input_gram` on every layer that saw a sample.
  void write();

private:
  /// One layer: its op, the index of its input among the values, and its
  /// window (a matmul's is 1x1 with one channel per term).
  struct Layer {
    Operation *op;
    size_t value;
    int64_t channels, kernelHeight = 1, kernelWidth = 1;
    int64_t strideHeight = 1, strideWidth = 1;
    int64_t dilationHeight = 1, dilationWidth = 1;
    bool convolution = false;
    /// The upper triangle of sum x x^T, and the rows summed.
    std::vector<double> sums;
    int64_t rows = 0;
    /// The windows seen so far (a convolution's).
    int64_t windowsSeen = 0;
    int64_t terms() const { return channels * kernelHeight * kernelWidth; }
  };

  void addRow(Layer &layer, const std::vector<double> &row);

  std::vector<Layer> layers;
  int64_t samples;
};

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_RUNTIME_OBSERVEGRAM_H
