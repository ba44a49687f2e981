//===- JitProgram.cpp - compile a program once, call it many times --------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/JitProgram.h"
#include "MemRefDescriptor.h"

#include "qfhe/Pipelines/LowerToLLVM.h"
#include "qfhe/Runtime/EntryFunction.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <chrono>
#include <cstdlib>
#include <mutex>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// Runs the lowering on `module`, verifying after each pass or only at the
/// end; on failure, the error holds the diagnostics, one after the other.
llvm::Error lowerToLLVM(ModuleOp module, llvm::StringRef entry,
                        bool verifyEachPass) {
  std::string diagnostics;
  ScopedDiagnosticHandler handler(module.getContext(), [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error) {
      llvm::raw_string_ostream os(diagnostics);
      os << (diagnostics.empty() ? "" : "; ") << diag.getLocation() << ": "
         << diag;
    }
    return success();
  });
  PassManager pm(module.getContext());
  pm.enableVerifier(verifyEachPass);
  buildLowerToLLVMPipeline(pm);
  if (failed(pm.run(module)) || (!verifyEachPass && failed(verify(module))))
    return llvm::createStringError("cannot lower " + entry +
                                   " to LLVM: " + diagnostics);
  return llvm::Error::success();
}

/// Marks `entry` for the lowering: public, with a C interface
/// (`_mlir_ciface_<name>`) taking descriptors, and arguments that
/// bufferization must not write.
void prepareEntry(func::FuncOp entry) {
  MLIRContext *ctx = entry.getContext();
  entry.setPublic();
  entry->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                 UnitAttr::get(ctx));
  for (unsigned i = 0, e = entry.getNumArguments(); i < e; ++i)
    entry.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                     BoolAttr::get(ctx, false));
}

/// The LLVM optimization pipeline of `optLevel` (0 to 3) for `machine`:
/// LLVM's default per-module pipeline, except that loops are unrolled only
/// where their metadata asks for it (qfhe-annotate-loops: small innermost
/// loops fully, nothing else). Left to its own cost model, the unroller
/// fully unrolls the small inner loops of a lowered linalg op, and the loop
/// vectorizer then vectorizes the loop around them across strided elements,
/// with bodies of thousands of scalarized gathers: tens of seconds of
/// instruction scheduling for chunked integer programs (issue 16).
std::function<llvm::Error(llvm::Module *)>
makeOptimizer(unsigned optLevel, llvm::TargetMachine *machine) {
  return [optLevel, machine](llvm::Module *module) -> llvm::Error {
    llvm::LoopAnalysisManager loops;
    llvm::FunctionAnalysisManager functions;
    llvm::CGSCCAnalysisManager sccs;
    llvm::ModuleAnalysisManager modules;
    llvm::PipelineTuningOptions tuning;
    tuning.LoopUnrolling = false;
    tuning.LoopInterleaving = true;
    tuning.LoopVectorization = true;
    tuning.SLPVectorization = true;
    llvm::PassBuilder builder(machine, tuning);
    builder.registerModuleAnalyses(modules);
    builder.registerCGSCCAnalyses(sccs);
    builder.registerFunctionAnalyses(functions);
    builder.registerLoopAnalyses(loops);
    builder.crossRegisterProxies(loops, functions, sccs, modules);
    llvm::OptimizationLevel level =
        optLevel >= 3   ? llvm::OptimizationLevel::O3
        : optLevel == 2 ? llvm::OptimizationLevel::O2
        : optLevel == 1 ? llvm::OptimizationLevel::O1
                        : llvm::OptimizationLevel::O0;
    llvm::ModulePassManager passes =
        level == llvm::OptimizationLevel::O0
            ? builder.buildO0DefaultPipeline(level)
            : builder.buildPerModuleDefaultPipeline(level);
    passes.run(*module, modules);
    return llvm::Error::success();
  };
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

} // namespace

JitProgram::~JitProgram() = default;

llvm::Expected<std::unique_ptr<JitProgram>>
JitProgram::compile(ModuleOp module, llvm::StringRef entry, unsigned optLevel) {
  llvm::Expected<std::vector<std::unique_ptr<JitProgram>>> programs =
      compileAll(module, {entry.str()}, optLevel);
  if (!programs)
    return programs.takeError();
  return std::move(programs->front());
}

llvm::Expected<std::vector<std::unique_ptr<JitProgram>>>
JitProgram::compileAll(ModuleOp module, llvm::ArrayRef<std::string> entries,
                       unsigned optLevel, bool verifyEachPass) {
  auto start = std::chrono::steady_clock::now();
  std::vector<FunctionSpec> specs;
  std::vector<LargestTensors> largest;
  for (const std::string &entry : entries) {
    llvm::Expected<func::FuncOp> function = findEntryFunction(module, entry);
    if (!function)
      return function.takeError();
    llvm::Expected<FunctionSpec> spec = getFunctionSpec(*function);
    if (!spec)
      return spec.takeError();
    specs.push_back(std::move(*spec));
    largest.push_back(LargestTensors::measure(*function));
  }

  OwningOpRef<ModuleOp> lowered = module.clone();
  // Argument and result attributes (ranges, names) mean nothing to the
  // machine code; the LLVM translation would warn about each.
  lowered->walk([](func::FuncOp function) {
    for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
      function.setArgAttrs(i, ArrayRef<NamedAttribute>{});
    for (unsigned i = 0, e = function.getNumResults(); i < e; ++i)
      function.setResultAttrs(i, ArrayRef<NamedAttribute>{});
  });
  for (const std::string &entry : entries)
    prepareEntry(lowered->lookupSymbol<func::FuncOp>(entry));
  MLIRContext *ctx = module.getContext();
  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  std::string names;
  for (const std::string &entry : entries)
    names += (names.empty() ? "@" : ", @") + entry;
  if (llvm::Error error = lowerToLLVM(*lowered, names, verifyEachPass))
    return std::move(error);

  static std::once_flag nativeTargetInitialized;
  std::call_once(nativeTargetInitialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  // Optimize for the host CPU: the vectorizers need its vector width.
  llvm::Expected<llvm::orc::JITTargetMachineBuilder> hostBuilder =
      llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!hostBuilder)
    return hostBuilder.takeError();
  hostBuilder->setCodeGenOptLevel(
      optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
      : optLevel == 2 ? llvm::CodeGenOptLevel::Default
      : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                      : llvm::CodeGenOptLevel::None);
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> targetMachine =
      hostBuilder->createTargetMachine();
  if (!targetMachine)
    return targetMachine.takeError();
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeOptimizer(optLevel, targetMachine->get());
  ExecutionEngineOptions options;
  options.transformer = optimize;
  // Lowered programs may call MLIR's C runner utilities (memrefCopy for
  // strided copies, say).
  static const std::string runnerUtils = QFHE_MLIR_C_RUNNER_UTILS;
  SmallVector<StringRef, 1> libraries{runnerUtils};
  options.sharedLibPaths = libraries;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  llvm::Expected<std::unique_ptr<ExecutionEngine>> created =
      ExecutionEngine::create(*lowered, options, std::move(*targetMachine));
  if (!created)
    return llvm::createStringError("cannot compile " + names + ": " +
                                   llvm::toString(created.takeError()));
  std::shared_ptr<ExecutionEngine> engine = std::move(*created);
  std::vector<std::unique_ptr<JitProgram>> programs;
  for (auto [entry, spec, tensors] : llvm::zip_equal(entries, specs, largest)) {
    // Looking the function up compiles the module (once).
    llvm::Expected<void (*)(void **)> packed =
        engine->lookupPacked("_mlir_ciface_" + entry);
    if (!packed)
      return llvm::createStringError("cannot compile @" + entry + ": " +
                                     llvm::toString(packed.takeError()));
    std::unique_ptr<JitProgram> program(new JitProgram());
    program->spec = std::move(spec);
    program->largestTensors = std::move(tensors);
    program->engine = engine;
    program->packedEntry = *packed;
    programs.push_back(std::move(program));
  }
  double seconds = secondsSince(start);
  for (std::unique_ptr<JitProgram> &program : programs)
    program->compileSeconds = seconds;
  return programs;
}

llvm::Expected<llvm::SmallVector<HostArray>>
JitProgram::call(llvm::ArrayRef<ArrayView> arguments) {
  if (arguments.size() != spec.arguments.size())
    return llvm::createStringError(
        "@" + spec.name + " takes " + llvm::Twine(spec.arguments.size()) +
        " arguments, got " + llvm::Twine(arguments.size()));
  for (auto [index, argument, argSpec] :
       llvm::enumerate(arguments, spec.arguments)) {
    bool matches = argument.dtype == argSpec.element.storage &&
                   argument.shape.size() == argSpec.shape.size();
    for (size_t dim = 0; matches && dim < argSpec.shape.size(); ++dim)
      matches = argSpec.shape[dim] == kDynamicSize ||
                argSpec.shape[dim] == argument.shape[dim];
    if (!matches)
      return llvm::createStringError(
          "argument " + llvm::Twine(index) + " of @" + spec.name + " is " +
          argSpec.typeName + ", got " + getDTypeName(argument.dtype) +
          " data of shape " + formatShape(argument.shape));
  }

  // The compiled code would use the null pointer malloc returns for a tensor
  // that does not fit in memory.
  int64_t samples = 1;
  for (auto [argument, argSpec] : llvm::zip(arguments, spec.arguments))
    if (!argSpec.shape.empty() && argSpec.shape.front() == kDynamicSize)
      samples = std::max(samples, argument.shape.front());
  if (llvm::Error error =
          largestTensors.checkFits(samples, getPhysicalMemoryBytes()))
    return llvm::createStringError("cannot run @" + spec.name + ": " +
                                   llvm::toString(std::move(error)));

  // The C interface takes a pointer to where the results go (one descriptor,
  // or a struct of descriptors, all made of 64-bit words), then a pointer to
  // each argument's descriptor. The packed form takes the address of each of
  // these pointers.
  llvm::SmallVector<size_t> resultOffsets;
  size_t resultWords = 0;
  for (const TensorSpec &result : spec.results) {
    resultOffsets.push_back(resultWords);
    resultWords += getDescriptorWords(result.shape.size());
  }
  llvm::SmallVector<int64_t, 32> results(resultWords);
  llvm::SmallVector<llvm::SmallVector<int64_t, 8>> descriptors;
  for (const ArrayView &argument : arguments) {
    descriptors.emplace_back(getDescriptorWords(argument.shape.size()));
    describeArray(argument, descriptors.back().data());
  }
  llvm::SmallVector<void *> pointers;
  pointers.push_back(results.data());
  for (auto &descriptor : descriptors)
    pointers.push_back(descriptor.data());
  llvm::SmallVector<void *> packed;
  for (void *&pointer : pointers)
    packed.push_back(&pointer);
  packedEntry(packed.data());

  // Every result is copied before any buffer is freed: results may alias
  // one another (a tensor and its bitcast share one buffer).
  llvm::SmallVector<HostArray> arrays;
  for (auto [offset, result] : llvm::zip_equal(resultOffsets, spec.results)) {
    arrays.push_back(copyMemRef(results.data() + offset, result.shape.size(),
                                result.element.storage));
    canonicalizeElements(arrays.back(), result.element);
  }
  // The program's own buffers are the caller's to free, once each. A result
  // may also be an argument's buffer (the caller's data) or a constant's
  // global, whose allocated pointer MLIR's LLVM lowering marks 0xdeadbeef.
  llvm::SmallPtrSet<void *, 4> notOwned;
  for (const auto &descriptor : descriptors)
    notOwned.insert(getAllocatedPointer(descriptor.data()));
  notOwned.insert(reinterpret_cast<void *>(uintptr_t{0xdeadbeef}));
  notOwned.insert(nullptr);
  for (size_t offset : resultOffsets) {
    void *allocated = getAllocatedPointer(results.data() + offset);
    if (notOwned.insert(allocated).second)
      std::free(allocated);
  }
  return arrays;
}
