// What `herald engage` reads from Bluesky (platforms.md section 2, "Engage inbox"):
// - the inbox: GET app.bsky.notification.listNotifications?reasons=reply&reasons=mention&
//   reasons=quote, newest first, following `cursor` to older pages; the state keeps the newest
//   indexedAt seen, and the next fetch stops at the first notification that is not newer;
// - a thread: GET app.bsky.feed.getPostThread (parents and replies), which shows whether one
//   of our accounts already answered;
// - a reply: com.atproto.repo.createRecord of an app.bsky.feed.post whose `reply` holds strong
//   references to the thread's root and to the post answered, with facets for its links.
// Bot accounts carry the self-label "bot" on their profile (author.labels[].val).
#include "platforms/conversations.hpp"

#include "http/ascii.hpp"

#include "platforms/bluesky/bluesky.hpp"
#include "platforms/bluesky/client.hpp"
#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "schedule/zone.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <functional>
#include <map>

namespace herald::platforms {

namespace {

using bluesky::string_field;

constexpr int k_max_pages = 25;
constexpr int k_thread_depth = 50;
constexpr int k_parent_height = 80;

// The DID of at://<did>/<collection>/<rkey>.
std::string
did_of(std::string_view uri)
{
  if (!uri.starts_with("at://")) {
    return "";
  }
  uri.remove_prefix(5);
  return std::string(uri.substr(0, uri.find('/')));
}

const nlohmann::json&
member(const nlohmann::json& json, const char* key)
{
  static const nlohmann::json k_null;
  if (!json.is_object()) {
    return k_null;
  }
  const auto it = json.find(key);
  return it == json.end() ? k_null : *it;
}

// The quoted record's URI of an embed (app.bsky.embed.record, or recordWithMedia).
std::string
quoted_uri(const nlohmann::json& embed)
{
  const auto type = string_field(embed, "$type");
  if (type.starts_with("app.bsky.embed.recordWithMedia")) {
    return string_field(member(member(embed, "record"), "record"), "uri");
  }
  if (type.starts_with("app.bsky.embed.record")) {
    return string_field(member(embed, "record"), "uri");
  }
  return "";
}

class BlueskyConversations : public ConversationSource
{
public:
  BlueskyConversations(std::string url, std::string handle, std::string password,
                       bluesky::SessionFile file, const AdapterContext& context)
    : m_context(context)
    , m_client(std::move(url), std::move(handle), std::move(password), std::move(file), m_context)
  {
  }

  Result<std::string, PublishError> whoami() override
  {
    if (auto ready = m_client.ensure_session(); !ready) {
      return unexpected(std::move(ready.error()));
    }
    return m_client.session()->handle;
  }

  Result<Inbox, PublishError> inbox(const std::string& cursor, TimePoint since) override
  {
    constexpr std::string_view what = "bluesky: GET app.bsky.notification.listNotifications";
    Inbox inbox;
    inbox.cursor = cursor;
    std::string page_cursor;
    for (int page = 0; page < k_max_pages; ++page) {
      std::string query = "reasons=reply&reasons=mention&reasons=quote&limit=50";
      if (!page_cursor.empty()) {
        query += "&cursor=" + http::ascii::percent_encode(page_cursor);
      }
      auto response =
        m_client.authed(m_client.request("GET", "app.bsky.notification.listNotifications", query));
      if (!response) {
        return unexpected(bluesky::nothing_posted(std::move(response.error())));
      }
      if (response->status != 200) {
        return unexpected(bluesky::nothing_posted(m_client.response_error(*response, what)));
      }
      const auto body = nlohmann::json::parse(response->body, nullptr, false);
      const auto& list = member(body, "notifications");
      bool reached_known = false;
      for (const auto& n : list.is_array() ? list : nlohmann::json::array()) {
        const auto indexed = string_field(n, "indexedAt");
        // ISO 8601 in UTC from the same server: newer sorts later.
        if (!cursor.empty() && indexed <= cursor) {
          reached_known = true;
          continue;
        }
        if (indexed > inbox.cursor) {
          inbox.cursor = indexed;
        }
        const auto& record = member(n, "record");
        const auto created = parse_rfc3339(string_field(record, "createdAt"));
        if (cursor.empty() && created && *created < since) {
          reached_known = true;
          continue;
        }
        const auto reason = string_field(n, "reason");
        if (reason != "reply" && reason != "mention" && reason != "quote") {
          continue; // likes, reposts, follows: not conversations
        }
        auto m = message_of(n);
        m.addressed.reply = m.addressed.reply || reason == "reply";
        m.addressed.mention = m.addressed.mention || reason == "mention";
        m.addressed.quote = m.addressed.quote || reason == "quote";
        inbox.messages.push_back(std::move(m));
      }
      page_cursor = string_field(body, "cursor");
      if (reached_known || page_cursor.empty() || !list.is_array() || list.empty()) {
        break;
      }
    }
    return inbox;
  }

  Result<Thread, PublishError> thread(const std::string& id) override
  {
    constexpr std::string_view what = "bluesky: GET app.bsky.feed.getPostThread";
    auto response = m_client.authed(m_client.request("GET", "app.bsky.feed.getPostThread",
                                                     fmt::format("uri={}&depth={}&parentHeight={}",
                                                                 http::ascii::percent_encode(id),
                                                                 k_thread_depth, k_parent_height)));
    if (!response) {
      return unexpected(bluesky::nothing_posted(std::move(response.error())));
    }
    if (response->status != 200) {
      return unexpected(bluesky::nothing_posted(m_client.response_error(*response, what)));
    }
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    const auto& top = member(body, "thread");
    if (!member(top, "post").is_object()) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent,
                      // The id came from the state or a server: quoted like server text.
                      fmt::format("{}: {} is not available (deleted or blocked)", what,
                                  server_text(id, m_client.secrets())),
                      {} });
    }
    Thread thread;
    // Parents, nearest first: walk up, then put them in order.
    std::vector<const nlohmann::json*> parents;
    for (const auto* p = &member(top, "parent"); member(*p, "post").is_object();
         p = &member(*p, "parent")) {
      parents.push_back(p);
    }
    for (auto it = parents.rbegin(); it != parents.rend(); ++it) {
      thread.messages.push_back(message_of(member(**it, "post")));
    }
    const std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& node) {
      thread.messages.push_back(message_of(member(node, "post")));
      const auto& replies = member(node, "replies");
      for (const auto& r : replies.is_array() ? replies : nlohmann::json::array()) {
        if (member(r, "post").is_object()) {
          walk(r);
        }
      }
    };
    walk(top);
    // The root: what the posts' own reply references name, else the topmost post shown.
    const auto& root_ref = member(member(member(member(top, "post"), "record"), "reply"), "root");
    thread.root_id = string_field(root_ref, "uri");
    thread.root_cid = string_field(root_ref, "cid");
    if (thread.root_id.empty()) {
      thread.root_id = thread.messages.front().id;
      thread.root_cid = thread.messages.front().cid;
    }
    // Bluesky's notifications say which messages reach us; the thread adds what they answer.
    note_replies_to_us(thread, /*mark_replies=*/false);
    return thread;
  }

  Result<Published, PublishError> reply(const ReplyTarget& target, const std::string& text) override
  {
    constexpr std::string_view what = "bluesky: POST com.atproto.repo.createRecord";
    if (auto ready = m_client.ensure_session(); !ready) {
      return unexpected(std::move(ready.error()));
    }
    nlohmann::json record = {
      { "$type", "app.bsky.feed.post" },
      { "text", text },
      { "createdAt", bluesky::created_at(m_client.now()) },
      { "reply",
        { { "root", { { "uri", target.root_id }, { "cid", target.root_cid } } },
          { "parent", { { "uri", target.parent_id }, { "cid", target.parent_cid } } } } }
    };
    auto facets = bluesky::facets_for(
      text, [this](const std::string& handle) { return m_client.resolve(handle); });
    if (!facets) {
      return unexpected(std::move(facets.error()));
    }
    if (!facets->empty()) {
      record["facets"] = std::move(*facets);
    }
    auto response = m_client.authed(m_client.json_request("com.atproto.repo.createRecord",
                                                          { { "repo", m_client.session()->did },
                                                            { "collection", "app.bsky.feed.post" },
                                                            { "record", record } }));
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    if (response->status != 200) {
      return unexpected(m_client.response_error(*response, what));
    }
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    const auto uri = string_field(body, "uri");
    if (uri.empty()) {
      return unexpected(PublishError{
        PublishError::Kind::maybe_sent, fmt::format("{}: HTTP 200 without a uri", what), {} });
    }
    return Published{ uri, web_url(m_client.session()->handle, uri) };
  }

private:
  static std::string web_url(const std::string& handle, const std::string& uri)
  {
    return fmt::format("https://bsky.app/profile/{}/post/{}", handle.empty() ? did_of(uri) : handle,
                       uri.substr(uri.rfind('/') + 1));
  }

  // A postView (or a notification, which has the same fields) as a message.
  Message message_of(const nlohmann::json& post) const
  {
    const std::string& me = m_client.session() ? m_client.session()->did : std::string();
    const auto& author = member(post, "author");
    const auto& record = member(post, "record");
    Message m;
    m.id = string_field(post, "uri");
    m.cid = string_field(post, "cid");
    m.author = string_field(author, "handle");
    m.author_name = string_field(author, "displayName");
    m.url = web_url(m.author, m.id);
    m.ours = !me.empty() && string_field(author, "did") == me;
    const auto& labels = member(author, "labels");
    for (const auto& label : labels.is_array() ? labels : nlohmann::json::array()) {
      m.bot = m.bot || string_field(label, "val") == "bot";
    }
    m.text = string_field(record, "text");
    m.created_at =
      parse_rfc3339(string_field(record, "createdAt"))
        .value_or(parse_rfc3339(string_field(post, "indexedAt")).value_or(TimePoint{}));
    m.in_reply_to = string_field(member(member(record, "reply"), "parent"), "uri");
    if (!m.ours && !me.empty()) {
      m.addressed.reply = did_of(m.in_reply_to) == me;
      m.addressed.quote = did_of(quoted_uri(member(record, "embed"))) == me;
      const auto& facets = member(record, "facets");
      for (const auto& facet : facets.is_array() ? facets : nlohmann::json::array()) {
        const auto& features = member(facet, "features");
        for (const auto& f : features.is_array() ? features : nlohmann::json::array()) {
          m.addressed.mention =
            m.addressed.mention || (string_field(f, "$type") == "app.bsky.richtext.facet#mention" &&
                                    string_field(f, "did") == me);
        }
      }
    }
    return m;
  }

  AdapterContext m_context;
  bluesky::Client m_client; // after m_context, which it refers to
};

} // namespace

std::unique_ptr<ConversationSource>
make_bluesky_conversations(const AccountConfig& account, const AdapterContext& context)
{
  auto login = bluesky::login_of(account, context);
  return std::make_unique<BlueskyConversations>(std::move(login.url), std::move(login.handle),
                                                std::move(login.password), std::move(login.file),
                                                context);
}

} // namespace herald::platforms
