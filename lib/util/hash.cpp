#include "hash.hpp"

#include <fmt/core.h>

namespace herald {

Hasher&
Hasher::update(std::string_view data)
{
  for (const unsigned char c : data) {
    m_state ^= c;
    m_state *= 0x100000001b3ULL;
  }
  return *this;
}

Hasher&
Hasher::field(std::string_view data)
{
  update(fmt::format("{}:", data.size()));
  return update(data);
}

std::string
Hasher::hex() const
{
  return fmt::format("{:016x}", m_state);
}

} // namespace herald
