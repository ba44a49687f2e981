//===- ParserWorkarounds.cpp - inputs MLIR 22's parser crashes on ---------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/ParserWorkarounds.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace llvm;

/// Whether `list` (the text between the brackets) is empty or integers
/// separated by commas.
static bool isIntegerList(StringRef list) {
  list = list.trim();
  if (list.empty())
    return true;
  SmallVector<StringRef> elements;
  list.split(elements, ',');
  for (StringRef element : elements) {
    element = element.trim();
    element.consume_front("-");
    if (element.empty() || !llvm::all_of(element, isDigit))
      return false;
  }
  return true;
}

std::optional<size_t>
mlir::qfhe::findMalformedLinalgIntegerList(StringRef text) {
  for (StringRef keyword : {"permutation", "dimensions"}) {
    for (size_t at = text.find(keyword); at != StringRef::npos;
         at = text.find(keyword, at + 1)) {
      // After the `)` that closes `outs(...)`: the ops' custom syntax.
      StringRef before = text.take_front(at).rtrim();
      if (!before.ends_with(")"))
        continue;
      StringRef rest = text.drop_front(at + keyword.size()).ltrim();
      if (!rest.consume_front("="))
        continue;
      rest = rest.ltrim();
      if (!rest.starts_with("["))
        continue;
      size_t open = text.size() - rest.size();
      size_t close = rest.find(']');
      StringRef list = rest.slice(1, close);
      if (close == StringRef::npos || !isIntegerList(list))
        return open;
    }
  }
  return std::nullopt;
}

bool mlir::qfhe::reportMalformedLinalgIntegerList(MemoryBufferRef buffer) {
  std::optional<size_t> offset =
      findMalformedLinalgIntegerList(buffer.getBuffer());
  if (!offset)
    return false;
  SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      MemoryBuffer::getMemBuffer(buffer, /*RequiresNullTerminator=*/false),
      SMLoc());
  sourceMgr.PrintMessage(
      SMLoc::getFromPointer(buffer.getBufferStart() + *offset),
      SourceMgr::DK_Error,
      "expected a list of integers (MLIR 22's linalg parser crashes on any "
      "other list here)");
  return true;
}
