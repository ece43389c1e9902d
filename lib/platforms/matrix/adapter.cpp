// The `matrix` platform: publishes to one room through the Matrix client-server API
// (platforms.md section 11). A message is PUT /_matrix/client/v3/rooms/{roomId}/send/
// m.room.message/{txnId}, the txnId derived from the job's idempotency key (matrix.hpp
// txn_id()), so that a resend after a crash is answered with the event already sent rather than
// a second one: the platform is idempotent. An m.text carries its org.matrix.custom.html body
// beside the plain one; an image is uploaded to the content repository (POST
// /_matrix/media/v3/upload) and sent as its own m.image event, the alt text as its body. A
// thread's first event is the root; every later event is an m.thread relation to it, replying
// to the event before. `room:` may be an alias (#name:server), resolved through the directory
// once per adapter.
#include "http/ascii.hpp"
#include "http/rate_limit.hpp"
#include "http/redact.hpp"
#include "text/length_rules.hpp"

#include "platforms/conversations.hpp"
#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/matrix/matrix.hpp"
#include "platforms/media_type.hpp"
#include "platforms/metrics.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

namespace herald::platforms {

namespace {

// Looking for an earlier copy of a post reads the room this many messages at a time, at most
// this many pages.
constexpr size_t k_search_page_size = 100;
constexpr size_t k_search_pages = 5;

std::vector<std::string>
problems_of(const OutPart& part)
{
  std::vector<std::string> problems;
  if (part.text.empty() && part.media.empty()) {
    problems.emplace_back("a message needs text or an image");
  }
  for (const auto& media : part.media) {
    if (!media_type_for(media.file).starts_with("image/")) {
      problems.push_back(
        fmt::format("{} is not an image; herald sends Matrix images only (m.image)",
                    media.file.filename().string()));
    }
  }
  return problems;
}

class MatrixAdapter : public Adapter
{
public:
  MatrixAdapter(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
  {
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    if (post.parts.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent, "matrix: nothing to post", {} });
    }
    // Every part is checked before anything is sent, so that a bad part 3 leaves no half thread.
    for (size_t i = 0; i < post.parts.size(); ++i) {
      auto problems = problems_of(post.parts[i]);
      if (const auto why = text::too_long(post.parts[i].text, matrix::body_rule())) {
        problems.insert(problems.begin(), *why);
      }
      if (!problems.empty()) {
        return unexpected(PublishError{
          PublishError::Kind::permanent,
          post.parts.size() == 1
            ? fmt::format("matrix: {}", problems.front())
            : fmt::format("matrix: part {} of {}: {}", i + 1, post.parts.size(), problems.front()),
          {} });
      }
    }
    auto room = m_client.room_id();
    if (!room) {
      return unexpected(std::move(room.error()));
    }
    // Every image is uploaded before any event is sent, so that an image the homeserver
    // refuses leaves no half thread behind; first its size against the homeserver's limit.
    std::vector<std::vector<nlohmann::json>> events(post.parts.size());
    if (auto fits = check_upload_sizes(post); !fits) {
      return unexpected(std::move(fits.error()));
    }
    for (size_t i = 0; i < post.parts.size(); ++i) {
      const auto& part = post.parts[i];
      if (!part.text.empty()) {
        events[i].push_back(matrix::text_content(part.text));
      }
      for (const auto& media : part.media) {
        auto content = m_client.image_content(media);
        if (!content) {
          return unexpected(
            in_thread(std::move(content.error()), i, post.parts.size(), std::nullopt));
        }
        events[i].push_back(std::move(*content));
      }
    }
    std::optional<Published> first;
    std::string previous;
    for (size_t i = 0; i < post.parts.size(); ++i) {
      auto& contents = events[i];
      for (size_t e = 0; e < contents.size(); ++e) {
        auto& content = contents[e];
        // The first part's events (its text, then its images) stand in the room; a later
        // part's are in the thread of the first event, the fallback reply naming the latest
        // event of the thread, as the spec asks.
        if (i > 0) {
          content["m.relates_to"] = { { "rel_type", "m.thread" },
                                      { "event_id", first->remote_id },
                                      { "is_falling_back", true },
                                      { "m.in_reply_to", { { "event_id", previous } } } };
        }
        auto event = m_client.send(*room, content, matrix::txn_id(post.idempotency_key, i, e));
        if (!event) {
          return unexpected(in_thread(std::move(event.error()), i, post.parts.size(), first));
        }
        if (i > 0 || !first) {
          previous = *event;
        }
        if (!first) {
          first = Published{ *event, matrix::event_url(*room, *event) };
        }
      }
    }
    return *first;
  }

  // Past the idempotency window the homeserver may have forgotten the txnId: the room's
  // recent messages (newest first, back to `since`) are searched for the first event, by its
  // transaction id (the homeserver shows it, as unsigned.transaction_id, to the token that sent
  // it) or, from another token, by our user sending the same text. A thread found by its first
  // event may lack later parts, so after a crash it is left to a person.
  Result<std::optional<Published>, PublishError> find_published(const OutPost& post,
                                                                TimePoint since) override
  {
    if (post.parts.size() > 1) {
      return unexpected(PublishError{
        PublishError::Kind::permanent, "matrix: a thread is not looked for after a crash", {} });
    }
    return search(post, since, true);
  }

  // Before a first send from a fresh state: the same search, a thread found by its first event.
  Result<std::optional<Published>, PublishError> find_earlier(const OutPost& post,
                                                              TimePoint since) override
  {
    return search(post, since, false);
  }

  std::string ledger() override { return "the room's recent messages"; }

  // Who the token is (GET /account/whoami), that the room resolves, and that we are joined to
  // it: our own membership event (a room we are not in answers 403 M_FORBIDDEN, as a message
  // to it would).
  Result<Verified, PublishError> verify() override
  {
    auto user = m_client.user_id();
    if (!user) {
      return unexpected(std::move(user.error()));
    }
    auto room = m_client.room_id();
    if (!room) {
      return unexpected(std::move(room.error()));
    }
    const auto& secrets = m_client.secrets();
    auto member = m_client.get_json(
      fmt::format("{}/rooms/{}/state/m.room.member/{}", matrix::k_client,
                  http::ascii::percent_encode(*room), http::ascii::percent_encode(*user)),
      "matrix: GET /_matrix/client/v3/rooms/{roomId}/state/m.room.member/{userId}");
    const auto membership = member ? json_id(*member, "membership") : std::string();
    if (membership != "join") {
      return unexpected(PublishError{
        member ? PublishError::Kind::permanent : member.error().kind,
        fmt::format("matrix: {} is not joined to {}{}", *user, *room,
                    member
                      ? fmt::format(" (membership: {})",
                                    membership.empty() ? "none" : server_text(membership, secrets))
                      : "; " + member.error().message),
        {} });
    }
    std::string detail = fmt::format("{} in {}", *user, *room);
    if (*room != m_client.room_setting()) {
      detail += fmt::format(" ({})", server_text(m_client.room_setting(), secrets));
    }
    return Verified{ std::move(detail) };
  }

private:
  Result<std::optional<Published>, PublishError> search(const OutPost& post, TimePoint since,
                                                        bool must_reach_since)
  {
    if (post.parts.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent, "matrix: nothing to look for", {} });
    }
    auto me = m_client.user_id();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    auto room = m_client.room_id();
    if (!room) {
      return unexpected(std::move(room.error()));
    }
    const auto txn = matrix::txn_id(post.idempotency_key, 0, 0);
    const auto& text = post.parts.front().text;
    const std::string base = fmt::format("{}/rooms/{}/messages?dir=b&limit={}", matrix::k_client,
                                         http::ascii::percent_encode(*room), k_search_page_size);
    std::string from;
    for (size_t page = 0; page < k_search_pages; ++page) {
      auto body =
        m_client.get_json(from.empty() ? base : base + "&from=" + http::ascii::percent_encode(from),
                          "matrix: GET /_matrix/client/v3/rooms/{roomId}/messages");
      if (!body) {
        return unexpected(std::move(body.error()));
      }
      for (const auto& event : json_member(*body, "chunk")) {
        const auto& ts = json_member(event, "origin_server_ts");
        if (ts.is_number_integer() &&
            TimePoint(std::chrono::seconds(ts.get<int64_t>() / 1000)) < since) {
          return std::optional<Published>();
        }
        const auto& content = json_member(event, "content");
        const bool same_txn = json_id(json_member(event, "unsigned"), "transaction_id") == txn;
        const bool same_text = json_id(event, "sender") == *me && !text.empty() &&
                               json_id(content, "body") == text &&
                               json_member(content, "m.relates_to").is_null();
        if (json_id(event, "type") == "m.room.message" && (same_txn || same_text)) {
          const auto id = http::redact(json_id(event, "event_id"), m_client.secrets());
          return std::optional<Published>(Published{ id, matrix::event_url(*room, id) });
        }
      }
      from = json_id(*body, "end");
      if (from.empty()) {
        return std::optional<Published>(); // the start of the room
      }
    }
    if (must_reach_since) {
      return unexpected(PublishError{
        PublishError::Kind::permanent,
        fmt::format("matrix: the room has more than {} messages since; not all were searched",
                    k_search_pages * k_search_page_size),
        {} });
    }
    return std::optional<Published>();
  }

  // Refuses, before anything is uploaded, an image over the homeserver's upload limit
  // (m.upload.size of GET /_matrix/client/v1/media/config, read once). A homeserver that does
  // not say leaves it to the upload, which it answers 413 M_TOO_LARGE.
  Result<void, PublishError> check_upload_sizes(const OutPost& post)
  {
    for (size_t i = 0; i < post.parts.size(); ++i) {
      for (const auto& media : post.parts[i].media) {
        if (!m_upload_limit) {
          m_upload_limit = m_client.upload_limit();
        }
        std::error_code ec;
        const auto size = std::filesystem::file_size(media.file, ec);
        if (!ec && m_upload_limit->has_value() && size > **m_upload_limit) {
          return unexpected(in_thread(
            PublishError{ PublishError::Kind::permanent,
                          fmt::format("matrix: {} is {} bytes, the homeserver takes at most {} "
                                      "(m.upload.size)",
                                      media.file.filename().string(), size, **m_upload_limit),
                          {} },
            i, post.parts.size(), std::nullopt));
        }
      }
    }
    return {};
  }

  matrix::Client m_client;
  std::optional<std::optional<uintmax_t>> m_upload_limit;
};

class MatrixPlatform : public Platform
{
public:
  std::string_view name() const override { return "matrix"; }

  Capabilities capabilities() const override
  {
    // A resend under the same txnId (same access token) is answered with the event already
    // sent. How long a homeserver remembers a txnId the spec leaves open (the server may
    // forget it); Synapse's HttpTransactionCache keeps an entry at least 30 minutes (cleaned
    // every 30 minutes of entries older than that). A job left in `sending` is resent within
    // 20 minutes, a margin under that; later the room is searched (find_published), and a job
    // not found there becomes unknown.
    return { .threads = true,
             .media = true,
             .idempotent = true,
             .max_text_length = matrix::k_max_body_bytes,
             .idempotency_window = std::chrono::minutes(20) };
  }

  std::vector<std::string_view> setting_keys() const override
  {
    return { "url", "token_env", "room" };
  }

  std::vector<text::LengthRule> length_rules(const AccountConfig& /*account*/) const override
  {
    return { matrix::body_rule() };
  }

  std::vector<std::string> media_problems(const AccountConfig& /*account*/,
                                          const OutPart& message) const override
  {
    return problems_of(message);
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    check_secret(account, "token", setting_pos, account_pos, context, diagnostics);
    if (setting(account, "url").empty()) {
      diagnostics.error(
        account_pos, fmt::format("account '{}': 'url' (the homeserver) is required", account.name));
    } else {
      check_url_setting(account, "homeserver", setting_pos, account_pos, diagnostics);
    }
    const auto room = setting(account, "room");
    if (!matrix::is_room_id(room) && !matrix::is_room_alias(room)) {
      diagnostics.error(pos_of(setting_pos, "room", account_pos),
                        fmt::format("account '{}': 'room' must be a room id (!id:server) or an "
                                    "alias (#name:server)",
                                    account.name));
    }
  }

  Result<std::unique_ptr<ConversationSource>> make_conversations(
    const AccountConfig& account, const AdapterContext& context) const override
  {
    return make_matrix_conversations(account, context);
  }

  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    return std::make_unique<MatrixAdapter>(account, context);
  }
};

} // namespace

const Platform&
matrix_platform()
{
  static const MatrixPlatform platform;
  return platform;
}

} // namespace herald::platforms
