#include "hash.hpp"

#include <fmt/core.h>

#include <fstream>

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

bool
Hasher::update_from_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  std::string buffer(1 << 16, '\0');
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    update(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
  }
  return true;
}

std::string
Hasher::hex() const
{
  return fmt::format("{:016x}", m_state);
}

} // namespace herald
