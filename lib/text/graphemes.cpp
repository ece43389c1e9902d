#include "graphemes.hpp"

#include "utf8.hpp"

#include <fmt/core.h>

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <cstdint>
#include <memory>
#include <stdexcept>

namespace herald::text {

namespace {

std::unique_ptr<icu::BreakIterator>
create_character_iterator()
{
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(
    icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !it) {
    throw std::runtime_error(
      fmt::format("cannot create ICU's grapheme break iterator: {}", u_errorName(status)));
  }
  return it;
}

icu::BreakIterator&
character_iterator()
{
  // Creating an iterator loads and compiles ICU's rules (milliseconds), so each thread makes one
  // on first use and keeps it; a function-local thread_local runs no code at program start, which
  // keeps ICU out of a tick that never measures text. A throw here leaves it unset: the next call
  // tries again.
  thread_local const std::unique_ptr<icu::BreakIterator> it = create_character_iterator();
  return *it;
}

} // namespace

std::optional<size_t>
find_invalid_utf8(std::string_view utf8)
{
  for (size_t pos = 0; pos < utf8.size();) {
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

size_t
count_graphemes(std::string_view utf8)
{
  if (utf8.empty()) {
    return 0;
  }
  if (utf8.size() > static_cast<size_t>(INT32_MAX)) {
    // ICU's break iterators report positions as int32_t.
    throw std::length_error("text too large to count graphemes (2 GiB or more)");
  }
  icu::BreakIterator& it = character_iterator();

  // A UText reads the UTF-8 in place (no UnicodeString copy); ICU decodes ill-formed bytes to
  // U+FFFD like code_point_at does.
  UErrorCode status = U_ZERO_ERROR;
  UText text = UTEXT_INITIALIZER;
  utext_openUTF8(&text, utf8.data(), static_cast<int64_t>(utf8.size()), &status);
  it.setText(&text, status);
  if (U_FAILURE(status)) {
    utext_close(&text);
    throw std::runtime_error(fmt::format("cannot measure text with ICU: {}", u_errorName(status)));
  }
  size_t count = 0;
  for (int32_t boundary = it.next(); boundary != icu::BreakIterator::DONE; boundary = it.next()) {
    ++count;
  }

  // The iterator keeps a shallow clone pointing into `utf8`; point it at static empty text so no
  // dangling pointer outlives this call.
  UErrorCode reset_status = U_ZERO_ERROR;
  UText empty = UTEXT_INITIALIZER;
  utext_openUTF8(&empty, "", 0, &reset_status);
  it.setText(&empty, reset_status);
  utext_close(&empty);
  utext_close(&text);
  return count;
}

} // namespace herald::text
