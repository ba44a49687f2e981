//===- DiscardableAttrs.cpp - checks of qfhe.range and qfhe.observed ------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The verifier hooks of the qfhe dialect for the discardable attributes
// users and tools attach to float programs (docs/attributes.md): a declared
// range (`qfhe.range`) or a calibration range (`qfhe.observed`) that is not
// finite, inverted, or of the wrong shape is an error at the argument or op
// it is attached to, rather than a range the passes silently ignore; so is
// a `qfhe.input_gram` that is not a positive row count and a square,
// finite matrix of second moments, a `qfhe.allocation` that is not a
// `#qfhe.allocation`, and a `qfhe.allocation_summary` that is not a
// `#qfhe.allocation_summary`.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"
#include "qfhe/Dialect/QFHE/IR/QFHEDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

constexpr StringLiteral kRange = "qfhe.range";
constexpr StringLiteral kObserved = "qfhe.observed";
constexpr StringLiteral kAllocation = "qfhe.allocation";
constexpr StringLiteral kAllocationSummary = "qfhe.allocation_summary";
constexpr StringLiteral kInputGram = "qfhe.input_gram";

using EmitFn = function_ref<InFlightDiagnostic()>;

/// `[lo, hi]` with 9 significant digits.
std::string formatInterval(double lo, double hi) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("[%.9g, %.9g]", lo, hi);
  return text;
}

/// A non-inverted interval, finite unless `allowInfinite`, or an error
/// (`what` names it when it is not the whole range).
LogicalResult checkInterval(double lo, double hi, bool allowInfinite,
                            EmitFn emit, const Twine &what = "") {
  if (std::isnan(lo) || std::isnan(hi) ||
      (!allowInfinite && (std::isinf(lo) || std::isinf(hi))))
    return emit() << what << formatInterval(lo, hi) << " is not finite";
  if (lo > hi)
    return emit() << what << formatInterval(lo, hi)
                  << " is inverted (its minimum is above its maximum)";
  return success();
}

/// `array<f64: lo, hi>` with lo <= hi, both finite; or, the integers an
/// integer argument holds, `array<i64: lo, hi>` with lo <= hi
/// (qfhe-verify-bitwidth checks them against the argument's type).
LogicalResult verifyDeclaredRange(Attribute attr, Type type, EmitFn emit) {
  if (auto integers = dyn_cast<DenseI64ArrayAttr>(attr);
      integers && integers.size() == 2) {
    Type element = type ? getElementTypeOrSelf(type) : Type();
    if (element && !isa<IntegerType>(element))
      return emit() << "array<i64: lo, hi> declares integers, but the "
                       "argument is "
                    << type << " (declare its reals as array<f64: lo, hi>)";
    if (integers[0] > integers[1])
      return emit() << "[" << integers[0] << ", " << integers[1]
                    << "] is inverted (its minimum is above its maximum)";
    return success();
  }
  auto bounds = dyn_cast<DenseF64ArrayAttr>(attr);
  if (!bounds || bounds.size() != 2)
    return emit() << "must be array<f64: lo, hi> or array<i64: lo, hi> (two "
                     "bounds), not "
                  << attr;
  return checkInterval(bounds[0], bounds[1], /*allowInfinite=*/false, emit);
}

std::optional<double> getReal(Attribute attr) {
  if (auto real = dyn_cast_or_null<FloatAttr>(attr))
    return real.getValueAsDouble();
  if (auto integer = dyn_cast_or_null<IntegerAttr>(attr))
    return static_cast<double>(integer.getInt());
  return std::nullopt;
}

/// Per-channel statistics along `axis` (if any) have one entry per index of
/// that dimension of `type`.
LogicalResult verifyChannelCount(std::optional<int64_t> axis, int64_t channels,
                                 Type type, EmitFn emit) {
  auto shaped = dyn_cast_or_null<RankedTensorType>(type);
  if (!axis || !shaped)
    return success();
  int64_t dim = *axis;
  if (dim < 0 || dim >= shaped.getRank())
    return emit() << "axis " << dim << " is not a dimension of " << type;
  if (!shaped.isDynamicDim(dim) && shaped.getDimSize(dim) != channels)
    return emit() << "has " << channels << " channels but dimension " << dim
                  << " of " << type << " has " << shaped.getDimSize(dim);
  return success();
}

/// One observed range: empty (nothing observed), or `min` and `max`, with
/// per-channel `channel_min` and `channel_max` along `axis` of `type`. The
/// bounds may be infinite (max pooling pads with -inf), never NaN.
LogicalResult verifyObservedRange(Attribute attr, Type type, EmitFn emit) {
  // Calibration's statistics verify themselves (ObservedAttr::verify); what
  // is left is their agreement with the value's shape.
  if (auto observed = dyn_cast<ObservedAttr>(attr))
    return verifyChannelCount(observed.getAxis(), observed.getNumChannels(),
                              type, emit);
  auto dict = dyn_cast<DictionaryAttr>(attr);
  if (!dict)
    return emit() << "must be #qfhe.observed<...> or a dictionary, not "
                  << attr;
  if (dict.empty())
    return success();
  for (NamedAttribute entry : dict)
    if (!llvm::is_contained(
            {"min", "max", "axis", "channel_min", "channel_max"},
            entry.getName().strref()))
      return emit() << "has unexpected key '" << entry.getName().strref()
                    << "' (expected min, max, axis, channel_min, channel_max)";
  std::optional<double> lo = getReal(dict.get("min"));
  std::optional<double> hi = getReal(dict.get("max"));
  if (!lo || !hi)
    return emit() << "needs numbers 'min' and 'max'";
  if (failed(checkInterval(*lo, *hi, /*allowInfinite=*/true, emit)))
    return failure();

  Attribute axisAttr = dict.get("axis");
  auto lows = dyn_cast_or_null<DenseF64ArrayAttr>(dict.get("channel_min"));
  auto highs = dyn_cast_or_null<DenseF64ArrayAttr>(dict.get("channel_max"));
  if (!axisAttr && !dict.get("channel_min") && !dict.get("channel_max"))
    return success();
  auto axis = dyn_cast_or_null<IntegerAttr>(axisAttr);
  if (!axis || !lows || !highs)
    return emit() << "per-channel ranges need an integer 'axis' and "
                     "'channel_min' and 'channel_max' as array<f64>";
  if (lows.size() != highs.size())
    return emit() << "has " << lows.size() << " channel minima but "
                  << highs.size() << " channel maxima";
  if (failed(verifyChannelCount(axis.getInt(), lows.size(), type, emit)))
    return failure();
  for (int64_t c = 0; c < lows.size(); ++c)
    if (failed(checkInterval(lows[c], highs[c], /*allowInfinite=*/true, emit,
                             "channel " + Twine(c) + " range ")))
      return failure();
  return success();
}

/// `{rows = N : i64, second_moments = dense<...> : tensor<KxKxf..>}`: a
/// positive row count and a square float matrix,
/// finite, whose diagonal (mean squares) is not negative. Messages name the
/// entries, never print the matrices.
LogicalResult verifyInputGram(Attribute attr, EmitFn emit) {
  auto dict = dyn_cast<DictionaryAttr>(attr);
  auto rows = dict ? dict.getAs<IntegerAttr>("rows") : nullptr;
  auto moments =
      dict ? dict.getAs<DenseFPElementsAttr>("second_moments") : nullptr;
  if (!dict || dict.size() != 2 || !rows || !moments) {
    InFlightDiagnostic diagnostic =
        emit() << "must be {rows = N : i64, second_moments = dense<...> : "
                  "tensor<KxKxf32>}";
    if (!dict)
      return diagnostic << ", not a dictionary";
    diagnostic << ", not one of entries";
    for (NamedAttribute entry : dict)
      diagnostic << " '" << entry.getName().strref() << "'";
    return diagnostic;
  }
  if (rows.getInt() <= 0)
    return emit() << "averages " << rows.getInt() << " rows (must be positive)";
  ShapedType type = moments.getType();
  if (type.getRank() != 2 || type.getDimSize(0) != type.getDimSize(1))
    return emit() << "second_moments must be a square matrix, not " << type;
  int64_t size = type.getDimSize(0);

  for (auto [index, value] : llvm::enumerate(moments.getValues<APFloat>())) {
    double entry = value.convertToDouble();
    int64_t row = static_cast<int64_t>(index) / size,
            column = static_cast<int64_t>(index) % size;
    if (!std::isfinite(entry))
      return emit() << "second_moments entry (" << row << ", " << column
                    << ") is " << entry << " (must be finite)";
    if (row == column && entry < 0)
      return emit() << "second_moments entry (" << row << ", " << column
                    << ") is " << entry << ": a mean square cannot be negative";
  }
  return success();
}

} // namespace

LogicalResult QFHEDialect::verifyRegionArgAttribute(Operation *op,
                                                    unsigned regionIndex,
                                                    unsigned argIndex,
                                                    NamedAttribute attribute) {
  StringRef name = attribute.getName().strref();
  if (name != kRange && name != kObserved)
    return success();
  // Errors go to the argument (not to the op, which would be printed whole).
  Location loc = op->getLoc();
  Type type;
  if (regionIndex < op->getNumRegions() &&
      !op->getRegion(regionIndex).empty() &&
      argIndex < op->getRegion(regionIndex).getNumArguments()) {
    BlockArgument argument = op->getRegion(regionIndex).getArgument(argIndex);
    loc = argument.getLoc();
    type = argument.getType();
  } else if (auto function = dyn_cast<FunctionOpInterface>(op)) {
    if (argIndex < function.getNumArguments())
      type = function.getArgumentTypes()[argIndex];
  }
  auto emit = [&]() {
    return emitError(loc) << "argument #" << argIndex << ": " << name << " ";
  };
  if (name == kRange)
    return verifyDeclaredRange(attribute.getValue(), type, emit);
  return verifyObservedRange(attribute.getValue(), type, emit);
}

LogicalResult QFHEDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attribute) {
  StringRef name = attribute.getName().strref();
  if (name == kAllocation) {
    if (isa<AllocationAttr>(attribute.getValue()))
      return success();
    return emitError(op->getLoc())
           << "'" << op->getName() << "': " << name
           << " must be a #qfhe.allocation<...>, not " << attribute.getValue();
  }
  if (name == kAllocationSummary) {
    if (isa<AllocationSummaryAttr>(attribute.getValue()))
      return success();
    return emitError(op->getLoc())
           << "'" << op->getName() << "': " << name
           << " must be a #qfhe.allocation_summary<...>, not "
           << attribute.getValue();
  }
  if (name == kInputGram)
    return verifyInputGram(attribute.getValue(), [&]() {
      return emitError(op->getLoc())
             << "'" << op->getName() << "': " << name << " ";
    });
  if (name != kObserved)
    return success();
  // Bufferized ops keep the attribute of the tensors they no longer return.
  if (op->getNumResults() == 0)
    return success();
  auto perResult = dyn_cast<ArrayAttr>(attribute.getValue());
  if (!perResult || perResult.size() != op->getNumResults())
    return emitError(op->getLoc())
           << "'" << op->getName() << "': " << name
           << " must be an array of one dictionary per result ("
           << op->getNumResults() << "), not " << attribute.getValue();
  for (auto [index, entry] : llvm::enumerate(perResult)) {
    auto emit = [&, index = index]() {
      return emitError(op->getLoc()) << "'" << op->getName() << "' result #"
                                     << index << ": " << name << " ";
    };
    if (failed(
            verifyObservedRange(entry, op->getResult(index).getType(), emit)))
      return failure();
  }
  return success();
}
