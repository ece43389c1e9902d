// dev.to conversations for `herald engage` (platforms.md section 9, "Engage inbox"): the
// comments on the account's newest published articles. Forem has no notifications endpoint, so
// each fetch reads the comment tree (GET /api/comments?a_id=) of the k_articles newest articles
// (GET /api/articles/me/published); a conversation is one article and its comments, ordered by
// the tree (a comment's parent is the comment it answers, else the article). The API v1 cannot
// create comments: a reply from herald is refused with the address to answer on the web.
#include "platforms/conversations.hpp"

#include "http/ascii.hpp"

#include "platforms/devto/devto.hpp"
#include "platforms/http_errors.hpp"
#include "schedule/zone.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>

namespace herald::platforms {

namespace {

// The newest published articles whose comments are read.
constexpr size_t k_articles = 10;
// How deep a comment tree is followed.
constexpr int k_max_depth = 50;

class DevtoConversations : public ConversationSource
{
public:
  DevtoConversations(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
  {
  }

  Result<std::string, PublishError> whoami() override { return m_client.username(); }

  // Every comment someone else wrote under one of our newest articles, at or after the cursor
  // (the newest comment's time the previous fetch saw), else `since`.
  Result<Inbox, PublishError> inbox(const std::string& cursor, TimePoint since) override
  {
    auto articles = recent_articles();
    if (!articles) {
      return unexpected(std::move(articles.error()));
    }
    TimePoint after = since;
    if (const auto at = parse_rfc3339(cursor); !cursor.empty() && at) {
      after = *at;
    }
    TimePoint newest = after;
    Inbox inbox;
    for (const auto& article : *articles) {
      auto thread = thread_of(article);
      if (!thread) {
        return unexpected(std::move(thread.error()));
      }
      for (const auto& message : thread->messages) {
        newest = std::max(newest, message.created_at);
        if (!message.ours && message.addressed.any() && message.created_at >= after) {
          inbox.messages.push_back(message);
        }
      }
    }
    inbox.cursor = format_utc(newest);
    return inbox;
  }

  // The article that `id` (an article's id, or a comment's id_code) belongs to, with its whole
  // comment tree.
  Result<Thread, PublishError> thread(const std::string& id) override
  {
    if (m_article_of.find(id) == m_article_of.end()) {
      // Not seen in this run: the newest articles' trees say where it is.
      auto articles = recent_articles();
      if (!articles) {
        return unexpected(std::move(articles.error()));
      }
      for (const auto& article : *articles) {
        if (auto read = thread_of(article); !read) {
          return unexpected(std::move(read.error()));
        }
      }
    }
    const auto found = m_article_of.find(id);
    if (found == m_article_of.end()) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent,
                      fmt::format("devto: {} is not a comment on the account's {} newest articles",
                                  server_text(id, m_client.secrets()), k_articles),
                      {} });
    }
    return thread_of(m_articles.at(found->second));
  }

  // The Forem API v1 has no endpoint that creates a comment.
  Result<Published, PublishError> reply(const ReplyTarget& target,
                                        const std::string& /*text*/) override
  {
    const auto where =
      target.mention.empty()
        ? m_client.base_url()
        : devto::comment_url(m_client.base_url(), target.mention, target.parent_id);
    return unexpected(PublishError{
      PublishError::Kind::permanent,
      fmt::format("devto: herald cannot send a reply to dev.to (the Forem API cannot create "
                  "comments); answer on the web: {}",
                  server_text(where, m_client.secrets())),
      {} });
  }

private:
  // The account's newest published articles, read once per source.
  Result<std::vector<nlohmann::json>, PublishError> recent_articles()
  {
    if (m_recent) {
      return *m_recent;
    }
    auto list =
      m_client.get_json(fmt::format("/api/articles/me/published?page=1&per_page={}", k_articles),
                        "devto: GET /api/articles/me/published");
    if (!list) {
      return unexpected(std::move(list.error()));
    }
    std::vector<nlohmann::json> articles;
    if (list->is_array()) {
      for (const auto& article : *list) {
        if (!json_id(article, "id").empty()) {
          m_articles[json_id(article, "id")] = article;
          articles.push_back(article);
        }
      }
    }
    m_recent = articles;
    return articles;
  }

  // One article and its comments, oldest first.
  Result<Thread, PublishError> thread_of(const nlohmann::json& article)
  {
    auto me = m_client.username();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    const auto& secrets = m_client.secrets();
    const auto article_id = json_id(article, "id");
    auto tree = comments(article_id);
    if (!tree) {
      return unexpected(std::move(tree.error()));
    }
    Thread thread;
    thread.root_id = server_text(article_id, secrets);
    Message post;
    post.id = thread.root_id;
    post.url = server_text(json_id(article, "url"), secrets);
    post.author = *me;
    post.ours = true;
    post.text = server_text(json_id(article, "title"), secrets);
    post.created_at = parse_rfc3339(json_id(article, "published_at")).value_or(TimePoint{});
    thread.messages.push_back(std::move(post));
    m_article_of[thread.root_id] = article_id;
    add_comments(*tree, thread.root_id, article_id, *me, thread, 0);
    note_replies_to_us(thread, /*mark_replies=*/true);
    std::stable_sort(
      thread.messages.begin() + 1, thread.messages.end(),
      [](const Message& a, const Message& b) { return a.created_at < b.created_at; });
    return thread;
  }

  // An article's comment tree, read once per source.
  Result<nlohmann::json, PublishError> comments(const std::string& article_id)
  {
    if (const auto known = m_trees.find(article_id); known != m_trees.end()) {
      return known->second;
    }
    auto tree = m_client.get_json("/api/comments?a_id=" + http::ascii::percent_encode(article_id),
                                  "devto: GET /api/comments");
    if (!tree) {
      return unexpected(std::move(tree.error()));
    }
    m_trees.emplace(article_id, *tree);
    return *tree;
  }

  void add_comments(const nlohmann::json& comments, const std::string& parent,
                    const std::string& article_id, const std::string& me, Thread& thread, int depth)
  {
    if (!comments.is_array() || depth > k_max_depth) {
      return;
    }
    const auto& secrets = m_client.secrets();
    for (const auto& comment : comments) {
      Message m;
      m.id = server_text(json_id(comment, "id_code"), secrets);
      if (m.id.empty()) {
        continue;
      }
      const auto& user = json_member(comment, "user");
      m.author = server_text(json_id(user, "username"), secrets);
      m.author_name = server_text(json_id(user, "name"), secrets);
      m.ours = m.author == me;
      m.text = server_text(text_of_html(json_id(comment, "body_html")), secrets);
      m.created_at = parse_rfc3339(json_id(comment, "created_at")).value_or(TimePoint{});
      m.in_reply_to = parent;
      m.url = devto::comment_url(m_client.base_url(), m.author, m.id);
      m.addressed.mention = !m.ours && devto::names(m.text, me);
      m_article_of[m.id] = article_id;
      const auto id = m.id;
      thread.messages.push_back(std::move(m));
      add_comments(json_member(comment, "children"), id, article_id, me, thread, depth + 1);
    }
  }

  devto::Client m_client;
  std::optional<std::vector<nlohmann::json>> m_recent;
  std::map<std::string, nlohmann::json> m_articles; // by id, read this run
  std::map<std::string, std::string> m_article_of;  // message id -> article id
  std::map<std::string, nlohmann::json> m_trees;    // article id -> comment tree
};

} // namespace

std::unique_ptr<ConversationSource>
make_devto_conversations(const AccountConfig& account, const AdapterContext& context)
{
  return std::make_unique<DevtoConversations>(account, context);
}

} // namespace herald::platforms
