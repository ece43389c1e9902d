#include "utf8.hpp"

#include <unicode/utf8.h>

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

} // namespace herald::text
