#pragma once

#include <string_view>

namespace herald {

// `text` without the spaces, tabs and carriage returns at either end (a line of a file that may
// have Windows line ends).
constexpr std::string_view
trim_blanks(std::string_view text)
{
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// The first line of `text` (a program's message), without its blanks at the end.
constexpr std::string_view
first_line(std::string_view text)
{
  return trim_blanks(text.substr(0, text.find('\n')));
}

} // namespace herald
