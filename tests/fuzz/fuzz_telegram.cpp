// Telegram Bot API answers (sendMessage, sendPhoto, getMe, getChat, errors) as the adapter
// reads them; tests/fuzz/scripted_transport.hpp has the input's format.
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
    { { { "token_env", "TELEGRAM_TOKEN" },
        { "chat", "-1001234567890" },
        { "url", "http://127.0.0.1:9/" } },
      { { "TELEGRAM_TOKEN", "123456:SECRETtok3n" } } },
    { { { "token_env", "TELEGRAM_TOKEN" },
        { "chat", "@herald_news" },
        { "url", "http://127.0.0.1:9" },
        { "parse_mode", "HTML" },
        { "silent", "true" } },
      { { "TELEGRAM_TOKEN", "123456:SECRETtok3n" } } },
  };
  herald::fuzz::run_platform("telegram", variants, input);
  return 0;
}
