//===- Shapes.cpp - shape inference for imported operators ----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Shapes.h"
#include "Builders.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

std::string mlir::qfhe::onnx_import::formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t dim) {
    if (ShapedType::isDynamic(dim))
      os << "?";
    else
      os << dim;
  });
  os << "]";
  return text;
}

std::string mlir::qfhe::onnx_import::formatFloat(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.9g", value);
  return text;
}

std::optional<int64_t> mlir::qfhe::onnx_import::normalizeAxis(int64_t axis,
                                                              int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

bool mlir::qfhe::onnx_import::holdsBatchSize(DenseElementsAttr data) {
  auto integer = dyn_cast<IntegerType>(data.getElementType());
  if (!integer || integer.getWidth() != 64)
    return false;
  return llvm::any_of(data.getValues<APInt>(), [](const APInt &value) {
    return ShapedType::isDynamic(value.getSExtValue());
  });
}

int64_t mlir::qfhe::onnx_import::getStaticProduct(ArrayRef<int64_t> shape) {
  int64_t product = 1;
  for (int64_t dim : shape)
    if (!ShapedType::isDynamic(dim) && llvm::MulOverflow(product, dim, product))
      return std::numeric_limits<int64_t>::max();
  return product;
}

FailureOr<SmallVector<int64_t>>
mlir::qfhe::onnx_import::broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes,
                                         std::string &reason) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (ArrayRef<int64_t> shape : shapes) {
    size_t offset = rank - shape.size();
    for (auto [i, dim] : llvm::enumerate(shape)) {
      int64_t &out = result[offset + i];
      if (dim == 1 || dim == out)
        continue;
      if (out == 1) {
        out = dim;
        continue;
      }
      reason = "shapes ";
      llvm::interleave(
          shapes, [&](ArrayRef<int64_t> s) { reason += formatShape(s); },
          [&] { reason += " and "; });
      reason += " do not broadcast";
      if (ShapedType::isDynamic(dim) || ShapedType::isDynamic(out))
        reason += " (a dynamic batch only broadcasts against 1 or itself)";
      return failure();
    }
  }
  for (size_t i = 1; i < rank; ++i) {
    if (ShapedType::isDynamic(result[i])) {
      reason = "broadcasting would move the dynamic batch to dimension " +
               std::to_string(i);
      return failure();
    }
  }
  return result;
}

FailureOr<SmallVector<int64_t>>
mlir::qfhe::onnx_import::resolveReshape(ArrayRef<int64_t> input,
                                        ArrayRef<int64_t> target,
                                        bool allowZero, std::string &reason) {
  SmallVector<int64_t> result;
  std::optional<size_t> inferred;
  bool dynamicBatch = !input.empty() && ShapedType::isDynamic(input[0]);
  for (auto [i, dim] : llvm::enumerate(target)) {
    if (ShapedType::isDynamic(dim)) {
      // The batch size (Shape of a value with the dynamic batch).
      if (i != 0 || !dynamicBatch) {
        reason = "the batch size can only be dimension 0 of a value with "
                 "the dynamic batch (it is at position " +
                 std::to_string(i) + ")";
        return failure();
      }
      result.push_back(ShapedType::kDynamic);
    } else if (dim == 0 && !allowZero) {
      if (i >= input.size()) {
        reason = "0 at position " + std::to_string(i) +
                 " copies no dimension of the rank-" +
                 std::to_string(input.size()) + " input";
        return failure();
      }
      result.push_back(input[i]);
    } else if (dim == -1) {
      if (inferred) {
        reason = "more than one -1";
        return failure();
      }
      inferred = i;
      result.push_back(1);
    } else if (dim <= 0) {
      reason = "dimension " + std::to_string(dim) + " is not supported";
      return failure();
    } else {
      result.push_back(dim);
    }
  }

  // A dynamic batch must stay dimension 0: copied by 0, or inferred by a -1
  // there while the other dimensions keep their product.
  if (dynamicBatch) {
    if (inferred == 0u) {
      result[0] = ShapedType::kDynamic;
      inferred.reset();
    } else if (result.empty() || !ShapedType::isDynamic(result[0])) {
      reason = "the dynamic batch must stay dimension 0 (write 0 or -1 there)";
      return failure();
    }
  }
  int64_t inputSize = getStaticProduct(input);
  int64_t known = getStaticProduct(result);
  if (inferred) {
    if (inputSize % known != 0) {
      reason = "-1 cannot be inferred: " + std::to_string(inputSize) +
               " elements are not a multiple of " + std::to_string(known);
      return failure();
    }
    result[*inferred] = inputSize / known;
  } else if (known != inputSize) {
    reason = "the element counts differ";
    return failure();
  }
  return result;
}

SmallVector<int64_t>
mlir::qfhe::onnx_import::toPlanarShape(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> planar(shape);
  if (planar.size() == 3)
    planar.insert(planar.begin() + 2, 1);
  return planar;
}

FailureOr<SmallVector<bool>>
mlir::qfhe::onnx_import::getGlobalPoolDims(NodeContext &ctx) {
  int64_t rank = ctx.getInputType(0).getRank();
  if (rank < 3)
    return ctx.fail(ctx.getOpType() + " input '" + ctx.getInputName(0) +
                    "' has rank " + Twine(rank) + "; expected at least 3");
  SmallVector<bool> reduced(rank, true);
  reduced[0] = reduced[1] = false;
  return reduced;
}

bool Window::hasPadding() const {
  return llvm::any_of(padBegin, [](int64_t p) { return p != 0; }) ||
         llvm::any_of(padEnd, [](int64_t p) { return p != 0; });
}

Value Window::pad(OpBuilder &builder, Location loc, Value input,
                  double value) const {
  if (!hasPadding())
    return input;
  return buildPad(builder, loc, input, {0, 0, padBegin[0], padBegin[1]},
                  {0, 0, padEnd[0], padEnd[1]}, value);
}

SmallVector<NamedAttribute> Window::getLinalgAttrs(Builder &builder) const {
  return {
      builder.getNamedAttr("dilations", builder.getI64TensorAttr(dilations)),
      builder.getNamedAttr("strides", builder.getI64TensorAttr(strides))};
}

SmallVector<AttrSpec>
mlir::qfhe::onnx_import::getWindowAttrSpecs(ArrayRef<AttrSpec> extra) {
  SmallVector<AttrSpec> specs{{"auto_pad", AttrKind::String},
                              {"kernel_shape", AttrKind::Ints},
                              {"pads", AttrKind::Ints},
                              {"strides", AttrKind::Ints}};
  specs.append(extra.begin(), extra.end());
  return specs;
}

/// Reads the positive list attribute `name` of `rank` entries (default all
/// 1).
static FailureOr<SmallVector<int64_t, 2>>
getSpatialList(NodeContext &ctx, StringRef name, size_t rank) {
  SmallVector<int64_t> values =
      ctx.getInts(name, SmallVector<int64_t>(rank, 1));
  if (values.size() != rank ||
      llvm::any_of(values, [](int64_t v) { return v <= 0; }))
    return ctx.failAttr(name, formatShape(values),
                        "expected " + Twine(rank) + " positive value" +
                            (rank == 1 ? "" : "s") + " (" + Twine(rank) +
                            "-D window)");
  if (llvm::any_of(values, [](int64_t v) { return v > kMaxElements; }))
    return ctx.failAttr(name, formatShape(values),
                        "values above " + std::to_string(kMaxElements) +
                            " are not supported");
  return SmallVector<int64_t, 2>(values.begin(), values.end());
}

/// A 1-D window as the 2-D window of a [N, C, 1, L] input: a leading unit
/// dimension the window neither slides along nor pads.
static Window toPlanar(Window window) {
  if (window.kernel.size() == 2)
    return window;
  window.kernel.insert(window.kernel.begin(), 1);
  window.strides.insert(window.strides.begin(), 1);
  window.dilations.insert(window.dilations.begin(), 1);
  window.padBegin.insert(window.padBegin.begin(), 0);
  window.padEnd.insert(window.padEnd.begin(), 0);
  window.output.insert(window.output.begin(), 1);
  return window;
}

FailureOr<Window> mlir::qfhe::onnx_import::resolveWindow(
    NodeContext &ctx, ArrayRef<int64_t> input, ArrayRef<int64_t> kernel,
    bool allowDilations) {
  size_t rank = kernel.size();
  assert((rank == 1 || rank == 2) && input.size() == rank &&
         "1-D or 2-D windows");
  if (llvm::any_of(kernel, [](int64_t k) { return k > kMaxElements; }))
    return ctx.fail("the " + ctx.getOpType() + " window " +
                    formatShape(kernel) + " has sizes above " +
                    std::to_string(kMaxElements) + ", which are not supported");
  Window window;
  window.kernel.assign(kernel.begin(), kernel.end());
  FailureOr<SmallVector<int64_t, 2>> strides =
      getSpatialList(ctx, "strides", rank);
  if (failed(strides))
    return failure();
  window.strides = *strides;
  window.dilations.assign(rank, 1);
  if (allowDilations) {
    FailureOr<SmallVector<int64_t, 2>> dilations =
        getSpatialList(ctx, "dilations", rank);
    if (failed(dilations))
      return failure();
    window.dilations = *dilations;
  }

  SmallVector<int64_t> pads =
      ctx.getInts("pads", SmallVector<int64_t>(2 * rank, 0));
  if (pads.size() != 2 * rank ||
      llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return ctx.failAttr("pads", formatShape(pads),
                        "expected " + Twine(2 * rank) + " non-negative values");
  if (llvm::any_of(pads, [](int64_t p) { return p > kMaxElements; }))
    return ctx.failAttr("pads", formatShape(pads),
                        "values above " + std::to_string(kMaxElements) +
                            " are not supported");
  std::string autoPad = ctx.getString("auto_pad", "NOTSET");
  bool explicitPads = llvm::any_of(pads, [](int64_t p) { return p != 0; });
  if (autoPad != "NOTSET" && explicitPads)
    return ctx.fail("attributes 'auto_pad' and 'pads' are both set");
  for (unsigned i = 0; i < rank; ++i) {
    int64_t extent = (kernel[i] - 1) * window.dilations[i] + 1;
    int64_t begin = pads[i], end = pads[i + rank];
    if (autoPad == "VALID") {
      begin = end = 0;
    } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = llvm::divideCeil(input[i], window.strides[i]);
      int64_t total = std::max<int64_t>(0, (out - 1) * window.strides[i] +
                                               extent - input[i]);
      begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      end = total - begin;
    } else if (autoPad != "NOTSET") {
      return ctx.failAttr("auto_pad", "'" + autoPad + "'",
                          "expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
    }
    window.padBegin.push_back(begin);
    window.padEnd.push_back(end);

    int64_t span = input[i] + begin + end - extent;
    if (span < 0)
      return ctx.fail("the " + ctx.getOpType() + " window " +
                      formatShape(kernel) + " is larger than the padded input");
    int64_t floorSize = span / window.strides[i] + 1;
    int64_t ceilSize = llvm::divideCeil(span, window.strides[i]) + 1;
    if (ctx.getInt("ceil_mode", 0) != 0 && ceilSize != floorSize)
      return ctx.failAttr("ceil_mode", "1",
                          "only ceil_mode=0 is supported (here ceil_mode=1 "
                          "changes the output size)");
    window.output.push_back(floorSize);
  }
  // Checked here, before an emitter builds anything of the output's size
  // (AveragePool's divisors).
  if (getStaticProduct(window.output) > kMaxElements)
    return ctx.fail("the " + ctx.getOpType() + " output would have " +
                    formatShape(window.output) +
                    " positions per channel, more than the " +
                    std::to_string(kMaxElements) +
                    " elements per sample the importer accepts");
  return toPlanar(std::move(window));
}

FailureOr<SmallVector<int64_t>>
mlir::qfhe::onnx_import::getIntList(NodeContext &ctx, unsigned index,
                                    StringRef role) {
  if (failed(ctx.requireConstant(index, role)))
    return failure();
  DenseElementsAttr data = ctx.getConstantInput(index);
  if (!isa<IntegerType>(data.getElementType()) || data.getType().getRank() != 1)
    return ctx.fail(ctx.getOpType() + " " + role +
                    " must be a 1-D integer tensor");
  return getIntValues(data);
}
