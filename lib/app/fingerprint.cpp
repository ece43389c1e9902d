#include "fingerprint.hpp"

#include "version.hpp"

#include "util/hash.hpp"

#include <fmt/core.h>

#include <sys/stat.h>

#include <fstream>

namespace herald::app {

std::optional<std::string>
stat_fingerprint(const std::vector<std::filesystem::path>& files)
{
  std::string fingerprint = k_version;
  for (const auto& file : files) {
    struct stat st;
    if (::stat(file.c_str(), &st) != 0) {
      return std::nullopt;
    }
    fingerprint += fmt::format(";{}:{}:{}.{}:{}", file.string(), st.st_size, st.st_mtim.tv_sec,
                               st.st_mtim.tv_nsec, st.st_ino);
  }
  return fingerprint;
}

bool
modified_since(const std::vector<std::filesystem::path>& files,
               std::filesystem::file_time_type since)
{
  for (const auto& file : files) {
    std::error_code ec;
    const auto modified = std::filesystem::last_write_time(file, ec);
    if (ec || modified >= since) {
      return true;
    }
  }
  return false;
}

std::optional<std::string>
content_hash(const std::vector<std::filesystem::path>& files)
{
  Hasher hasher;
  hasher.field(k_version);
  std::string buffer(1 << 16, '\0');
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      return std::nullopt;
    }
    hasher.field(file.string());
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
      hasher.update(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
    }
  }
  return hasher.hex();
}

} // namespace herald::app
