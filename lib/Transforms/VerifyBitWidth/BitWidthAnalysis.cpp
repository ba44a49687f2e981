//===- BitWidthAnalysis.cpp - exact integer ranges of a circuit -----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// One rule per op of the integer-only program. Sums are accumulated in 128
// bits, so that proving a range never overflows itself.
//
//===----------------------------------------------------------------------===//

#include "BitWidthAnalysis.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qfhe;

__extension__ typedef __int128 Wide;

IntegerRange IntegerFact::getWhole() const {
  IntegerRange whole = ranges.front();
  for (const IntegerRange &range : ranges)
    whole = whole.join(range);
  return whole;
}

IntegerRange IntegerFact::getChannel(int64_t queryAxis, int64_t index) const {
  if (axis && *axis == queryAxis && index >= 0 &&
      index < static_cast<int64_t>(ranges.size()))
    return ranges[index];
  return getWhole();
}

int64_t mlir::qfhe::getElementsPerSample(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return 1;
  int64_t count = 1;
  for (auto [dim, size] : llvm::enumerate(shaped.getShape())) {
    if (ShapedType::isDynamic(size)) {
      if (dim == 0)
        continue;
      return -1;
    }
    count *= size;
  }
  return count;
}

BitWidthAnalysis::BitWidthAnalysis(func::FuncOp func, unsigned maxBitWidth,
                                   unsigned tluBitWidth)
    : func(func), maxBitWidth(maxBitWidth), tluBitWidth(tluBitWidth) {}

const IntegerFact *BitWidthAnalysis::lookup(Value value) const {
  auto it = facts.find(value);
  return it == facts.end() ? nullptr : &it->second;
}

namespace {

/// The integers of a constant tensor, sign-extended (zero-extended for
/// unsigned types).
std::optional<SmallVector<int64_t>> getConstantValues(Value value) {
  DenseIntElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  bool isUnsigned = cast<IntegerType>(attr.getElementType()).isUnsigned();
  SmallVector<int64_t> values;
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(isUnsigned ? static_cast<int64_t>(v.getZExtValue())
                                : v.getSExtValue());
  return values;
}

/// The per-channel initial values of a clear accumulator init: a fill of a
/// constant, or a broadcast of a constant vector along `axis`.
std::optional<SmallVector<int64_t>> getInitValues(Value init, int64_t axis,
                                                  int64_t channels) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    IntegerAttr value;
    if (!matchPattern(fill.getInputs()[0], m_Constant(&value)))
      return std::nullopt;
    return SmallVector<int64_t>(channels, value.getValue().getSExtValue());
  }
  if (auto broadcast = init.getDefiningOp<linalg::BroadcastOp>()) {
    std::optional<SmallVector<int64_t>> values =
        getConstantValues(broadcast.getInput());
    auto outType = cast<ShapedType>(broadcast.getInit().getType());
    ArrayRef<int64_t> dims = broadcast.getDimensions();
    if (!values || values->size() != static_cast<size_t>(channels) ||
        static_cast<int64_t>(dims.size()) + 1 != outType.getRank() ||
        llvm::is_contained(dims, axis))
      return std::nullopt;
    return values;
  }
  if (auto collapse = init.getDefiningOp<tensor::CollapseShapeOp>())
    return getInitValues(collapse.getSrc(),
                         cast<ShapedType>(collapse.getSrcType()).getRank() - 1,
                         channels);
  return std::nullopt;
}

/// Adds w * [lo, hi] to a running bound.
void addTerm(Wide &lo, Wide &hi, int64_t w, IntegerRange x) {
  Wide p = static_cast<Wide>(w) * x.min, q = static_cast<Wide>(w) * x.max;
  lo += std::min(p, q);
  hi += std::max(p, q);
}

/// The exact range of an accumulation modulo 2^width: `lo .. hi` is the
/// range of init + sum with the init constants as the program holds them
/// (reduced modulo 2^width). When it spans at most 2^width values, one shift
/// by a multiple of 2^width brings it inside the type, and modular
/// arithmetic then yields exactly those values: the representatives of the
/// constants the lowering meant. Otherwise the range stays and fails the
/// type check.
std::pair<Wide, Wide> intoType(Wide lo, Wide hi, unsigned width) {
  Wide modulus = static_cast<Wide>(1) << width;
  Wide half = modulus / 2;
  if (hi - lo + 1 > modulus)
    return {lo, hi};
  Wide shifted = lo + half;
  Wide k =
      shifted >= 0 ? shifted / modulus : -((-shifted + modulus - 1) / modulus);
  return {lo - k * modulus, hi - k * modulus};
}

/// A range from 128-bit bounds; std::nullopt beyond 64 bits.
std::optional<IntegerRange> narrow(Wide lo, Wide hi) {
  if (lo < INT64_MIN || hi > INT64_MAX)
    return std::nullopt;
  return IntegerRange{static_cast<int64_t>(lo), static_cast<int64_t>(hi)};
}

unsigned elementWidth(Value value) {
  return getElementTypeOrSelf(value.getType()).getIntOrFloatBitWidth();
}

IntegerRange typeRange(Type type) {
  auto integer = cast<IntegerType>(getElementTypeOrSelf(type));
  return getStorageRange(integer.getWidth(), !integer.isUnsigned());
}

std::string rangeText(IntegerRange range) {
  return "[" + std::to_string(range.min) + ", " + std::to_string(range.max) +
         "]";
}

} // namespace

LogicalResult BitWidthAnalysis::check(Value value, const IntegerFact &fact) {
  facts[value] = fact;
  if (!fact.encrypted)
    return success();
  Operation *op = value.getDefiningOp();
  IntegerRange whole = fact.getWhole();
  unsigned bits = getSignedBitWidth(whole);
  widths.push_back(WidthRecord{op, bits, whole});
  IntegerRange type = typeRange(value.getType());
  if (!type.contains(whole.min) || !type.contains(whole.max))
    return op->emitError() << "proven range " << rangeText(whole)
                           << " does not fit the result type "
                           << getElementTypeOrSelf(value.getType()) << " ("
                           << bits << " bits needed)";
  if (bits > maxBitWidth)
    return op->emitError() << "encrypted result needs " << bits
                           << " bits (proven range " << rangeText(whole)
                           << ") but max-bit-width is " << maxBitWidth;
  return success();
}

LogicalResult BitWidthAnalysis::visit(Operation *op) {
  auto fact = [&](unsigned operand) { return lookup(op->getOperand(operand)); };
  bool anyEncrypted = llvm::any_of(op->getOperands(), [&](Value v) {
    const IntegerFact *f = lookup(v);
    return f && f->encrypted;
  });
  auto clear = [](IntegerRange range) {
    IntegerFact f;
    f.ranges = {range};
    return f;
  };
  auto same = [&](unsigned operand) -> LogicalResult {
    const IntegerFact *source = fact(operand);
    if (!source)
      return success();
    IntegerFact moved;
    moved.encrypted = source->encrypted;
    moved.ranges = {source->getWhole()};
    return check(op->getResult(0), moved);
  };

  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](QuantizeOp quantize) {
        IntegerFact f;
        f.encrypted = true;
        QuantParams params = *QuantParams::get(quantize.getType());
        f.ranges = {IntegerRange{params.getQMin(), params.getQMax()}};
        facts[quantize.getResult()] = f;
        return success();
      })
      .Case([&](DequantizeOp) { return success(); })
      .Case<tensor::BitcastOp, quant::StorageCastOp>([&](Operation *) {
        if (const IntegerFact *source = fact(0))
          facts[op->getResult(0)] = *source;
        return success();
      })
      .Case([&](arith::ConstantOp constant) {
        if (std::optional<SmallVector<int64_t>> values =
                getConstantValues(constant.getResult())) {
          IntegerRange range{0, 0};
          if (!values->empty())
            range = {*llvm::min_element(*values), *llvm::max_element(*values)};
          facts[constant.getResult()] = clear(range);
        }
        return success();
      })
      .Case<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp,
            tensor::ExtractSliceOp, tensor::ReshapeOp, linalg::TransposeOp,
            linalg::BroadcastOp>([&](Operation *) { return same(0); })
      .Case([&](tensor::ConcatOp concat) {
        IntegerFact joined;
        IntegerRange range{INT64_MAX, INT64_MIN};
        for (Value input : concat.getInputs()) {
          const IntegerFact *f = lookup(input);
          if (!f)
            return success();
          joined.encrypted |= f->encrypted;
          range = range.join(f->getWhole());
        }
        joined.ranges = {range};
        return check(concat.getResult(), joined);
      })
      .Case([&](tensor::PadOp pad) -> LogicalResult {
        const IntegerFact *source = fact(0);
        IntegerAttr value;
        Value padValue = pad.getConstantPaddingValue();
        if (!source)
          return success();
        if (!padValue || !matchPattern(padValue, m_Constant(&value)))
          return pad->emitError() << "cannot verify: padding of encrypted "
                                     "values with a non-constant value";
        int64_t v = value.getValue().getSExtValue();
        IntegerFact f = *source;
        for (IntegerRange &range : f.ranges)
          range = {std::min(range.min, v), std::max(range.max, v)};
        return check(pad.getResult(), f);
      })
      .Case([&](linalg::FillOp fill) {
        IntegerAttr value;
        if (matchPattern(fill.getInputs()[0], m_Constant(&value))) {
          int64_t v = value.getValue().getSExtValue();
          facts[fill.getResult(0)] = clear({v, v});
        }
        return success();
      })
      .Case([&](linalg::MatmulOp matmul) -> LogicalResult {
        const IntegerFact *x = fact(0);
        std::optional<SmallVector<int64_t>> w =
            getConstantValues(matmul.getInputs()[1]);
        if (!x || !x->encrypted)
          return success();
        if (!w)
          return matmul->emitError()
                 << "cannot verify: product of encrypted values by a "
                    "non-constant matrix (needs lookups in TFHE)";
        auto wType = cast<ShapedType>(matmul.getInputs()[1].getType());
        int64_t k = wType.getDimSize(0), n = wType.getDimSize(1);
        Value init = matmul.getOutputs()[0];
        std::optional<SmallVector<int64_t>> inits = getInitValues(init, 1, n);
        const IntegerFact *initFact = lookup(init);
        IntegerFact result;
        result.encrypted = true;
        result.axis = 1;
        for (int64_t col = 0; col < n; ++col) {
          Wide lo = 0, hi = 0;
          for (int64_t row = 0; row < k; ++row)
            addTerm(lo, hi, (*w)[row * n + col], x->getChannel(1, row));
          IntegerRange start = inits
                                   ? IntegerRange{(*inits)[col], (*inits)[col]}
                               : initFact ? initFact->getWhole()
                                          : IntegerRange{0, 0};
          auto [from, to] = intoType(lo + start.min, hi + start.max,
                                     elementWidth(matmul.getResult(0)));
          std::optional<IntegerRange> range = narrow(from, to);
          if (!range)
            return matmul->emitError() << "accumulator range exceeds 64 bits";
          result.ranges.push_back(*range);
        }
        return check(matmul.getResult(0), result);
      })
      .Case<linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp>(
          [&](auto conv) -> LogicalResult {
            const IntegerFact *x = fact(0);
            std::optional<SmallVector<int64_t>> w =
                getConstantValues(conv.getInputs()[1]);
            if (!x || !x->encrypted)
              return success();
            if (!w)
              return conv->emitError() << "cannot verify: convolution with "
                                          "a non-constant filter";
            bool depthwise =
                isa<linalg::DepthwiseConv2DNchwChwOp>(conv.getOperation());
            auto wType = cast<ShapedType>(conv.getInputs()[1].getType());
            int64_t filters = wType.getDimSize(0);
            int64_t perFilter = wType.getNumElements() / filters;
            int64_t channels = depthwise ? 1 : wType.getDimSize(1);
            int64_t window = perFilter / channels;
            std::optional<SmallVector<int64_t>> inits =
                getInitValues(conv.getOutputs()[0], 1, filters);
            IntegerFact result;
            result.encrypted = true;
            result.axis = 1;
            for (int64_t f = 0; f < filters; ++f) {
              Wide lo = 0, hi = 0;
              for (int64_t i = 0; i < perFilter; ++i) {
                int64_t channel = depthwise ? f : i / window;
                addTerm(lo, hi, (*w)[f * perFilter + i],
                        x->getChannel(1, channel));
              }
              int64_t start = inits ? (*inits)[f] : 0;
              auto [from, to] = intoType(lo + start, hi + start,
                                         elementWidth(conv->getResult(0)));
              std::optional<IntegerRange> range = narrow(from, to);
              if (!range)
                return conv->emitError() << "accumulator range exceeds 64 bits";
              result.ranges.push_back(*range);
            }
            return check(conv->getResult(0), result);
          })
      .Case([&](linalg::PoolingNchwSumOp pool) -> LogicalResult {
        const IntegerFact *x = fact(0);
        if (!x || !x->encrypted)
          return success();
        int64_t window =
            cast<ShapedType>(pool.getInputs()[1].getType()).getNumElements();
        std::optional<SmallVector<int64_t>> inits =
            getInitValues(pool.getOutputs()[0], 1, 1);
        int64_t start = inits ? inits->front() : 0;
        IntegerFact result;
        result.encrypted = true;
        result.axis = x->axis;
        for (const IntegerRange &range : x->ranges) {
          auto [from, to] =
              intoType(static_cast<Wide>(range.min) * window + start,
                       static_cast<Wide>(range.max) * window + start,
                       elementWidth(pool.getResult(0)));
          std::optional<IntegerRange> sum = narrow(from, to);
          if (!sum)
            return pool->emitError() << "sum range exceeds 64 bits";
          result.ranges.push_back(*sum);
        }
        return check(pool.getResult(0), result);
      })
      .Case([&](linalg::PoolingNchwMaxOp pool) -> LogicalResult {
        const IntegerFact *x = fact(0);
        if (!x || !x->encrypted)
          return success();
        IntegerRange whole = x->getWhole();
        // FHE computes max(a, b) as b + relu(a - b): the differences are
        // encrypted values too.
        unsigned differenceBits =
            getSignedBitWidth({whole.min - whole.max, whole.max - whole.min});
        if (differenceBits > maxBitWidth)
          return pool->emitError()
                 << "max pooling compares values of range " << rangeText(whole)
                 << ": their differences need " << differenceBits
                 << " bits but max-bit-width is " << maxBitWidth;
        int64_t window =
            cast<ShapedType>(pool.getInputs()[1].getType()).getNumElements();
        int64_t perSample = getElementsPerSample(pool.getResult(0).getType());
        lookups.push_back(
            LookupRecord{pool, differenceBits, perSample * (window - 1)});
        IntegerFact result = *x;
        return check(pool.getResult(0), result);
      })
      .Case<linalg::AddOp, linalg::SubOp>([&](Operation *binary) {
        const IntegerFact *a = fact(0), *b = fact(1);
        if (!a || !b || !(a->encrypted || b->encrypted))
          return success();
        auto combine = [&](IntegerRange ra, IntegerRange rb) {
          return isa<linalg::AddOp>(binary)
                     ? IntegerRange{ra.min + rb.min, ra.max + rb.max}
                     : IntegerRange{ra.min - rb.max, ra.max - rb.min};
        };
        IntegerFact result;
        result.encrypted = true;
        // Per channel when either operand is (the parts of a chunked dot
        // product, say), else whole.
        const IntegerFact *perChannel = a->axis ? a : b->axis ? b : nullptr;
        if (perChannel) {
          result.axis = perChannel->axis;
          for (int64_t c = 0, e = perChannel->ranges.size(); c < e; ++c)
            result.ranges.push_back(combine(a->getChannel(*result.axis, c),
                                            b->getChannel(*result.axis, c)));
        } else {
          result.ranges = {combine(a->getWhole(), b->getWhole())};
        }
        return check(binary->getResult(0), result);
      })
      .Case([&](linalg::GenericOp generic) -> LogicalResult {
        if (!anyEncrypted)
          return success();
        // Sum reductions: out + in over the reduction loops.
        Block &body = *generic.getBlock();
        auto add = dyn_cast<arith::AddIOp>(
            body.getTerminator()->getOperand(0).getDefiningOp());
        const IntegerFact *x = fact(0);
        if (!add || generic.getNumDpsInputs() != 1 || !x ||
            generic.getNumReductionLoops() == 0)
          return generic->emitError() << "cannot verify: linalg.generic on "
                                         "encrypted values other than a sum";
        int64_t count = 1;
        SmallVector<int64_t> sizes = generic.getStaticLoopRanges();
        for (auto [loop, iterator] :
             llvm::enumerate(generic.getIteratorTypesArray()))
          if (iterator == utils::IteratorType::reduction)
            count *= sizes[loop];
        std::optional<SmallVector<int64_t>> inits =
            getInitValues(generic.getOutputs()[0], 0, 1);
        int64_t start = inits ? inits->front() : 0;
        IntegerRange whole = x->getWhole();
        IntegerFact result;
        result.encrypted = true;
        auto [from, to] = intoType(static_cast<Wide>(whole.min) * count + start,
                                   static_cast<Wide>(whole.max) * count + start,
                                   elementWidth(generic.getResult(0)));
        std::optional<IntegerRange> sum = narrow(from, to);
        if (!sum)
          return generic->emitError() << "sum range exceeds 64 bits";
        result.ranges = {*sum};
        return check(generic.getResult(0), result);
      })
      .Case([&](LutOp lut) -> LogicalResult {
        const IntegerFact *x = fact(0);
        if (!x)
          return success();
        auto inputType =
            cast<IntegerType>(lut.getInput().getType().getElementType());
        unsigned inputBits = inputType.getWidth();
        if (inputBits > tluBitWidth)
          return lut->emitError()
                 << "table lookup on a " << inputBits
                 << "-bit input but tlu-bit-width is " << tluBitWidth;
        IntegerRange type = typeRange(lut.getInput().getType());
        SmallVector<int64_t> table;
        for (const APInt &entry : lut.getTable().getValues<APInt>())
          table.push_back(entry.getSExtValue());
        int64_t entries = int64_t(1) << inputBits;
        std::optional<int64_t> axis = lut.getAxis();
        int64_t rows = axis ? static_cast<int64_t>(table.size()) / entries : 1;
        IntegerFact result;
        result.encrypted = x->encrypted;
        if (axis)
          result.axis = axis;
        for (int64_t row = 0; row < rows; ++row) {
          IntegerRange in = axis ? x->getChannel(*axis, row) : x->getWhole();
          IntegerRange out{INT64_MAX, INT64_MIN};
          for (int64_t v = std::max(in.min, type.min);
               v <= std::min(in.max, type.max); ++v) {
            int64_t entry = table[row * entries + (v - type.min)];
            out.min = std::min(out.min, entry);
            out.max = std::max(out.max, entry);
          }
          if (out.min > out.max)
            out = {0, 0};
          result.ranges.push_back(out);
        }
        lookups.push_back(LookupRecord{
            lut, inputBits, getElementsPerSample(lut.getResult().getType())});
        return check(lut.getResult(), result);
      })
      .Case([&](RoundOp round) -> LogicalResult {
        const IntegerFact *x = fact(0);
        if (!x)
          return success();
        IntegerFact result = *x;
        for (IntegerRange &range : result.ranges)
          range = {roundingShiftRight(range.min, round.getDropBits()),
                   roundingShiftRight(range.max, round.getDropBits())};
        roundings.push_back(
            LookupRecord{round, elementWidth(round.getInput()),
                         getElementsPerSample(round.getResult().getType())});
        return check(round.getResult(), result);
      })
      // Encrypted results may go back to the client as they are.
      .Case<tensor::EmptyOp, tensor::DimOp, func::ReturnOp>(
          [](Operation *) { return success(); })
      .Default([&](Operation *other) -> LogicalResult {
        if (anyEncrypted)
          return other->emitError()
                 << "cannot verify: '" << other->getName()
                 << "' computes on encrypted values but is not an integer "
                    "circuit op (linear algebra, qfhe.lut, qfhe.round, data "
                    "movement)";
        return success();
      });
}

LogicalResult BitWidthAnalysis::run() {
  bool failedAny = false;
  func.walk([&](Operation *op) {
    if (op == func.getOperation() || op->getParentOfType<linalg::LinalgOp>() ||
        op->getParentOfType<tensor::PadOp>())
      return;
    failedAny |= failed(visit(op));
  });
  return failure(failedAny);
}
