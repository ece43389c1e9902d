#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::text {

// One code point read from UTF-8 text: the bytes [begin, end) of `utf8`.
struct CodePoint
{
  // The scalar value, or k_ill_formed for a byte sequence that is not UTF-8. An ill-formed
  // sequence spans the maximal subpart that ICU replaces with one U+FFFD, so every counter in
  // lib/text treats bad bytes the same way.
  int32_t value;
  size_t begin;
  size_t end;
};

inline constexpr int32_t k_ill_formed = -1;

// The code point starting at byte `pos`. Requires pos < utf8.size(); end > pos always.
CodePoint code_point_at(std::string_view utf8, size_t pos);

// The code point ending just before byte `pos`. Requires 0 < pos <= utf8.size(); begin < pos.
CodePoint code_point_before(std::string_view utf8, size_t pos);

// Where the first byte sequence that is not UTF-8 starts, if any: text that reaches JSON output,
// the state or a terminal is checked at the boundary where it comes in.
struct Utf8Problem
{
  size_t offset = 0; // of the first bad byte
  int line = 1;      // 1-based, counting '\n'
  int column = 1;    // 1-based, in code points
  unsigned char byte = 0;

  // "invalid UTF-8 (byte 0xff) at line 3, column 7"
  std::string describe() const;
};
// Where find_invalid_utf8() (graphemes.hpp) stops, as a line and column for a message.
std::optional<Utf8Problem> locate_invalid_utf8(std::string_view text);

// `text` with each byte sequence that is not UTF-8 replaced by U+FFFD (one per maximal subpart,
// as ICU and every counter here do): for text from outside (a platform's error answer, a
// plugin's stderr) on its way to JSON output or a terminal, where a bad byte must not break the
// output or reach the terminal raw.
std::string replace_invalid_utf8(std::string_view text);

// A platform's or a plugin's text fit for a message: replace_invalid_utf8(), then, when that is
// longer than `max_bytes`, cut at the last code point boundary at or before `max_bytes` and
// "..." appended. The one cutting rule for every quoted remote text, so that a cut never leaves
// half a character (which the state and JSON output would then carry as U+FFFD or refuse).
std::string shorten_utf8(std::string_view text, size_t max_bytes);

// `text` safe to write on a terminal: replace_invalid_utf8(), and every control character
// removed but tab and newline: C0 (U+0000-U+001F, carriage return and escape included), DEL and
// C1 (U+0080-U+009F), which a terminal obeys as commands (escape sequences that move the
// cursor, rewrite lines, set the title or the clipboard). For text that came from outside
// (a platform, a plugin, a calendar) on its way to a text (not JSON) output.
std::string terminal_text(std::string_view text);

// terminal_text() for one line of output: newline and tab become spaces too.
std::string terminal_line(std::string_view text);

} // namespace herald::text
