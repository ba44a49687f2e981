//===- PieceEvaluator.cpp - run programs piece by piece, reusing work -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/PieceEvaluator.h"
#include "ProgramPieces.h"

#include "qfhe/Runtime/Calibration.h"
#include "qfhe/Runtime/EntryFunction.h"
#include "qfhe/Runtime/JitProgram.h"
#include "qfhe/Runtime/Npy.h"
#include "qfhe/Runtime/SampleRunner.h"

#include "mlir/IR/Builders.h"

#include <cstring>
#include <list>
#include <map>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// The first `count` rows of `array` (all when it has fewer).
HostArray takeRows(const HostArray &array, int64_t count) {
  if (array.getRank() == 0 || array.getShape()[0] <= count)
    return array;
  SmallVector<int64_t> shape(array.getShape());
  shape[0] = count;
  HostArray rows(array.getDType(), shape);
  std::memcpy(rows.getData(), array.getData(), rows.getSizeInBytes());
  return rows;
}

/// A copy of the elements `view` shows.
HostArray copyRows(const ArrayView &view) {
  HostArray array(view.dtype, view.shape);
  if (array.getSizeInBytes())
    std::memcpy(array.getData(), view.data, array.getSizeInBytes());
  return array;
}

/// Calls `program` on `count` rows of `inputs`: once when it takes batches,
/// else once per row, the rows' results stacked.
llvm::Expected<SmallVector<HostArray>>
callOnRows(JitProgram &program, ArrayRef<ArrayView> inputs, int64_t count) {
  if (takesBatches(program.getSpec()))
    return program.call(inputs);
  SmallVector<HostArray> stacked;
  SmallVector<ArrayView> row(inputs.begin(), inputs.end());
  for (int64_t r = 0; r < count; ++r) {
    for (auto [view, input] : llvm::zip(row, inputs)) {
      size_t rowBytes = getNumElements(input.shape) /
                        std::max<int64_t>(input.shape.front(), 1) *
                        getDTypeSize(input.dtype);
      view.shape.front() = 1;
      view.data = input.data + r * rowBytes;
    }
    llvm::Expected<SmallVector<HostArray>> results = program.call(row);
    if (!results)
      return results.takeError();
    for (auto [index, result] : llvm::enumerate(*results)) {
      if (result.getRank() == 0 || result.getShape().front() != 1)
        return llvm::createStringError(
            "a piece result does not count the samples: shape " +
            formatShape(result.getShape()));
      if (stacked.size() == index) {
        SmallVector<int64_t, 4> shape(result.getShape());
        shape.front() = count;
        stacked.emplace_back(result.getDType(), shape);
      }
      std::memcpy(stacked[index].getData() + r * result.getSizeInBytes(),
                  result.getData(), result.getSizeInBytes());
    }
  }
  return stacked;
}

/// The one function of a piece's module.
func::FuncOp getFunction(ModuleOp module) {
  return *module.getOps<func::FuncOp>().begin();
}

/// One compiled piece.
struct CompiledPiece {
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<JitProgram> program;
  uint64_t id;
};

/// The outputs of a piece on one batch.
using PieceOutputs = std::shared_ptr<SmallVector<HostArray>>;

class PieceEvaluatorImpl : public ProgramEvaluator {
public:
  PieceEvaluatorImpl(SmallVector<HostArray> samples,
                     PieceEvaluatorOptions options, std::string name)
      : samples(std::move(samples)), options(options), name(std::move(name)) {}

  int64_t getNumSamples() const override {
    return samples.empty() || samples.front().getRank() == 0
               ? 1
               : samples.front().getShape()[0];
  }

  std::string getSampleWarning() const override { return sampleWarning; }

  /// Sets what getSampleWarning says.
  void setSampleWarning(std::string warning) {
    sampleWarning = std::move(warning);
  }

  llvm::Expected<EvaluatedOutputs>
  run(ModuleOp program, StringRef entry,
      llvm::function_ref<bool(const EvaluatedOutputs &)> keepGoing) override;

  /// The whole program compiled as quant-run compiles it (O3), in one
  /// piece, kept nowhere.
  llvm::Expected<EvaluatedOutputs> runOnce(ModuleOp program,
                                           StringRef entry) override;

private:
  /// The samples converted for the arguments of `spec`, and an id of that
  /// conversion.
  llvm::Expected<std::pair<ArrayRef<HostArray>, uint64_t>>
  getInputs(const FunctionSpec &spec);
  /// The compiled piece equal to each of `pieces`, compiling the new ones
  /// together.
  llvm::Expected<SmallVector<CompiledPiece *>>
  getCompiled(ProgramPieces &pieces);
  /// A number for `key` (equal keys, equal numbers).
  uint64_t intern(std::vector<uint64_t> key) {
    return keys.try_emplace(std::move(key), keys.size()).first->second;
  }
  /// Kept outputs of the piece run `key` on batch `batch`, if any.
  PieceOutputs lookupOutputs(uint64_t key, int64_t batch);
  void keepOutputs(uint64_t key, int64_t batch, PieceOutputs outputs);

  SmallVector<HostArray> samples;
  PieceEvaluatorOptions options;
  std::string name;
  std::string sampleWarning;
  std::map<std::string, std::pair<SmallVector<HostArray>, uint64_t>> inputs;
  DenseMap<size_t, SmallVector<std::unique_ptr<CompiledPiece>>> compiled;
  uint64_t nextPieceId = 0;
  std::map<std::vector<uint64_t>, uint64_t> keys;
  /// Kept outputs, the most recently used first.
  using Kept = std::pair<std::pair<uint64_t, int64_t>, PieceOutputs>;
  std::list<Kept> kept;
  std::map<std::pair<uint64_t, int64_t>, std::list<Kept>::iterator> keptIndex;
  size_t keptBytes = 0;
};

llvm::Expected<std::pair<ArrayRef<HostArray>, uint64_t>>
PieceEvaluatorImpl::getInputs(const FunctionSpec &spec) {
  std::string signature;
  for (const TensorSpec &argument : spec.arguments)
    signature += argument.typeName + ";";
  auto it = inputs.find(signature);
  if (it == inputs.end()) {
    SmallVector<std::string> names(samples.size(), name);
    llvm::Expected<SmallVector<HostArray>> converted =
        prepareInputs(spec, samples, names);
    if (!converted)
      return converted.takeError();
    uint64_t id = inputs.size();
    it = inputs.emplace(signature, std::make_pair(std::move(*converted), id))
             .first;
  }
  return std::make_pair(ArrayRef<HostArray>(it->second.first),
                        it->second.second);
}

llvm::Expected<SmallVector<CompiledPiece *>>
PieceEvaluatorImpl::getCompiled(ProgramPieces &pieces) {
  SmallVector<CompiledPiece *> found(pieces.pieces.size(), nullptr);
  SmallVector<size_t> missing;
  for (auto [index, piece] : llvm::enumerate(pieces.pieces)) {
    for (std::unique_ptr<CompiledPiece> &candidate :
         compiled[static_cast<size_t>(piece.hash)])
      if (isSamePiece(getFunction(*candidate->module), piece.getFunction())) {
        found[index] = candidate.get();
        break;
      }
    if (!found[index])
      missing.push_back(index);
  }
  if (missing.empty())
    return found;
  // The new pieces (some may repeat) in one module, compiled at once. They
  // are cut from programs the search has verified: the lowering verifies
  // once, at its end.
  ModuleOp first = *pieces.pieces[missing.front()].module;
  OwningOpRef<ModuleOp> combined = ModuleOp::create(first.getLoc());
  OpBuilder builder = OpBuilder::atBlockEnd(combined->getBody());
  std::vector<std::string> names;
  for (size_t index : missing) {
    auto function =
        cast<func::FuncOp>(builder.clone(*pieces.pieces[index].getFunction()));
    names.push_back("piece_" + std::to_string(names.size()));
    function.setSymName(names.back());
  }
  llvm::Expected<std::vector<std::unique_ptr<JitProgram>>> programs =
      JitProgram::compileAll(*combined, names, options.optLevel,
                             /*verifyEachPass=*/false);
  if (!programs)
    return programs.takeError();
  for (auto [index, program] : llvm::zip_equal(missing, *programs)) {
    ProgramPiece &piece = pieces.pieces[index];
    auto &bucket = compiled[static_cast<size_t>(piece.hash)];
    // A piece that repeats within the program is kept once.
    CompiledPiece *same = nullptr;
    for (std::unique_ptr<CompiledPiece> &candidate : bucket)
      if (isSamePiece(getFunction(*candidate->module), piece.getFunction()))
        same = candidate.get();
    if (!same) {
      auto entry = std::make_unique<CompiledPiece>();
      entry->module = std::move(piece.module);
      entry->program = std::move(program);
      entry->id = nextPieceId++;
      same = entry.get();
      bucket.push_back(std::move(entry));
    }
    found[index] = same;
  }
  return found;
}

PieceOutputs PieceEvaluatorImpl::lookupOutputs(uint64_t key, int64_t batch) {
  auto it = keptIndex.find({key, batch});
  if (it == keptIndex.end())
    return nullptr;
  kept.splice(kept.begin(), kept, it->second);
  return it->second->second;
}

void PieceEvaluatorImpl::keepOutputs(uint64_t key, int64_t batch,
                                     PieceOutputs outputs) {
  for (const HostArray &array : *outputs)
    keptBytes += array.getSizeInBytes();
  kept.push_front({{key, batch}, std::move(outputs)});
  keptIndex[{key, batch}] = kept.begin();
  while (keptBytes > options.outputBytes && kept.size() > 1) {
    for (const HostArray &array : *kept.back().second)
      keptBytes -= array.getSizeInBytes();
    keptIndex.erase(kept.back().first);
    kept.pop_back();
  }
}

llvm::Expected<EvaluatedOutputs> PieceEvaluatorImpl::run(
    ModuleOp program, StringRef entry,
    llvm::function_ref<bool(const EvaluatedOutputs &)> keepGoing) {
  llvm::Expected<func::FuncOp> function = findEntryFunction(program, entry);
  if (!function)
    return function.takeError();
  llvm::Expected<FunctionSpec> spec = getFunctionSpec(*function);
  if (!spec)
    return spec.takeError();
  if (spec->results.empty())
    return llvm::createStringError("@" + entry + " has no result");
  llvm::Expected<std::pair<ArrayRef<HostArray>, uint64_t>> prepared =
      getInputs(*spec);
  if (!prepared)
    return prepared.takeError();
  ArrayRef<HostArray> arguments = prepared->first;
  uint64_t signature = prepared->second;
  llvm::Expected<ProgramPieces> pieces = cutIntoPieces(*function);
  if (!pieces)
    return pieces.takeError();
  llvm::Expected<SmallVector<CompiledPiece *>> compiledPieces =
      getCompiled(*pieces);
  if (!compiledPieces)
    return compiledPieces.takeError();

  // The key of each piece's run: the piece and the keys of its inputs.
  SmallVector<uint64_t> runKeys;
  auto sourceKey = [&](PieceSource source) {
    if (source.piece < 0)
      return intern({0, signature, source.index});
    return intern({1, runKeys[source.piece], source.index});
  };
  for (auto [piece, code] : llvm::zip(pieces->pieces, *compiledPieces)) {
    std::vector<uint64_t> key{2, code->id};
    for (PieceSource source : piece.inputs)
      key.push_back(sourceKey(source));
    runKeys.push_back(intern(std::move(key)));
  }

  int64_t total = arguments.front().getShape().front();
  int64_t batchSize = std::max<int64_t>(options.batchSize, 1);
  EvaluatedOutputs outputs;
  SmallVector<PieceOutputs> batchOutputs(pieces->pieces.size());
  for (int64_t begin = 0, batch = 0; begin < total;
       begin += batchSize, ++batch) {
    int64_t count = std::min(batchSize, total - begin);
    auto viewOf = [&](PieceSource source) -> ArrayView {
      if (source.piece < 0)
        return arguments[source.index].getRows(begin, count);
      return (*batchOutputs[source.piece])[source.index].getView();
    };
    for (auto [index, piece] : llvm::enumerate(pieces->pieces)) {
      PieceOutputs done = lookupOutputs(runKeys[index], batch);
      if (!done) {
        SmallVector<ArrayView> views;
        for (PieceSource source : piece.inputs)
          views.push_back(viewOf(source));
        llvm::Expected<SmallVector<HostArray>> results =
            callOnRows(*(*compiledPieces)[index]->program, views, count);
        if (!results)
          return results.takeError();
        done = std::make_shared<SmallVector<HostArray>>(std::move(*results));
        keepOutputs(runKeys[index], batch, done);
      }
      batchOutputs[index] = done;
    }
    // Result 0 of the entry for these samples.
    PieceSource source = pieces->results.front();
    HostArray argumentRows;
    if (source.piece < 0)
      argumentRows = copyRows(arguments[source.index].getRows(begin, count));
    const HostArray &result = source.piece < 0
                                  ? argumentRows
                                  : (*batchOutputs[source.piece])[source.index];
    outputs.width = count ? result.getNumElements() / count : 0;
    for (int64_t i = 0, e = result.getNumElements(); i < e; ++i)
      outputs.values.push_back(result.getAsDouble(i));
    outputs.samples += count;
    if (keepGoing && !keepGoing(outputs))
      break;
  }
  return outputs;
}

llvm::Expected<EvaluatedOutputs> PieceEvaluatorImpl::runOnce(ModuleOp program,
                                                             StringRef entry) {
  llvm::Expected<std::unique_ptr<JitProgram>> compiled =
      JitProgram::compile(program, entry);
  if (!compiled)
    return compiled.takeError();
  if ((*compiled)->getSpec().results.empty())
    return llvm::createStringError("@" + entry + " has no result");
  llvm::Expected<std::pair<ArrayRef<HostArray>, uint64_t>> prepared =
      getInputs((*compiled)->getSpec());
  if (!prepared)
    return prepared.takeError();
  RunOptions runOptions;
  runOptions.batchSize = options.batchSize;
  llvm::Expected<SmallVector<HostArray>> results =
      runOnSamples(**compiled, prepared->first, runOptions);
  if (!results)
    return results.takeError();
  const HostArray &result = results->front();
  EvaluatedOutputs outputs;
  outputs.samples = result.getRank() ? result.getShape().front() : 1;
  outputs.width =
      outputs.samples ? result.getNumElements() / outputs.samples : 0;
  for (int64_t i = 0, e = result.getNumElements(); i < e; ++i)
    outputs.values.push_back(result.getAsDouble(i));
  return outputs;
}

} // namespace

std::shared_ptr<ProgramEvaluator>
mlir::qfhe::createPieceEvaluator(SmallVector<HostArray> samples,
                                 PieceEvaluatorOptions options) {
  return std::make_shared<PieceEvaluatorImpl>(std::move(samples), options,
                                              "the samples");
}

llvm::Expected<std::shared_ptr<ProgramEvaluator>>
mlir::qfhe::createPieceEvaluator(llvm::StringRef path, int64_t maxSamples,
                                 PieceEvaluatorOptions options) {
  llvm::Expected<HostArray> data = readNpyFile(path);
  if (!data)
    return data.takeError();
  SmallVector<HostArray> samples;
  samples.push_back(takeRows(*data, maxSamples));
  auto evaluator = std::make_shared<PieceEvaluatorImpl>(std::move(samples),
                                                        options, path.str());
  evaluator->setSampleWarning(getCalibrationWarning(*data, path));
  return evaluator;
}

void mlir::qfhe::installPieceEvaluator() {
  setProgramEvaluatorFactory(
      [](StringRef source, int64_t maxSamples)
          -> llvm::Expected<std::shared_ptr<ProgramEvaluator>> {
        return createPieceEvaluator(source, maxSamples);
      });
}
