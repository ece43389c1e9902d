#include "utm.hpp"

#include "links.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace herald::text {

namespace {

char
lower(char c)
{
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// RFC 3986 unreserved characters stay; everything else (including UTF-8 bytes) is %XX.
std::string
encode_value(std::string_view value)
{
  constexpr std::string_view k_hex = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += k_hex[byte >> 4];
      out += k_hex[byte & 0x0f];
    }
  }
  return out;
}

// Whether the query string (without '?') has a parameter whose name starts with "utm_", in
// any case ("UTM_Source" is what some tools write).
bool
has_utm_parameter(std::string_view query)
{
  size_t start = 0;
  while (start <= query.size()) {
    const size_t end = std::min(query.find('&', start), query.size());
    const std::string_view name = query.substr(start, end - start);
    if (name.size() >= 4) {
      std::string prefix;
      for (const char c : name.substr(0, 4)) {
        prefix += lower(c);
      }
      if (prefix == "utm_") {
        return true;
      }
    }
    start = end + 1;
  }
  return false;
}

bool
excluded(std::string_view host, const std::vector<std::string>& domains)
{
  return std::any_of(domains.begin(), domains.end(), [&](const std::string& domain) {
    return !domain.empty() &&
           (host == domain || (host.size() > domain.size() && host.ends_with(domain) &&
                               host[host.size() - domain.size() - 1] == '.'));
  });
}

} // namespace

std::string
url_host(std::string_view url)
{
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return "";
  }
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, std::min(authority.find_first_of("/?#"), authority.size()));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  // An IPv6 literal keeps its colons; a port goes.
  const size_t host_end =
    authority.starts_with('[') ? authority.find(']') + 1 : authority.find(':');
  authority = authority.substr(0, std::min(host_end, authority.size()));
  std::string host;
  for (const char c : authority) {
    host += lower(c);
  }
  // "example.org." names the same host as "example.org".
  if (host.ends_with('.')) {
    host.pop_back();
  }
  return host;
}

std::string
tag_url(std::string_view url, const UtmTags& tags)
{
  const std::array<std::pair<std::string_view, const std::string*>, 4> params = { {
    { "utm_source", &tags.source },
    { "utm_medium", &tags.medium },
    { "utm_campaign", &tags.campaign },
    { "utm_content", &tags.content },
  } };
  std::string added;
  for (const auto& [name, value] : params) {
    if (!value->empty()) {
      added += (added.empty() ? "" : "&") + std::string(name) + "=" + encode_value(*value);
    }
  }
  const size_t hash = std::min(url.find('#'), url.size());
  const std::string_view before_fragment = url.substr(0, hash);
  const size_t question = before_fragment.find('?');
  const std::string_view query =
    question == std::string_view::npos ? std::string_view() : before_fragment.substr(question + 1);
  if (added.empty() || has_utm_parameter(query) || excluded(url_host(url), tags.exclude)) {
    return std::string(url);
  }
  std::string out(before_fragment);
  if (question == std::string_view::npos) {
    out += '?';
  } else if (!query.empty() && !query.ends_with('&')) {
    out += '&';
  }
  out += added;
  out += url.substr(hash);
  return out;
}

std::string
tag_links(std::string_view text, const UtmTags& tags)
{
  std::string out;
  size_t copied = 0;
  for (const auto& span : find_links(text)) {
    if (span.kind != TextSpan::Kind::url) {
      continue;
    }
    out += text.substr(copied, span.byte_start - copied);
    out += tag_url(text.substr(span.byte_start, span.byte_end - span.byte_start), tags);
    copied = span.byte_end;
  }
  out += text.substr(copied);
  return out;
}

} // namespace herald::text
