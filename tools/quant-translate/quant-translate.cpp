//===- quant-translate.cpp - the qfhe translation driver ------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Translates other formats to MLIR, like mlir-translate:
//
//   quant-translate --import-onnx model.onnx -o model.mlir
//
// Unlike mlir-translate, it prints locations by default: the importer
// locates every op at its ONNX node's name, and the passes' reports and
// errors name the node only if the file keeps it
// (--mlir-print-debuginfo=false leaves them out). The output is written
// whole or not at all: a write that fails is an error naming the file, and
// a failed import leaves an existing output file as it was.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "qfhe/Import/ONNX.h"
#include "qfhe/Support/Interrupt.h"
#include "qfhe/Support/OutputFile.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

namespace cl = llvm::cl;

namespace {

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<input file>"),
                               cl::init("-"));
cl::opt<std::string> outputPath("o", cl::desc("Output filename"),
                                cl::value_desc("filename"), cl::init("-"));
cl::opt<bool>
    importONNX("import-onnx",
               cl::desc("Import a binary ONNX model (.onnx) as MLIR"));

int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "quant-translate") << message << "\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  // Ctrl-C on a long search ends it with a message and no partial output.
  mlir::qfhe::reportInterrupts("quant-translate");
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  // The default goes first: the command line's own flag, later, wins.
  llvm::SmallVector<const char *> args(argv, argv + argc);
  args.insert(args.begin() + 1, "--mlir-print-debuginfo");
  cl::ParseCommandLineOptions(static_cast<int>(args.size()), args.data(),
                              "qfhe translation driver: ONNX models to MLIR\n");
  if (!importONNX)
    return fail("choose a translation: --import-onnx");

  if (llvm::Error error = mlir::qfhe::checkOutputPath(outputPath))
    return fail(llvm::toString(std::move(error)));
  std::string message;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputPath, &message);
  if (!input)
    return fail(message);
  mlir::MLIRContext context;
  llvm::SourceMgr sourceMgr;
  llvm::StringRef bytes = input->getBuffer();
  std::string name = input->getBufferIdentifier().str();
  sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::qfhe::importONNXModel(bytes, name, &context);
  if (!module)
    return 1;
  if (llvm::Error error =
          mlir::qfhe::writeOutputFile(outputPath, [&](llvm::raw_ostream &os) {
            module->print(os);
            os << "\n";
            return llvm::Error::success();
          }))
    return fail(llvm::toString(std::move(error)));
  return 0;
}
