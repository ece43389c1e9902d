// The requests every part of the `matrix` platform makes (matrix.hpp): the token as a Bearer
// header, Matrix's errors ({"errcode", "error"}), the room's id, uploads and sends.
#include "http/ascii.hpp"
#include "http/rate_limit.hpp"
#include "http/redact.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/matrix/matrix.hpp"
#include "platforms/media_type.hpp"
#include "platforms/metrics.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <fstream>
#include <sstream>

namespace herald::platforms::matrix {

namespace {

// An image is read whole into the request; homeservers' usual upload limit is 50 MB (Synapse's
// default max_upload_size), so nothing bigger is tried.
constexpr uintmax_t k_max_media_megabytes = 50;
constexpr uintmax_t k_max_media_bytes = k_max_media_megabytes * 1024 * 1024;

} // namespace

Client::Client(const AccountConfig& account, const AdapterContext& context)
  : m_base_url(base_url_setting(account, ""))
  , m_room_setting(setting(account, "room"))
  , m_context(context)
{
  auto token = read_secret(account, "token", context);
  if (!token) {
    throw Error(token.error());
  }
  m_token = std::move(*token);
  m_secrets = { m_token };
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
  r.headers.push_back({ "Authorization", "Bearer " + m_token });
  r.headers.push_back({ "Accept", "application/json" });
  r.secrets = m_secrets;
  return r;
}

// 401 M_UNKNOWN_TOKEN / M_MISSING_TOKEN and 403 M_FORBIDDEN are auth (from_response's mapping
// of 401 and 403, kept whatever the status); 429 M_LIMIT_EXCEEDED waits until Retry-After, else
// retry_after_ms; other 4xx are permanent and 5xx maybe sent.
PublishError
Client::answer_error(const http::Response& response, std::string_view what) const
{
  const auto error = matrix_error(response.body);
  const auto detail = error.errcode.empty() ? error.error
                      : error.error.empty() ? error.errcode
                                            : fmt::format("{}: {}", error.errcode, error.error);
  const auto wait = retry_at(response, now());
  auto out = from_response(response, what, detail, m_secrets, now(), wait);
  if (error.errcode == "M_UNKNOWN_TOKEN" || error.errcode == "M_MISSING_TOKEN" ||
      error.errcode == "M_FORBIDDEN") {
    out.kind = PublishError::Kind::auth;
  } else if (error.errcode == "M_LIMIT_EXCEEDED") {
    out.kind = PublishError::Kind::rate_limited;
    if (!out.retry_after) {
      out.retry_after = wait;
    }
  }
  return out;
}

Result<nlohmann::json, PublishError>
Client::exchange(const http::Request& r, std::string_view what)
{
  auto response = m_transport->send(r);
  if (!response) {
    return unexpected(nothing_published(from_transport(response.error(), "matrix")));
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
Client::get_json(const std::string& path, std::string_view what)
{
  return exchange(request("GET", path), what);
}

Result<std::string, PublishError>
Client::user_id()
{
  if (!m_user_id) {
    auto me = get_json(std::string(k_client) + "/account/whoami",
                       "matrix: GET /_matrix/client/v3/account/whoami");
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    const auto user = json_id(*me, "user_id");
    if (!user.starts_with('@')) {
      return unexpected(PublishError{
        PublishError::Kind::not_sent, "matrix: whoami answered without a user_id", {} });
    }
    m_user_id = http::redact(user, m_secrets);
  }
  return *m_user_id;
}

Result<std::string, PublishError>
Client::room_id()
{
  if (m_room_id) {
    return *m_room_id;
  }
  if (is_room_id(m_room_setting)) {
    m_room_id = m_room_setting;
    return *m_room_id;
  }
  auto found = get_json(
    fmt::format("{}/directory/room/{}", k_client, http::ascii::percent_encode(m_room_setting)),
    "matrix: GET /_matrix/client/v3/directory/room/{roomAlias}");
  if (!found) {
    auto error = std::move(found.error());
    error.message += fmt::format(" (resolving {})", server_text(m_room_setting, m_secrets));
    return unexpected(std::move(error));
  }
  const auto id = json_id(*found, "room_id");
  if (!is_room_id(id)) {
    return unexpected(
      PublishError{ PublishError::Kind::not_sent,
                    fmt::format("matrix: the directory answered {} without a room id",
                                server_text(m_room_setting, m_secrets)),
                    {} });
  }
  m_room_id = http::redact(id, m_secrets);
  return *m_room_id;
}

std::optional<uintmax_t>
Client::upload_limit()
{
  auto config =
    get_json("/_matrix/client/v1/media/config", "matrix: GET /_matrix/client/v1/media/config");
  if (!config) {
    return std::nullopt;
  }
  const auto& size = json_member(*config, "m.upload.size");
  if (!size.is_number_integer() || size.get<int64_t>() <= 0) {
    return std::nullopt;
  }
  return static_cast<uintmax_t>(size.get<int64_t>());
}

Result<nlohmann::json, PublishError>
Client::image_content(const OutMedia& media)
{
  constexpr std::string_view what = "matrix: POST /_matrix/media/v3/upload";
  const auto name = media.file.filename().string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(media.file, ec);
  if (ec || size > k_max_media_bytes) {
    return unexpected(
      PublishError{ PublishError::Kind::permanent,
                    ec ? fmt::format("matrix: {} cannot be read: {}", name, ec.message())
                       : fmt::format("matrix: {} is over {} MB", name, k_max_media_megabytes),
                    {} });
  }
  std::ifstream in(media.file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) {
    return unexpected(PublishError{
      PublishError::Kind::permanent, fmt::format("matrix: {} cannot be read", name), {} });
  }
  const auto type = media_type_for(media.file);
  auto r =
    request("POST", "/_matrix/media/v3/upload?filename=" + http::ascii::percent_encode(name));
  r.headers.push_back({ "Content-Type", type });
  r.body = bytes.str();
  auto uploaded = exchange(r, what);
  if (!uploaded) {
    return unexpected(std::move(uploaded.error()));
  }
  const auto uri = json_id(*uploaded, "content_uri");
  if (!uri.starts_with("mxc://")) {
    return unexpected(PublishError{
      PublishError::Kind::not_sent, fmt::format("{}: the answer has no content_uri", what), {} });
  }
  return nlohmann::json{ { "msgtype", "m.image" },
                         { "body", media.alt.empty() ? name : media.alt },
                         { "url", uri },
                         { "info", { { "mimetype", type }, { "size", r.body.size() } } } };
}

Result<std::string, PublishError>
Client::send(const std::string& room, const nlohmann::json& content, const std::string& txn)
{
  constexpr std::string_view what =
    "matrix: PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}";
  auto r = request("PUT", fmt::format("{}/rooms/{}/send/m.room.message/{}", k_client,
                                      http::ascii::percent_encode(room),
                                      http::ascii::percent_encode(txn)));
  r.headers.push_back({ "Content-Type", "application/json" });
  r.body = dump_json(content);
  auto response = m_transport->send(r);
  if (!response) {
    return unexpected(from_transport(response.error(), "matrix"));
  }
  if (response->status != 200) {
    return unexpected(answer_error(*response, what));
  }
  const auto id = json_id(nlohmann::json::parse(response->body, nullptr, false), "event_id");
  if (id.empty()) {
    return unexpected(
      PublishError{ PublishError::Kind::maybe_sent,
                    fmt::format("{}: HTTP {} without an event_id", what, response->status),
                    {} });
  }
  return http::redact(id, m_secrets);
}

} // namespace herald::platforms::matrix
