#include "graphemes.hpp"

#include "icu_api.hpp"
#include "utf8.hpp"

#include <fmt/core.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace herald::text {

namespace {

struct BreakIteratorCloser
{
  void operator()(UBreakIterator* it) const { icu_api().break_close(it); }
};
using BreakIteratorPtr = std::unique_ptr<UBreakIterator, BreakIteratorCloser>;

BreakIteratorPtr
create_character_iterator()
{
  const IcuApi& icu = icu_api();
  UErrorCode status = U_ZERO_ERROR;
  BreakIteratorPtr it(icu.break_open(UBRK_CHARACTER, "", nullptr, 0, &status));
  if (U_FAILURE(status) || !it) {
    throw std::runtime_error(
      fmt::format("cannot create ICU's grapheme break iterator: {}", icu.error_name(status)));
  }
  return it;
}

UBreakIterator*
character_iterator()
{
  // Creating an iterator loads and compiles ICU's rules (milliseconds), so each thread makes one
  // on first use and keeps it; a function-local thread_local runs no code at program start, which
  // keeps ICU out of a tick that never measures text. A throw here leaves it unset: the next call
  // tries again.
  thread_local const BreakIteratorPtr it = create_character_iterator();
  return it.get();
}

// In ASCII text every character is one grapheme, except that CR LF is one (UAX #29, GB3).
std::optional<size_t>
count_ascii_graphemes(std::string_view text)
{
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) {
      return std::nullopt;
    }
    if (!(text[i] == '\n' && i > 0 && text[i - 1] == '\r')) {
      ++count;
    }
  }
  return count;
}

} // namespace

std::optional<size_t>
find_invalid_utf8(std::string_view utf8)
{
  for (size_t pos = 0; pos < utf8.size();) {
    // ASCII, most of a calendar, eight bytes at a time: no decoding.
    uint64_t word = 0;
    if (pos + sizeof word <= utf8.size() &&
        (std::memcpy(&word, utf8.data() + pos, sizeof word), (word & 0x8080808080808080U) == 0)) {
      pos += sizeof word;
      continue;
    }
    if (static_cast<unsigned char>(utf8[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const CodePoint cp = code_point_at(utf8, pos);
    if (cp.value == k_ill_formed) {
      return pos;
    }
    pos = cp.end;
  }
  return std::nullopt;
}

size_t
count_code_points(std::string_view utf8)
{
  size_t count = 0;
  for (size_t pos = 0; pos < utf8.size(); pos = code_point_at(utf8, pos).end) {
    ++count;
  }
  return count;
}

size_t
count_utf16_units(std::string_view utf8)
{
  size_t count = 0;
  for (size_t pos = 0; pos < utf8.size();) {
    const CodePoint cp = code_point_at(utf8, pos);
    count += cp.value > 0xFFFF ? 2 : 1; // U+FFFD stands in for bad bytes: one unit
    pos = cp.end;
  }
  return count;
}

namespace {

// Calls `each` with the byte offset of every grapheme boundary after the start of `utf8`
// (the last is utf8.size()), through ICU; the text is not ASCII-only.
template<typename Each>
void
for_each_icu_boundary(std::string_view utf8, Each&& each)
{
  const IcuApi& icu = icu_api();
  UBreakIterator* it = character_iterator();

  // A UText reads the UTF-8 in place (no copy); ICU decodes ill-formed bytes to U+FFFD like
  // code_point_at does.
  UErrorCode status = U_ZERO_ERROR;
  UText text = UTEXT_INITIALIZER;
  icu.text_open_utf8(&text, utf8.data(), static_cast<int64_t>(utf8.size()), &status);
  icu.break_set_utext(it, &text, &status);
  if (U_FAILURE(status)) {
    icu.text_close(&text);
    throw std::runtime_error(
      fmt::format("cannot measure text with ICU: {}", icu.error_name(status)));
  }
  for (int32_t boundary = icu.break_next(it); boundary != UBRK_DONE;
       boundary = icu.break_next(it)) {
    each(static_cast<size_t>(boundary));
  }

  // The iterator keeps a shallow clone pointing into `utf8`; point it at static empty text so no
  // dangling pointer outlives this call.
  UErrorCode reset_status = U_ZERO_ERROR;
  UText empty = UTEXT_INITIALIZER;
  icu.text_open_utf8(&empty, "", 0, &reset_status);
  icu.break_set_utext(it, &empty, &reset_status);
  icu.text_close(&empty);
  icu.text_close(&text);
}

void
check_icu_size(std::string_view utf8)
{
  if (utf8.size() > static_cast<size_t>(INT32_MAX)) {
    // ICU's break iterators report positions as int32_t.
    throw std::length_error("text too large to count graphemes (2 GiB or more)");
  }
}

bool
is_ascii(std::string_view text)
{
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

} // namespace

size_t
count_graphemes(std::string_view utf8)
{
  if (utf8.empty()) {
    return 0;
  }
  check_icu_size(utf8);
  if (const auto ascii = count_ascii_graphemes(utf8)) {
    return *ascii; // without loading ICU
  }
  size_t count = 0;
  for_each_icu_boundary(utf8, [&](size_t) { ++count; });
  return count;
}

std::vector<size_t>
grapheme_boundaries(std::string_view utf8)
{
  std::vector<size_t> boundaries{ 0 };
  if (utf8.empty()) {
    return boundaries;
  }
  check_icu_size(utf8);
  if (is_ascii(utf8)) {
    for (size_t i = 1; i <= utf8.size(); ++i) {
      if (!(i < utf8.size() && utf8[i] == '\n' && utf8[i - 1] == '\r')) {
        boundaries.push_back(i);
      }
    }
    return boundaries;
  }
  for_each_icu_boundary(utf8, [&](size_t boundary) { boundaries.push_back(boundary); });
  return boundaries;
}

} // namespace herald::text
