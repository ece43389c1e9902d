#pragma once

#include "http/request.hpp"
#include "text/length_rules.hpp"

#include "platforms/context.hpp"
#include "platforms/conversations.hpp"
#include "platforms/platform.hpp"
#include "schedule/clock.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// What every part of the `matrix` platform (platforms.md section 11) shares: the pure parts,
// apart so that they can be tested alone (the transaction ids, the formatted body, the length
// rule, the reading of the homeserver's errors and waits), and the Client that makes the
// requests for publishing and engage.
namespace herald::platforms::matrix {

// A whole event, envelope included, may be at most 65,536 bytes of canonical JSON (the spec's
// "Size limits"). The envelope the homeserver adds (event_id, room_id, sender, hashes,
// signatures, unsigned, the relation of a thread part) is kept under this margin.
inline constexpr size_t k_max_event_bytes = 65'536;
inline constexpr size_t k_envelope_margin = 4'096;
// The most one byte of text can become in the content herald sends, JSON-escaped: an '&' in a
// link is 1 byte in `body` and "&amp;" twice in `formatted_body` ("<a href=...>...</a>"), 11
// in all, and the 15 bytes of the <a> tag spread over a link of at least 15 bytes keep that
// under 12; a '"' in a link is 2 + 6 + 2; a control character 6 in `body` and none in
// `formatted_body`; a line break 2 + 5.
inline constexpr size_t k_worst_growth = 12;
// So a body of at most this many UTF-8 bytes always makes an event the homeserver accepts:
// (65,536 - 4,096) / 12 = 5,120.
inline constexpr size_t k_max_body_bytes = (k_max_event_bytes - k_envelope_margin) / k_worst_growth;

// The rule `validate` and publish() check a message's text against.
text::LengthRule body_rule();

// The transaction id of event `event` of part `part` of the job whose idempotency key is `key`:
// the same on every resend of the job, different for every event, and safe as a path segment.
// The key is used as it is when it is made of URL-unreserved characters only (herald's keys
// are), else replaced by its hash.
std::string txn_id(std::string_view key, size_t part, size_t event);

// `text` as org.matrix.custom.html: &, < and > escaped, links (text::find_links) as
// <a href="...">, a line break as <br/>, other control characters left out.
std::string formatted_body(std::string_view text);

// The content of an m.text message: the plain body and, beside it, the formatted one.
nlohmann::json text_content(std::string_view text);

// The matrix.to link of an event ("https://matrix.to/#/%21room%3Aserver/%24event").
std::string event_url(std::string_view room, std::string_view event_id);

// The Matrix error of an answer: {"errcode": "M_...", "error": "..."}; empty when absent.
struct MatrixError
{
  std::string errcode;
  std::string error;
  std::optional<int64_t> retry_after_ms;
};
MatrixError matrix_error(std::string_view body);

// When a refused request may be sent again: the Retry-After header (preferred since spec
// v1.10), else the body's retry_after_ms; clamped (http::clamp_server_wait). Nothing when the
// answer gives neither.
std::optional<TimePoint> retry_at(const http::Response& response, TimePoint now);

// Whether `room` is a room id (!opaque:server) or an alias (#name:server).
bool is_room_id(std::string_view room);
bool is_room_alias(std::string_view room);

// The text of an m.room.message's content as a person wrote it: `body`, without the reply
// fallback older clients put first ("> <@ada:example.org> what she said" lines, then a blank
// line; dropped from the spec in v1.13, still sent by some).
std::string plain_body(const nlohmann::json& content);

// Whether `content` names `user_id`: in m.mentions.user_ids (intentional mentions, spec v1.7),
// or, from clients without them, in the body or formatted body (a matrix.to pill links
// https://matrix.to/#/@user:server, its '@' sometimes written %40).
bool mentions(const nlohmann::json& content, std::string_view user_id);

// The event a message answers: m.relates_to.m.in_reply_to.event_id, else the root of the thread
// it is in (rel_type m.thread); empty for neither.
std::string parent_of(const nlohmann::json& content);
// The root of the thread an event is in (rel_type m.thread), else empty.
std::string thread_root_of(const nlohmann::json& content);

// An m.room.message event of `room` as engage shows it, read by the account `user_id`; nothing
// for another kind of event or a redacted one. `addressed` is left for the caller, who knows
// whose the parent is, except the mention.
std::optional<Message> message_of(const nlohmann::json& event, std::string_view room,
                                  std::string_view user_id);

inline constexpr std::string_view k_client = "/_matrix/client/v3";

// One account's requests: `url:` (the homeserver), the token of `token_env:` as a Bearer header,
// and `room:`, resolved once.
class Client
{
public:
  // Throws herald::Error when the token is not set (check() reported it already).
  Client(const AccountConfig& account, const AdapterContext& context);
  // The transport refers to the client's own context: never copied or moved.
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  TimePoint now() const;
  const std::vector<std::string>& secrets() const { return m_secrets; }
  // `room:` as written (an id or an alias).
  const std::string& room_setting() const { return m_room_setting; }
  // The room's id: `room:` itself, or the alias resolved through the directory (GET
  // /directory/room/{roomAlias}) once per client. Not kept across runs: an alias can be moved
  // to another room, and one GET a run is cheap.
  Result<std::string, PublishError> room_id();
  // The account's user id (GET /account/whoami), once per client.
  Result<std::string, PublishError> user_id();
  // A GET that must answer 200 with a JSON object; it publishes nothing, so every failure is
  // not_sent rather than maybe_sent.
  Result<nlohmann::json, PublishError> get_json(const std::string& path, std::string_view what);
  // The homeserver's upload limit in bytes (m.upload.size of GET
  // /_matrix/client/v1/media/config); nothing when it cannot be read or says none.
  std::optional<uintmax_t> upload_limit();
  // An image uploaded to the content repository, as the content of an m.image: the alt text
  // (else the file's name) as its body.
  Result<nlohmann::json, PublishError> image_content(const OutMedia& media);
  // One m.room.message under its transaction id: its event_id. A lost answer is maybe_sent,
  // and a resend under the same txnId is answered with the same event.
  Result<std::string, PublishError> send(const std::string& room, const nlohmann::json& content,
                                         const std::string& txn);

private:
  http::Request request(std::string method, const std::string& path) const;
  PublishError answer_error(const http::Response& response, std::string_view what) const;
  Result<nlohmann::json, PublishError> exchange(const http::Request& r, std::string_view what);

  std::string m_base_url;
  std::string m_room_setting;
  std::string m_token;
  std::vector<std::string> m_secrets;
  std::optional<std::string> m_room_id;
  std::optional<std::string> m_user_id;
  AdapterContext m_context;
  LazyTransport m_transport{ m_context };
};

} // namespace herald::platforms::matrix
