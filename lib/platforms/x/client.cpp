#include "client.hpp"

#include "http/crypto_api.hpp"
#include "http/rate_limit.hpp"
#include "http/redact.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/x/x.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <array>
#include <chrono>

namespace herald::platforms::x {

namespace {

constexpr std::string_view k_default_url = "https://api.x.com";
constexpr std::array<std::string_view, 4> k_oauth1_keys{ "consumer_key", "consumer_secret",
                                                         "access_token", "access_token_secret" };

bool
uses_oauth1(const AccountConfig& account)
{
  for (const auto key : k_oauth1_keys) {
    if (account.settings.contains(std::string(key) + "_env")) {
      return true;
    }
  }
  return false;
}

} // namespace

Client::Client(std::string base_url, Credentials credentials, const AdapterContext& context)
  : m_base_url(std::move(base_url))
  , m_credentials(std::move(credentials))
  , m_context(context)
{
  if (const auto& oauth1 = m_credentials.oauth1) {
    m_secrets = { oauth1->consumer_secret, oauth1->token_secret, oauth1->token,
                  oauth1->consumer_key };
  } else {
    m_secrets = { m_credentials.bearer };
  }
}

TimePoint
Client::now() const
{
  return m_context.clock
           ? m_context.clock->now()
           : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

http::Request
Client::request(std::string method, const std::string& path_and_query) const
{
  http::Request r;
  r.method = std::move(method);
  r.url = m_base_url + path_and_query;
  r.headers.push_back({ "Accept", "application/json" });
  r.secrets = m_secrets;
  return r;
}

Result<http::Response, PublishError>
Client::send(http::Request r)
{
  // An OAuth 1.0a signature covers the URL's query and a form body's fields, never a JSON or
  // multipart body, so it is made once the request is complete.
  if (const auto& oauth1 = m_credentials.oauth1) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    r.headers.push_back({ "Authorization", http::oauth1_authorization(r.method, r.url, {}, *oauth1,
                                                                      http::random_hex(16),
                                                                      std::to_string(seconds)) });
  } else {
    r.headers.push_back({ "Authorization", "Bearer " + m_credentials.bearer });
  }
  auto response = m_transport->send(r);
  if (!response) {
    return unexpected(from_transport(response.error(), "x"));
  }
  return std::move(*response);
}

PublishError
Client::answer_error(const http::Response& response, std::string_view what) const
{
  return from_response(response, what, error_detail(response.body), m_secrets, now(),
                       http::rate_limit_reset_epoch(response, now(), "x-rate-limit-reset"));
}

Result<nlohmann::json, PublishError>
Client::get_json(const std::string& path_and_query, std::string_view what)
{
  const auto not_sent = [](PublishError error) {
    if (error.kind == PublishError::Kind::maybe_sent) {
      error.kind = PublishError::Kind::not_sent;
    }
    return unexpected(std::move(error));
  };
  auto response = send(request("GET", path_and_query));
  if (!response) {
    return not_sent(std::move(response.error()));
  }
  if (response->status != 200) {
    return not_sent(answer_error(*response, what));
  }
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (!body.is_object()) {
    return unexpected(PublishError{
      PublishError::Kind::permanent, fmt::format("{}: the answer is not JSON", what), {} });
  }
  return body;
}

Result<Account, PublishError>
Client::account()
{
  if (m_account) {
    return *m_account;
  }
  constexpr std::string_view what = "x: GET /2/users/me";
  auto body = get_json("/2/users/me", what);
  if (!body) {
    return unexpected(std::move(body.error()));
  }
  const auto& data = json_member(*body, "data");
  Account me{ json_id(data, "id"), json_id(data, "username") };
  if (me.id.empty() || me.username.empty()) {
    return unexpected(PublishError{
      PublishError::Kind::permanent, fmt::format("{}: the answer names no user", what), {} });
  }
  m_account = me;
  return me;
}

std::string
Client::post_url(std::string_view id) const
{
  // x.com/i/web/status/<id> reaches any post when the account's name is not known.
  return fmt::format("https://x.com/{}/status/{}", m_account ? m_account->username : "i/web",
                     http::redact(id, m_secrets));
}

Client
make_client(const AccountConfig& account, const AdapterContext& context)
{
  std::string url = base_url_setting(account, k_default_url);
  Credentials credentials;
  if (!uses_oauth1(account)) {
    auto token = read_secret(account, "token", context);
    if (!token) {
      throw Error(token.error());
    }
    credentials.bearer = std::move(*token);
    return Client(std::move(url), std::move(credentials), context);
  }
  std::array<std::string, 4> values;
  for (size_t i = 0; i < k_oauth1_keys.size(); ++i) {
    auto value = read_secret(account, k_oauth1_keys[i], context);
    if (!value) {
      throw Error(value.error());
    }
    values[i] = std::move(*value);
  }
  credentials.oauth1 = http::OAuth1Credentials{ values[0], values[1], values[2], values[3] };
  return Client(std::move(url), std::move(credentials), context);
}

void
check_credentials(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
                  const SourcePos& account_pos, const AdapterContext& context,
                  Diagnostics& diagnostics)
{
  check_url_setting(account, "API", setting_pos, account_pos, diagnostics);
  const bool oauth1 = uses_oauth1(account);
  const bool oauth2 = account.settings.contains("token_env");
  if (oauth1 && oauth2) {
    diagnostics.error(pos_of(setting_pos, "token_env", account_pos),
                      fmt::format("account '{}': use either OAuth 1.0a (consumer_key_env, "
                                  "consumer_secret_env, access_token_env, "
                                  "access_token_secret_env) or OAuth 2.0 (token_env), not both",
                                  account.name));
    return;
  }
  if (oauth2) {
    check_secret(account, "token", setting_pos, account_pos, context, diagnostics);
    return;
  }
  if (!oauth1) {
    diagnostics.error(account_pos,
                      fmt::format("account '{}': X needs user credentials: consumer_key_env, "
                                  "consumer_secret_env, access_token_env and "
                                  "access_token_secret_env (OAuth 1.0a), or token_env (an OAuth "
                                  "2.0 user token)",
                                  account.name));
    return;
  }
  for (const auto key : k_oauth1_keys) {
    check_secret(account, key, setting_pos, account_pos, context, diagnostics);
  }
}

} // namespace herald::platforms::x
