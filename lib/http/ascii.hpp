#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// ASCII-only text helpers for protocol text (header names, schemes, field names). Locale-free on
// purpose: HTTP names are ASCII and std::tolower depends on the C locale.
namespace herald::http::ascii {

constexpr char
to_lower(char c)
{
  return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

constexpr bool
is_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

constexpr bool
is_digit(char c)
{
  return c >= '0' && c <= '9';
}

constexpr bool
iequals(std::string_view a, std::string_view b)
{
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) {
      return false;
    }
  }
  return true;
}

// Case-insensitive find; npos when absent.
constexpr size_t
ifind(std::string_view haystack, std::string_view needle, size_t from = 0)
{
  if (needle.empty() || needle.size() > haystack.size()) {
    return std::string_view::npos;
  }
  for (size_t i = from; i + needle.size() <= haystack.size(); ++i) {
    if (iequals(haystack.substr(i, needle.size()), needle)) {
      return i;
    }
  }
  return std::string_view::npos;
}

constexpr std::string_view
trim(std::string_view s)
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// RFC 3986 percent-encoding of everything but unreserved characters (a query value, a path
// segment): "did:plc:x" -> "did%3Aplc%3Ax". `plus_for_space` gives the form encoding of a space.
inline std::string
percent_encode(std::string_view s, bool upper = true, bool plus_for_space = false)
{
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (const char c : s) {
    if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else if (c == ' ' && plus_for_space) {
      out += '+';
    } else {
      out += '%';
      out += digits[static_cast<unsigned char>(c) >> 4];
      out += digits[static_cast<unsigned char>(c) & 15];
    }
  }
  return out;
}

} // namespace herald::http::ascii
