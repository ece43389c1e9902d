// Finding URLs, mentions and hashtags in a post's text, with the UTF-8 byte offsets that Bluesky
// facets carry: spans must lie inside the text, in order, without overlapping, and say what the
// text says at their place.
#include "text/links.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using herald::text::TextSpan;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t previous_end = 0;
  for (const auto& span : herald::text::find_links(text)) {
    if (span.byte_start < previous_end || span.byte_start >= span.byte_end ||
        span.byte_end > text.size()) {
      std::abort();
    }
    previous_end = span.byte_end;
    const auto written = text.substr(span.byte_start, span.byte_end - span.byte_start);
    switch (span.kind) {
    case TextSpan::Kind::url:
      if (written != span.value) {
        std::abort();
      }
      break;
    case TextSpan::Kind::mention:
    case TextSpan::Kind::hashtag:
      if (span.value.empty() || written.substr(1) != span.value) {
        std::abort();
      }
      break;
    }
  }
  return 0;
}
