//===- IntegerLowering.cpp - quantized ops to an integer program ----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "IntegerLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Threading.h"
#include "mlir/Transforms/RegionUtils.h"
#include "qfhe/Dialect/QFHE/IR/RawIntegers.h"

using namespace mlir;
using namespace mlir::qfhe;

//===----------------------------------------------------------------------===//
// IntegerForm
//===----------------------------------------------------------------------===//

IntegerRange IntegerForm::getWholeRange() const {
  IntegerRange whole = ranges.front();
  for (const IntegerRange &range : ranges)
    whole = whole.join(range);
  return whole;
}

unsigned IntegerForm::getWidth() const {
  return cast<ShapedType>(value.getType()).getElementTypeBitWidth();
}

bool IntegerForm::isUniform() const {
  return llvm::all_equal(scales) && llvm::all_equal(offsets);
}

IntegerType mlir::qfhe::getSignlessType(MLIRContext *ctx, unsigned width) {
  return IntegerType::get(ctx, width);
}

SignedStorage mlir::qfhe::getSignedStorage(IntegerRange storage) {
  unsigned fewest = 1;
  while (fewest < 63 && (uint64_t(1) << fewest) < storage.size())
    ++fewest;
  if (getSignedBitWidth(storage) <= fewest)
    return {fewest, 0};
  return {fewest, storage.min + (int64_t(1) << (fewest - 1))};
}

SmallVector<int64_t> mlir::qfhe::getConstantIntegers(Value value) {
  if (std::optional<SmallVector<int64_t>> quantized =
          getQuantizedConstant(value))
    return std::move(*quantized);
  DenseIntElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return {};
  return readRawIntegers(attr);
}

//===----------------------------------------------------------------------===//
// IntegerLowering
//===----------------------------------------------------------------------===//

IntegerLowering::IntegerLowering(func::FuncOp func, unsigned tluBitWidth,
                                 bool allowRounding, bool fitTables)
    : func(func), tluBitWidth(tluBitWidth), allowRounding(allowRounding),
      fitTables(fitTables), builder(func.getContext()) {}

FailureOr<IntegerForm> IntegerLowering::getForm(Value quantized,
                                                Operation *user) {
  auto it = forms.find(quantized);
  if (it == forms.end())
    return user->emitError()
           << "cannot lower to integers: an operand has no integer form "
              "(it is not produced by a qfhe op of the quantized level)";
  return it->second;
}

void IntegerLowering::setForm(Value quantized, IntegerForm form) {
  forms[quantized] = std::move(form);
}

Value IntegerLowering::createIntConstant(Location loc, ArrayRef<int64_t> shape,
                                         ArrayRef<int64_t> values,
                                         unsigned minimumWidth) {
  IntegerRange range{0, 0};
  for (int64_t value : values) {
    range.min = std::min(range.min, value);
    range.max = std::max(range.max, value);
  }
  unsigned width = std::max(minimumWidth, getSignedBitWidth(range));
  IntegerType type = getSignlessType(func.getContext(), width);
  auto tensorType = RankedTensorType::get(shape, type);
  return arith::ConstantOp::create(builder, loc, tensorType,
                                   getRawIntegers(tensorType, values));
}

FailureOr<IntegerForm> IntegerLowering::emitLookup(
    const IntegerForm &input, std::optional<int64_t> channelAxis,
    TableFunction function, IntegerRange outputStorage, double outputScale,
    int64_t outputZeroPoint, Operation *op) {
  TableRowFunction rows = [&function](unsigned channel, ArrayRef<int64_t> xs,
                                      MutableArrayRef<int64_t> qs) {
    for (auto [x, q] : llvm::zip_equal(xs, qs))
      q = function(channel, x);
  };
  return emitLookup(input, channelAxis, rows, outputStorage, outputScale,
                    outputZeroPoint, op);
}

FailureOr<IntegerForm> IntegerLowering::emitLookup(
    const IntegerForm &input, std::optional<int64_t> channelAxis,
    const TableRowFunction &function, IntegerRange outputStorage,
    double outputScale, int64_t outputZeroPoint, Operation *op) {
  Location loc = op->getLoc();
  auto inputType = cast<RankedTensorType>(input.value.getType());
  std::optional<int64_t> axis = input.axis;
  if (channelAxis && axis && *channelAxis != *axis)
    return op->emitError() << "cannot tabulate: per-channel parameters on "
                              "axis "
                           << *axis << " and per-channel constants on axis "
                           << *channelAxis;
  if (!axis)
    axis = channelAxis;
  int64_t channels = axis ? inputType.getDimSize(*axis) : 1;
  if (ShapedType::isDynamic(channels))
    return op->emitError() << "cannot tabulate per channel along a dynamic "
                              "dimension";

  // Round first when the input is too wide, dropping the fewest bits that
  // bring every channel's rounded range within the lookup's width:
  // tlu-bit-width, or with fitTables the widest whose tables fit.
  Value value = input.value;
  unsigned width = input.getWidth();
  unsigned lookupBits = tluBitWidth;
  if (fitTables && allowRounding) {
    unsigned fitted = getFittedLookupBits(tluBitWidth, channels);
    if (fitted >= 2 && fitted < tluBitWidth && width > fitted) {
      lookupBits = fitted;
      // On the location alone: the op printed with it would hold the
      // tables' parameters.
      emitRemark(loc) << "lookups of " << channels << " channels read "
                      << fitted << " bits, not " << tluBitWidth << ": "
                      << channels << " x 2^" << fitted << " table entries fit "
                      << kMaxTableEntries << " (2^24)";
    }
  }
  unsigned drop = 0;
  SmallVector<IntegerRange> ranges;
  for (int64_t c = 0; c < channels; ++c)
    ranges.push_back(input.getRange(c));
  if (width > tluBitWidth && !allowRounding) {
    IntegerRange whole = input.getWholeRange();
    return op->emitError()
           << "the lookup of '" << op->getName() << "' reads a " << width
           << "-bit input (proven range [" << whole.min << ", " << whole.max
           << "]) but tlu-bit-width is " << tluBitWidth
           << "; rounding it would change the program's arithmetic (allow it "
              "with allow-rounding, or round-user-lookups in qfhe-pipeline)";
  }
  if (width > lookupBits) {
    for (drop = width - lookupBits; drop < width; ++drop) {
      IntegerRange whole{INT64_MAX, INT64_MIN};
      for (const IntegerRange &range : ranges) {
        whole.min = std::min(whole.min, roundingShiftRight(range.min, drop));
        whole.max = std::max(whole.max, roundingShiftRight(range.max, drop));
      }
      if (getSignedBitWidth(whole) <= lookupBits)
        break;
    }
    unsigned roundedWidth = std::max(width - drop, 1u);
    for (IntegerRange &range : ranges) {
      range = {roundingShiftRight(range.min, drop),
               roundingShiftRight(range.max, drop)};
      roundedWidth = std::max(roundedWidth, getSignedBitWidth(range));
    }
    value = RoundOp::create(
        builder, loc,
        inputType.clone(getSignlessType(func.getContext(), roundedWidth)),
        value, builder.getI64IntegerAttr(drop));
    width = roundedWidth;
  }
  // TFHE's lookups take at most 16 bits; per-channel tables multiply.
  if (width > kMaxLookupBits)
    return op->emitError() << "cannot tabulate a " << width << "-bit input: "
                           << "lookups take at most " << kMaxLookupBits
                           << " bits (tlu-bit-width=" << tluBitWidth << ")";
  if (channels > (kMaxTableEntries >> width)) {
    // The widest lookup whose tables fit: channels x 2^fits <= 2^24.
    unsigned fits = llvm::Log2_64(static_cast<uint64_t>(kMaxTableEntries) /
                                  static_cast<uint64_t>(channels));
    InFlightDiagnostic diagnostic =
        op->emitError() << "cannot tabulate " << channels << " channels of a "
                        << width << "-bit input: " << channels << " x 2^"
                        << width << " table entries, more than "
                        << kMaxTableEntries << " (2^24); ";
    if (fits >= 2)
      diagnostic << "tlu-bit-width=" << fits << " or lower fits " << channels
                 << " channels (now " << tluBitWidth << ")";
    else
      diagnostic << "no lookup of 2 bits or more fits " << channels
                 << " channels";
    return diagnostic;
  }

  // The table: row c, entry v holds f(c, v * 2^(drop + unit) - offset_c),
  // shifted into the fewest signed bits. Rows are independent: they are
  // computed in parallel, each into its own slice of the attribute's raw
  // storage (elements of 2 bits or more; i1 tables, never large, go
  // through APInt), so the table is the same whatever the threads.
  int64_t low = getStorageRange(width, true).min;
  int64_t entries = int64_t(1) << width;
  SignedStorage output = getSignedStorage(outputStorage);
  unsigned outputBits = output.width;
  bool raw = outputBits > 1;
  unsigned bytes = raw ? getRawIntegerBytes(outputBits) : 0;
  std::vector<char> rawTable(raw ? channels * entries * bytes : 0);
  std::vector<int64_t> bitTable(raw ? 0 : channels * entries);
  /// Per row: the range of the entries its proven inputs reach, and the
  /// first entry outside the result storage, if any.
  struct RowResult {
    IntegerRange reached{INT64_MAX, INT64_MIN};
    std::optional<int64_t> misfit;
  };
  std::vector<RowResult> rows(channels);
  auto tabulateRow = [&](size_t c) {
    SmallVector<int64_t, 0> xs, qs;
    xs.resize_for_overwrite(entries);
    qs.resize_for_overwrite(entries);
    int64_t offset = input.getOffset(c);
    for (int64_t i = 0; i < entries; ++i)
      xs[i] = (low + i) * (int64_t(1) << (drop + input.unitBits)) - offset;
    function(c, xs, qs);
    RowResult &row = rows[c];
    // Entries of the proven range [from, to] (indices into the row).
    int64_t from = std::max(ranges[c].min, low) - low;
    int64_t to = std::min(ranges[c].max, low + entries - 1) - low;
    for (int64_t i = 0; i < entries; ++i) {
      int64_t q = qs[i];
      if (!outputStorage.contains(q)) {
        row.misfit = q;
        return;
      }
      int64_t entry = q - output.shift;
      qs[i] = entry;
      if (i >= from && i <= to) {
        row.reached.min = std::min(row.reached.min, entry);
        row.reached.max = std::max(row.reached.max, entry);
      }
    }
    if (raw)
      encodeRawIntegers(
          qs, outputBits,
          MutableArrayRef<char>(rawTable.data() + c * entries * bytes,
                                entries * bytes));
    else
      llvm::copy(qs, bitTable.begin() + c * entries);
  };
  parallelFor(func.getContext(), 0, channels, tabulateRow);
  IntegerRange reached{INT64_MAX, INT64_MIN};
  for (const RowResult &row : rows) {
    if (row.misfit)
      return op->emitError()
             << "table entry " << *row.misfit
             << " is outside the result storage [" << outputStorage.min << ", "
             << outputStorage.max << "]";
    reached.min = std::min(reached.min, row.reached.min);
    reached.max = std::max(reached.max, row.reached.max);
  }
  SmallVector<int64_t> tableShape;
  if (axis)
    tableShape.push_back(channels);
  tableShape.push_back(entries);
  IntegerType outputType = getSignlessType(func.getContext(), outputBits);
  auto tableType = RankedTensorType::get(tableShape, outputType);
  DenseIntElementsAttr tableAttr;
  if (raw) {
    tableAttr = cast<DenseIntElementsAttr>(
        DenseElementsAttr::getFromRawBuffer(tableType, rawTable));
  } else {
    SmallVector<APInt> ints;
    for (int64_t entry : bitTable)
      ints.push_back(APInt(outputBits, entry, true));
    tableAttr = DenseIntElementsAttr::get(tableType, ints);
  }
  Value result =
      LutOp::create(builder, loc, inputType.clone(outputType), value, tableAttr,
                    axis ? builder.getI64IntegerAttr(*axis) : IntegerAttr());
  IntegerForm form;
  form.value = result;
  form.scales = {outputScale};
  form.offsets = {outputZeroPoint - output.shift};
  form.ranges = {reached};
  return form;
}

LogicalResult IntegerLowering::lowerOp(Operation *op) {
  for (auto family : {lowerLinearOp, lowerTableOp, lowerBoundaryOrMovementOp})
    if (LowerResult result = family(*this, op))
      return *result;
  if (isa<QFHEDialect>(op->getDialect()))
    return op->emitError() << "cannot lower '" << op->getName()
                           << "' to integers";
  return success();
}

LogicalResult IntegerLowering::run() {
  if (!func.getBody().hasOneBlock())
    return emitError(func.getLoc())
           << "qfhe-lower-to-integer supports single-block functions";
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    ops.push_back(&op);
  for (Operation *op : ops) {
    builder.setInsertionPoint(op);
    if (failed(lowerOp(op)))
      return failure();
  }
  // The quantized ops are now dead: their users were rewritten, and shape
  // queries read the same shapes off the integer forms.
  Block &body = func.getBody().front();
  body.walk([&](tensor::DimOp dim) {
    auto it = forms.find(dim.getSource());
    if (it != forms.end())
      dim.getSourceMutable().assign(it->second.value);
  });
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  return success();
}
