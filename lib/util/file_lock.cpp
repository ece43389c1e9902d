#include "file_lock.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace herald {

Result<FileLock>
FileLock::acquire(const std::filesystem::path& path)
{
  const auto lock_path = path.string() + ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return unexpected(
      fmt::format("cannot open {}: {}", lock_path, std::generic_category().message(errno)));
  }
  int rc = 0;
  do {
    rc = ::flock(fd, LOCK_EX);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int error = errno;
    ::close(fd);
    return unexpected(
      fmt::format("cannot lock {}: {}", lock_path, std::generic_category().message(error)));
  }
  return FileLock(fd);
}

FileLock::FileLock(FileLock&& other) noexcept
  : m_fd(other.m_fd)
{
  other.m_fd = -1;
}

FileLock::~FileLock()
{
  if (m_fd >= 0) {
    ::close(m_fd); // closing the last descriptor releases the flock
  }
}

} // namespace herald
