// Mastodon's answers (statuses, media, accounts, notifications, contexts, instance) as the
// adapter, metrics and conversation code read them; tests/fuzz/scripted_transport.hpp has the
// input's format.
#include "scripted_transport.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.substr(0, 5) == "media") {
    return 0; // a media upload answered 202 is polled with real sleeps: too slow to fuzz
  }
  static const std::vector<herald::fuzz::AccountVariant> variants = {
    { { { "url", "http://127.0.0.1:9" }, { "token_env", "TOKEN" } },
      { { "TOKEN", "SECRETtok3n" } } },
    { { { "url", "http://127.0.0.1:9/" },
        { "token_env", "TOKEN" },
        { "visibility", "unlisted" },
        { "language", "en" },
        { "max_chars", 5000 } },
      { { "TOKEN", "SECRETtok3n" } } },
  };
  herald::fuzz::run_platform("mastodon", variants, input);
  return 0;
}
