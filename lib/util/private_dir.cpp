#include "private_dir.hpp"

#include <fmt/core.h>

#include <sys/stat.h>

#include <cerrno>
#include <system_error>

namespace herald {

Result<void>
create_private_directories(const std::filesystem::path& dir)
{
  std::filesystem::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) == 0) {
      // mkdir applies the umask; an odd one (0277) would leave a directory herald cannot use.
      ::chmod(partial.c_str(), 0700);
      continue;
    }
    const int error = errno;
    struct stat st;
    if (error == EEXIST && ::stat(partial.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      continue;
    }
    const std::string reason =
      error == EEXIST
        ? fmt::format("{} is not a directory", partial.string())
        : fmt::format("{}: {}", partial.string(), std::generic_category().message(error));
    return unexpected(fmt::format("cannot create {}: {}", dir.string(), reason));
  }
  return {};
}

} // namespace herald
