//===- Shapes.h - shape inference for imported operators --------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The importer infers every shape as it goes: all dimensions are static but
// the first (the batch), which may be dynamic. These helpers compute result
// shapes (broadcasting, reshapes, sliding windows) and keep that invariant:
// each returns failure, with a reason, when a result would have a dynamic
// dimension anywhere else.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_IMPORT_ONNX_SHAPES_H
#define QFHE_LIB_IMPORT_ONNX_SHAPES_H

#include "NodeContext.h"

#include <string>

namespace mlir {
namespace qfhe {
namespace onnx_import {

/// `[?, 3, 4]`-style text of a shape, for messages.
std::string formatShape(ArrayRef<int64_t> shape);

/// A number as in messages: `0.5`, `-3`, `nan`, `inf` (9 significant
/// digits).
std::string formatFloat(double value);

/// Normalizes `axis` in `[-rank, rank)` to `[0, rank)`.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// The numpy broadcast of `shapes`. A dynamic batch broadcasts against 1 and
/// against itself; it must land on dimension 0 of the result.
FailureOr<SmallVector<int64_t>>
broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes, std::string &reason);

/// Resolves the target of an ONNX Reshape (0 copies the input dimension
/// unless `allowZero`, one -1 is inferred, the batch size computed from
/// Shape is the dynamic batch) against `input`.
FailureOr<SmallVector<int64_t>> resolveReshape(ArrayRef<int64_t> input,
                                               ArrayRef<int64_t> target,
                                               bool allowZero,
                                               std::string &reason);

/// Whether integer data computed at import time from shapes (Shape's output
/// and the Gather, Unsqueeze, Squeeze, Concat and Cast of it) holds the
/// dynamic batch size, unknown until run time: such data holds
/// `ShapedType::kDynamic` there. Only a Reshape's target may read it (as
/// dimension 0, the batch).
bool holdsBatchSize(DenseElementsAttr data);

/// Reads input `index` of the node, a 1-D integer tensor known at import
/// time (a Reshape's shape, Slice's starts); reports other inputs as
/// `role`.
FailureOr<SmallVector<int64_t>> getIntList(NodeContext &ctx, unsigned index,
                                           StringRef role);

/// `shape` of rank 3 ([N, C, L]) with a unit dimension inserted before L
/// ([N, C, 1, L]): a 1-D window's data as 2-D. Other ranks are returned as
/// they are.
SmallVector<int64_t> toPlanarShape(ArrayRef<int64_t> shape);

/// The dimensions a global pool (GlobalAveragePool, GlobalMaxPool) reduces:
/// every one of input 0 after the first two (N, C). Fails on an input of
/// rank below 3.
FailureOr<SmallVector<bool>> getGlobalPoolDims(NodeContext &ctx);

/// The product of the static dimensions of `shape`, INT64_MAX when it
/// overflows.
int64_t getStaticProduct(ArrayRef<int64_t> shape);

/// The most elements a value may have per sample (the product of its static
/// dimensions: 2^26, 256 MB of f32, twenty times the largest activation of
/// an ImageNet CNN), and the largest size, stride, dilation or padding the
/// importer accepts: larger tensors would not fit in memory once a batch
/// runs (and the importer builds some constants of an output's size), and
/// every element count stays far from overflowing.
constexpr int64_t kMaxElements = int64_t(1) << 26;

/// A 2-D sliding window (Conv, pools) after resolving its attributes; a 1-D
/// window is the 2-D window of its input with a unit dimension inserted
/// before the spatial one ([N, C, L] as [N, C, 1, L]).
struct Window {
  SmallVector<int64_t, 2> kernel;
  SmallVector<int64_t, 2> strides;
  SmallVector<int64_t, 2> dilations;
  /// Padding at the start and at the end of each spatial dimension.
  SmallVector<int64_t, 2> padBegin;
  SmallVector<int64_t, 2> padEnd;
  /// Output spatial size.
  SmallVector<int64_t, 2> output;

  bool hasPadding() const;
  /// `input` (NCHW) padded with `value` by the window's padding, or `input`
  /// when there is none.
  Value pad(OpBuilder &builder, Location loc, Value input, double value) const;
  /// The `dilations` and `strides` attributes of the linalg convolution and
  /// pooling ops.
  SmallVector<NamedAttribute> getLinalgAttrs(Builder &builder) const;
};

/// The attributes every windowed operator (Conv, AveragePool, MaxPool)
/// accepts, auto_pad, kernel_shape, pads and strides, followed by `extra`.
SmallVector<AttrSpec> getWindowAttrSpecs(ArrayRef<AttrSpec> extra);

/// Reads `strides`, `dilations` (when `allowDilations`), `pads`, `auto_pad`
/// and `ceil_mode` of the node for an input of spatial size `input` (one or
/// two dimensions: NCL or NCHW) and a window of size `kernel` (as many),
/// and computes the output size; a 1-D window is returned as the 2-D
/// window of the input with a unit dimension before the spatial one. Only
/// ceil_mode=1 that gives the same output as 0 is accepted.
FailureOr<Window> resolveWindow(NodeContext &ctx, ArrayRef<int64_t> input,
                                ArrayRef<int64_t> kernel, bool allowDilations);

} // namespace onnx_import
} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_IMPORT_ONNX_SHAPES_H
