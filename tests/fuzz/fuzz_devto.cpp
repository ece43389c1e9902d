// dev.to's (Forem API v1) answers (articles, article lists, comment trees, errors, rate limits)
// as the adapter, metrics and conversation code read them; tests/fuzz/scripted_transport.hpp
// has the input's format.
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
    { { { "token_env", "DEVTO_KEY" }, { "url", "http://127.0.0.1:9" } },
      { { "DEVTO_KEY", "SECRETdevto-k3y" } } },
    { { { "token_env", "DEVTO_KEY" }, { "url", "http://127.0.0.1:9/" } },
      { { "DEVTO_KEY", "SECRETdevto-k3y" } } },
  };
  herald::fuzz::run_platform("devto", variants, input);
  return 0;
}
