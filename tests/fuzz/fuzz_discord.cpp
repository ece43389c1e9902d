// Discord's webhook answers (messages, errors, rate limits) as the adapter reads them;
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
    { { { "webhook_env", "HOOK" } },
      { { "HOOK", "http://127.0.0.1:9/api/webhooks/123/SECRETtok3n" } } },
    { { { "webhook_env", "HOOK" }, { "username", "herald" } },
      { { "HOOK", "http://127.0.0.1:9/api/webhooks/123/SECRETtok3n?thread_id=5" } } },
  };
  herald::fuzz::run_platform("discord", variants, input);
  return 0;
}
