//===- OutputFile.cpp - write output files whole or not at all ------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/OutputFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {

Error cannotWrite(StringRef path, const Twine &reason) {
  return createStringError(inconvertibleErrorCode(),
                           "cannot write '" + path + "': " + reason);
}

/// Flushes `os` and takes its error, if any, so that its destructor does not
/// abort the program ("IO failure on output stream").
std::error_code takeStreamError(raw_fd_ostream &os) {
  os.flush();
  std::error_code error = os.error();
  os.clear_error();
  return error;
}

/// Runs `write` on `os`, then checks that every byte was written.
Error writeTo(StringRef path, raw_fd_ostream &os,
              function_ref<Error(raw_ostream &)> write) {
  Error error = write(os);
  std::error_code streamError = takeStreamError(os);
  if (error)
    return error;
  if (streamError)
    return cannotWrite(path, streamError.message());
  return Error::success();
}

} // namespace

Error mlir::qfhe::writeOutputFile(StringRef path,
                                  function_ref<Error(raw_ostream &)> write) {
  if (path == "-")
    return writeTo("<stdout>", outs(), write);

  sys::fs::file_status status;
  if (!sys::fs::status(path, status) && sys::fs::exists(status) &&
      !sys::fs::is_regular_file(status)) {
    if (sys::fs::is_directory(status))
      return cannotWrite(path, "it is a directory");
    // A device or a pipe cannot be replaced: write it in place.
    std::error_code openError;
    raw_fd_ostream os(path, openError, sys::fs::OF_None);
    if (openError)
      return cannotWrite(path, openError.message());
    return writeTo(path, os, write);
  }

  Expected<sys::fs::TempFile> temp =
      sys::fs::TempFile::create(path + ".tmp-%%%%%%%%");
  if (!temp)
    return cannotWrite(path, toString(temp.takeError()));
  Error error = Error::success();
  {
    raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    error = writeTo(path, os, write);
  }
  if (error) {
    consumeError(temp->discard());
    return error;
  }
  if (Error keepError = temp->keep(path))
    return cannotWrite(path, toString(std::move(keepError)));
  return Error::success();
}

Error mlir::qfhe::checkOutputPath(StringRef path) {
  if (path == "-")
    return Error::success();
  if (sys::fs::is_directory(path))
    return cannotWrite(path, "it is a directory");
  StringRef directory = sys::path::parent_path(path);
  if (directory.empty())
    directory = ".";
  if (!sys::fs::is_directory(directory))
    return cannotWrite(path, "directory '" + directory + "' does not exist");
  return Error::success();
}
