//===- AllocationAttr.cpp - #qfhe.allocation ------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The bits qfhe-allocate-bits chose for one linear layer: its textual form
// (`key = value` entries, only those that differ from the defaults), its
// verifier, and the dictionary reports show.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"

#include "EntryParsing.h"

#include "qfhe/Support/NumberFormat.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

constexpr StringLiteral kKeys[] = {
    "input_bits", "input_levels",   "input_clip", "weight_bits",
    "weight_l1",  "per_channel",    "symmetric",  "rounding",
    "chunks",     "bias_correction"};

/// The widest input and weights an allocation states.
constexpr unsigned kMaxInputBits = 32;
constexpr unsigned kMaxWeightBits = 64;

/// The shortest decimal form of `value` that reads back as the same double,
/// as an MLIR float literal (with a point): 0.7, not 0.69999999999999996.
std::string formatShortest(double value) {
  std::string result;
  for (int digits = 1; digits <= 17; ++digits) {
    result = formatReal(value, digits);
    if (std::strtod(result.c_str(), nullptr) == value)
      break;
  }
  // A float literal: a point before any exponent (not in inf or nan).
  if (result.find_first_of(".in") == std::string::npos)
    result.insert(std::min(result.find('e'), result.size()), ".0");
  return result;
}

} // namespace

int64_t AllocationAttr::getLevels() const {
  return getInputLevels() > 0 ? getInputLevels() : int64_t(1) << getInputBits();
}

AllocationAttr AllocationAttr::withBiasCorrection(bool allowed) const {
  return get(getContext(), getInputBits(), getInputLevels(),
             getInputClipFactor(), getWeightBits(), getWeightL1(),
             getPerChannel(), getSymmetric(), getRounding(), getChunks(),
             allowed);
}

AllocationAttr AllocationAttr::withWeights(
    unsigned weightBits, int64_t weightL1, std::optional<bool> perChannel,
    std::optional<bool> symmetric, std::optional<WeightRounding> rounding,
    int64_t chunks) const {
  return get(getContext(), getInputBits(), getInputLevels(),
             getInputClipFactor(), weightBits, weightL1, perChannel, symmetric,
             rounding, chunks, getBiasCorrection());
}

DictionaryAttr AllocationAttr::toDictionary() const {
  Builder b(getContext());
  NamedAttrList entries;
  entries.append("input_bits", b.getI64IntegerAttr(getInputBits()));
  if (getInputLevels() > 0)
    entries.append("input_levels", b.getI64IntegerAttr(getInputLevels()));
  if (getInputClip() != 1.0)
    entries.append("input_clip", b.getF64FloatAttr(getInputClip()));
  if (std::optional<unsigned> bits = getWeightBits()) {
    entries.append("weight_bits", b.getI64IntegerAttr(*bits));
    entries.append("weight_l1", b.getI64IntegerAttr(getWeightL1()));
  }
  if (std::optional<bool> perChannel = getPerChannel())
    entries.append("per_channel", b.getBoolAttr(*perChannel));
  if (std::optional<bool> symmetric = getSymmetric())
    entries.append("symmetric", b.getBoolAttr(*symmetric));
  if (std::optional<WeightRounding> rounding = getRounding())
    entries.append("rounding",
                   b.getStringAttr(stringifyWeightRounding(*rounding)));
  if (getChunks() != 1)
    entries.append("chunks", b.getI64IntegerAttr(getChunks()));
  if (!getBiasCorrection())
    entries.append("bias_correction", b.getBoolAttr(false));
  return entries.getDictionary(getContext());
}

LogicalResult AllocationAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, unsigned inputBits,
    int64_t inputLevels, llvm::APFloat inputClipFactor,
    std::optional<unsigned> weightBits, int64_t weightL1,
    std::optional<bool> perChannel, std::optional<bool> symmetric,
    std::optional<WeightRounding> rounding, int64_t chunks,
    bool biasCorrection) {
  if (inputBits < 1 || inputBits > kMaxInputBits)
    return emitError() << "#qfhe.allocation: input_bits = " << inputBits
                       << " is outside [1, " << kMaxInputBits << "]";
  if (inputLevels != 0 &&
      (inputLevels < 2 || inputLevels > (int64_t(1) << inputBits)))
    return emitError() << "#qfhe.allocation: input_levels = " << inputLevels
                       << " is outside [2, " << (int64_t(1) << inputBits)
                       << "], the levels " << inputBits << " bits hold";
  double clip = inputClipFactor.convertToDouble();
  if (!(clip > 0.0 && clip <= 1.0))
    return emitError() << "#qfhe.allocation: input_clip = "
                       << formatShortest(clip) << " is outside (0, 1]";
  if (weightBits && (*weightBits < 1 || *weightBits > kMaxWeightBits))
    return emitError() << "#qfhe.allocation: weight_bits = " << *weightBits
                       << " is outside [1, " << kMaxWeightBits << "]";
  if (weightL1 < 0)
    return emitError() << "#qfhe.allocation: weight_l1 = " << weightL1
                       << " is negative";
  if (chunks < 1 || !llvm::isPowerOf2_64(chunks))
    return emitError() << "#qfhe.allocation: chunks = " << chunks
                       << " is not a power of two";
  if (!weightBits) {
    StringRef key = weightL1          ? "weight_l1"
                    : perChannel      ? "per_channel"
                    : symmetric       ? "symmetric"
                    : rounding        ? "rounding"
                    : chunks > 1      ? "chunks"
                    : !biasCorrection ? "bias_correction"
                                      : "";
    if (!key.empty())
      return emitError() << "#qfhe.allocation: " << key
                         << " needs weight_bits (a layer with weights)";
  }
  return success();
}

Attribute AllocationAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  std::optional<uint64_t> inputBits;
  int64_t inputLevels = 0, weightL1 = 0, chunks = 1;
  double clip = 1.0;
  std::optional<unsigned> weightBits;
  std::optional<bool> perChannel, symmetric;
  std::optional<WeightRounding> rounding;
  bool biasCorrection = true;
  llvm::StringSet<> seen;
  auto parseBool = [&](std::optional<bool> &value) -> ParseResult {
    SMLoc valueLoc = parser.getCurrentLocation();
    StringRef word;
    if (parser.parseKeyword(&word))
      return failure();
    if (word != "true" && word != "false")
      return parser.emitError(valueLoc)
             << "expected true or false, not '" << word << "'";
    value = word == "true";
    return success();
  };
  auto parseEntry = [&]() -> ParseResult {
    StringRef key;
    if (parseEntryKey(parser, kKeys, getMnemonic(), seen, key))
      return failure();
    if (key == "input_bits")
      return parser.parseInteger(inputBits.emplace());
    if (key == "input_levels")
      return parser.parseInteger(inputLevels);
    if (key == "input_clip")
      return parser.parseFloat(clip);
    if (key == "weight_bits")
      return parser.parseInteger(weightBits.emplace());
    if (key == "weight_l1")
      return parser.parseInteger(weightL1);
    if (key == "chunks")
      return parser.parseInteger(chunks);
    if (key == "per_channel")
      return parseBool(perChannel);
    if (key == "symmetric")
      return parseBool(symmetric);
    if (key == "bias_correction") {
      std::optional<bool> value;
      if (parseBool(value))
        return failure();
      biasCorrection = *value;
      return success();
    }
    SMLoc valueLoc = parser.getCurrentLocation();
    StringRef word;
    if (parser.parseKeyword(&word))
      return failure();
    rounding = symbolizeWeightRounding(word);
    if (!rounding)
      return parser.emitError(valueLoc)
             << "rounding must be weighted or nearest, not '" << word << "'";
    return success();
  };
  if (parser.parseLess() || parser.parseCommaSeparatedList(parseEntry) ||
      parser.parseGreater())
    return {};
  if (!inputBits) {
    parser.emitError(loc) << "#qfhe.allocation needs input_bits";
    return {};
  }
  if (*inputBits > kMaxInputBits) {
    parser.emitError(loc) << "#qfhe.allocation: input_bits = " << *inputBits
                          << " is outside [1, " << kMaxInputBits << "]";
    return {};
  }
  return parser.getChecked<AllocationAttr>(
      loc, parser.getContext(), static_cast<unsigned>(*inputBits), inputLevels,
      llvm::APFloat(clip), weightBits, weightL1, perChannel, symmetric,
      rounding, chunks, biasCorrection);
}

void AllocationAttr::print(AsmPrinter &printer) const {
  printer << "<input_bits = " << getInputBits();
  if (getInputLevels() > 0)
    printer << ", input_levels = " << getInputLevels();
  if (getInputClip() != 1.0) {
    printer << ", input_clip = " << formatShortest(getInputClip());
  }
  if (std::optional<unsigned> bits = getWeightBits())
    printer << ", weight_bits = " << *bits;
  if (getWeightL1() != 0)
    printer << ", weight_l1 = " << getWeightL1();
  auto printBool = [&](StringRef key, std::optional<bool> value) {
    if (value)
      printer << ", " << key << " = " << (*value ? "true" : "false");
  };
  printBool("per_channel", getPerChannel());
  printBool("symmetric", getSymmetric());
  if (std::optional<WeightRounding> rounding = getRounding())
    printer << ", rounding = " << stringifyWeightRounding(*rounding);
  if (getChunks() != 1)
    printer << ", chunks = " << getChunks();
  if (!getBiasCorrection())
    printer << ", bias_correction = false";
  printer << '>';
}
