#include "sql_connection.hpp"

namespace herald::store {

SqlParams&
SqlParams::add(std::string_view value)
{
  m_values.emplace_back(std::string(value));
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
