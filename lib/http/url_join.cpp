#include "url_join.hpp"

#include "curl_api.hpp"

#include <memory>

namespace herald::http {

std::optional<std::string>
resolve_reference(const std::string& base, const std::string& reference)
{
  const auto& api = curl_api();
  const std::unique_ptr<CURLU, decltype(api.url_cleanup)> url(api.url(), api.url_cleanup);
  if (!url || api.url_set(url.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK ||
      api.url_set(url.get(), CURLUPART_URL, reference.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  char* joined = nullptr;
  if (api.url_get(url.get(), CURLUPART_URL, &joined, 0) != CURLUE_OK || !joined) {
    return std::nullopt;
  }
  std::string out(joined);
  api.free(joined);
  return out;
}

} // namespace herald::http
