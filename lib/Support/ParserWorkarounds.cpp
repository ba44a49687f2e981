//===- ParserWorkarounds.cpp - inputs MLIR 22's parser crashes on ---------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The checks read the text with the token rules of MLIR's lexer
// (mlir/lib/AsmParser/Lexer.cpp, not installed) as far as they matter here:
// comments, strings and sigil-prefixed names hide a keyword, identifiers
// take `$` and `.`, numbers are decimal or `0x` hexadecimal integers or
// floats.
//
// Integer lists: wherever the linalg parsers could reach `permutation =` or
// `dimensions =` (anywhere but as the key of an attribute dictionary, which
// follows `{` or `,`), what comes next must be what DenseI64ArrayAttr::parse
// accepts: `[`, then nothing or integers (`true`, `false`, or an integer
// token after an optional `-`, in the 64-bit range by the arithmetic of
// AsmParser::parseInteger) separated by `,`, then `]`.
//
// Short forms: after `linalg.map {` or `linalg.reduce {`, the types of the
// `ins(...)` and `outs(...)` operands must be tensors, memrefs or vectors
// (or aliases of them), and linalg.reduce needs at least one operand.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/ParserWorkarounds.h"

#include "llvm/ADT/APInt.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace llvm;
using mlir::qfhe::LinalgParserCrashSite;

namespace {

/// The token classes the check tells apart.
enum class TokenKind { Identifier, Integer, Other, End };

struct Token {
  TokenKind kind;
  /// The token's text in the input (empty at the end).
  StringRef spelling;

  bool is(StringRef punctuation) const {
    return kind == TokenKind::Other && spelling == punctuation;
  }
};

/// Splits MLIR text into tokens the way MLIR's lexer does, as far as the
/// check needs: a copy looks ahead without moving the original.
class Lexer {
public:
  explicit Lexer(StringRef text) : text(text) {}

  Token next() {
    skipSpaceAndComments();
    if (position >= text.size())
      return {TokenKind::End, text.drop_front(text.size())};
    size_t start = position;
    char first = text[position++];
    TokenKind kind = TokenKind::Other;
    if (isAlpha(first) || first == '_') {
      skipWhile(isIdentifierChar);
      kind = TokenKind::Identifier;
    } else if (isDigit(first)) {
      kind = lexNumber(first);
    } else if (first == '"') {
      skipString();
    } else if (first == '@' && peek() == '"') {
      ++position;
      skipString();
    } else if (StringRef("%^#!@").contains(first)) {
      skipWhile([](char c) { return isIdentifierChar(c) || c == '-'; });
    } else if (first == '-' && peek() == '>') {
      ++position;
    }
    return {kind, text.slice(start, position)};
  }

  /// The offset of `token` in the text.
  size_t offsetOf(const Token &token) const {
    return token.spelling.data() - text.data();
  }

private:
  static bool isIdentifierChar(char c) {
    return isAlnum(c) || c == '_' || c == '$' || c == '.';
  }

  char peek(size_t ahead = 0) const {
    return position + ahead < text.size() ? text[position + ahead] : '\0';
  }

  template <typename Predicate> void skipWhile(Predicate predicate) {
    while (position < text.size() && predicate(text[position]))
      ++position;
  }

  /// Whitespace, embedded NUL bytes (MLIR's lexer skips them) and `//`
  /// comments up to the end of their line.
  void skipSpaceAndComments() {
    while (position < text.size()) {
      char c = text[position];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0') {
        ++position;
      } else if (c == '/' && peek(1) == '/') {
        skipWhile([](char c) { return c != '\n' && c != '\r'; });
      } else {
        return;
      }
    }
  }

  /// After the opening quote: up to the closing one, or to the end of the
  /// line where MLIR's lexer gives up on the string.
  void skipString() {
    while (position < text.size()) {
      char c = text[position++];
      if (c == '"' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
        return;
      if (c == '\\' && position < text.size())
        ++position;
    }
  }

  /// After the first digit: `0x` and hexadecimal digits, or decimal digits
  /// (an integer), or decimal digits, `.`, digits and an exponent (a float).
  TokenKind lexNumber(char first) {
    if (first == '0' && peek() == 'x' && isHexDigit(peek(1))) {
      position += 2;
      skipWhile(isHexDigit);
      return TokenKind::Integer;
    }
    skipWhile(isDigit);
    if (peek() != '.')
      return TokenKind::Integer;
    ++position;
    skipWhile(isDigit);
    if ((peek() == 'e' || peek() == 'E') &&
        (isDigit(peek(1)) ||
         ((peek(1) == '-' || peek(1) == '+') && isDigit(peek(2))))) {
      position += 2;
      skipWhile(isDigit);
    }
    return TokenKind::Other;
  }

  StringRef text;
  size_t position = 0;
};

/// Whether MLIR's AsmParser::parseInteger<int64_t> reads the integer token
/// `spelling` (after a `-` when `negative`) without "integer value too
/// large": the arithmetic of Parser::parseOptionalInteger, then of
/// AsmParser::parseOptionalIntegerAndCheck (OpImplementation.h).
bool parsesAsInt64(StringRef spelling, bool negative) {
  APInt value;
  bool isHex = spelling.size() > 1 && spelling[1] == 'x';
  if (spelling.getAsInteger(isHex ? 0 : 10, value))
    return false;
  if (value.isNegative())
    value = value.zext(value.getBitWidth() + 1);
  if (negative)
    value.negate();
  auto result = static_cast<int64_t>(value.sextOrTrunc(64).getLimitedValue());
  return APInt(value.getBitWidth(), result, /*isSigned=*/true,
               /*implicitTrunc=*/true) == value;
}

/// Checks the value after `keyword =` the way DenseI64ArrayAttr::parse reads
/// it, from `lexer` just after the `=`.
std::optional<LinalgParserCrashSite> checkIntegerList(Lexer &lexer,
                                                      StringRef keyword) {
  auto problem = [&](const Token &at, StringRef expected) {
    return LinalgParserCrashSite{
        lexer.offsetOf(at),
        formatv("expected {0} in the list of '{1}' (MLIR 22's linalg parser "
                "crashes on anything but a list of 64-bit integers here)",
                expected, keyword)
            .str()};
  };
  Token token = lexer.next();
  if (!token.is("["))
    return problem(token, "'['");
  token = lexer.next();
  if (token.is("]"))
    return std::nullopt;
  while (true) {
    if (token.kind != TokenKind::Identifier ||
        (token.spelling != "true" && token.spelling != "false")) {
      bool negative = token.is("-");
      if (negative)
        token = lexer.next();
      if (token.kind != TokenKind::Integer)
        return problem(token, "an integer");
      if (!parsesAsInt64(token.spelling, negative))
        return problem(token, "an integer of at most 64 bits");
    }
    token = lexer.next();
    if (token.is("]"))
      return std::nullopt;
    if (!token.is(","))
      return problem(token, "',' or ']'");
    token = lexer.next();
  }
}

/// Skips from just after `open` to just after its closing bracket, counting
/// the brackets of all four kinds; returns false at the end of the text.
bool skipBalanced(Lexer &lexer) {
  int depth = 1;
  for (Token token = lexer.next(); token.kind != TokenKind::End;
       token = lexer.next()) {
    if (token.is("(") || token.is("[") || token.is("{") || token.is("<"))
      ++depth;
    else if (token.is(")") || token.is("]") || token.is("}") || token.is(">"))
      if (--depth == 0)
        return true;
  }
  return false;
}

/// The type aliases of `text` (`!name = type`): the first token of each
/// aliased type, by alias name.
StringMap<Token> collectTypeAliases(StringRef text) {
  StringMap<Token> aliases;
  Lexer lexer(text);
  Token previous{TokenKind::End, StringRef()};
  for (Token token = lexer.next(); token.kind != TokenKind::End;
       previous = token, token = lexer.next()) {
    if (!previous.spelling.starts_with("!") || !token.is("="))
      continue;
    Lexer ahead = lexer;
    aliases.try_emplace(previous.spelling, ahead.next());
  }
  return aliases;
}

/// Whether the type that starts with `first` may be a shaped type: a tensor,
/// memref or vector, or an alias of one (or an alias the parser will reject
/// as undefined before it builds a body).
bool mayBeShaped(Token first, const StringMap<Token> &aliases) {
  // Aliases of aliases, as long as they do not loop.
  for (size_t hops = 0; hops <= aliases.size(); ++hops) {
    if (first.kind == TokenKind::Identifier)
      return first.spelling == "tensor" || first.spelling == "memref" ||
             first.spelling == "vector";
    if (!first.spelling.starts_with("!"))
      return false;
    auto alias = aliases.find(first.spelling);
    if (alias == aliases.end())
      return true;
    first = alias->second;
  }
  return true;
}

/// Checks the short form `linalg.map { op } ...` or `linalg.reduce { op }
/// ...` whose `{` follows `opName`, with `lexer` just after the `{`: its
/// body is built from the element types of its operands, which must then be
/// shaped, and linalg.reduce takes the last one for the payload's first
/// operand and result type.
std::optional<LinalgParserCrashSite>
checkShortForm(Lexer &lexer, const Token &opName,
               const StringMap<Token> &aliases) {
  auto problem = [&](size_t offset, StringRef what) {
    return LinalgParserCrashSite{
        offset,
        formatv("{0} in the short form of '{1}' (MLIR 22's linalg parser "
                "crashes when it builds the body from the operand types)",
                what, opName.spelling)
            .str()};
  };
  if (!skipBalanced(lexer))
    return std::nullopt;
  Lexer ahead = lexer;
  Token token = ahead.next();
  // Properties, then the attribute dictionary.
  if (token.is("<")) {
    if (!skipBalanced(ahead))
      return std::nullopt;
    token = ahead.next();
  }
  if (token.is("{")) {
    if (!skipBalanced(ahead))
      return std::nullopt;
    token = ahead.next();
  }
  size_t numOperands = 0;
  for (StringRef keyword : {"ins", "outs"}) {
    if (token.kind != TokenKind::Identifier || token.spelling != keyword)
      continue;
    if (!ahead.next().is("("))
      return std::nullopt;
    // The operands, up to the `:` of their types.
    int depth = 0;
    for (token = ahead.next(); !(depth == 0 && token.is(":"));
         token = ahead.next()) {
      if (token.kind == TokenKind::End || (depth == 0 && token.is(")")))
        return std::nullopt;
      if (token.is("(") || token.is("[") || token.is("{") || token.is("<"))
        ++depth;
      else if (token.is(")") || token.is("]") || token.is("}") || token.is(">"))
        --depth;
    }
    // The types, each starting at depth 0 after `:` or `,`.
    bool atTypeStart = true;
    for (token = ahead.next(); !(depth == 0 && token.is(")"));
         token = ahead.next()) {
      if (token.kind == TokenKind::End)
        return std::nullopt;
      if (atTypeStart) {
        ++numOperands;
        if (!mayBeShaped(token, aliases))
          return problem(ahead.offsetOf(token),
                         "expected a tensor, memref or vector type");
      }
      atTypeStart = false;
      if (token.is("(") || token.is("[") || token.is("{") || token.is("<"))
        ++depth;
      else if (token.is(")") || token.is("]") || token.is("}") || token.is(">"))
        --depth;
      else if (depth == 0 && token.is(","))
        atTypeStart = true;
    }
    token = ahead.next();
  }
  if (numOperands == 0 && opName.spelling == "linalg.reduce")
    return problem(lexer.offsetOf(opName), "expected ins(...) and outs(...)");
  return std::nullopt;
}

} // namespace

std::optional<LinalgParserCrashSite>
mlir::qfhe::findLinalgParserCrashSite(StringRef text) {
  // Every site starts at one of these identifiers, spelled as is in the
  // text: without any, no lexing (a large model's text is tens of MB).
  if (llvm::none_of(ArrayRef<StringRef>{"linalg.map", "linalg.reduce",
                                        "permutation", "dimensions"},
                    [&](StringRef keyword) { return text.contains(keyword); }))
    return std::nullopt;
  StringMap<Token> aliases = collectTypeAliases(text);
  Lexer lexer(text);
  Token previous{TokenKind::End, StringRef()};
  for (Token token = lexer.next(); token.kind != TokenKind::End;
       previous = token, token = lexer.next()) {
    if (token.kind != TokenKind::Identifier)
      continue;
    Lexer ahead = lexer;
    if (token.spelling == "linalg.map" || token.spelling == "linalg.reduce") {
      if (!ahead.next().is("{"))
        continue;
      if (std::optional<LinalgParserCrashSite> site =
              checkShortForm(ahead, token, aliases))
        return site;
      continue;
    }
    if (token.spelling != "permutation" && token.spelling != "dimensions")
      continue;
    // The key of a dictionary entry: its value is any attribute, parsed
    // safely.
    if (previous.is("{") || previous.is(","))
      continue;
    // Without `=`, the parser stops before it reads a list.
    if (!ahead.next().is("="))
      continue;
    if (std::optional<LinalgParserCrashSite> site =
            checkIntegerList(ahead, token.spelling))
      return site;
  }
  return std::nullopt;
}

bool mlir::qfhe::reportLinalgParserCrashSite(MemoryBufferRef buffer) {
  std::optional<LinalgParserCrashSite> site =
      findLinalgParserCrashSite(buffer.getBuffer());
  if (!site)
    return false;
  SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      MemoryBuffer::getMemBuffer(buffer, /*RequiresNullTerminator=*/false),
      SMLoc());
  sourceMgr.PrintMessage(
      SMLoc::getFromPointer(buffer.getBufferStart() + site->offset),
      SourceMgr::DK_Error, site->message);
  return true;
}
