// Splitting text into parts that fit (text/split): for any valid UTF-8 text and a small rule,
// either an error, or parts that each fit, that are the text in order with only whitespace
// dropped between them, and that are never cut inside a URL, mention, hashtag or grapheme.
#include "text/graphemes.hpp"
#include "text/links.hpp"
#include "text/split.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace herald::text;

namespace {

void
require(bool condition)
{
  if (!condition) {
    std::abort();
  }
}

bool
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  if (size < 3) {
    return 0;
  }
  constexpr LengthRule::Unit k_units[] = { LengthRule::Unit::graphemes, LengthRule::Unit::bytes,
                                           LengthRule::Unit::utf16, LengthRule::Unit::code_points };
  const LengthRule rule{ "fuzz", size_t(4 + data[0] % 60), k_units[data[1] % 4],
                         size_t(data[2] % 2 ? 7 : 0), bool(data[2] & 2) };
  const std::string numbering = data[2] & 4 ? "{i}/{n}" : "";
  const std::string text(reinterpret_cast<const char*>(data + 3), size - 3);
  if (!is_valid_utf8(text)) {
    return 0;
  }
  const std::vector<LengthRule> rules{ rule };
  const auto parts = split_to_fit(text, rules, { numbering });
  if (!parts) {
    return 0;
  }
  require(!parts->empty());
  const auto spans = find_links(text);
  const auto graphemes = grapheme_boundaries(text);
  size_t pos = 0;
  for (size_t i = 0; i < parts->size(); ++i) {
    std::string part = (*parts)[i];
    require(measure(part, rule) <= rule.limit);
    if (!numbering.empty() && parts->size() > 1) {
      const std::string suffix = " " + format_numbering(numbering, i + 1, parts->size());
      require(part.size() >= suffix.size() &&
              part.compare(part.size() - suffix.size(), suffix.size(), suffix) == 0);
      part.resize(part.size() - suffix.size());
    }
    size_t at = pos;
    while (at < text.size() && text.compare(at, part.size(), part) != 0) {
      require(i > 0 && is_space(text[at]));
      ++at;
    }
    require(text.compare(at, part.size(), part) == 0);
    for (const size_t cut : { at, at + part.size() }) {
      require(std::binary_search(graphemes.begin(), graphemes.end(), cut));
      require(std::none_of(spans.begin(), spans.end(), [&](const TextSpan& span) {
        return span.byte_start < cut && cut < span.byte_end;
      }));
    }
    pos = at + part.size();
  }
  require(pos == text.size());
  return 0;
}
