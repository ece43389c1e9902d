// The stored session of a `bluesky` account (see bluesky.hpp).
#include "platforms/bluesky/bluesky.hpp"
#include "util/atomic_file.hpp"
#include "util/private_dir.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace herald::platforms::bluesky {

namespace fs = std::filesystem;

namespace {

// A session file is a few hundred bytes; anything much bigger is not ours.
constexpr off_t k_max_session_bytes = off_t(64) * 1024;

std::string
host_of(std::string_view url)
{
  const auto scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  return std::string(rest);
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

std::string
string_field(const nlohmann::json& json, const char* key)
{
  if (!json.is_object()) {
    return "";
  }
  const auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<Session>
session_from_json(const nlohmann::json& json)
{
  Session session{ string_field(json, "did"), string_field(json, "handle"),
                   string_field(json, "accessJwt"), string_field(json, "refreshJwt") };
  if (session.did.empty() || session.access_jwt.empty()) {
    return std::nullopt;
  }
  return session;
}

fs::path
session_file(const fs::path& state_dir, std::string_view handle, std::string_view service_url)
{
  if (state_dir.empty()) {
    return {};
  }
  return state_dir / "bluesky" /
         (sanitise(fmt::format("{}@{}", handle, host_of(service_url))) + ".json");
}

SessionFile::SessionFile(fs::path path, std::string identifier, std::string service)
  : m_path(std::move(path))
  , m_identifier(std::move(identifier))
  , m_service(std::move(service))
{
}

Result<std::optional<Session>>
SessionFile::load() const
{
  if (m_path.empty()) {
    return std::nullopt;
  }
  const Fd file{ ::open(m_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC) };
  if (file.fd < 0) {
    if (errno == ENOENT) {
      return std::nullopt;
    }
    if (errno == ELOOP) {
      return unexpected(
        fmt::format("refusing the session file {}: it is a symbolic link", m_path.string()));
    }
    return unexpected(fmt::format("cannot read the session file {}: {}", m_path.string(),
                                  std::generic_category().message(errno)));
  }
  struct stat st
  {};
  if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return unexpected(
      fmt::format("refusing the session file {}: not a regular file", m_path.string()));
  }
  if (st.st_uid != ::geteuid()) {
    return unexpected(fmt::format("refusing the session file {}: it belongs to another user "
                                  "(uid {}); delete it to log in again",
                                  m_path.string(), st.st_uid));
  }
  if ((st.st_mode & 077) != 0) {
    return unexpected(fmt::format("refusing the session file {}: it is accessible by group or "
                                  "others (mode {:04o}); its tokens may have leaked: delete it "
                                  "(herald logs in again) or chmod 600 it",
                                  m_path.string(), st.st_mode & 07777));
  }
  if (st.st_size > k_max_session_bytes) {
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
  const auto json = nlohmann::json::parse(content, nullptr, false);
  if (string_field(json, "identifier") != m_identifier ||
      string_field(json, "service") != m_service) {
    return std::nullopt;
  }
  return session_from_json(json);
}

Result<void>
SessionFile::save(const Session& session) const
{
  if (m_path.empty()) {
    return {};
  }
  const fs::path dir = m_path.parent_path();
  if (auto made = create_private_directories(dir); !made) {
    return unexpected(made.error());
  }

  const nlohmann::json json = { { "identifier", m_identifier },
                                { "service", m_service },
                                { "did", session.did },
                                { "handle", session.handle },
                                { "accessJwt", session.access_jwt },
                                { "refreshJwt", session.refresh_jwt } };
  const std::string content = json.dump(2) + "\n";
  // Created with its final mode: the tokens are never readable by anyone else, not even for a
  // moment (reliability.md K2). The temporary name is unique to the call, not to the process:
  // two accounts with the same handle save the same file from two publishing threads.
  if (auto written = write_file_atomically(m_path, content, 0600); !written) {
    return unexpected(written.error());
  }
  return {};
}

} // namespace herald::platforms::bluesky
