// Bluesky's XRPC answers (sessions, handles, records, blobs, posts, notifications, threads) as
// the adapter, metrics and conversation code read them; tests/fuzz/scripted_transport.hpp has
// the input's format.
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
    { { { "handle", "alice.test" },
        { "password_env", "SKY_PASSWORD" },
        { "url", "http://127.0.0.1:9/" } },
      { { "SKY_PASSWORD", "SECRETapp-pass-word" } } },
    { { { "handle", "alice.test" },
        { "password_env", "SKY_PASSWORD" },
        { "url", "http://127.0.0.1:9" },
        { "language", "en" } },
      { { "SKY_PASSWORD", "SECRETapp-pass-word" } } },
  };
  herald::fuzz::run_platform("bluesky", variants, input);
  return 0;
}
