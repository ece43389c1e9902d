#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace herald {

// 64-bit FNV-1a: a stable, dependency-free fingerprint for change detection (calendar files,
// content revisions). Not a cryptographic hash; nothing here defends against an adversary.
class Hasher
{
public:
  Hasher& update(std::string_view data);
  // Adds a separator so that ("ab","c") and ("a","bc") hash differently.
  Hasher& field(std::string_view data);
  // Adds the bytes of a file; false (and nothing added) when it cannot be read.
  bool update_from_file(const std::string& path);
  uint64_t digest() const { return m_state; }
  std::string hex() const;

private:
  uint64_t m_state = 0xcbf29ce484222325ULL;
};

} // namespace herald
