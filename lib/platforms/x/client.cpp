#include "client.hpp"

#include "http/ascii.hpp"
#include "http/crypto_api.hpp"
#include "http/rate_limit.hpp"
#include "http/redact.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/metrics.hpp"
#include "platforms/x/x.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"
#include "util/hash.hpp"
#include "util/private_dir.hpp"
#include "util/secret_file.hpp"

#include <fmt/core.h>

#include <array>
#include <chrono>
#include <thread>

namespace herald::platforms::x {

namespace {

constexpr std::string_view k_default_url = "https://api.x.com";
constexpr std::array<std::string_view, 4> k_oauth1_keys{ "consumer_key", "consumer_secret",
                                                         "access_token", "access_token_secret" };

// A token file is a few hundred bytes; anything much bigger is not ours.
constexpr size_t k_max_token_file_bytes = size_t(64) * 1024;
// A token this close to running out is renewed before it is used.
constexpr std::chrono::seconds k_refresh_margin{ 60 };

// The wall clock: X's tokens run out in real time, whatever clock the run schedules by.
TimePoint
wall_now()
{
  return SystemClock().now();
}

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
    m_secrets = { m_credentials.bearer, m_credentials.refresh_token };
  }
  if (can_refresh()) {
    m_seed = Hasher().update(m_credentials.refresh_token).hex();
    load_stored_tokens();
  }
}

void
Client::load_stored_tokens()
{
  if (m_credentials.token_file.empty()) {
    return;
  }
  auto content =
    read_secret_file(m_credentials.token_file, "the X token file", k_max_token_file_bytes);
  if (!content) {
    throw Error(content.error(), ExitStatus::state);
  }
  if (!*content) {
    return;
  }
  const auto json = nlohmann::json::parse(**content, nullptr, false);
  // Tokens renewed from another refresh token (the user minted a new pair since) are stale.
  if (json_id(json, "seed") != m_seed || json_id(json, "access_token").empty() ||
      json_id(json, "refresh_token").empty()) {
    return;
  }
  m_credentials.bearer = json_id(json, "access_token");
  m_credentials.refresh_token = json_id(json, "refresh_token");
  m_secrets.push_back(m_credentials.bearer);
  m_secrets.push_back(m_credentials.refresh_token);
  if (const auto& expires = json_member(json, "expires_at"); expires.is_number_integer()) {
    m_expires = TimePoint(std::chrono::seconds(expires.get<int64_t>()));
  }
}

Result<void, PublishError>
Client::refresh()
{
  // X rotates the refresh token: two runs renewing at once would spend it twice, and the second
  // would be refused. The lock makes the second wait, then take the pair the first kept.
  std::optional<FileLock> lock;
  if (!m_credentials.token_file.empty()) {
    const auto state_problem = [](const std::string& message) {
      return unexpected(
        PublishError{ PublishError::Kind::not_sent, fmt::format("x: {}", message), {} });
    };
    if (auto made = create_private_directories(m_credentials.token_file.parent_path()); !made) {
      return state_problem(made.error());
    }
    auto taken = FileLock::acquire(m_credentials.token_file);
    if (!taken) {
      return state_problem(taken.error());
    }
    lock.emplace(std::move(*taken));
    const auto before = m_credentials.bearer;
    load_stored_tokens();
    if (m_credentials.bearer != before &&
        (!m_expires || wall_now() + k_refresh_margin < *m_expires)) {
      return {};
    }
  }
  constexpr std::string_view what = "x: POST /2/oauth2/token";
  auto r = request("POST", "/2/oauth2/token");
  r.headers.push_back({ "Content-Type", "application/x-www-form-urlencoded" });
  r.body = "grant_type=refresh_token&refresh_token=" +
           http::ascii::percent_encode(m_credentials.refresh_token) +
           "&client_id=" + http::ascii::percent_encode(m_credentials.client_id);
  auto response = m_transport->send(r);
  if (!response) {
    // Renewing publishes nothing. (Should the answer be lost after X rotated the refresh
    // token, the next renewal is refused and says so.)
    auto error = from_transport(response.error(), "x");
    error.kind = PublishError::Kind::not_sent;
    return unexpected(std::move(error));
  }
  const auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status != 200) {
    auto error =
      from_response(*response, what, json_id(body, "error_description"), m_secrets, now());
    if (response->status == 400 || response->status == 401) {
      error.kind = PublishError::Kind::auth;
      error.message += "; the refresh token was refused: authorize the app again and set new "
                       "tokens";
    }
    return unexpected(std::move(error));
  }
  const auto access = json_id(body, "access_token");
  if (access.empty()) {
    return unexpected(PublishError{
      PublishError::Kind::not_sent, fmt::format("{}: the answer has no access_token", what), {} });
  }
  m_credentials.bearer = access;
  m_secrets.push_back(access);
  if (const auto rotated = json_id(body, "refresh_token"); !rotated.empty()) {
    m_credentials.refresh_token = rotated;
    m_secrets.push_back(rotated);
  }
  const auto& expires_in = json_member(body, "expires_in");
  m_expires = wall_now() + std::chrono::seconds(
                             expires_in.is_number_integer() ? expires_in.get<int64_t>() : 7200);
  if (!m_credentials.token_file.empty()) {
    const nlohmann::json stored = {
      { "seed", m_seed },
      { "access_token", m_credentials.bearer },
      { "refresh_token", m_credentials.refresh_token },
      { "expires_at", m_expires->time_since_epoch().count() },
    };
    if (auto saved = write_secret_file(m_credentials.token_file, stored.dump(2) + "\n"); !saved) {
      // The new refresh token exists only here now: say so, so that nobody is surprised.
      return unexpected(PublishError{
        PublishError::Kind::auth,
        fmt::format("x: the renewed token could not be kept ({}); the next run needs new tokens",
                    saved.error()),
        {} });
    }
  }
  return {};
}

TimePoint
Client::now() const
{
  return now_of(m_context);
}

void
Client::sleep(std::chrono::milliseconds duration) const
{
  if (m_context.sleep) {
    m_context.sleep(duration);
  } else {
    std::this_thread::sleep_for(duration);
  }
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
  if (can_refresh() && !m_credentials.oauth1 && m_expires &&
      wall_now() + k_refresh_margin >= *m_expires) {
    if (auto renewed = refresh(); !renewed) {
      return unexpected(std::move(renewed.error()));
    }
  }
  auto response = send_once(r);
  // An OAuth 2.0 token refused: renewed once, then the same request again (it was refused, so
  // it did nothing).
  if (response && response->status == 401 && can_refresh() && !m_credentials.oauth1) {
    if (auto renewed = refresh(); !renewed) {
      return unexpected(std::move(renewed.error()));
    }
    response = send_once(std::move(r));
  }
  return response;
}

Result<http::Response, PublishError>
Client::send_once(http::Request r)
{
  // An OAuth 1.0a signature covers the URL's query and a form body's fields, never a JSON or
  // multipart body, so it is made once the request is complete.
  if (const auto& oauth1 = m_credentials.oauth1) {
    const auto seconds = wall_now().time_since_epoch().count();
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
  return json_of_read(send(request("GET", path_and_query)), what,
                      [&](const http::Response& r) { return answer_error(r, what); });
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
  return x::post_url(m_account ? m_account->username : "", http::redact(id, m_secrets));
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
    if (account.settings.contains("refresh_token_env")) {
      auto refresh_token = read_secret(account, "refresh_token", context);
      auto client_id = read_secret(account, "client_id", context);
      if (!refresh_token || !client_id) {
        throw Error(!refresh_token ? refresh_token.error() : client_id.error());
      }
      credentials.refresh_token = std::move(*refresh_token);
      credentials.client_id = std::move(*client_id);
      credentials.token_file = secret_file_path(context.state_dir, "x", account.name, url);
    }
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
  const bool refresh = account.settings.contains("refresh_token_env");
  if (refresh != account.settings.contains("client_id_env") || (refresh && !oauth2)) {
    diagnostics.error(
      pos_of(setting_pos, refresh ? "refresh_token_env" : "client_id_env", account_pos),
      fmt::format("account '{}': renewing an OAuth 2.0 token needs token_env, "
                  "refresh_token_env and client_id_env together",
                  account.name));
    return;
  }
  if (oauth2) {
    check_secret(account, "token", setting_pos, account_pos, context, diagnostics);
    if (refresh) {
      check_secret(account, "refresh_token", setting_pos, account_pos, context, diagnostics);
      check_secret(account, "client_id", setting_pos, account_pos, context, diagnostics);
    }
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
