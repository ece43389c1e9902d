// UTM tagging of a post's links: everything but the links stays byte for byte, and a link that
// already carries utm_ parameters is left alone, so tagging twice changes nothing more.
#include "text/utm.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace herald::text;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first line holds the tag values, separated by '|' (source|medium|campaign|content|
  // excluded domain); the rest is the post's text.
  const size_t newline = input.find('\n');
  std::string_view header = newline == std::string_view::npos ? "" : input.substr(0, newline);
  const std::string_view text =
    newline == std::string_view::npos ? input : input.substr(newline + 1);
  std::string values[5];
  for (auto& value : values) {
    const size_t bar = header.find('|');
    value = std::string(header.substr(0, bar));
    header.remove_prefix(bar == std::string_view::npos ? header.size() : bar + 1);
  }
  UtmTags tags{ values[0], values[1], values[2], values[3], {} };
  if (!values[4].empty()) {
    tags.exclude.push_back(values[4]);
  }

  if (tag_links(text, {}) != text) {
    std::abort(); // nothing to add: nothing changes
  }
  const std::string once = tag_links(text, tags);
  (void)url_host(text);
  (void)tag_url(text, tags);
  if (tag_links(once, tags) != once) {
    std::abort();
  }
  return 0;
}
