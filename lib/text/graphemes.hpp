#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

// Measuring UTF-8 text in the units platforms count: bytes are `size()`, the rest is here.
//
// Every function accepts any bytes and never throws for bad input: an ill-formed sequence counts
// as one U+FFFD (ICU's maximal-subpart rule), so a caller that must reject bad text checks
// is_valid_utf8() first.
namespace herald::text {

// Byte offset of the first ill-formed sequence (a stray trail byte, a truncated or overlong
// sequence, a surrogate, a value above U+10FFFF), or nullopt if `utf8` is well-formed UTF-8.
std::optional<size_t> find_invalid_utf8(std::string_view utf8);

inline bool
is_valid_utf8(std::string_view utf8)
{
  return !find_invalid_utf8(utf8).has_value();
}

// Unicode scalar values (what Python's len() and Ruby's String#length return).
size_t count_code_points(std::string_view utf8);

// UTF-16 code units (JavaScript's length, Telegram's entity offsets): a code point above
// U+FFFF, e.g. most emoji, counts 2.
size_t count_utf16_units(std::string_view utf8);

// Extended grapheme clusters (UAX #29 as ICU implements it, root locale): what a reader sees as
// one character, e.g. "e" + U+0301, a flag or a ZWJ family emoji each count 1.
// ASCII text is counted without ICU. Other text loads ICU (icu_api.hpp) and makes one break
// iterator per thread on first use, reused, never before. Throws std::runtime_error only if ICU
// cannot be loaded or cannot create the iterator (missing ICU data),
// std::length_error for text of 2 GiB or more (ICU's positions are 32-bit).
size_t count_graphemes(std::string_view utf8);

// The byte offsets where grapheme clusters begin and end, in order: 0, then the end of each
// cluster (the last is utf8.size()); {0} for empty text. Where text may be cut without
// splitting what a reader sees as one character. ICU as count_graphemes() uses it.
std::vector<size_t> grapheme_boundaries(std::string_view utf8);

} // namespace herald::text
