// The requests every part of the `lemmy` platform makes (lemmy.hpp): the login and its JWT as a
// Bearer header, kept in an owner-only file like Bluesky's session; Lemmy's errors ({"error":
// "<code>"}); the community's id.
#include "http/ascii.hpp"
#include "http/rate_limit.hpp"
#include "http/redact.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/lemmy/lemmy.hpp"
#include "platforms/media_type.hpp"
#include "platforms/metrics.hpp"
#include "util/error.hpp"
#include "util/secret_file.hpp"

#include <fmt/core.h>

namespace herald::platforms::lemmy {

namespace {

// A JWT file is a few hundred bytes; anything much bigger is not ours.
constexpr size_t k_max_jwt_file_bytes = size_t(64) * 1024;

std::string
required_secret(const AccountConfig& account, std::string_view key, const AdapterContext& context)
{
  auto value = read_secret(account, key, context);
  if (!value) {
    throw Error(value.error());
  }
  return std::move(*value);
}

} // namespace

Client::Client(const AccountConfig& account, const AdapterContext& context)
  : m_base_url(base_url_setting(account, ""))
  , m_community(setting(account, "community"))
  , m_username(required_secret(account, "username", context))
  , m_password(required_secret(account, "password", context))
  , m_context(context)
{
  m_file = jwt_file(context.state_dir, m_username, m_base_url);
}

TimePoint
Client::now() const
{
  return now_of(m_context);
}

std::vector<std::string>
Client::secrets() const
{
  std::vector<std::string> out{ m_password };
  if (!m_jwt.empty()) {
    out.push_back(m_jwt);
  }
  return out;
}

// 401 and not_logged_in / incorrect_login are auth (a second refusal, after a new login);
// missing_totp_token says why: herald cannot answer a 2FA login. rate_limit_error (400 before
// Lemmy answered 429) waits like a 429. Other 4xx are permanent, 5xx maybe sent.
PublishError
Client::answer_error(const http::Response& response, std::string_view what) const
{
  const auto error = lemmy_error(response.body);
  auto detail =
    error.message.empty() ? error.code : fmt::format("{}: {}", error.code, error.message);
  if (error.code == "missing_totp_token") {
    detail += " (an account with two-factor login cannot be used by herald)";
  }
  const auto wait = http::retry_after(response, now());
  auto out = from_response(response, what, detail, secrets(), now(), wait);
  if (error.code == "not_logged_in" || error.code == "incorrect_login" ||
      error.code == "missing_totp_token" || error.code == "email_not_verified" ||
      error.code == "site_ban" || error.code == "deleted") {
    out.kind = PublishError::Kind::auth;
  } else if (error.code == "rate_limit_error") {
    out.kind = PublishError::Kind::rate_limited;
    out.retry_after = wait;
  }
  return out;
}

Result<void, PublishError>
Client::login()
{
  constexpr std::string_view what = "lemmy: POST /api/v3/user/login";
  http::Request r;
  r.method = "POST";
  r.url = m_base_url + std::string(k_api) + "/user/login";
  r.headers.push_back({ "Accept", "application/json" });
  r.headers.push_back({ "Content-Type", "application/json" });
  r.body = dump_json({ { "username_or_email", m_username }, { "password", m_password } });
  r.secrets = secrets();
  auto response = m_transport->send(r);
  if (!response) {
    return unexpected(nothing_published(from_transport(response.error(), "lemmy")));
  }
  if (response->status != 200) {
    auto error = nothing_published(answer_error(*response, what));
    if (response->status == 401 || error.kind == PublishError::Kind::auth) {
      error.kind = PublishError::Kind::auth;
    }
    return unexpected(std::move(error));
  }
  const auto jwt = json_id(nlohmann::json::parse(response->body, nullptr, false), "jwt");
  if (jwt.empty()) {
    // No JWT with a 200: the account waits for its email to be verified or for an admin.
    return unexpected(PublishError{
      PublishError::Kind::auth,
      std::string(what) + ": no jwt in the answer (registration or email not yet approved?)",
      {} });
  }
  m_jwt = jwt;
  m_fresh = true;
  if (!m_file.empty()) {
    const nlohmann::json kept = { { "username", m_username },
                                  { "url", m_base_url },
                                  { "jwt", jwt } };
    const auto saved = write_secret_file(m_file, kept.dump(2) + "\n");
    m_save_problem = saved ? std::string() : saved.error();
  }
  return {};
}

Result<http::Response, PublishError>
Client::authed(const http::Request& r)
{
  if (!m_loaded) {
    m_loaded = true;
    if (!m_file.empty()) {
      auto content = read_secret_file(m_file, "the JWT file", k_max_jwt_file_bytes);
      if (!content) {
        // Refused (group-readable, someone else's): logging in again would overwrite what the
        // user should look at first.
        return unexpected(
          PublishError{ PublishError::Kind::not_sent, "lemmy: " + content.error(), {} });
      }
      if (*content) {
        const auto json = nlohmann::json::parse(**content, nullptr, false);
        if (json_id(json, "username") == m_username && json_id(json, "url") == m_base_url) {
          m_jwt = json_id(json, "jwt");
        }
      }
    }
  }
  if (m_jwt.empty()) {
    if (auto in = login(); !in) {
      return unexpected(std::move(in.error()));
    }
  }
  for (;;) {
    auto sent = r;
    sent.headers.push_back({ "Authorization", "Bearer " + m_jwt });
    sent.secrets = secrets();
    auto response = m_transport->send(sent);
    if (!response) {
      return unexpected(from_transport(response.error(), "lemmy"));
    }
    // A JWT the instance no longer takes (expired, logged out, secret rotated): one new login,
    // never more, so that a refusal of the new one is reported rather than looped on.
    if (!m_fresh && login_refused(*response)) {
      if (auto in = login(); !in) {
        return unexpected(std::move(in.error()));
      }
      continue;
    }
    return std::move(*response);
  }
}

Result<nlohmann::json, PublishError>
Client::get_json(const std::string& path, std::string_view what)
{
  http::Request r;
  r.method = "GET";
  r.url = m_base_url + path;
  r.headers.push_back({ "Accept", "application/json" });
  auto response = authed(r);
  if (!response) {
    return unexpected(nothing_published(std::move(response.error())));
  }
  if (response->status != 200) {
    return unexpected(nothing_published(answer_error(*response, what)));
  }
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (!body.is_object()) {
    return unexpected(PublishError{
      PublishError::Kind::not_sent, fmt::format("{}: the answer is not JSON", what), {} });
  }
  return body;
}

Result<nlohmann::json, PublishError>
Client::post_json(const std::string& path, const nlohmann::json& body, std::string_view what)
{
  http::Request r;
  r.method = "POST";
  r.url = m_base_url + path;
  r.headers.push_back({ "Accept", "application/json" });
  r.headers.push_back({ "Content-Type", "application/json" });
  r.body = dump_json(body);
  auto response = authed(r);
  if (!response) {
    return unexpected(std::move(response.error()));
  }
  if (response->status != 200) {
    return unexpected(answer_error(*response, what));
  }
  auto answer = nlohmann::json::parse(response->body, nullptr, false);
  if (!answer.is_object()) {
    return unexpected(PublishError{
      PublishError::Kind::maybe_sent, fmt::format("{}: the answer is not JSON", what), {} });
  }
  return answer;
}

Result<std::string, PublishError>
Client::upload_image(const OutMedia& image)
{
  constexpr std::string_view what = "lemmy: POST /pictrs/image";
  http::Request r;
  r.method = "POST";
  r.url = m_base_url + "/pictrs/image";
  r.headers.push_back({ "Accept", "application/json" });
  r.form.push_back(file_part("images[]", image.file));
  auto response = authed(r);
  if (!response) {
    return unexpected(nothing_published(std::move(response.error())));
  }
  if (response->status == 413) {
    return unexpected(PublishError{
      PublishError::Kind::permanent,
      fmt::format("{}: the instance refuses {} as too large", what, image.file.filename().string()),
      {} });
  }
  // pict-rs answers 201, Lemmy passes its status on.
  if (response->status != 200 && response->status != 201) {
    return unexpected(nothing_published(answer_error(*response, what)));
  }
  const auto answer = nlohmann::json::parse(response->body, nullptr, false);
  const auto& files = json_member(answer, "files");
  const std::string name =
    files.is_array() && !files.empty() ? json_id(files.front(), "file") : std::string();
  // The name goes into the image's address as it is: only a plain file name may.
  const bool plain = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                             "0123456789._-") == std::string::npos;
  if (json_id(answer, "msg") != "ok" || !plain || name.front() == '.') {
    return unexpected(PublishError{ PublishError::Kind::not_sent,
                                    fmt::format("{}: the instance answered no image ({})", what,
                                                server_text(json_id(answer, "msg"), secrets())),
                                    {} });
  }
  return m_base_url + "/pictrs/image/" + name;
}

Result<int64_t, PublishError>
Client::community_id()
{
  if (m_community_id) {
    return *m_community_id;
  }
  auto found =
    get_json(fmt::format("{}/community?name={}", k_api, http::ascii::percent_encode(m_community)),
             "lemmy: GET /api/v3/community");
  if (!found) {
    auto error = std::move(found.error());
    error.message += fmt::format(" (resolving {})", server_text(m_community, secrets()));
    return unexpected(std::move(error));
  }
  const auto& id =
    json_member(json_member(json_member(*found, "community_view"), "community"), "id");
  if (!id.is_number_integer()) {
    return unexpected(
      PublishError{ PublishError::Kind::not_sent,
                    fmt::format("lemmy: the instance answered {} without a community id",
                                server_text(m_community, secrets())),
                    {} });
  }
  m_community_id = id.get<int64_t>();
  return *m_community_id;
}

Result<nlohmann::json, PublishError>
Client::me()
{
  if (m_me) {
    return *m_me;
  }
  auto site = get_json(std::string(k_api) + "/site", "lemmy: GET /api/v3/site");
  if (site && json_member(*site, "my_user").is_null() && !m_fresh) {
    // /site answers a JWT it does not take as it answers no JWT, without my_user: one new
    // login, as a refusal would get.
    if (auto in = login(); !in) {
      return unexpected(std::move(in.error()));
    }
    site = get_json(std::string(k_api) + "/site", "lemmy: GET /api/v3/site");
  }
  if (!site) {
    return unexpected(std::move(site.error()));
  }
  const auto& person =
    json_member(json_member(json_member(*site, "my_user"), "local_user_view"), "person");
  if (!json_member(person, "id").is_number_integer()) {
    return unexpected(PublishError{ PublishError::Kind::auth,
                                    "lemmy: GET /api/v3/site: the instance does not know the login",
                                    {} });
  }
  m_me = person;
  return *m_me;
}

} // namespace herald::platforms::lemmy
