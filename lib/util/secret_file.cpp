#include "secret_file.hpp"

#include "atomic_file.hpp"
#include "private_dir.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace herald {

namespace {

std::string_view
host_of(std::string_view url)
{
  const auto scheme = url.find("://");
  const auto rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  return rest.substr(0, rest.find('/'));
}

std::string
sanitise(std::string_view name)
{
  std::string out;
  for (const char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-' || c == '_' || c == '@';
    out += plain ? c : '_';
  }
  if (out.empty() || out[0] == '.') {
    out = "_" + out; // not insert(0, ...): GCC 12 warns falsely (-Wrestrict) once it is inlined
  }
  return out;
}

// Closes a file descriptor on every path out.
struct Fd
{
  int fd;
  ~Fd()
  {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

} // namespace

Result<std::optional<std::string>>
read_secret_file(const std::filesystem::path& path, std::string_view what, size_t max_bytes)
{
  const Fd file{ ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC) };
  if (file.fd < 0) {
    if (errno == ENOENT) {
      return std::nullopt;
    }
    if (errno == ELOOP) {
      return unexpected(fmt::format("refusing {} {}: it is a symbolic link", what, path.string()));
    }
    return unexpected(fmt::format("cannot read {} {}: {}", what, path.string(),
                                  std::generic_category().message(errno)));
  }
  struct stat st
  {};
  if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return unexpected(fmt::format("refusing {} {}: not a regular file", what, path.string()));
  }
  if (st.st_uid != ::geteuid()) {
    return unexpected(fmt::format("refusing {} {}: it belongs to another user (uid {}); delete "
                                  "it to log in again",
                                  what, path.string(), st.st_uid));
  }
  if ((st.st_mode & 077) != 0) {
    return unexpected(fmt::format("refusing {} {}: it is accessible by group or others (mode "
                                  "{:04o}); its tokens may have leaked: delete it (herald logs in "
                                  "again) or chmod 600 it",
                                  what, path.string(), st.st_mode & 07777));
  }
  if (st.st_size < 0 || size_t(st.st_size) > max_bytes) {
    return std::nullopt;
  }
  std::string content(size_t(st.st_size), '\0');
  size_t got = 0;
  while (got < content.size()) {
    const ssize_t n = ::read(file.fd, content.data() + got, content.size() - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    got += size_t(n);
  }
  content.resize(got);
  return content;
}

Result<void>
write_secret_file(const std::filesystem::path& path, std::string_view content)
{
  if (auto made = create_private_directories(path.parent_path()); !made) {
    return unexpected(made.error());
  }
  // Created with its final mode: the tokens are never readable by anyone else, not even for a
  // moment. The temporary name is unique to the call, not to the process: two accounts may
  // save the same file from two publishing threads.
  return write_file_atomically(path, content, 0600);
}

std::filesystem::path
secret_file_path(const std::filesystem::path& state_dir, std::string_view folder,
                 std::string_view name, std::string_view url)
{
  if (state_dir.empty()) {
    return {};
  }
  return state_dir / folder / (sanitise(fmt::format("{}@{}", name, host_of(url))) + ".json");
}

} // namespace herald
