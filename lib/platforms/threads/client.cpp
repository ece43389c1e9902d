// The requests every part of the `threads` platform makes (threads.hpp): the token as the
// documented access_token parameter, Graph's errors, the token's renewal.
#include "http/ascii.hpp"
#include "http/rate_limit.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/metrics.hpp"
#include "platforms/threads/threads.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"
#include "util/hash.hpp"
#include "util/private_dir.hpp"
#include "util/secret_file.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace herald::platforms::threads {

namespace {

constexpr std::string_view k_default_url = "https://graph.threads.net";
// A token file is a few hundred bytes; anything much bigger is not ours.
constexpr size_t k_max_token_file_bytes = size_t(64) * 1024;
// A renewal Meta refused for another reason than the token (it is less than a day old) is
// asked again a day later, not on every run.
constexpr std::chrono::hours k_retry_refused_renewal{ 24 };
// How long a renewed token lasts when the answer does not say (Meta documents 60 days).
constexpr std::chrono::days k_lifetime{ 60 };

// The wall clock: a token's lifetime is Meta's, whatever clock the run schedules by (--now).
TimePoint
wall_now()
{
  return SystemClock().now();
}

} // namespace

GraphError
graph_error(std::string_view body)
{
  const auto json = nlohmann::json::parse(body, nullptr, false);
  const auto& error = json_member(json, "error");
  GraphError out;
  if (const auto& message = json_member(error, "message"); message.is_string()) {
    out.message = message.get<std::string>();
  }
  if (const auto& code = json_member(error, "code"); code.is_number_integer()) {
    out.code = code.get<int64_t>();
  }
  if (const auto& subcode = json_member(error, "error_subcode"); subcode.is_number_integer()) {
    out.subcode = subcode.get<int64_t>();
  }
  return out;
}

std::string
post_url(std::string_view id, std::string_view permalink)
{
  return permalink.empty() ? "https://www.threads.net/post/" + std::string(id)
                           : std::string(permalink);
}

Client::Client(const AccountConfig& account, const AdapterContext& context)
  : m_base_url(base_url_setting(account, k_default_url))
  , m_user(setting(account, "user_id", "me"))
  , m_media_url(setting(account, "media_url"))
  , m_env_name(setting(account, "token_env"))
  , m_context(context)
{
  auto token = read_secret(account, "token", context);
  if (!token) {
    throw Error(token.error());
  }
  m_env_token = std::move(*token);
  m_seed = Hasher().update(m_env_token).hex();
  m_secrets = { m_env_token };
  m_token_file = secret_file_path(context.state_dir, "threads", account.name, m_base_url);
}

TimePoint
Client::now() const
{
  return now_of(m_context);
}

Result<std::string, PublishError>
Client::token()
{
  if (!m_token) {
    if (auto renewed = renew_if_due(); !renewed) {
      return unexpected(std::move(renewed.error()));
    }
  }
  return *m_token;
}

Result<void, PublishError>
Client::renew_if_due()
{
  const auto state_problem = [](std::string message) {
    return unexpected(PublishError{
      PublishError::Kind::not_sent, fmt::format("threads: {}", std::move(message)), {} });
  };
  if (m_token_file.empty()) {
    // Nowhere to keep a renewed token: renewing would spend the environment's for nothing.
    m_token = m_env_token;
    return {};
  }
  if (auto made = create_private_directories(m_token_file.parent_path()); !made) {
    return state_problem(made.error());
  }
  auto lock = FileLock::acquire(m_token_file);
  if (!lock) {
    return state_problem(lock.error());
  }
  // Read under the lock: another run may have renewed the token a moment ago.
  auto content = read_secret_file(m_token_file, "the Threads token file", k_max_token_file_bytes);
  if (!content) {
    throw Error(content.error(), ExitStatus::state);
  }
  auto kept = *content ? kept_token_from_json(**content) : std::nullopt;
  if (kept && kept->seed != m_seed) {
    kept.reset(); // renewed from a token the user has replaced since
  }
  const bool renewed = kept && !kept->access_token.empty();
  m_token = renewed ? kept->access_token : m_env_token;
  m_expires = renewed ? kept->expires_at : std::nullopt;
  m_secrets.push_back(*m_token);
  const auto now = wall_now();
  if (!renewal_due(kept, m_seed, now)) {
    return {};
  }

  // Not under /v1.0: Meta documents the renewal unversioned.
  constexpr std::string_view what = "threads: GET /refresh_access_token";
  const auto response = m_transport->send(
    request("GET", "/refresh_access_token?grant_type=th_refresh_token", *m_token));
  if (!response) {
    return {}; // the token in hand still works: the next run tries again
  }
  const auto body = nlohmann::json::parse(response->body, nullptr, false);
  KeptToken next{ m_seed, kept ? kept->access_token : "", m_expires, std::nullopt };
  if (response->status == 200 && !json_id(body, "access_token").empty()) {
    next.access_token = json_id(body, "access_token");
    const auto& expires_in = json_member(body, "expires_in");
    next.expires_at = now + (expires_in.is_number_integer()
                               ? std::chrono::seconds(expires_in.get<int64_t>())
                               : std::chrono::duration_cast<std::chrono::seconds>(k_lifetime));
    m_secrets.push_back(next.access_token);
  } else {
    const auto graph = graph_error(response->body);
    if (graph.code == 190) {
      auto error = nothing_published(answer_error(*response, what));
      error.message += fmt::format("; make a new long-lived token and set it in {}",
                                   m_env_name.empty() ? "the token's variable" : m_env_name);
      return unexpected(std::move(error));
    }
    // Refused for another reason (a token less than a day old): ask again tomorrow.
    next.retry_at = now + k_retry_refused_renewal;
  }
  if (auto saved = write_secret_file(m_token_file, to_json(next)); !saved) {
    if (next.access_token != *m_token) {
      // The renewed token exists only here now, and the old one may be spent: say so.
      return unexpected(PublishError{
        PublishError::Kind::auth,
        fmt::format("threads: the renewed token could not be kept ({}); the next run needs a "
                    "new token",
                    saved.error()),
        {} });
    }
    return state_problem(saved.error());
  }
  if (!next.access_token.empty()) {
    m_token = next.access_token;
    m_expires = next.expires_at;
  }
  return {};
}

// The token goes as the access_token parameter, as Meta documents every call (its examples put
// a POST's parameters in the query string too); redaction masks it in every message.
http::Request
Client::request(std::string method, const std::string& path, const std::string& token) const
{
  http::Request r;
  r.method = std::move(method);
  r.url = m_base_url + path + (path.find('?') == std::string::npos ? "?" : "&") +
          "access_token=" + http::ascii::percent_encode(token);
  r.headers.push_back({ "Accept", "application/json" });
  r.secrets = m_secrets;
  return r;
}

PublishError
Client::answer_error(const http::Response& response, std::string_view what) const
{
  const auto graph = graph_error(response.body);
  auto error = from_response(response, what, graph.message, m_secrets, now());
  // Graph answers most refusals 400 with a code: 190 is the token, 4 and 17 and 613 limits.
  if (graph.code == 190) {
    error.kind = PublishError::Kind::auth;
  } else if (graph.code == 4 || graph.code == 17 || graph.code == 613) {
    error.kind = PublishError::Kind::rate_limited;
    error.retry_after = http::clamp_server_wait(now() + std::chrono::hours(1), now());
  }
  return error;
}

Result<nlohmann::json, PublishError>
Client::get_json(const std::string& path, std::string_view what)
{
  auto token = this->token();
  if (!token) {
    return unexpected(std::move(token.error()));
  }
  auto response = m_transport->send(request("GET", path, *token));
  return json_of_read(response ? Result<http::Response, PublishError>(std::move(*response))
                               : unexpected(from_transport(response.error(), "threads")),
                      what, [&](const http::Response& r) { return answer_error(r, what); });
}

Result<nlohmann::json, PublishError>
Client::post_form(const std::string& path, std::string_view what, const Form& form, bool publishes)
{
  auto token = this->token();
  if (!token) {
    return unexpected(std::move(token.error()));
  }
  auto r = request("POST", path, *token);
  r.headers.push_back({ "Content-Type", "application/x-www-form-urlencoded" });
  for (const auto& [name, value] : form) {
    r.body += (r.body.empty() ? "" : "&") + http::ascii::percent_encode(name) + "=" +
              http::ascii::percent_encode(value);
  }
  auto response = m_transport->send(r);
  if (!response) {
    auto error = from_transport(response.error(), "threads");
    return unexpected(publishes ? std::move(error) : nothing_published(std::move(error)));
  }
  if (response->status != 200) {
    auto error = answer_error(*response, what);
    return unexpected(publishes ? std::move(error) : nothing_published(std::move(error)));
  }
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (json_id(body, "id").empty()) {
    return unexpected(
      PublishError{ publishes ? PublishError::Kind::maybe_sent : PublishError::Kind::not_sent,
                    fmt::format("{}: HTTP {} without an id", what, response->status),
                    {} });
  }
  return body;
}

} // namespace herald::platforms::threads
