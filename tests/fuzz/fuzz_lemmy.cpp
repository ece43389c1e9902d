// Lemmy's (HTTP API v3) answers (logins, communities, posts, post lists, replies, mentions,
// comment lists, errors, rate limits) as the adapter, metrics and conversation code read them;
// tests/fuzz/scripted_transport.hpp has the input's format.
#include "scripted_transport.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  static const std::vector<herald::fuzz::AccountVariant> variants = {
    { { { "url", "http://127.0.0.1:9" },
        { "username_env", "LEMMY_USER" },
        { "password_env", "LEMMY_PASSWORD" },
        { "community", "technology@lemmy.example" } },
      { { "LEMMY_USER", "herald" }, { "LEMMY_PASSWORD", "SECRETlemmy-pass" } } },
  };
  herald::fuzz::run_platform("lemmy", variants, input);
  return 0;
}
