// URLs: the hand-written reading of plain URLs (http/plain_url) against libcurl's parser. For
// every input the plain reader accepts, libcurl must accept it too and find the same scheme,
// host, port and loopback flag; and check_url() then says what it says through libcurl alone.
#include "http/plain_url.hpp"
#include "http/url_policy.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace herald::http;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  const auto plain = parse_plain_url(url);
  if (!plain) {
    (void)check_url(url);
    return 0;
  }
  const auto curl = parse_url_with_curl(url);
  if (!curl || curl->scheme != plain->scheme || curl->host != plain->host ||
      curl->port != plain->port || curl->loopback != plain->loopback) {
    std::abort();
  }
  return 0;
}
