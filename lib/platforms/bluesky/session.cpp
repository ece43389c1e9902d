// The stored session of a `bluesky` account (see bluesky.hpp).
#include "platforms/bluesky/bluesky.hpp"
#include "util/secret_file.hpp"

#include <fmt/core.h>

#include <string>

namespace herald::platforms::bluesky {

namespace fs = std::filesystem;

namespace {

// A session file is a few hundred bytes; anything much bigger is not ours.
constexpr size_t k_max_session_bytes = size_t(64) * 1024;

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
  return secret_file_path(state_dir, "bluesky", handle, service_url);
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
  auto content = read_secret_file(m_path, "the session file", k_max_session_bytes);
  if (!content) {
    return unexpected(std::move(content.error()));
  }
  if (!*content) {
    return std::nullopt;
  }
  const auto json = nlohmann::json::parse(**content, nullptr, false);
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
  const nlohmann::json json = { { "identifier", m_identifier },
                                { "service", m_service },
                                { "did", session.did },
                                { "handle", session.handle },
                                { "accessJwt", session.access_jwt },
                                { "refreshJwt", session.refresh_jwt } };
  return write_secret_file(m_path, json.dump(2) + "\n");
}

} // namespace herald::platforms::bluesky
