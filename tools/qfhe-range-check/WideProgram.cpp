//===- WideProgram.cpp - a program checked against its widened copy -------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The wide copy computes every encrypted value of the program on 64-bit
// integers from the wide copies of its operands: linear ops as linalg.generic
// bodies on i64 (extensions become the identity, or a mask for unsigned
// ones; truncations disappear), minus the multiple of 2^N the verifier says
// modular arithmetic subtracts; roundings exactly; lookups on the wide input
// truncated back to the table's width (an input outside the proven range is
// counted where it is computed). Values computed in the clear, and the
// client's inputs, enter as they are, extended. Nothing in the copy wraps, so
// comparing it with the program checks both that the program computes what
// the verifier assumed and that every value stays inside its proven range.
//
//===----------------------------------------------------------------------===//

#include "WideProgram.h"

#include "qfhe/Analysis/BitWidthReport.h"
#include "qfhe/Analysis/CircuitAnalysis.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

#include <tuple>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

IntegerType getIntegerElement(Type type) {
  return dyn_cast<IntegerType>(getElementTypeOrSelf(type));
}

/// `type` with 64-bit signless integer elements.
Type toWideType(Type type) {
  Type i64 = IntegerType::get(type.getContext(), 64);
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.clone(i64);
  return i64;
}

class WideBuilder {
public:
  WideBuilder(func::FuncOp func, llvm::json::Array &layout)
      : func(func), layout(layout), b(func.getContext()) {}

  LogicalResult run();

private:
  const CircuitFact *encryptedFact(Value value) {
    const CircuitFact *fact = solver.lookup(value);
    return fact && fact->isEncrypted() && getIntegerElement(value.getType())
               ? fact
               : nullptr;
  }
  Value constantI64(Location loc, int64_t value) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(value));
  }
  /// A constant of per-index values along an axis (rank 1), or of one value
  /// (rank 0).
  Value perIndexConstant(Location loc, ArrayRef<int64_t> values,
                         bool perIndex) {
    auto type = RankedTensorType::get(
        perIndex ? ArrayRef<int64_t>{static_cast<int64_t>(values.size())}
                 : ArrayRef<int64_t>{},
        b.getI64Type());
    return arith::ConstantOp::create(b, loc,
                                     DenseIntElementsAttr::get(type, values));
  }
  /// How a tensor of `rank` reads a perIndexConstant.
  AffineMap perIndexMap(int64_t rank, std::optional<int64_t> axis) {
    return axis ? AffineMap::get(rank, 0, b.getAffineDimExpr(*axis),
                                 b.getContext())
                : AffineMap::get(rank, 0, {}, b.getContext());
  }
  /// A narrow value as its type reads it, in 64 bits.
  Value extend(Value narrow);
  /// The wide copy of a value (clear values and inputs: extended).
  Value widen(Value narrow);
  FailureOr<Value> wideOp(Operation *op);
  FailureOr<Value> wideLinalg(linalg::LinalgOp op);
  FailureOr<Value> wideMovement(Operation *op);
  Value wideLut(LutOp lut);
  Value wideRound(RoundOp round);
  FailureOr<Value> subtractOffsets(Value wide, const CircuitFact &fact,
                                   Location loc);
  /// A function counting, per sample, how a narrow value of `narrowType`
  /// and its wide copy differ, and how the wide one leaves the bounds it
  /// takes (of `boundType`: per index along `axis`, or one pair); it writes
  /// the counters into columns [column, column + kCounters) of the counters
  /// tensor it takes, and returns it.
  func::FuncOp getCheckFunction(RankedTensorType narrowType,
                                std::optional<int64_t> axis,
                                RankedTensorType boundType, Location loc);
  /// Checks `narrow` against its wide copy and its fact.
  LogicalResult addCheck(Value narrow, Value wide, const CircuitFact &fact,
                         StringRef name, Location loc);

  func::FuncOp func;
  llvm::json::Array &layout;
  OpBuilder b;
  CircuitSolver solver;
  DenseMap<Value, Value> wideOf;
  /// Whether the function runs one sample per call (a leading dimension of
  /// 1), else its leading dimensions count the samples.
  bool onePerCall = false;
  RankedTensorType getCountersType() {
    return RankedTensorType::get(
        {onePerCall ? 1 : ShapedType::kDynamic, ShapedType::kDynamic},
        b.getI64Type());
  }
  /// The checks to make: a call of a check function per checked value
  /// (its operands before the counters tensor and the column).
  struct Check {
    func::FuncOp function;
    SmallVector<Value, 4> operands;
  };
  SmallVector<Check> checks;
  /// Check functions by value type, axis and bound type: values of one
  /// shape share one.
  DenseMap<std::tuple<Type, int64_t, Type>, func::FuncOp> checkFunctions;
};

Value WideBuilder::extend(Value narrow) {
  Location loc = narrow.getLoc();
  IntegerType element = getIntegerElement(narrow.getType());
  Value value = narrow;
  if (!element.isSignless()) {
    Type signless = IntegerType::get(b.getContext(), element.getWidth());
    if (auto shaped = dyn_cast<ShapedType>(narrow.getType()))
      value = tensor::BitcastOp::create(b, loc, shaped.clone(signless), value);
    else
      value = arith::BitcastOp::create(b, loc, signless, value);
  }
  if (element.getWidth() == 64)
    return value;
  Type wide = toWideType(narrow.getType());
  if (element.isUnsigned())
    return arith::ExtUIOp::create(b, loc, wide, value);
  return arith::ExtSIOp::create(b, loc, wide, value);
}

Value WideBuilder::widen(Value narrow) {
  if (Value wide = wideOf.lookup(narrow))
    return wide;
  if (!getIntegerElement(narrow.getType()))
    return narrow;
  Value wide;
  if (auto empty = narrow.getDefiningOp<tensor::EmptyOp>())
    wide = tensor::EmptyOp::create(b, empty.getLoc(), empty.getMixedSizes(),
                                   IntegerType::get(b.getContext(), 64));
  else
    wide = extend(narrow);
  wideOf[narrow] = wide;
  return wide;
}

FailureOr<Value> WideBuilder::wideLinalg(linalg::LinalgOp op) {
  Location loc = op.getLoc();
  Block &body = *op.getBlock();
  IRMapping mapping;
  llvm::SetVector<Value> above;
  getUsedValuesDefinedAbove(op->getRegion(0), above);
  for (Value value : above)
    mapping.map(value, widen(value));
  SmallVector<Value> inputs, outputs;
  for (Value input : op.getDpsInputs())
    inputs.push_back(widen(input));
  for (Value init : op.getDpsInits())
    outputs.push_back(widen(init));
  bool unknown = false;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{toWideType(op->getResult(0).getType())}, inputs,
      outputs, op.getIndexingMapsArray(), op.getIteratorTypesArray(),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        for (auto [old, replacement] : llvm::zip(body.getArguments(), args))
          mapping.map(old, replacement);
        Type i64 = nested.getI64Type();
        for (Operation &inner : body.without_terminator()) {
          Value result = inner.getNumResults() ? inner.getResult(0) : Value();
          if (isa<arith::ExtSIOp, arith::TruncIOp>(inner)) {
            mapping.map(result, mapping.lookup(inner.getOperand(0)));
          } else if (isa<arith::ExtUIOp>(inner)) {
            unsigned width =
                getIntegerElement(inner.getOperand(0).getType()).getWidth();
            Value mask = arith::ConstantOp::create(
                nested, nestedLoc,
                nested.getI64IntegerAttr((int64_t(1) << width) - 1));
            mapping.map(result, arith::AndIOp::create(
                                    nested, nestedLoc,
                                    mapping.lookup(inner.getOperand(0)), mask));
          } else if (APInt value; matchPattern(result, m_ConstantInt(&value))) {
            mapping.map(result,
                        arith::ConstantOp::create(
                            nested, nestedLoc,
                            nested.getI64IntegerAttr(value.getSExtValue())));
          } else if (isa<arith::AddIOp, arith::SubIOp, arith::MulIOp,
                         arith::MaxSIOp, arith::MinSIOp>(inner)) {
            Operation *clone = nested.clone(inner, mapping);
            clone->getResult(0).setType(i64);
          } else {
            unknown = true;
            mapping.map(result, args.front());
          }
        }
        linalg::YieldOp::create(
            nested, nestedLoc,
            mapping.lookup(body.getTerminator()->getOperand(0)));
      });
  if (unknown) {
    generic.erase();
    return op->emitError("cannot build the wide copy of this body");
  }
  return generic.getResult(0);
}

FailureOr<Value> WideBuilder::wideMovement(Operation *op) {
  Location loc = op->getLoc();
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    Value padValue = pad.getConstantPaddingValue();
    APInt constant;
    Value widePad =
        matchPattern(padValue, m_ConstantInt(&constant))
            ? constantI64(loc,
                          getIntegerElement(padValue.getType()).isUnsigned()
                              ? constant.getZExtValue()
                              : constant.getSExtValue())
            : widen(padValue);
    return tensor::PadOp::create(b, loc, toWideType(pad.getType()),
                                 widen(pad.getSource()), pad.getMixedLowPad(),
                                 pad.getMixedHighPad(), widePad,
                                 pad.getNofold())
        .getResult();
  }
  if (!isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp,
           tensor::ExtractSliceOp, tensor::InsertSliceOp, tensor::ConcatOp,
           tensor::CastOp, tensor::ReshapeOp, tensor::ExtractOp,
           tensor::InsertOp, tensor::FromElementsOp, tensor::SplatOp>(op))
    return op->emitError("cannot build the wide copy of '")
           << op->getName() << "'";
  IRMapping mapping;
  for (Value operand : op->getOperands())
    mapping.map(operand, widen(operand));
  Operation *clone = b.clone(*op, mapping);
  Value result = clone->getResult(0);
  result.setType(toWideType(result.getType()));
  return result;
}

Value WideBuilder::wideLut(LutOp lut) {
  Location loc = lut.getLoc();
  auto inputType = cast<RankedTensorType>(lut.getInput().getType());
  IntegerType element = getIntegerElement(inputType);
  Type signless = IntegerType::get(b.getContext(), element.getWidth());
  Value input = arith::TruncIOp::create(b, loc, inputType.clone(signless),
                                        widen(lut.getInput()));
  if (!element.isSignless())
    input = tensor::BitcastOp::create(b, loc, inputType, input);
  Value looked = LutOp::create(b, loc, lut.getType(), input, lut.getTable(),
                               lut.getAxisAttr());
  return extend(looked);
}

Value WideBuilder::wideRound(RoundOp round) {
  Location loc = round.getLoc();
  Value input = widen(round.getInput());
  auto type = cast<RankedTensorType>(input.getType());
  int64_t drop = round.getDropBits();
  Value half = constantI64(loc, int64_t(1) << (drop - 1));
  Value shift = constantI64(loc, drop);
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  Value init = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, input), type.getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{input}, ValueRange{init},
             ArrayRef<AffineMap>{identity, identity},
             SmallVector<utils::IteratorType>(type.getRank(),
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               Value sum =
                   arith::AddIOp::create(nested, nestedLoc, args[0], half);
               linalg::YieldOp::create(nested, nestedLoc,
                                       Value(arith::ShRSIOp::create(
                                           nested, nestedLoc, sum, shift)));
             })
      .getResult(0);
}

FailureOr<Value> WideBuilder::subtractOffsets(Value wide,
                                              const CircuitFact &fact,
                                              Location loc) {
  ArrayRef<WideInt> offsets = fact.getModularOffsets();
  if (offsets.empty())
    return wide;
  SmallVector<int64_t> values;
  for (WideInt offset : offsets) {
    if (offset < INT64_MIN || offset > INT64_MAX)
      return emitError(loc, "modular offset beyond 64 bits");
    values.push_back(static_cast<int64_t>(offset));
  }
  auto type = cast<RankedTensorType>(wide.getType());
  int64_t rank = type.getRank();
  std::optional<int64_t> axis = fact.getAxis();
  Value offsetTensor = perIndexConstant(loc, values, axis.has_value());
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap offsetMap = perIndexMap(rank, axis);
  Value init = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, wide), type.getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{wide, offsetTensor},
             ValueRange{init},
             ArrayRef<AffineMap>{identity, offsetMap, identity},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               linalg::YieldOp::create(
                   nested, nestedLoc,
                   Value(arith::SubIOp::create(nested, nestedLoc, args[0],
                                               args[1])));
             })
      .getResult(0);
}

FailureOr<Value> WideBuilder::wideOp(Operation *op) {
  if (isa<QuantizeOp, tensor::BitcastOp, quant::StorageCastOp>(op))
    // The client's encryption, and reinterpretations (the storage integers
    // of its quantized values): the value as it is.
    return extend(op->getResult(0));
  if (auto lut = dyn_cast<LutOp>(op))
    return wideLut(lut);
  if (auto round = dyn_cast<RoundOp>(op))
    return wideRound(round);
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    FailureOr<Value> wide = wideLinalg(linalgOp);
    if (failed(wide))
      return failure();
    return subtractOffsets(*wide, *solver.lookup(op->getResult(0)),
                           op->getLoc());
  }
  return wideMovement(op);
}

func::FuncOp WideBuilder::getCheckFunction(RankedTensorType narrowType,
                                           std::optional<int64_t> axis,
                                           RankedTensorType boundType,
                                           Location loc) {
  func::FuncOp &check =
      checkFunctions[{narrowType, axis.value_or(-1), boundType}];
  if (check)
    return check;
  OpBuilder::InsertionGuard guard(b);
  int64_t rank = narrowType.getRank();
  Type i64 = b.getI64Type();
  auto wideType = cast<RankedTensorType>(toWideType(narrowType));
  auto countersType = getCountersType();
  b.setInsertionPoint(func);
  check = func::FuncOp::create(
      b, loc, "qfhe_range_check",
      b.getFunctionType({narrowType, wideType, boundType, boundType,
                         countersType, b.getIndexType()},
                        {countersType}));
  check.setPrivate();
  SymbolTable(func->getParentOfType<ModuleOp>()).insert(check);
  Block *body = check.addEntryBlock();
  b.setInsertionPointToStart(body);
  Value narrow = extend(body->getArgument(0)), wide = body->getArgument(1);
  Value low = body->getArgument(2), high = body->getArgument(3);
  Value counters = body->getArgument(4), column = body->getArgument(5);
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap boundMap = perIndexMap(rank, axis);
  // One sample per call: the counters sum over the whole value. Else over
  // each row of its first dimension, the samples.
  AffineMap sampleMap =
      onePerCall
          ? AffineMap::get(rank, 0, {}, b.getContext())
          : AffineMap::get(rank, 0, b.getAffineDimExpr(0), b.getContext());
  OpFoldResult samples = onePerCall ? OpFoldResult(b.getIndexAttr(1))
                                    : tensor::getMixedSize(b, loc, narrow, 0);
  SmallVector<OpFoldResult> countShape;
  if (!onePerCall)
    countShape.push_back(samples);
  SmallVector<Value> inits;
  for (int64_t start :
       {int64_t(0), int64_t(0), int64_t(0), INT64_MAX, INT64_MIN}) {
    Value empty = tensor::EmptyOp::create(b, loc, countShape, i64);
    inits.push_back(
        linalg::FillOp::create(b, loc, constantI64(loc, start), empty)
            .getResult(0));
  }
  SmallVector<AffineMap> maps{identity, identity, boundMap, boundMap};
  maps.append(kCounters, sampleMap);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  if (!onePerCall)
    iterators[0] = utils::IteratorType::parallel;
  SmallVector<Type> resultTypes(kCounters, inits.front().getType());
  auto counting = linalg::GenericOp::create(
      b, loc, resultTypes, ValueRange{narrow, wide, low, high}, inits, maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value narrowValue = args[0], wideValue = args[1];
        auto count = [&](arith::CmpIPredicate predicate, Value lhs, Value rhs,
                         Value total) -> Value {
          Value flag =
              arith::CmpIOp::create(nested, nestedLoc, predicate, lhs, rhs);
          Value one = arith::ExtUIOp::create(nested, nestedLoc,
                                             nested.getI64Type(), flag);
          return arith::AddIOp::create(nested, nestedLoc, total, one);
        };
        SmallVector<Value> updated{
            count(arith::CmpIPredicate::ne, narrowValue, wideValue, args[4]),
            count(arith::CmpIPredicate::slt, wideValue, args[2], args[5]),
            count(arith::CmpIPredicate::sgt, wideValue, args[3], args[6]),
            arith::MinSIOp::create(nested, nestedLoc, args[7], wideValue),
            arith::MaxSIOp::create(nested, nestedLoc, args[8], wideValue)};
        linalg::YieldOp::create(nested, nestedLoc, updated);
      });
  for (auto [index, counter] : llvm::enumerate(counting.getResults())) {
    Value at = arith::AddIOp::create(
        b, loc, column,
        arith::ConstantIndexOp::create(b, loc, static_cast<int64_t>(index)));
    counters = tensor::InsertSliceOp::create(
        b, loc, counter, counters,
        SmallVector<OpFoldResult>{b.getIndexAttr(0), at},
        SmallVector<OpFoldResult>{samples, b.getIndexAttr(1)},
        SmallVector<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
  }
  func::ReturnOp::create(b, loc, counters);
  return check;
}

LogicalResult WideBuilder::addCheck(Value narrow, Value wide,
                                    const CircuitFact &fact, StringRef name,
                                    Location loc) {
  auto type = dyn_cast<RankedTensorType>(narrow.getType());
  if (!type || type.getRank() == 0 || !fact.hasRanges() ||
      (!onePerCall && !type.isDynamicDim(0)))
    return emitError(loc, "cannot check a value whose first dimension does "
                          "not count the samples");
  std::optional<int64_t> axis = fact.getAxis();
  SmallVector<int64_t> lows, highs;
  for (const IntegerRange &range : fact.getRanges()) {
    lows.push_back(range.min);
    highs.push_back(range.max);
  }
  Value low = perIndexConstant(loc, lows, axis.has_value());
  Value high = perIndexConstant(loc, highs, axis.has_value());
  auto boundType = cast<RankedTensorType>(low.getType());
  // The checks live in functions, one per shape: LLVM's work grows faster
  // than linearly with the size of a function.
  checks.push_back({getCheckFunction(type, axis, boundType, loc),
                    {narrow, wide, low, high}});

  llvm::json::Array channels;
  for (const IntegerRange &range : fact.getRanges())
    channels.push_back(llvm::json::Array{range.min, range.max});
  llvm::json::Object entry{{"op", name.str()},
                           {"loc", formatLocation(loc)},
                           {"channels", std::move(channels)}};
  if (axis)
    entry["axis"] = *axis;
  layout.push_back(std::move(entry));
  return success();
}

LogicalResult WideBuilder::run() {
  if (!func.getBody().hasOneBlock())
    return func.emitError("cannot instrument a function of several blocks");
  if (failed(solver.run(func)))
    return failure();
  // The samples: the leading dimension of the arguments (quant-run's
  // convention).
  auto first = func.getNumArguments()
                   ? dyn_cast<RankedTensorType>(func.getArgument(0).getType())
                   : RankedTensorType();
  if (!first || first.getRank() == 0 ||
      (first.getDimSize(0) != 1 && !first.isDynamicDim(0)))
    return func.emitError("the first argument must be a tensor whose leading "
                          "dimension counts the samples (1 or ?)");
  onePerCall = first.getDimSize(0) == 1;
  Block &entry = func.getBody().front();
  Operation *terminator = entry.getTerminator();
  b.setInsertionPoint(terminator);
  for (BlockArgument argument : entry.getArguments())
    if (const CircuitFact *fact = encryptedFact(argument)) {
      Value wide = widen(argument);
      if (failed(
              addCheck(argument, wide, *fact,
                       "argument #" + std::to_string(argument.getArgNumber()),
                       func.getLoc())))
        return failure();
    }
  SmallVector<Operation *> ops;
  for (Operation &op : entry.without_terminator())
    ops.push_back(&op);
  for (Operation *op : ops) {
    if (op->getNumResults() == 0 ||
        !llvm::any_of(op->getResults(),
                      [&](Value v) { return encryptedFact(v) != nullptr; }))
      continue;
    if (op->getNumResults() != 1)
      return op->emitError("cannot instrument an op of several results");
    FailureOr<Value> wide = wideOp(op);
    if (failed(wide))
      return failure();
    Value result = op->getResult(0);
    wideOf[result] = *wide;
    if (failed(addCheck(result, *wide, *encryptedFact(result),
                        op->getName().getStringRef(), op->getLoc())))
      return failure();
  }
  if (checks.empty())
    return func.emitError("no encrypted value to check");
  // The counters of all checks, written in place one check after another.
  Location loc = func.getLoc();
  SmallVector<OpFoldResult> shape{
      onePerCall ? OpFoldResult(b.getIndexAttr(1))
                 : tensor::getMixedSize(b, loc, func.getArgument(0), 0),
      b.getIndexAttr(kCounters * static_cast<int64_t>(checks.size()))};
  Value all = tensor::EmptyOp::create(b, loc, shape, b.getI64Type());
  RankedTensorType finalType = cast<RankedTensorType>(all.getType());
  all = tensor::CastOp::create(b, loc, getCountersType(), all);
  for (auto [index, check] : llvm::enumerate(checks)) {
    SmallVector<Value> operands(check.operands.begin(), check.operands.end());
    operands.push_back(all);
    operands.push_back(arith::ConstantIndexOp::create(
        b, loc, kCounters * static_cast<int64_t>(index)));
    all = func::CallOp::create(b, loc, check.function, operands).getResult(0);
  }
  all = tensor::CastOp::create(b, loc, finalType, all);
  SmallVector<Value> results{all};
  llvm::append_range(results, terminator->getOperands());
  func::ReturnOp::create(b, terminator->getLoc(), results);
  terminator->erase();
  SmallVector<Type> resultTypes;
  for (Value result : results)
    resultTypes.push_back(result.getType());
  func.setFunctionType(b.getFunctionType(func.getArgumentTypes(), resultTypes));
  func.setAllResultAttrs(ArrayRef<DictionaryAttr>{});
  return success();
}

} // namespace

LogicalResult mlir::qfhe::instrumentWithWideCopy(func::FuncOp func,
                                                 llvm::json::Array &layout) {
  return WideBuilder(func, layout).run();
}
