#include "fingerprint.hpp"

#include "version.hpp"

#include "util/hash.hpp"

#include <fmt/core.h>

#include <sys/stat.h>

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
  // Each file by its place beside the main file, so that copies of one calendar on several
  // hosts (at different paths) hash alike.
  const auto dir = files.empty() ? std::filesystem::path() : files.front().parent_path();
  for (const auto& file : files) {
    hasher.field(file.lexically_relative(dir).string());
    if (!hasher.update_from_file(file.string())) {
      return std::nullopt;
    }
  }
  return hasher.hex();
}

} // namespace herald::app
