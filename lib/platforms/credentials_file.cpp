#include "credentials_file.hpp"

#include "http/ascii.hpp"
#include "text/utf8.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <system_error>

namespace herald::platforms {

namespace {

std::mutex g_mutex;
Credentials g_credentials; // guarded by g_mutex: adapters look secrets up from worker threads

bool
is_name(std::string_view name)
{
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
    return false;
  }
  for (const char c : name) {
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

} // namespace

Result<Credentials>
parse_credentials(std::string_view text, const std::string& file)
{
  Credentials credentials;
  size_t line_number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = http::ascii::trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (line.substr(0, 7) == "export ") {
      line = http::ascii::trim(line.substr(7));
    }
    const auto equals = line.find('=');
    const std::string_view name = http::ascii::trim(line.substr(0, equals));
    if (equals == std::string_view::npos || !is_name(name)) {
      // The line may be a secret: say where, never what.
      return unexpected(fmt::format("{}:{}: expected NAME=value", file, line_number));
    }
    std::string_view value = http::ascii::trim(line.substr(equals + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    if (text::locate_invalid_utf8(value)) {
      // A secret goes into HTTP headers and bodies as it is: a stray byte is a broken file.
      return unexpected(
        fmt::format("{}:{}: the value of {} is not valid UTF-8", file, line_number, name));
    }
    credentials[std::string(name)] = std::string(value);
  }
  return credentials;
}

Result<Credentials>
read_credentials_file(const std::filesystem::path& path)
{
  const std::string file = path.string();
  // Open first and check the open file, so the file checked is the file read.
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    return unexpected(fmt::format("cannot read credentials file {}: {}", file,
                                  errno == ELOOP ? "it is a symbolic link"
                                                 : std::generic_category().message(errno)));
  }
  struct stat st
  {};
  std::string problem;
  if (::fstat(fd, &st) != 0) {
    problem = std::generic_category().message(errno);
  } else if (!S_ISREG(st.st_mode)) {
    problem = "not a regular file";
  } else if (st.st_uid != ::geteuid()) {
    problem = fmt::format("owned by uid {}, not by this user (uid {})", st.st_uid, ::geteuid());
  } else if ((st.st_mode & 077) != 0) {
    problem = fmt::format("its mode {:04o} lets other users read or change it; run: chmod 600 {}",
                          st.st_mode & 07777, file);
  }
  if (!problem.empty()) {
    ::close(fd);
    return unexpected(fmt::format("refusing credentials file {}: {}", file, problem));
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return unexpected(fmt::format("cannot read credentials file {}: {}", file,
                                    std::generic_category().message(error)));
    }
    if (n == 0) {
      break;
    }
    text.append(buffer, size_t(n));
    if (text.size() > size_t(1024) * 1024) {
      ::close(fd);
      return unexpected(fmt::format("credentials file {} is larger than 1 MiB", file));
    }
  }
  ::close(fd);
  return parse_credentials(text, file);
}

std::filesystem::path
default_credentials_path()
{
  if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && *config == '/') {
    return std::filesystem::path(config) / "herald" / "credentials";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/") / ".config" / "herald" / "credentials";
}

void
use_credentials(Credentials credentials)
{
  std::lock_guard lock(g_mutex);
  g_credentials = std::move(credentials);
}

Secret
lookup_secret(std::string_view name)
{
  if (const char* value = std::getenv(std::string(name).c_str()); value && *value) {
    return { SecretSource::environment, value };
  }
  std::lock_guard lock(g_mutex);
  if (const auto it = g_credentials.find(name); it != g_credentials.end() && !it->second.empty()) {
    return { SecretSource::credentials_file, it->second };
  }
  return {};
}

std::string_view
to_string(SecretSource source)
{
  switch (source) {
  case SecretSource::none:
    return "not set";
  case SecretSource::environment:
    return "environment";
  case SecretSource::credentials_file:
    return "credentials file";
  }
  return "?";
}

} // namespace herald::platforms
