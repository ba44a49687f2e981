//===- OutputFile.cpp - write output files whole or not at all ------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/OutputFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
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

/// A new, empty file next to `path` to write it in, open as `fd`, removed
/// if a signal ends the program. Its name is registered for removal before
/// the file exists: a signal between its creation and its registration
/// (LLVM's TempFile::create registers after creating) would leave it behind.
Expected<std::string> createTemporaryFile(StringRef path, int &fd) {
  for (int attempt = 0; attempt < 64; ++attempt) {
    SmallString<256> name;
    sys::fs::createUniquePath(path + ".tmp-%%%%%%%%", name,
                              /*MakeAbsolute=*/false);
    std::string signalError;
    if (sys::RemoveFileOnSignal(name, &signalError))
      return cannotWrite(path, signalError);
    std::error_code error =
        sys::fs::openFileForWrite(name, fd, sys::fs::CD_CreateNew);
    if (!error)
      return std::string(name);
    sys::DontRemoveFileOnSignal(name);
    if (error != std::errc::file_exists)
      return cannotWrite(path, error.message());
  }
  return cannotWrite(path, "no unused temporary file name next to it");
}

/// Writes `path` through a temporary file renamed over it once whole.
Error writeThroughTemporary(StringRef path,
                            function_ref<Error(raw_ostream &)> write) {
  int fd;
  Expected<std::string> temporary = createTemporaryFile(path, fd);
  if (!temporary)
    return temporary.takeError();
  Error error = Error::success();
  {
    raw_fd_ostream os(fd, /*shouldClose=*/true);
    error = writeTo(path, os, write);
  }
  if (!error)
    if (std::error_code renameError = sys::fs::rename(*temporary, path))
      error = cannotWrite(path, renameError.message());
  if (error)
    sys::fs::remove(*temporary);
  // Renamed or removed: nothing left to remove on a signal.
  sys::DontRemoveFileOnSignal(*temporary);
  return error;
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

  return writeThroughTemporary(path, write);
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
