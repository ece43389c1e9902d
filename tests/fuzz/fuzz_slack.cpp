// Slack's answers (chat.postMessage, files, auth.test, webhooks) as the adapter reads them;
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
    { { { "token_env", "SLACK_TOKEN" },
        { "channel", "C0123" },
        { "url", "http://127.0.0.1:9/api" } },
      { { "SLACK_TOKEN", "xoxb-SECRETtok3n" } } },
    { { { "webhook_env", "SLACK_WEBHOOK" } },
      { { "SLACK_WEBHOOK", "http://127.0.0.1:9/services/T0001/B0002/SECRETtok3n" } } },
  };
  herald::fuzz::run_platform("slack", variants, input);
  return 0;
}
