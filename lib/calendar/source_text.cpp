#include "source_text.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace herald::calendar {

namespace {

constexpr std::string_view k_limit_hint = "set HERALD_MAX_CALENDAR_BYTES or --max-calendar-bytes";

unexpected<ReadFailure>
unreadable(int error)
{
  return unexpected(
    ReadFailure{ ReadFailure::Kind::unreadable, std::generic_category().message(error) });
}

class Fd
{
public:
  explicit Fd(int fd)
    : m_fd(fd)
  {
  }
  ~Fd()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

private:
  int m_fd;
};

} // namespace

Result<std::string, ReadFailure>
read_source_text(const std::filesystem::path& path, size_t max_bytes)
{
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return unreadable(errno);
  }
  struct stat st
  {};
  if (::fstat(fd.get(), &st) != 0) {
    return unreadable(errno);
  }
  if (S_ISDIR(st.st_mode)) {
    return unreadable(EISDIR);
  }
  const bool sized = S_ISREG(st.st_mode);
  if (sized && static_cast<unsigned long long>(st.st_size) > max_bytes) {
    return unexpected(ReadFailure{ ReadFailure::Kind::too_big,
                                   fmt::format("file is {} bytes, larger than the limit of {} ({})",
                                               st.st_size, max_bytes, k_limit_hint) });
  }

  std::string text;
  if (sized) {
    text.reserve(static_cast<size_t>(st.st_size));
  }
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return unreadable(errno);
    }
    if (n == 0) {
      break;
    }
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > max_bytes) {
      return unexpected(ReadFailure{
        ReadFailure::Kind::too_big,
        fmt::format("file is larger than the limit of {} bytes ({})", max_bytes, k_limit_hint) });
    }
  }
  return text;
}

} // namespace herald::calendar
