// Threads conversations for `herald engage` (platforms.md section 8, "Engage inbox"; scopes
// threads_read_replies to read, threads_manage_replies to answer). Threads gives an app no
// notification list without advanced access (mentions need it), so the inbox is the replies
// under the account's own recent posts: GET /{user}/threads for the posts of the lookback
// window that have replies, then GET /{post}/conversation (every depth, flattened) for each. A
// reply counts as addressed to us when it answers one of our posts or replies. A thread is its
// root post and that post's conversation; a reply is a container with reply_to_id, published.
#include "platforms/conversations.hpp"

#include "http/ascii.hpp"

#include "platforms/threads/threads.hpp"
#include "schedule/zone.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <set>

namespace herald::platforms {

namespace {

// Each post looked at costs a request: the newest posts of the window, and a few pages of each
// conversation, bound what one fetch asks.
constexpr size_t k_max_posts = 100;
constexpr int k_max_pages = 5;
constexpr size_t k_page_size = 100;
// The timeline refuses an older `since` (Meta's docs: the launch of the API).
constexpr int64_t k_oldest_since = 1688540400;
constexpr std::string_view k_fields =
  "id,text,username,timestamp,permalink,replied_to,root_post,hide_status";

// "2023-10-17T05:42:03+0000", as Graph writes times: RFC 3339 once the offset has its colon.
TimePoint
time_of(std::string text)
{
  if (text.size() > 5 && (text[text.size() - 5] == '+' || text[text.size() - 5] == '-')) {
    text.insert(text.size() - 2, ":");
  }
  return parse_rfc3339(text).value_or(TimePoint{});
}

int64_t
seconds_of(TimePoint t)
{
  return t.time_since_epoch().count();
}

class ThreadsConversations : public ConversationSource
{
public:
  ThreadsConversations(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
  {
  }

  Result<std::string, PublishError> whoami() override
  {
    if (m_username.empty()) {
      auto me =
        m_client.get_json(fmt::format("{}/{}?fields=id,username", threads::k_api, m_client.user()),
                          "threads: GET /{user}");
      if (!me) {
        return unexpected(std::move(me.error()));
      }
      m_username = json_id(*me, "username");
    }
    return m_username;
  }

  // The cursor is the newest reply's time (Unix seconds): replies from that second on are
  // handed again, which engage takes as already known, so none in the same second is lost.
  Result<Inbox, PublishError> inbox(const std::string& cursor, TimePoint since) override
  {
    if (auto me = whoami(); !me) {
      return unexpected(std::move(me.error()));
    }
    TimePoint from = since;
    if (!cursor.empty() && std::all_of(cursor.begin(), cursor.end(), ::isdigit)) {
      from = std::max(from, TimePoint(std::chrono::seconds(std::stoll(cursor))));
    }
    Inbox inbox;
    inbox.cursor = cursor;
    auto posts = m_client.get_json(
      fmt::format(
        "{}/{}/threads?fields=id,text,username,timestamp,permalink,has_replies&limit={}&since={}",
        threads::k_api, m_client.user(), k_max_posts, std::max(seconds_of(since), k_oldest_since)),
      "threads: GET /{user}/threads");
    if (!posts) {
      return unexpected(std::move(posts.error()));
    }
    for (const auto& post : json_member(*posts, "data")) {
      if (!json_member(post, "has_replies").is_boolean() ||
          !json_member(post, "has_replies").get<bool>()) {
        continue;
      }
      auto thread = conversation(json_id(post, "id"), post);
      if (!thread) {
        return unexpected(std::move(thread.error()));
      }
      for (auto& message : thread->messages) {
        if (message.addressed.any() && message.created_at >= from) {
          inbox.messages.push_back(std::move(message));
        }
      }
    }
    const auto newest = std::max_element(
      inbox.messages.begin(), inbox.messages.end(),
      [](const Message& a, const Message& b) { return a.created_at < b.created_at; });
    if (newest != inbox.messages.end()) {
      inbox.cursor = std::to_string(seconds_of(newest->created_at));
    }
    return inbox;
  }

  Result<Thread, PublishError> thread(const std::string& id) override
  {
    if (auto me = whoami(); !me) {
      return unexpected(std::move(me.error()));
    }
    auto asked = read(id);
    if (!asked) {
      return unexpected(std::move(asked.error()));
    }
    const auto root_id = json_id(json_member(*asked, "root_post"), "id");
    if (root_id.empty() || root_id == id) {
      return conversation(id, *asked);
    }
    auto root = read(root_id);
    if (!root) {
      return unexpected(std::move(root.error()));
    }
    return conversation(root_id, *root);
  }

  Result<Published, PublishError> reply(const ReplyTarget& target, const std::string& text) override
  {
    OutPart part;
    part.text = text;
    return m_client.publish_part(part, target.parent_id);
  }

private:
  Result<nlohmann::json, PublishError> read(const std::string& id)
  {
    return m_client.get_json(
      fmt::format("{}/{}?fields={}", threads::k_api, http::ascii::percent_encode(id), k_fields),
      "threads: GET /{media}");
  }

  Message message_of(const nlohmann::json& item) const
  {
    Message m;
    m.id = json_id(item, "id");
    m.author = json_id(item, "username");
    m.ours = !m.author.empty() && m.author == m_username;
    m.text = json_id(item, "text");
    m.url = threads::post_url(m.id, json_id(item, "permalink"));
    m.created_at = time_of(json_id(item, "timestamp"));
    m.in_reply_to = json_id(json_member(item, "replied_to"), "id");
    return m;
  }

  // The root post `root` (as read) and every reply under it, oldest first; a reply we hid is
  // left out, as the person decided it needs no answer.
  Result<Thread, PublishError> conversation(const std::string& root_id, const nlohmann::json& root)
  {
    Thread thread;
    thread.root_id = root_id;
    auto first = message_of(root);
    first.id = root_id;
    if (first.author.empty()) {
      // The inbox's timeline entry names no author: it is ours.
      first.author = m_username;
      first.ours = true;
    }
    thread.messages.push_back(std::move(first));
    const std::string base =
      fmt::format("{}/{}/conversation?fields={}&reverse=false&limit={}", threads::k_api,
                  http::ascii::percent_encode(root_id), k_fields, k_page_size);
    std::string after;
    for (int page = 0; page < k_max_pages; ++page) {
      auto body = m_client.get_json(
        after.empty() ? base : base + "&after=" + http::ascii::percent_encode(after),
        "threads: GET /{media}/conversation");
      if (!body) {
        return unexpected(std::move(body.error()));
      }
      for (const auto& item : json_member(*body, "data")) {
        if (json_id(item, "hide_status") != "HIDDEN") {
          thread.messages.push_back(message_of(item));
        }
      }
      const auto& paging = json_member(*body, "paging");
      after = json_id(json_member(paging, "cursors"), "after");
      if (!json_member(paging, "next").is_string() || after.empty()) {
        break;
      }
    }
    note_replies_to_us(thread, /*mark_replies=*/true);
    return thread;
  }

  threads::Client m_client;
  std::string m_username;
};

} // namespace

std::unique_ptr<ConversationSource>
make_threads_conversations(const AccountConfig& account, const AdapterContext& context)
{
  return std::make_unique<ThreadsConversations>(account, context);
}

} // namespace herald::platforms
