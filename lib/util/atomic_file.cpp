#include "atomic_file.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <random>
#include <system_error>

namespace herald {

namespace {

namespace fs = std::filesystem;

// Unique per call within the process (the counter), per process (the pid) and hard to guess
// (the random part), so another writer or a planted file never shares it.
fs::path
temporary_name(const fs::path& file)
{
  static std::atomic<unsigned> s_counter{ 0 };
  thread_local std::mt19937_64 random{ std::random_device{}() };
  return file.parent_path() / fmt::format(".{}.tmp-{}-{}-{:08x}", file.filename().string(),
                                          ::getpid(), s_counter.fetch_add(1),
                                          static_cast<uint32_t>(random()));
}

bool
write_all(int fd, std::string_view content)
{
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

} // namespace

Result<void>
write_file_atomically(const fs::path& file, std::string_view content, mode_t mode)
{
  const auto fail = [&](std::string_view what, int error) {
    return unexpected(
      fmt::format("cannot {} {}: {}", what, file.string(), std::generic_category().message(error)));
  };
  fs::path temp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 10; ++attempt) {
    temp = temporary_name(file);
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 && errno != EEXIST) {
      return fail("write", errno);
    }
  }
  if (fd < 0) {
    return fail("write", EEXIST);
  }
  if (!write_all(fd, content) || ::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return fail("write", error);
  }
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return fail("write", error);
  }
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return fail("replace", error);
  }
  // The rename is durable only once the directory is.
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    return fail("sync the directory of", errno);
  }
  const bool synced = ::fsync(dir_fd) == 0;
  const int error = errno;
  ::close(dir_fd);
  if (!synced) {
    return fail("sync the directory of", error);
  }
  return {};
}

} // namespace herald
