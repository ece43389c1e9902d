#include "plain_url.hpp"

#include "ascii.hpp"

#include <charconv>

namespace herald::http {

namespace {

constexpr size_t k_max_plain_url = 2048; // longer ones are rare enough to leave to libcurl

bool
is_lower_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || ascii::is_digit(c);
}

// A dotted IPv4 address in the one form libcurl keeps as it is: four decimal parts of at most
// 255, without leading zeros (libcurl rewrites "127.1", "0x7f.0.0.1" and "010.0.0.1").
bool
is_canonical_ipv4(std::string_view host)
{
  int parts = 0;
  size_t start = 0;
  for (;;) {
    const size_t end = std::min(host.find('.', start), host.size());
    const auto part = host.substr(start, end - start);
    unsigned value = 0;
    const auto [rest, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || part.size() > 3 || error != std::errc() ||
        rest != part.data() + part.size() || value > 255 || (part.size() > 1 && part[0] == '0')) {
      return false;
    }
    ++parts;
    if (end == host.size()) {
      return parts == 4;
    }
    start = end + 1;
  }
}

// Lower-case labels of letters, digits and hyphens, the last one starting with a letter: never
// a number to libcurl's IPv4 reading (every part of which must start with a digit), and never
// changed by it.
bool
is_plain_host_name(std::string_view host)
{
  if (host.empty() || host.size() > 253) {
    return false;
  }
  size_t label_start = 0;
  for (size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      const size_t length = i - label_start;
      if (length == 0 || length > 63) {
        return false;
      }
      if (i == host.size()) {
        return host[label_start] >= 'a' && host[label_start] <= 'z';
      }
      label_start = i + 1;
    } else if (!is_lower_alnum(host[i]) && host[i] != '-') {
      return false;
    }
  }
  return false;
}

// Printable ASCII that libcurl takes as it is in a path, query or fragment (no space, quote,
// backslash, angle bracket, brace, caret or backtick: those are left to libcurl).
bool
is_plain_path_char(char c)
{
  if (ascii::is_alnum(c)) {
    return true;
  }
  switch (c) {
  case '-':
  case '.':
  case '_':
  case '~':
  case '!':
  case '$':
  case '&':
  case '\'':
  case '(':
  case ')':
  case '*':
  case '+':
  case ',':
  case ';':
  case '=':
  case ':':
  case '@':
  case '/':
  case '?':
  case '%':
    return true;
  default:
    return false;
  }
}

} // namespace

std::optional<UrlTarget>
parse_plain_url(std::string_view url)
{
  if (url.size() > k_max_plain_url) {
    return std::nullopt;
  }
  UrlTarget target;
  if (url.starts_with("https://")) {
    target.scheme = "https";
    target.port = 443;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    target.scheme = "http";
    target.port = 80;
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const size_t authority_end = std::min(url.find_first_of("/?#"), url.size());
  const auto authority = url.substr(0, authority_end);
  const auto rest = url.substr(authority_end);
  const size_t colon = authority.find(':');
  const auto host = authority.substr(0, colon);
  if (!is_canonical_ipv4(host) && !is_plain_host_name(host)) {
    return std::nullopt;
  }
  if (colon != std::string_view::npos) {
    const auto port = authority.substr(colon + 1);
    long value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || port.size() > 5 || !ascii::is_digit(port[0]) || port[0] == '0' ||
        error != std::errc() || end != port.data() + port.size() || value > 65535) {
      return std::nullopt;
    }
    target.port = value;
  }
  // A fragment holds no second '#' here (what libcurl makes of one is left to it).
  const size_t hash = rest.find('#');
  for (size_t i = 0; i < rest.size(); ++i) {
    if (i != hash && !is_plain_path_char(rest[i])) {
      return std::nullopt;
    }
  }
  target.host = std::string(host);
  target.loopback = is_loopback_host(target.host);
  return target;
}

} // namespace herald::http
