//===- ProgramPieces.cpp - a program cut into layer-sized functions -------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "ProgramPieces.h"

#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;
using namespace mlir::qfhe;

func::FuncOp ProgramPiece::getFunction() const {
  return *module.get().getOps<func::FuncOp>().begin();
}

namespace {

/// Whether a piece ends after `op`: a contraction or reduction (a layer).
bool endsPiece(Operation *op) {
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return linalgOp.getNumReductionLoops() > 0;
  return isa<MatmulOp, Conv2DOp, SumPoolOp, MaxPoolOp, ReduceSumOp>(op);
}

/// What makes an op what it is, besides its operands: its name, inherent
/// (properties) and discardable attributes, result types and the shape of
/// its regions. Attributes and types are uniqued: compared by identity.
struct OpIdentity {
  OperationName name;
  Attribute properties;
  DictionaryAttr attributes;
  SmallVector<Type> results;
  SmallVector<SmallVector<Type>> blockArguments;

  explicit OpIdentity(Operation *op)
      : name(op->getName()), properties(op->getPropertiesAsAttribute()),
        attributes(op->getRawDictionaryAttrs()), results(op->getResultTypes()) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        blockArguments.emplace_back(block.getArgumentTypes());
  }
  bool operator==(const OpIdentity &other) const {
    return name == other.name && properties == other.properties &&
           attributes == other.attributes && results == other.results &&
           blockArguments == other.blockArguments;
  }
};

/// Numbers the values of a function in the order they are defined.
class ValueNumbering {
public:
  /// The number of `value`, numbering it when first seen.
  unsigned get(Value value) {
    return numbers.try_emplace(value, numbers.size()).first->second;
  }

private:
  DenseMap<Value, unsigned> numbers;
};

/// Calls `visit` on every op of `function` in order (nested ops after their
/// parent), numbering block arguments and results as they are defined.
void visitOps(func::FuncOp function, ValueNumbering &numbering,
              function_ref<void(Operation *)> visit) {
  for (BlockArgument argument : function.getArguments())
    numbering.get(argument);
  function.getBody().walk<WalkOrder::PreOrder>([&](Operation *op) {
    visit(op);
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument argument : block.getArguments())
          numbering.get(argument);
    for (Value result : op->getResults())
      numbering.get(result);
  });
}

/// A hash of the ops of `function`: their identities and the numbers of
/// their operands.
llvm::hash_code hashPiece(func::FuncOp function) {
  ValueNumbering numbering;
  llvm::hash_code hash =
      llvm::hash_value(function.getFunctionType().getAsOpaquePointer());
  visitOps(function, numbering, [&](Operation *op) {
    hash = llvm::hash_combine(
        hash, op->getName().getAsOpaquePointer(),
        op->getPropertiesAsAttribute().getAsOpaquePointer(),
        op->getRawDictionaryAttrs().getAsOpaquePointer(), op->getNumRegions());
    for (Type type : op->getResultTypes())
      hash = llvm::hash_combine(hash, type.getAsOpaquePointer());
    for (Value operand : op->getOperands())
      hash = llvm::hash_combine(hash, numbering.get(operand));
  });
  return hash;
}

/// Builds the pieces of one assignment of the entry's ops to pieces.
class PieceBuilder {
public:
  PieceBuilder(func::FuncOp entry, ArrayRef<SmallVector<Operation *>> members)
      : entry(entry), members(members) {
    for (auto [index, ops] : llvm::enumerate(members))
      for (Operation *op : ops)
        pieceOf[op] = static_cast<int>(index);
    // The leading dimension of every argument: the samples.
    for (BlockArgument argument : entry.getArguments())
      if (auto type = dyn_cast<RankedTensorType>(argument.getType()))
        if (type.getRank() > 0)
          sampleSize = type.getDimSize(0);
  }

  /// The pieces, or failure when a value cannot cross pieces.
  FailureOr<ProgramPieces> build();

private:
  struct State {
    OwningOpRef<ModuleOp> module;
    func::FuncOp function;
    IRMapping mapping;
    SmallVector<PieceSource> inputs;
    /// The entry's values this piece returns, in order.
    SmallVector<Value> outputs;
  };

  /// Whether a tensor may cross pieces: its leading dimension counts the
  /// samples, as the arguments' does.
  bool isSampleTensor(Type type) const {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return tensor && tensor.getRank() > 0 && sampleSize &&
           tensor.getDimSize(0) == *sampleSize;
  }
  /// The index of `value` among the results of piece `piece`.
  unsigned outputIndex(int piece, Value value);
  /// `value` in piece `piece`: an argument, a copied constant or scalar, or
  /// a value the piece computed.
  FailureOr<Value> materialize(int piece, Value value, OpBuilder &builder);

  func::FuncOp entry;
  ArrayRef<SmallVector<Operation *>> members;
  DenseMap<Operation *, int> pieceOf;
  std::optional<int64_t> sampleSize;
  SmallVector<State> states;
};

unsigned PieceBuilder::outputIndex(int piece, Value value) {
  SmallVector<Value> &outputs = states[piece].outputs;
  auto it = llvm::find(outputs, value);
  if (it != outputs.end())
    return it - outputs.begin();
  outputs.push_back(value);
  return outputs.size() - 1;
}

FailureOr<Value> PieceBuilder::materialize(int piece, Value value,
                                           OpBuilder &builder) {
  State &state = states[piece];
  if (Value mapped = state.mapping.lookupOrNull(value))
    return mapped;
  auto addArgument = [&](PieceSource source) -> FailureOr<Value> {
    if (!isSampleTensor(value.getType()))
      return failure();
    Value argument = state.function.getBody().front().addArgument(
        value.getType(), value.getLoc());
    state.inputs.push_back(source);
    state.mapping.map(value, argument);
    return argument;
  };
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    if (argument.getOwner() != &entry.getBody().front())
      return failure();
    return addArgument({-1, argument.getArgNumber()});
  }
  Operation *definer = value.getDefiningOp();
  auto it = pieceOf.find(definer);
  if (it != pieceOf.end() && it->second < piece &&
      isa<TensorType>(value.getType()))
    return addArgument({it->second, outputIndex(it->second, value)});
  // Constants, and scalars of earlier pieces (tensor.dim of an argument),
  // are copied, with what they are computed from.
  bool copyable =
      definer->hasTrait<OpTrait::ConstantLike>() ||
      (it != pieceOf.end() && it->second < piece &&
       definer->getNumRegions() == 0 && isMemoryEffectFree(definer));
  if (!copyable)
    return failure();
  for (Value operand : definer->getOperands())
    if (failed(materialize(piece, operand, builder)))
      return failure();
  builder.clone(*definer, state.mapping);
  return state.mapping.lookup(value);
}

FailureOr<ProgramPieces> PieceBuilder::build() {
  MLIRContext *ctx = entry.getContext();
  Location loc = entry.getLoc();
  for (size_t index = 0; index < members.size(); ++index) {
    State &state = states.emplace_back();
    state.module = ModuleOp::create(loc);
    OpBuilder builder(ctx);
    builder.setInsertionPointToEnd(state.module->getBody());
    state.function = func::FuncOp::create(builder, loc, "piece",
                                          builder.getFunctionType({}, {}));
    builder.setInsertionPointToEnd(state.function.addEntryBlock());
  }
  for (auto [index, ops] : llvm::enumerate(members)) {
    int piece = static_cast<int>(index);
    OpBuilder builder =
        OpBuilder::atBlockEnd(&states[piece].function.getBody().front());
    for (Operation *op : ops) {
      llvm::SetVector<Value> used;
      used.insert(op->operand_begin(), op->operand_end());
      getUsedValuesDefinedAbove(op->getRegions(), used);
      for (Value value : used)
        if (failed(materialize(piece, value, builder)))
          return failure();
      builder.clone(*op, states[piece].mapping);
    }
  }
  ProgramPieces result;
  auto ret = cast<func::ReturnOp>(entry.getBody().front().getTerminator());
  for (Value value : ret.getOperands()) {
    if (auto argument = dyn_cast<BlockArgument>(value)) {
      result.results.push_back({-1, argument.getArgNumber()});
      continue;
    }
    auto it = pieceOf.find(value.getDefiningOp());
    if (it == pieceOf.end() || !isSampleTensor(value.getType()))
      return failure();
    result.results.push_back({it->second, outputIndex(it->second, value)});
  }
  for (State &state : states) {
    Block &body = state.function.getBody().front();
    OpBuilder builder = OpBuilder::atBlockEnd(&body);
    SmallVector<Value> returned;
    for (Value output : state.outputs)
      returned.push_back(state.mapping.lookup(output));
    if (llvm::any_of(state.outputs, [&](Value output) {
          return !isSampleTensor(output.getType());
        }))
      return failure();
    func::ReturnOp::create(builder, loc, returned);
    state.function.setFunctionType(builder.getFunctionType(
        body.getArgumentTypes(), ValueRange(returned).getTypes()));
    ProgramPiece piece;
    piece.inputs = std::move(state.inputs);
    piece.module = std::move(state.module);
    result.pieces.push_back(std::move(piece));
  }
  for (ProgramPiece &piece : result.pieces)
    piece.hash = hashPiece(piece.getFunction());
  return result;
}

} // namespace

llvm::Expected<ProgramPieces> mlir::qfhe::cutIntoPieces(func::FuncOp entry) {
  if (!entry.getBody().hasOneBlock() ||
      !isa<func::ReturnOp>(entry.getBody().front().getTerminator()))
    return llvm::createStringError("@" + entry.getSymName() +
                                   " must have one block ending in a return");
  // Each op in the piece of the layers before it; constants go where they
  // are used.
  SmallVector<SmallVector<Operation *>> members(1);
  SmallVector<Operation *> all;
  for (Operation &op : entry.getBody().front().without_terminator()) {
    if (op.hasTrait<OpTrait::ConstantLike>())
      continue;
    members.back().push_back(&op);
    all.push_back(&op);
    if (endsPiece(&op))
      members.emplace_back();
  }
  if (members.size() > 1 && members.back().empty())
    members.pop_back();
  if (members.size() > 1) {
    FailureOr<ProgramPieces> pieces = PieceBuilder(entry, members).build();
    if (succeeded(pieces))
      return std::move(*pieces);
  }
  // One piece: nothing crosses.
  SmallVector<SmallVector<Operation *>> whole{all};
  FailureOr<ProgramPieces> pieces = PieceBuilder(entry, whole).build();
  if (failed(pieces))
    return llvm::createStringError("cannot make a function of the body of @" +
                                   entry.getSymName());
  return std::move(*pieces);
}

bool mlir::qfhe::isSamePiece(func::FuncOp a, func::FuncOp b) {
  if (a.getFunctionType() != b.getFunctionType())
    return false;
  // The ops in order, with equal identities and equally numbered operands.
  auto describe = [](func::FuncOp function) {
    ValueNumbering numbering;
    SmallVector<std::pair<OpIdentity, SmallVector<unsigned>>> ops;
    visitOps(function, numbering, [&](Operation *op) {
      SmallVector<unsigned> operands;
      for (Value operand : op->getOperands())
        operands.push_back(numbering.get(operand));
      ops.emplace_back(OpIdentity(op), std::move(operands));
    });
    return ops;
  };
  return describe(a) == describe(b);
}
