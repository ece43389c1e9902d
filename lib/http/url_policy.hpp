#pragma once

#include "util/expected.hpp"

#include <string>
#include <string_view>

namespace herald::http {

struct UrlTarget
{
  std::string scheme; // "https" or "http", lower case
  std::string host;   // as libcurl normalises it ("127.0.0.1", "[::1]", "example.org")
  long port = 0;      // explicit or the scheme's default
  bool loopback = false;
};

// Parses `url` as libcurl's own URL parser does (so the check and the transfer cannot
// disagree: a plain URL is read by hand, with libcurl's answers, see plain_url.hpp) and applies
// herald's rule (reliability.md H3): https to any host, http only to a loopback host, nothing
// else. The error message never repeats the URL.
Result<UrlTarget, std::string> check_url(std::string_view url);

// libcurl's reading of any URL (any scheme; the port is the scheme's default when none is
// written, 0 for a scheme libcurl does not know), without herald's rule.
Result<UrlTarget, std::string> parse_url_with_curl(std::string_view url);

// A web address a person may open in a browser (`herald engage open --browser`): the text starts
// with http:// or https:// (so it can never be read as an option by the program it is handed
// to), parses with libcurl's URL parser (which refuses spaces and control characters) and has
// a host. Any host: the rule for herald's own requests is check_url(). The error never repeats
// the URL.
Result<UrlTarget, std::string> check_web_url(std::string_view url);

// localhost, 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z); brackets around IPv6 are allowed.
bool is_loopback_host(std::string_view host);

// The path of `url` (without query or fragment), or "" when it has none; plain string work,
// for recognising the shape of a URL already checked (a webhook's /api/webhooks/<id>/<token>).
std::string url_path(std::string_view url);

// Same scheme, host and port: credentials may follow a redirect only within one origin.
bool same_origin(const UrlTarget& a, const UrlTarget& b);

} // namespace herald::http
