#include "utf8.hpp"

#include "graphemes.hpp"

#include <fmt/core.h>

#include <unicode/utf8.h>

#include <algorithm>

namespace herald::text {

namespace {

const uint8_t*
bytes(std::string_view utf8)
{
  // ICU's macros read unsigned bytes; plain char may be signed.
  return reinterpret_cast<const uint8_t*>(utf8.data());
}

} // namespace

CodePoint
code_point_at(std::string_view utf8, size_t pos)
{
  // The U8_ macros are header-only: decoding never loads ICU data or initialises ICU.
  const size_t begin = pos;
  UChar32 c = 0;
  U8_NEXT(bytes(utf8), pos, utf8.size(), c);
  return { c < 0 ? k_ill_formed : c, begin, pos };
}

CodePoint
code_point_before(std::string_view utf8, size_t pos)
{
  // Back up over at most three trail bytes to a lead byte, then decode forward, so both
  // directions agree on what is well-formed (U8_PREV needs int32_t offsets).
  const size_t limit = pos >= 4 ? pos - 4 : 0;
  size_t start = pos - 1;
  while (start > limit && U8_IS_TRAIL(bytes(utf8)[start])) {
    --start;
  }
  const CodePoint cp = code_point_at(utf8, start);
  if (cp.end == pos) {
    return cp;
  }
  return { k_ill_formed, pos - 1, pos };
}

std::string
Utf8Problem::describe() const
{
  return fmt::format("invalid UTF-8 (byte 0x{:02x}) at line {}, column {}", byte, line, column);
}

std::optional<Utf8Problem>
locate_invalid_utf8(std::string_view text)
{
  const auto offset = find_invalid_utf8(text);
  if (!offset) {
    return std::nullopt;
  }
  Utf8Problem at;
  at.offset = *offset;
  at.byte = static_cast<unsigned char>(text[*offset]);
  const std::string_view before = text.substr(0, *offset);
  const auto newline = before.rfind('\n');
  at.line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  const std::string_view line =
    newline == std::string_view::npos ? before : before.substr(newline + 1);
  at.column = 1 + static_cast<int>(count_code_points(line));
  return at;
}

std::string
replace_invalid_utf8(std::string_view text)
{
  if (!find_invalid_utf8(text)) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t pos = 0; pos < text.size();) {
    const CodePoint cp = code_point_at(text, pos);
    if (cp.value == k_ill_formed) {
      out += "\xEF\xBF\xBD"; // U+FFFD
    } else {
      out.append(text, cp.begin, cp.end - cp.begin);
    }
    pos = cp.end;
  }
  return out;
}

std::string
shorten_utf8(std::string_view text, size_t max_bytes)
{
  std::string out = replace_invalid_utf8(text);
  if (out.size() <= max_bytes) {
    return out;
  }
  // `out` is valid UTF-8 now: a boundary is any byte that is not a trail byte (10xxxxxx).
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  out.resize(cut);
  out += "...";
  return out;
}

namespace {

bool
is_control(int32_t c)
{
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

std::string
without_controls(std::string_view text, bool keep_breaks)
{
  const std::string valid = replace_invalid_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (size_t pos = 0; pos < valid.size();) {
    const CodePoint cp = code_point_at(valid, pos);
    pos = cp.end;
    if (cp.value == '\n' || cp.value == '\t') {
      out += keep_breaks ? static_cast<char>(cp.value) : ' ';
    } else if (!is_control(cp.value)) {
      out.append(valid, cp.begin, cp.end - cp.begin);
    }
  }
  return out;
}

} // namespace

std::string
terminal_text(std::string_view text)
{
  return without_controls(text, true);
}

std::string
terminal_line(std::string_view text)
{
  return without_controls(text, false);
}

} // namespace herald::text
