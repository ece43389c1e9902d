// X conversations for `herald engage` (platforms.md section 3, "Engage inbox"): the inbox is the
// account's mentions (GET /2/users/:id/mentions, which also holds replies to its posts), newer
// than the last fetch's newest id; a thread is its conversation (the root by
// GET /2/tweets?ids=, the rest by GET /2/tweets/search/recent?query=conversation_id:, which X
// answers for the last 7 days only); a reply is POST /2/tweets with reply.in_reply_to_tweet_id.
// Each is a billed read, so pages are few and large.
#include "platforms/conversations.hpp"

#include "http/ascii.hpp"

#include "platforms/x/client.hpp"
#include "platforms/x/x.hpp"
#include "schedule/zone.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace herald::platforms {

namespace {

constexpr int k_max_pages = 5;
constexpr std::string_view k_tweet_fields =
  "tweet.fields=author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets"
  "&expansions=author_id&user.fields=username,name";

// X's ids are decimal numbers that grow with time: compared as numbers (by length first).
bool
id_less(const std::string& a, const std::string& b)
{
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

class XConversations : public ConversationSource
{
public:
  XConversations(const AccountConfig& account, const AdapterContext& context)
    : m_client(x::make_client(account, context))
  {
  }

  Result<std::string, PublishError> whoami() override
  {
    auto me = m_client.account();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    return me->username;
  }

  Result<Inbox, PublishError> inbox(const std::string& cursor, TimePoint since) override
  {
    auto me = m_client.account();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    Inbox inbox;
    inbox.cursor = cursor;
    std::string base = fmt::format("/2/users/{}/mentions?max_results=100&{}",
                                   http::ascii::percent_encode(me->id), k_tweet_fields);
    base += cursor.empty() ? "&start_time=" + http::ascii::percent_encode(format_utc(since))
                           : "&since_id=" + http::ascii::percent_encode(cursor);
    std::string token;
    for (int page = 0; page < k_max_pages; ++page) {
      const auto path =
        token.empty() ? base : base + "&pagination_token=" + http::ascii::percent_encode(token);
      auto body = m_client.get_json(path, "x: GET /2/users/:id/mentions");
      if (!body) {
        return unexpected(std::move(body.error()));
      }
      remember_users(*body);
      for (const auto& tweet : json_member(*body, "data")) {
        auto message = message_of(tweet, *me);
        if (message.id.empty()) {
          continue;
        }
        if (id_less(inbox.cursor, message.id)) {
          inbox.cursor = message.id;
        }
        // The mentions timeline holds what names us and what replies to us.
        message.addressed.mention = !message.ours;
        inbox.messages.push_back(std::move(message));
      }
      token = json_id(json_member(*body, "meta"), "next_token");
      if (token.empty()) {
        break;
      }
    }
    return inbox;
  }

  Result<Thread, PublishError> thread(const std::string& id) override
  {
    auto me = m_client.account();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    auto asked = lookup(id);
    if (!asked) {
      return unexpected(std::move(asked.error()));
    }
    std::string root_id = json_id(*asked, "conversation_id");
    if (root_id.empty()) {
      root_id = id;
    }
    std::map<std::string, Message, bool (*)(const std::string&, const std::string&)> by_id(
      [](const std::string& a, const std::string& b) { return id_less(a, b); });
    by_id.emplace(id, message_of(*asked, *me));
    if (root_id != id) {
      auto root = lookup(root_id);
      if (!root) {
        return unexpected(std::move(root.error()));
      }
      by_id.emplace(root_id, message_of(*root, *me));
    }
    std::string token;
    const std::string base =
      fmt::format("/2/tweets/search/recent?query={}&max_results=100&{}",
                  http::ascii::percent_encode("conversation_id:" + root_id), k_tweet_fields);
    for (int page = 0; page < k_max_pages; ++page) {
      const auto path =
        token.empty() ? base : base + "&next_token=" + http::ascii::percent_encode(token);
      auto body = m_client.get_json(path, "x: GET /2/tweets/search/recent");
      if (!body) {
        return unexpected(std::move(body.error()));
      }
      remember_users(*body);
      for (const auto& tweet : json_member(*body, "data")) {
        auto message = message_of(tweet, *me);
        if (!message.id.empty()) {
          by_id.insert_or_assign(message.id, std::move(message));
        }
      }
      token = json_id(json_member(*body, "meta"), "next_token");
      if (token.empty()) {
        break;
      }
    }
    // Oldest first by id (X's ids grow with time); engage orders by the reply tree anyway.
    Thread thread;
    thread.root_id = root_id;
    for (auto& [message_id, message] : by_id) {
      thread.messages.push_back(std::move(message));
    }
    note_replies_to_us(thread, /*mark_replies=*/true);
    return thread;
  }

  Result<Published, PublishError> reply(const ReplyTarget& target, const std::string& text) override
  {
    constexpr std::string_view what = "x: POST /2/tweets";
    if (auto me = m_client.account(); !me) {
      return unexpected(std::move(me.error()));
    }
    auto r = m_client.request("POST", "/2/tweets");
    r.headers.push_back({ "Content-Type", "application/json" });
    r.body = dump_json(
      { { "text", text }, { "reply", { { "in_reply_to_tweet_id", target.parent_id } } } });
    auto response = m_client.send(std::move(r));
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    if (response->status < 200 || response->status >= 300) {
      return unexpected(m_client.answer_error(*response, what));
    }
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    const auto id = json_id(json_member(body, "data"), "id");
    if (id.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::maybe_sent,
                      fmt::format("{}: HTTP {} without a post id", what, response->status),
                      {} });
    }
    return Published{ id, m_client.post_url(id) };
  }

private:
  Result<nlohmann::json, PublishError> lookup(const std::string& id)
  {
    auto body = m_client.get_json(
      fmt::format("/2/tweets?ids={}&{}", http::ascii::percent_encode(id), k_tweet_fields),
      "x: GET /2/tweets");
    if (!body) {
      return unexpected(std::move(body.error()));
    }
    remember_users(*body);
    for (const auto& tweet : json_member(*body, "data")) {
      if (json_id(tweet, "id") == id) {
        return tweet;
      }
    }
    return unexpected(
      PublishError{ PublishError::Kind::permanent, fmt::format("x: post {} is gone", id), {} });
  }

  void remember_users(const nlohmann::json& body)
  {
    for (const auto& user : json_member(json_member(body, "includes"), "users")) {
      const auto id = json_id(user, "id");
      if (!id.empty()) {
        m_users[id] = { json_id(user, "username"), json_id(user, "name") };
      }
    }
  }

  Message message_of(const nlohmann::json& tweet, const x::Account& me) const
  {
    Message m;
    m.id = json_id(tweet, "id");
    const auto author_id = json_id(tweet, "author_id");
    m.ours = author_id == me.id;
    if (const auto user = m_users.find(author_id); user != m_users.end()) {
      m.author = user->second.first;
      m.author_name = user->second.second;
    } else if (m.ours) {
      m.author = me.username;
    }
    m.url = x::post_url(m.author, m.id);
    const auto& text = json_member(tweet, "text");
    m.text = text.is_string() ? x::decoded_text(text.get<std::string>()) : "";
    if (const auto created = parse_rfc3339(json_id(tweet, "created_at"))) {
      m.created_at = *created;
    }
    for (const auto& reference : json_member(tweet, "referenced_tweets")) {
      const auto type = json_id(reference, "type");
      if (type == "replied_to") {
        m.in_reply_to = json_id(reference, "id");
      } else if (type == "quoted" && !m.ours) {
        m.addressed.quote = true;
      }
    }
    if (!m.ours) {
      m.addressed.reply = json_id(tweet, "in_reply_to_user_id") == me.id;
      m.addressed.mention = http::ascii::ifind(m.text, "@" + me.username) != std::string_view::npos;
    }
    return m;
  }

  x::Client m_client;
  std::map<std::string, std::pair<std::string, std::string>> m_users; // id -> username, name
};

} // namespace

std::unique_ptr<ConversationSource>
make_x_conversations(const AccountConfig& account, const AdapterContext& context)
{
  return std::make_unique<XConversations>(account, context);
}

} // namespace herald::platforms
