#include "client.hpp"

#include "http/ascii.hpp"
#include "http/rate_limit.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/linkedin/linkedin.hpp"
#include "platforms/metrics.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <chrono>

namespace herald::platforms::linkedin {

Client::Client(const AccountConfig& account, const AdapterContext& context)
  : m_base_url(base_url_setting(account, k_default_url))
  , m_version(setting(account, "version", k_default_version))
  , m_author(setting(account, "author"))
  , m_context(context)
{
  auto token = read_secret(account, "token", context);
  if (!token) {
    throw Error(token.error());
  }
  m_token = std::move(*token);
}

http::Request
Client::request(std::string method, const std::string& path) const
{
  http::Request r;
  r.method = std::move(method);
  r.url = m_base_url + path;
  r.headers.push_back({ "Authorization", "Bearer " + m_token });
  r.headers.push_back({ "Linkedin-Version", m_version });
  r.headers.push_back({ "X-Restli-Protocol-Version", "2.0.0" });
  r.headers.push_back({ "Accept", "application/json" });
  r.secrets.push_back(m_token);
  return r;
}

Result<http::Response, PublishError>
Client::send(const http::Request& r)
{
  auto response = m_transport->send(r);
  if (!response) {
    return unexpected(from_transport(response.error(), "linkedin"));
  }
  return std::move(*response);
}

PublishError
Client::answer_error(const http::Response& response, std::string_view what) const
{
  std::optional<TimePoint> reset;
  if (response.status == 429) {
    reset = http::clamp_server_wait(
      std::chrono::floor<std::chrono::days>(now()) + std::chrono::days(1), now());
  }
  auto error =
    from_response(response, what, error_detail(response.body), { m_token }, now(), reset);
  if (response.status == 426) {
    error.kind = PublishError::Kind::permanent;
    error.message +=
      fmt::format(" (set version: to a month LinkedIn serves; herald sent {})", m_version);
  }
  return error;
}

Result<nlohmann::json, PublishError>
Client::get_json(const std::string& path, std::string_view what)
{
  return json_of_read(send(request("GET", path)), what,
                      [&](const http::Response& r) { return answer_error(r, what); });
}

Result<std::string, PublishError>
Client::member()
{
  if (!m_member.empty()) {
    return m_member;
  }
  constexpr std::string_view what = "linkedin: GET /v2/userinfo";
  auto body = get_json("/v2/userinfo", what);
  if (!body) {
    return unexpected(std::move(body.error()));
  }
  const auto sub = json_id(*body, "sub");
  if (sub.empty()) {
    return unexpected(PublishError{
      PublishError::Kind::permanent, fmt::format("{}: the answer has no sub", what), {} });
  }
  m_member = "urn:li:person:" + sub;
  return m_member;
}

Result<std::string, PublishError>
Client::author()
{
  if (!m_author.empty()) {
    return m_author;
  }
  return member();
}

std::string
encoded(std::string_view urn)
{
  return http::ascii::percent_encode(urn);
}

} // namespace herald::platforms::linkedin
