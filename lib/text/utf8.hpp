#pragma once

#include <cstddef>
#include <cstdint>
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

} // namespace herald::text
