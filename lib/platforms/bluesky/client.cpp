// XRPC with an account's session (bluesky_client.hpp).
#include "platforms/bluesky/client.hpp"

#include "http/ascii.hpp"
#include "http/rate_limit.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

namespace herald::platforms::bluesky {

namespace {

nlohmann::json
parse(const http::Response& response)
{
  return nlohmann::json::parse(response.body, nullptr, false);
}

bool
token_refused(const http::Response& response)
{
  if (response.status == 401) {
    return true;
  }
  const auto name = string_field(parse(response), "error");
  return response.status == 400 && (name == "ExpiredToken" || name == "InvalidToken");
}

} // namespace

std::string
error_detail(const http::Response& response)
{
  const auto body = parse(response);
  const auto name = string_field(body, "error");
  const auto message = string_field(body, "message");
  return name.empty() || message.empty() ? name + message : name + ": " + message;
}

Login
login_of(const AccountConfig& account, const AdapterContext& context)
{
  auto password = read_secret(account, "password", context);
  if (!password) {
    throw Error(password.error());
  }
  std::string url = base_url_setting(account, "https://bsky.social");
  std::string handle = setting(account, "handle");
  if (handle.empty()) {
    throw Error(fmt::format("account '{}': a bluesky account needs 'handle:'", account.name));
  }
  SessionFile file(session_file(context.state_dir, handle, url), handle, url);
  return { std::move(url), std::move(handle), std::move(*password), std::move(file) };
}

PublishError
nothing_posted(PublishError error)
{
  if (error.kind == PublishError::Kind::maybe_sent) {
    error.kind = PublishError::Kind::not_sent;
  }
  return error;
}

Client::Client(std::string base_url, std::string identifier, std::string password, SessionFile file,
               const AdapterContext& context)
  : m_base_url(std::move(base_url))
  , m_identifier(std::move(identifier))
  , m_password(std::move(password))
  , m_file(std::move(file))
  , m_context(context)
{
}

TimePoint
Client::now() const
{
  return m_context.clock
           ? m_context.clock->now()
           : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

PublishError
Client::response_error(const http::Response& response, std::string_view what) const
{
  return from_response(response, what, error_detail(response), secrets(), now(),
                       http::rate_limit_reset_epoch(response, now(), "RateLimit-Reset"));
}

std::vector<std::string>
Client::secrets() const
{
  std::vector<std::string> out{ m_password };
  if (m_session) {
    out.push_back(m_session->access_jwt);
    out.push_back(m_session->refresh_jwt);
  }
  return out;
}

http::Request
Client::request(std::string method, std::string_view nsid, std::string_view query) const
{
  http::Request r;
  r.method = std::move(method);
  r.url = fmt::format("{}/xrpc/{}{}{}", m_base_url, nsid, query.empty() ? "" : "?", query);
  r.headers.push_back({ "Accept", "application/json" });
  r.secrets = secrets();
  return r;
}

http::Request
Client::json_request(std::string_view nsid, const nlohmann::json& body) const
{
  auto r = request("POST", nsid);
  r.headers.push_back({ "Content-Type", "application/json" });
  r.body = dump_json(body);
  return r;
}

Result<http::Response, PublishError>
Client::send(const http::Request& r)
{
  auto response = m_transport->send(r);
  if (!response) {
    return unexpected(from_transport(response.error(), "bluesky"));
  }
  return std::move(*response);
}

Result<void, PublishError>
Client::ensure_session()
{
  if (m_session) {
    return {};
  }
  auto stored = m_file.load();
  if (!stored) {
    // Refused (group-readable, someone else's): logging in again would overwrite what the
    // user should look at first.
    return unexpected(
      PublishError{ PublishError::Kind::not_sent, "bluesky: " + stored.error(), {} });
  }
  if (*stored) {
    m_session = std::move(**stored);
    return {};
  }
  return login();
}

void
Client::keep(Session session)
{
  m_session = std::move(session);
  const auto saved = m_file.save(*m_session);
  m_save_problem = saved ? std::string() : saved.error();
}

Result<void, PublishError>
Client::login()
{
  constexpr std::string_view what = "bluesky: POST com.atproto.server.createSession";
  const auto response =
    send(json_request("com.atproto.server.createSession",
                      { { "identifier", m_identifier }, { "password", m_password } }));
  if (!response) {
    return unexpected(nothing_posted(response.error()));
  }
  if (response->status != 200) {
    return unexpected(nothing_posted(response_error(*response, what)));
  }
  auto session = session_from_json(parse(*response));
  if (!session) {
    return unexpected(PublishError{
      PublishError::Kind::not_sent, std::string(what) + ": the answer has no session", {} });
  }
  keep(std::move(*session));
  return {};
}

Result<void, PublishError>
Client::renew()
{
  constexpr std::string_view what = "bluesky: POST com.atproto.server.refreshSession";
  if (m_session && !m_session->refresh_jwt.empty()) {
    auto r = request("POST", "com.atproto.server.refreshSession");
    r.headers.push_back({ "Authorization", "Bearer " + m_session->refresh_jwt });
    const auto response = send(r);
    if (!response) {
      return unexpected(nothing_posted(response.error()));
    }
    if (response->status == 200) {
      if (auto session = session_from_json(parse(*response))) {
        keep(std::move(*session));
        return {};
      }
    } else if (response->status == 429 || response->status >= 500) {
      return unexpected(nothing_posted(response_error(*response, what)));
    }
  }
  return login();
}

Result<std::optional<std::string>, PublishError>
Client::resolve(const std::string& handle)
{
  if (const auto it = m_dids.find(handle); it != m_dids.end()) {
    return it->second;
  }
  constexpr std::string_view what = "bluesky: GET com.atproto.identity.resolveHandle";
  const auto response = send(request("GET", "com.atproto.identity.resolveHandle",
                                     "handle=" + http::ascii::percent_encode(handle)));
  if (!response) {
    return unexpected(nothing_posted(response.error()));
  }
  std::optional<std::string> did;
  if (response->status == 200) {
    did = string_field(parse(*response), "did");
    if (did->empty()) {
      did.reset();
    }
  } else if (response->status != 400 && response->status != 404) {
    return unexpected(nothing_posted(response_error(*response, what)));
  }
  m_dids.emplace(handle, did);
  return did;
}

Result<http::Response, PublishError>
Client::authed(const http::Request& r)
{
  if (auto ready = ensure_session(); !ready) {
    return unexpected(std::move(ready.error()));
  }
  for (int attempt = 0;; ++attempt) {
    auto sent = r;
    sent.headers.push_back({ "Authorization", "Bearer " + m_session->access_jwt });
    sent.secrets.push_back(m_session->access_jwt);
    sent.secrets.push_back(m_session->refresh_jwt);
    auto response = send(sent);
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    if (attempt == 0 && token_refused(*response)) {
      if (auto renewed = renew(); !renewed) {
        return unexpected(std::move(renewed.error()));
      }
      continue;
    }
    return std::move(*response);
  }
}

} // namespace herald::platforms::bluesky
