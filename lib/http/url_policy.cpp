#include "url_policy.hpp"

#include "ascii.hpp"
#include "curl_api.hpp"
#include "plain_url.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>

namespace herald::http {

namespace {

struct UrlDeleter
{
  void operator()(CURLU* url) const { curl_api().url_cleanup(url); }
};

std::string
get_part(CURLU* url, CURLUPart part)
{
  char* value = nullptr;
  if (curl_api().url_get(url, part, &value, 0) != CURLUE_OK || value == nullptr) {
    return {};
  }
  std::string result(value);
  curl_api().free(value);
  return result;
}

} // namespace

bool
is_loopback_host(std::string_view host)
{
  if (ascii::iequals(host, "localhost")) {
    return true;
  }
  const std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  std::string_view inner = host;
  if (inner.size() >= 2 && inner.front() == '[' && inner.back() == ']') {
    inner = inner.substr(1, inner.size() - 2);
  }
  const std::string inner_text(inner);
  in6_addr v6{};
  if (inet_pton(AF_INET6, inner_text.c_str(), &v6) != 1) {
    return false;
  }
  if (std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0) {
    return true;
  }
  // ::ffff:127.x.y.z reaches the IPv4 loopback.
  static constexpr unsigned char k_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  return std::memcmp(v6.s6_addr, k_mapped_prefix, sizeof k_mapped_prefix) == 0 &&
         v6.s6_addr[12] == 127;
}

Result<UrlTarget, std::string>
parse_url_with_curl(std::string_view url)
{
  std::unique_ptr<CURLU, UrlDeleter> handle(curl_api().url());
  if (!handle) {
    return unexpected<std::string>("out of memory parsing the URL");
  }
  const std::string text(url);
  // NON_SUPPORT_SCHEME: parse any scheme, so that "gopher:" is refused by name.
  if (curl_api().url_set(handle.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME) !=
      CURLUE_OK) {
    return unexpected<std::string>("malformed URL");
  }
  UrlTarget target;
  target.scheme = get_part(handle.get(), CURLUPART_SCHEME);
  target.host = get_part(handle.get(), CURLUPART_HOST);
  target.loopback = is_loopback_host(target.host);
  char* port = nullptr;
  if (curl_api().url_get(handle.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
      port != nullptr) {
    target.port = std::strtol(port, nullptr, 10);
    curl_api().free(port);
  }
  return target;
}

Result<UrlTarget, std::string>
check_url(std::string_view url)
{
  // Most addresses are plain: those are read without waiting for libcurl to load.
  auto plain = parse_plain_url(url);
  auto parsed =
    plain ? Result<UrlTarget, std::string>(std::move(*plain)) : parse_url_with_curl(url);
  if (!parsed) {
    return parsed;
  }
  UrlTarget& target = *parsed;
  if (target.scheme != "https" && target.scheme != "http") {
    return unexpected<std::string>("refusing scheme '" + target.scheme +
                                   "' (only https, or http to a loopback host)");
  }
  if (target.host.empty()) {
    return unexpected<std::string>("malformed URL (no host)");
  }
  if (target.scheme == "http" && !target.loopback) {
    return unexpected<std::string>("refusing http:// to a non-loopback host (use https)");
  }
  return parsed;
}

Result<UrlTarget, std::string>
check_web_url(std::string_view url)
{
  const bool web =
    ascii::iequals(url.substr(0, 7), "http://") || ascii::iequals(url.substr(0, 8), "https://");
  if (!web) {
    return unexpected<std::string>("only http:// and https:// addresses are opened");
  }
  std::unique_ptr<CURLU, UrlDeleter> handle(curl_api().url());
  if (!handle) {
    return unexpected<std::string>("out of memory parsing the URL");
  }
  const std::string text(url);
  if (curl_api().url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return unexpected<std::string>("malformed URL");
  }
  UrlTarget target;
  target.scheme = get_part(handle.get(), CURLUPART_SCHEME);
  target.host = get_part(handle.get(), CURLUPART_HOST);
  if (target.host.empty()) {
    return unexpected<std::string>("malformed URL (no host)");
  }
  target.loopback = is_loopback_host(target.host);
  return target;
}

bool
same_origin(const UrlTarget& a, const UrlTarget& b)
{
  return a.scheme == b.scheme && ascii::iequals(a.host, b.host) && a.port == b.port;
}

std::string
url_path(std::string_view url)
{
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return "";
  }
  const auto path_start = url.find('/', scheme_end + 3);
  if (path_start == std::string_view::npos) {
    return "";
  }
  const auto path_end = url.find_first_of("?#", path_start);
  return std::string(url.substr(path_start, path_end - path_start));
}

} // namespace herald::http
