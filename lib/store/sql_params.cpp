#include "sql_connection.hpp"
#include "text/utf8.hpp"

namespace herald::store {

SqlParams&
SqlParams::add(std::string_view value)
{
  // Text in the state is UTF-8, always: PostgreSQL refuses anything else, and every reader
  // (status --json, engage) would trip on it. What reaches here from outside (a platform's
  // answer, a --url given by hand) has had its chance to be refused; a stray byte left is
  // stored as U+FFFD rather than failing a write that records a post.
  m_values.emplace_back(text::replace_invalid_utf8(value));
  return *this;
}

SqlParams&
SqlParams::add(int64_t value)
{
  m_values.emplace_back(value);
  return *this;
}

SqlParams&
SqlParams::add(std::optional<int64_t> value)
{
  if (value) {
    m_values.emplace_back(*value);
  } else {
    m_values.emplace_back(nullptr);
  }
  return *this;
}

} // namespace herald::store
