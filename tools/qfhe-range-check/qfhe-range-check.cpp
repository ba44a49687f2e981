//===- qfhe-range-check.cpp - a program against its widened copy ----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Test tool of the verifier's property tests (test/e2e/verifier-*.test):
// reads a verified integer program, instruments its entry function with a
// widened copy (WideProgram.h) and writes the result, which quant-run then
// runs on data. `--layout FILE` writes which value each group of counters
// belongs to, with its proven ranges.
//
//   qfhe-range-check integer.mlir -o checked.mlir --layout layout.json
//   quant-run checked.mlir --data x.npy -o counters.npy
//
//===----------------------------------------------------------------------===//

#include "WideProgram.h"

#include "qfhe/InitQFHE.h"
#include "qfhe/Support/ParserWorkarounds.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace {

llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                     llvm::cl::desc("<integer program>"),
                                     llvm::cl::Required);
llvm::cl::opt<std::string> outputFile("o", llvm::cl::desc("Output file"),
                                      llvm::cl::value_desc("file"),
                                      llvm::cl::init("-"));
llvm::cl::opt<std::string>
    layoutFile("layout",
               llvm::cl::desc("Write the checked values and their proven "
                              "ranges as JSON to this file"),
               llvm::cl::value_desc("file"));
llvm::cl::opt<std::string>
    entryName("entry",
              llvm::cl::desc("The function to instrument (default: "
                             "the only public function)"),
              llvm::cl::value_desc("name"));

/// The function to instrument: `--entry`, or the only public one.
func::FuncOp findEntry(ModuleOp module) {
  func::FuncOp entry;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    if (!entryName.empty() ? func.getSymName() == entryName : func.isPublic()) {
      if (entry) {
        module.emitError("several public functions: choose one with --entry");
        return {};
      }
      entry = func;
    }
  }
  if (!entry)
    module.emitError("no function to instrument");
  return entry;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "checks a verified integer program against its i64 copy\n");
  DialectRegistry registry;
  qfhe::registerQFHEDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  std::string error;
  auto input = openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << "qfhe-range-check: " << error << "\n";
    return 1;
  }
  // What MLIR 22's linalg parsers crash on is refused with its location.
  if (qfhe::reportLinalgParserCrashSite(*input))
    return 1;
  sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;
  func::FuncOp entry = findEntry(*module);
  llvm::json::Array layout;
  if (!entry || failed(qfhe::instrumentWithWideCopy(entry, layout)) ||
      failed(module->verify()))
    return 1;
  auto output = openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << "qfhe-range-check: " << error << "\n";
    return 1;
  }
  module->print(output->os());
  output->keep();
  if (!layoutFile.empty()) {
    auto layoutOutput = openOutputFile(layoutFile, &error);
    if (!layoutOutput) {
      llvm::errs() << "qfhe-range-check: " << error << "\n";
      return 1;
    }
    layoutOutput->os() << llvm::formatv("{0:2}",
                                        llvm::json::Value(std::move(layout)))
                       << "\n";
    layoutOutput->keep();
  }
  return 0;
}
