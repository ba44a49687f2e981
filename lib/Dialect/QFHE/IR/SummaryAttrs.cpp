//===- SummaryAttrs.cpp - #qfhe.allocation_summary and its entries --------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The record qfhe-allocate-bits leaves on the module for reports: the
// verifiers of its entries and the dictionary the JSON report shows.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"
#include "qfhe/Support/NumberFormat.h"

#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// Checks that `value` (named `name`) is an f64 attribute holding a finite
/// real of at least `least` and, unless unset, at most `most`.
LogicalResult verifyReal(function_ref<InFlightDiagnostic()> emitError,
                         StringRef name, FloatAttr value, double least,
                         std::optional<double> most = std::nullopt) {
  if (!value.getType().isF64())
    return emitError() << "#qfhe.search_summary: " << name
                       << " must be an f64, not " << value;
  double real = value.getValueAsDouble();
  if (!std::isfinite(real) || real < least || (most && real > *most)) {
    InFlightDiagnostic diag = emitError()
                              << "#qfhe.search_summary: " << name << " = "
                              << formatReal(real) << " is outside ["
                              << formatReal(least) << ", ";
    if (most)
      diag << formatReal(*most) << "]";
    else
      diag << "inf)";
    return diag;
  }
  return success();
}

} // namespace

LogicalResult SearchSummaryAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, int64_t candidates,
    int64_t samples, FloatAttr agreement, FloatAttr divergence,
    FloatAttr relativeRmsError, BoolAttr uniformIsBest, FloatAttr cost,
    FloatAttr mostFaithfulAgreement, FloatAttr mostFaithfulDivergence,
    FloatAttr mostFaithfulCost) {
  if (candidates < 0)
    return emitError() << "#qfhe.search_summary: candidates = " << candidates
                       << " is negative";
  if (samples < 1)
    return emitError() << "#qfhe.search_summary: samples = " << samples
                       << " is not positive";
  if (failed(verifyReal(emitError, "agreement", agreement, 0, 1)) ||
      failed(verifyReal(emitError, "divergence", divergence, 0)) ||
      failed(verifyReal(emitError, "relative_rms_error", relativeRmsError, 0)))
    return failure();
  if (cost && failed(verifyReal(emitError, "cost", cost, 0)))
    return failure();
  int mostFaithful = (mostFaithfulAgreement ? 1 : 0) +
                     (mostFaithfulDivergence ? 1 : 0) +
                     (mostFaithfulCost ? 1 : 0);
  if (mostFaithful != 0 && (mostFaithful != 3 || !cost))
    return emitError() << "#qfhe.search_summary: most_faithful_agreement, "
                          "most_faithful_divergence and most_faithful_cost "
                          "go together, with cost";
  if (mostFaithful && (failed(verifyReal(emitError, "most_faithful_agreement",
                                         mostFaithfulAgreement, 0, 1)) ||
                       failed(verifyReal(emitError, "most_faithful_divergence",
                                         mostFaithfulDivergence, 0)) ||
                       failed(verifyReal(emitError, "most_faithful_cost",
                                         mostFaithfulCost, 0))))
    return failure();
  return success();
}

DictionaryAttr SearchSummaryAttr::toDictionary() const {
  Builder b(getContext());
  NamedAttrList entries;
  entries.append("candidates", b.getI64IntegerAttr(getCandidates()));
  entries.append("samples", b.getI64IntegerAttr(getSamples()));
  entries.append("agreement", getAgreement());
  entries.append("divergence", getDivergence());
  entries.append("relative_rms_error", getRelativeRmsError());
  entries.append("uniform_is_best", getUniformIsBest());
  if (FloatAttr cost = getCost())
    entries.append("cost", cost);
  if (FloatAttr agreement = getMostFaithfulAgreement()) {
    entries.append("most_faithful_agreement", agreement);
    entries.append("most_faithful_divergence", getMostFaithfulDivergence());
    entries.append("most_faithful_cost", getMostFaithfulCost());
  }
  return entries.getDictionary(getContext());
}

LogicalResult
AllocationSummaryAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              StringAttr strategy, ArrayAttr layers,
                              SearchSummaryAttr search) {
  if (strategy.getValue() != "a2q" && strategy.getValue() != "uniform")
    return emitError() << "#qfhe.allocation_summary: strategy = " << strategy
                       << " is not one of \"a2q\", \"uniform\"";
  for (auto [index, layer] : llvm::enumerate(layers))
    if (!isa<LayerChoiceAttr>(layer))
      return emitError() << "#qfhe.allocation_summary: layer #" << index
                         << " must be a #qfhe.layer_choice<...>, not " << layer;
  return success();
}

DictionaryAttr AllocationSummaryAttr::toDictionary() const {
  Builder b(getContext());
  SmallVector<Attribute> layers;
  for (LayerChoiceAttr layer : getLayerChoices()) {
    NamedAttrList fields;
    fields.append("op", layer.getOp());
    fields.append("loc", layer.getLoc());
    if (AllocationAttr allocation = layer.getAllocation())
      fields.append(allocation.toDictionary().getValue());
    layers.push_back(fields.getDictionary(getContext()));
  }
  NamedAttrList entries;
  entries.append("strategy", getStrategy());
  entries.append("layers", b.getArrayAttr(layers));
  if (SearchSummaryAttr search = getSearch())
    entries.append("search", search.toDictionary());
  return entries.getDictionary(getContext());
}
