// A generic webhook's answers as the adapter reads them (a JSON body may name the post's id
// and url); tests/fuzz/scripted_transport.hpp has the input's format.
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
    { { { "url_env", "HOOK" } }, { { "HOOK", "http://127.0.0.1:9/hook/SECRETtok3n" } } },
    { { { "url", "http://127.0.0.1:9/hook" },
        { "template", "{\"text\": {{text}}, \"id\": {{job}}}" },
        { "idempotent", true } },
      {} },
  };
  herald::fuzz::run_platform("webhook", variants, input);
  return 0;
}
