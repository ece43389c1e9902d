// X's answers (posts, media, users, timelines, mentions, conversation searches, token renewals)
// as the adapter, metrics and conversation code read them; tests/fuzz/scripted_transport.hpp has
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
    { { { "url", "http://127.0.0.1:9" },
        { "consumer_key_env", "CK" },
        { "consumer_secret_env", "CS" },
        { "access_token_env", "AT" },
        { "access_token_secret_env", "ATS" } },
      { { "CK", "SECRETkey" },
        { "CS", "SECRETcs" },
        { "AT", "SECRETat" },
        { "ATS", "SECRETats" } } },
    { { { "url", "http://127.0.0.1:9/" },
        { "token_env", "TOKEN" },
        { "refresh_token_env", "REFRESH" },
        { "client_id_env", "CLIENT" } },
      { { "TOKEN", "SECRETtok3n" }, { "REFRESH", "SECRETrefresh" }, { "CLIENT", "client-id" } } },
  };
  herald::fuzz::run_platform("x", variants, input);
  return 0;
}
