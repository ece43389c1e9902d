// The requests every part of the `devto` platform makes (devto.hpp): the API key in the api-key
// header, the Accept header of the API v1, Forem's errors ({"error", "status"}).
#include "http/redact.hpp"

#include "platforms/credentials.hpp"
#include "platforms/devto/devto.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/metrics.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

namespace herald::platforms::devto {

Client::Client(const AccountConfig& account, const AdapterContext& context)
  : m_base_url(base_url_setting(account, k_default_url))
  , m_context(context)
{
  auto key = read_secret(account, "token", context);
  if (!key) {
    throw Error(key.error());
  }
  m_key = std::move(*key);
  m_secrets = { m_key };
}

TimePoint
Client::now() const
{
  return now_of(m_context);
}

http::Request
Client::request(std::string method, const std::string& path) const
{
  http::Request r;
  r.method = std::move(method);
  r.url = m_base_url + path;
  r.headers.push_back({ "api-key", m_key });
  r.headers.push_back({ "Accept", "application/vnd.forem.api-v1+json" });
  r.secrets = m_secrets;
  return r;
}

Result<nlohmann::json, PublishError>
Client::get_json(const std::string& path, std::string_view what)
{
  auto response = m_transport->send(request("GET", path));
  if (!response) {
    return unexpected(nothing_published(from_transport(response.error(), "devto")));
  }
  if (response->status != 200) {
    return unexpected(nothing_published(answer_error(*response, what, m_secrets, now())));
  }
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (!body.is_object() && !body.is_array()) {
    return unexpected(PublishError{
      PublishError::Kind::not_sent, fmt::format("{}: the answer is not JSON", what), {} });
  }
  return body;
}

Result<std::string, PublishError>
Client::username()
{
  if (!m_username) {
    auto me = get_json("/api/users/me", "devto: GET /api/users/me");
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    const auto name = json_id(*me, "username");
    if (name.empty()) {
      return unexpected(PublishError{
        PublishError::Kind::not_sent, "devto: GET /api/users/me answered without a username", {} });
    }
    m_username = http::redact(name, m_secrets);
  }
  return *m_username;
}

Result<Published, PublishError>
Client::create_article(const nlohmann::json& body)
{
  constexpr std::string_view what = "devto: POST /api/articles";
  auto r = request("POST", "/api/articles");
  r.headers.push_back({ "Content-Type", "application/json" });
  r.body = dump_json(body);
  auto response = m_transport->send(r);
  if (!response) {
    return unexpected(from_transport(response.error(), "devto"));
  }
  if (response->status != 201 && response->status != 200) {
    return unexpected(answer_error(*response, what, m_secrets, now()));
  }
  const auto answer = nlohmann::json::parse(response->body, nullptr, false);
  const auto id = json_id(answer, "id");
  if (id.empty()) {
    return unexpected(
      PublishError{ PublishError::Kind::maybe_sent,
                    fmt::format("{}: HTTP {} without an article id", what, response->status),
                    {} });
  }
  return Published{ http::redact(id, m_secrets), http::redact(json_id(answer, "url"), m_secrets) };
}

} // namespace herald::platforms::devto
