//===- ObserveGram.cpp - the second moments of layers' inputs -------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "ObserveGram.h"

#include "qfhe/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// The two values of a `tensor<2xi64>` window attribute, {1, 1} when absent.
std::pair<int64_t, int64_t> pairOf(DenseIntElementsAttr attr) {
  if (!attr || attr.getNumElements() != 2)
    return {1, 1};
  auto values = attr.getValues<int64_t>();
  return {values[0], values[1]};
}

bool isConstant(Value value) { return matchPattern(value, m_Constant()); }

/// The elements of `view`, a float array, as doubles.
llvm::Expected<std::vector<double>> toDoubles(const ArrayView &view) {
  int64_t count = getNumElements(view.shape);
  std::vector<double> elements(count);
  switch (view.dtype) {
  case DType::Float32: {
    auto *data = reinterpret_cast<const float *>(view.data);
    std::copy(data, data + count, elements.begin());
    return elements;
  }
  case DType::Float64: {
    auto *data = reinterpret_cast<const double *>(view.data);
    std::copy(data, data + count, elements.begin());
    return elements;
  }
  default:
    return llvm::createStringError("calibration observes float values, got " +
                                   getDTypeName(view.dtype).str() +
                                   " elements");
  }
}

} // namespace

GramObserver::GramObserver(llvm::ArrayRef<Value> values, int64_t limit,
                           int64_t samples)
    : samples(samples) {
  llvm::DenseMap<Value, size_t> indexOf;
  for (auto [index, value] : llvm::enumerate(values))
    indexOf[value] = index;
  auto layerOf = [&](Operation *op, Value input) -> std::optional<Layer> {
    auto it = indexOf.find(input);
    if (it == indexOf.end())
      return std::nullopt;
    Layer layer;
    layer.op = op;
    layer.value = it->second;
    return layer;
  };
  for (Value value : values)
    for (Operation *user : value.getUsers()) {
      std::optional<Layer> layer;
      if (auto matmul = dyn_cast<linalg::MatmulOp>(user)) {
        auto weights =
            dyn_cast<RankedTensorType>(matmul.getInputs()[1].getType());
        if (matmul.hasUserDefinedMaps() || matmul.getInputs()[0] != value ||
            !isConstant(matmul.getInputs()[1]) || !weights ||
            weights.getRank() != 2 || weights.isDynamicDim(0))
          continue;
        layer = layerOf(user, value);
        if (layer)
          layer->channels = weights.getDimSize(0);
      } else if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(user)) {
        auto filter = dyn_cast<RankedTensorType>(conv.getInputs()[1].getType());
        if (conv.getInputs()[0] != value || !isConstant(conv.getInputs()[1]) ||
            !filter || !filter.hasStaticShape())
          continue;
        layer = layerOf(user, value);
        if (layer) {
          layer->convolution = true;
          layer->channels = filter.getDimSize(1);
          layer->kernelHeight = filter.getDimSize(2);
          layer->kernelWidth = filter.getDimSize(3);
          std::tie(layer->strideHeight, layer->strideWidth) =
              pairOf(conv.getStrides());
          std::tie(layer->dilationHeight, layer->dilationWidth) =
              pairOf(conv.getDilations());
        }
      }
      if (!layer || layer->terms() > limit || layer->terms() == 0 ||
          llvm::any_of(layers,
                       [&](const Layer &seen) { return seen.op == user; }))
        continue;
      layer->sums.assign(layer->terms() * layer->terms(), 0.0);
      layers.push_back(std::move(*layer));
    }
}

void GramObserver::addRow(Layer &layer, const std::vector<double> &row) {
  size_t terms = row.size();
  for (size_t i = 0; i < terms; ++i) {
    double xi = row[i];
    if (xi == 0 || !std::isfinite(xi))
      continue;
    double *sums = layer.sums.data() + i * terms;
    for (size_t j = i; j < terms; ++j)
      if (std::isfinite(row[j]))
        sums[j] += xi * row[j];
  }
  ++layer.rows;
}

llvm::Error GramObserver::add(llvm::ArrayRef<ArrayView> views) {
  for (Layer &layer : layers) {
    const ArrayView &view = views[layer.value];
    llvm::Expected<std::vector<double>> elements = toDoubles(view);
    if (!elements)
      return elements.takeError();
    int64_t terms = layer.terms();
    std::vector<double> row(terms);
    if (!layer.convolution) {
      if (view.shape.size() != 2 || view.shape[1] != terms)
        return llvm::createStringError(
            "a matmul's observed input changed shape");
      for (int64_t r = 0; r < view.shape[0]; ++r) {
        std::copy(elements->begin() + r * terms,
                  elements->begin() + (r + 1) * terms, row.begin());
        addRow(layer, row);
      }
      continue;
    }
    if (view.shape.size() != 4 || view.shape[1] != layer.channels)
      return llvm::createStringError(
          "a convolution's observed input changed shape");
    int64_t height = view.shape[2], width = view.shape[3];
    int64_t spanHeight = layer.dilationHeight * (layer.kernelHeight - 1) + 1;
    int64_t spanWidth = layer.dilationWidth * (layer.kernelWidth - 1) + 1;
    if (height < spanHeight || width < spanWidth)
      continue;
    int64_t outHeight = (height - spanHeight) / layer.strideHeight + 1;
    int64_t outWidth = (width - spanWidth) / layer.strideWidth + 1;
    // Every `step`-th window of the whole set, so that at most about
    // kMaxRows rows are summed (the windows of a layer overlap: a fraction
    // of them estimates their second moments as well).
    int64_t windows = outHeight * outWidth;
    int64_t step =
        std::max<int64_t>(1, (samples * windows + kMaxRows - 1) / kMaxRows);
    for (int64_t n = 0; n < view.shape[0]; ++n)
      for (int64_t oy = 0; oy < outHeight; ++oy)
        for (int64_t ox = 0; ox < outWidth; ++ox) {
          if (layer.windowsSeen++ % step != 0)
            continue;
          // The window in the order of a filter's weights: channel, row,
          // column.
          size_t term = 0;
          for (int64_t c = 0; c < layer.channels; ++c)
            for (int64_t ky = 0; ky < layer.kernelHeight; ++ky)
              for (int64_t kx = 0; kx < layer.kernelWidth; ++kx) {
                int64_t y = oy * layer.strideHeight + ky * layer.dilationHeight;
                int64_t x = ox * layer.strideWidth + kx * layer.dilationWidth;
                row[term++] =
                    (*elements)[((n * layer.channels + c) * height + y) *
                                    width +
                                x];
              }
          addRow(layer, row);
        }
  }
  return llvm::Error::success();
}

void GramObserver::write() {
  for (Layer &layer : layers) {
    if (layer.rows == 0)
      continue;
    int64_t terms = layer.terms();
    std::vector<float> gram(terms * terms);
    double rows = static_cast<double>(layer.rows);
    for (int64_t i = 0; i < terms; ++i)
      for (int64_t j = i; j < terms; ++j)
        gram[i * terms + j] = gram[j * terms + i] =
            static_cast<float>(layer.sums[i * terms + j] / rows);
    Builder b(layer.op->getContext());
    auto type = RankedTensorType::get({terms, terms}, b.getF32Type());
    NamedAttribute entries[] = {
        b.getNamedAttr("rows", b.getI64IntegerAttr(layer.rows)),
        b.getNamedAttr("second_moments",
                       DenseElementsAttr::get(type, llvm::ArrayRef(gram)))};
    layer.op->setAttr(kInputGramAttr, b.getDictionaryAttr(entries));
  }
}
