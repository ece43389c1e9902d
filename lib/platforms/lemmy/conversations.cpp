// Lemmy conversations for `herald engage`: the comments that answer the account (GET
// /api/v3/user/replies) or mention it (GET /api/v3/user/mention), newest first, read back to the
// previous run's newest comment id (the cursor: an instance numbers its comments in order) or
// the lookback. A thread is a post and its comments (GET /api/v3/comment/list), in the order of
// the reply tree (each comment's `path`), not by the timestamps other instances set. A message
// is named by its id: a post by its number, a comment by 'c' and its number, so the two never
// meet. An answer is POST /api/v3/comment under the comment it answers.
#include "platforms/conversations.hpp"

#include "http/redact.hpp"
#include "text/length_rules.hpp"

#include "platforms/http_errors.hpp"
#include "platforms/lemmy/lemmy.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace herald::platforms {

namespace {

constexpr size_t k_page_size = 50;
// Pages read per list: a busy account's backlog is read over several runs.
constexpr int k_max_pages = 5;

std::optional<int64_t>
number(std::string_view text)
{
  int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t>
comment_number(std::string_view id)
{
  return id.starts_with('c') ? number(id.substr(1)) : std::nullopt;
}

class LemmyConversations : public ConversationSource
{
public:
  LemmyConversations(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
  {
  }

  Result<std::string, PublishError> whoami() override
  {
    auto me = m_client.me();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    return lemmy::handle_of(*me);
  }

  Result<Inbox, PublishError> inbox(const std::string& cursor, TimePoint since) override
  {
    auto me = m_client.me();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    const int64_t after = number(cursor).value_or(0);
    int64_t newest = after;
    std::map<std::string, Message> found;
    std::vector<std::string> order;
    static constexpr std::tuple<const char*, const char*, bool> k_lists[] = {
      { "replies", "replies", false },
      { "mention", "mentions", true },
    };
    for (const auto& [path, member, mention] : k_lists) {
      const auto what = fmt::format("lemmy: GET /api/v3/user/{}", path);
      bool done = false;
      for (int page = 1; page <= k_max_pages && !done; ++page) {
        auto body =
          m_client.get_json(fmt::format("{}/user/{}?sort=New&unread_only=false&page={}&limit={}",
                                        lemmy::k_api, path, page, k_page_size),
                            what);
        if (!body) {
          return unexpected(std::move(body.error()));
        }
        const auto& views = json_member(*body, member);
        for (const auto& view : views) {
          auto message = message_of(view, *me);
          const auto id = comment_number(message.id).value_or(0);
          if (id <= after || message.created_at < since) {
            done = true;
            break;
          }
          newest = std::max(newest, id);
          if (message.ours) {
            continue;
          }
          (mention ? message.addressed.mention : message.addressed.reply) = true;
          const auto known = found.find(message.id);
          if (known != found.end()) {
            known->second.addressed.merge(message.addressed);
          } else {
            order.push_back(message.id);
            found.emplace(message.id, std::move(message));
          }
        }
        done = done || !views.is_array() || views.size() < k_page_size;
      }
    }
    Inbox inbox;
    inbox.cursor = newest > 0 ? std::to_string(newest) : cursor;
    for (const auto& id : order) {
      inbox.messages.push_back(std::move(found.at(id)));
    }
    return inbox;
  }

  // The post that `id` is (or is a comment of) and all its comments, in reply-tree order.
  Result<Thread, PublishError> thread(const std::string& id) override
  {
    auto me = m_client.me();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    auto post_id = post_of(id);
    if (!post_id) {
      return unexpected(std::move(post_id.error()));
    }
    auto post = m_client.get_json(fmt::format("{}/post?id={}", lemmy::k_api, *post_id),
                                  "lemmy: GET /api/v3/post");
    if (!post) {
      return unexpected(std::move(post.error()));
    }
    const auto& view = json_member(*post, "post_view");
    Thread thread;
    thread.root_id = std::to_string(*post_id);
    thread.messages.push_back(post_message(view, *me));
    std::vector<std::pair<std::vector<int64_t>, Message>> comments;
    for (int page = 1; page <= k_max_pages; ++page) {
      auto list = m_client.get_json(
        fmt::format("{}/comment/list?post_id={}&type_=All&sort=Old&page={}&limit={}", lemmy::k_api,
                    *post_id, page, k_page_size),
        "lemmy: GET /api/v3/comment/list");
      if (!list) {
        return unexpected(std::move(list.error()));
      }
      const auto& views = json_member(*list, "comments");
      for (const auto& c : views) {
        comments.emplace_back(lemmy::path_ids(json_id(json_member(c, "comment"), "path")),
                              message_of(c, *me));
      }
      if (!views.is_array() || views.size() < k_page_size) {
        break;
      }
    }
    // Depth first along the paths: an answer right under what it answers, siblings by id.
    std::stable_sort(comments.begin(), comments.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [path, message] : comments) {
      thread.messages.push_back(std::move(message));
    }
    note_replies_to_us(thread, true);
    return thread;
  }

  Result<Published, PublishError> reply(const ReplyTarget& target, const std::string& text) override
  {
    const text::LengthRule k_comment_rule{ "lemmy", lemmy::k_max_comment_body,
                                           text::LengthRule::Unit::utf16, 0, false };
    if (const auto why = text::too_long(text, k_comment_rule)) {
      return unexpected(PublishError{ PublishError::Kind::permanent, "lemmy: " + *why, {} });
    }
    auto post_id = number(target.root_id);
    if (!post_id) {
      auto found = post_of(target.parent_id);
      if (!found) {
        return unexpected(std::move(found.error()));
      }
      post_id = *found;
    }
    nlohmann::json body = { { "content", text }, { "post_id", *post_id } };
    if (const auto parent = comment_number(target.parent_id)) {
      body["parent_id"] = *parent;
    }
    auto sent = m_client.post_json(std::string(lemmy::k_api) + "/comment", body,
                                   "lemmy: POST /api/v3/comment");
    if (!sent) {
      return unexpected(std::move(sent.error()));
    }
    const auto& comment = json_member(json_member(*sent, "comment_view"), "comment");
    const auto id = json_id(comment, "id");
    if (id.empty()) {
      return unexpected(PublishError{ PublishError::Kind::maybe_sent,
                                      "lemmy: POST /api/v3/comment: the answer has no comment id",
                                      {} });
    }
    return Published{ "c" + id, http::redact(json_id(comment, "ap_id"), m_client.secrets()) };
  }

private:
  // The post that message `id` is, or that comment `id` is under (GET /api/v3/comment).
  Result<int64_t, PublishError> post_of(const std::string& id)
  {
    if (const auto post = number(id)) {
      return *post;
    }
    const auto comment = comment_number(id);
    if (!comment) {
      return unexpected(PublishError{
        PublishError::Kind::permanent,
        fmt::format("lemmy: {} names no post or comment", server_text(id, m_client.secrets())),
        {} });
    }
    auto read = m_client.get_json(fmt::format("{}/comment?id={}", lemmy::k_api, *comment),
                                  "lemmy: GET /api/v3/comment");
    if (!read) {
      return unexpected(std::move(read.error()));
    }
    const auto& post =
      json_member(json_member(json_member(*read, "comment_view"), "comment"), "post_id");
    if (!post.is_number_integer()) {
      return unexpected(PublishError{ PublishError::Kind::not_sent,
                                      "lemmy: GET /api/v3/comment: the answer has no post_id",
                                      {} });
    }
    return post.get<int64_t>();
  }

  Message person_message(const nlohmann::json& creator, const nlohmann::json& me) const
  {
    Message m;
    m.author = lemmy::handle_of(creator);
    m.author_name = json_id(creator, "display_name");
    m.ours = json_id(creator, "id") == json_id(me, "id");
    m.bot = json_member(creator, "bot_account") == true;
    return m;
  }

  // A comment view (CommentView, CommentReplyView, PersonMentionView): its comment and creator.
  Message message_of(const nlohmann::json& view, const nlohmann::json& me) const
  {
    const auto& comment = json_member(view, "comment");
    auto m = person_message(json_member(view, "creator"), me);
    m.id = "c" + json_id(comment, "id");
    m.url = json_id(comment, "ap_id");
    m.text = json_id(comment, "content");
    m.created_at = lemmy::parse_time(json_id(comment, "published")).value_or(TimePoint{});
    const auto path = lemmy::path_ids(json_id(comment, "path"));
    m.in_reply_to =
      path.size() > 1 ? fmt::format("c{}", path[path.size() - 2]) : json_id(comment, "post_id");
    return m;
  }

  // The post of a PostView, as the first message: its title, a blank line, its body.
  Message post_message(const nlohmann::json& view, const nlohmann::json& me) const
  {
    const auto& post = json_member(view, "post");
    auto m = person_message(json_member(view, "creator"), me);
    m.id = json_id(post, "id");
    m.url = json_id(post, "ap_id");
    m.text = json_id(post, "name");
    if (const auto body = json_id(post, "body"); !body.empty()) {
      m.text += "\n\n" + body;
    }
    m.created_at = lemmy::parse_time(json_id(post, "published")).value_or(TimePoint{});
    return m;
  }

  lemmy::Client m_client;
};

} // namespace

std::unique_ptr<ConversationSource>
make_lemmy_conversations(const AccountConfig& account, const AdapterContext& context)
{
  return std::make_unique<LemmyConversations>(account, context);
}

} // namespace herald::platforms
