// LinkedIn conversations for `herald engage` (platforms.md section 4, "Engage inbox"). LinkedIn
// has no notifications API for a member, so the inbox is the comments on the account's own
// posts:
// - the inbox: the k_recent_posts newest posts of the author (GET /rest/posts?q=author), the
//   first-level comments of each (GET /rest/socialActions/<post URN>/comments) and the replies
//   to each of those (GET /rest/socialActions/<comment URN>/comments), each list in pages of
//   k_page_size and at most k_max_pages; at most k_max_requests requests in all, since
//   LinkedIn's quotas are daily. Every comment that is not ours is said to us. The cursor is
//   the newest comment time seen (created.time, ms); a comment from then on is news. A fetch
//   cut short by the bounds keeps the cursor where it was;
// - a thread: the post and its whole comment tree, as the inbox read it, else read again: a
//   comment's URN names the activity it is on, whose comments LinkedIn lists the same way;
// - a reply: POST /rest/socialActions/<URN>/comments {actor, object, message.text} on the post,
//   or on the first-level comment with parentComment for an answer to a comment.
// Reading needs the r_member_social scope (r_organization_social for a page), replying
// w_member_social (w_organization_social).
#include "platforms/conversations.hpp"

#include "platforms/http_errors.hpp"
#include "platforms/linkedin/client.hpp"
#include "platforms/linkedin/comments.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <map>

namespace herald::platforms {

namespace {

using linkedin::encoded;

constexpr size_t k_recent_posts = 10;
constexpr size_t k_page_size = 100;
constexpr int k_max_pages = 3;
constexpr int k_max_requests = 250;

// One post's comments as read: every level, oldest first within each list.
struct Tree
{
  std::optional<Message> post;
  std::vector<linkedin::Comment> comments;
};

std::optional<int64_t>
cursor_ms(const std::string& cursor)
{
  int64_t value = 0;
  const auto* end = cursor.data() + cursor.size();
  const auto [at, error] = std::from_chars(cursor.data(), end, value);
  if (cursor.empty() || error != std::errc() || at != end) {
    return std::nullopt;
  }
  return value;
}

// The scope a refused call needs, said once after LinkedIn's own words.
PublishError
with_scope(PublishError error, std::string_view scope)
{
  if (error.kind == PublishError::Kind::auth) {
    error.message += fmt::format(" (the token needs the {} scope)", scope);
  }
  return error;
}

class LinkedinConversations : public ConversationSource
{
public:
  LinkedinConversations(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
  {
  }

  Result<std::string, PublishError> whoami() override { return m_client.author(); }

  Result<Inbox, PublishError> inbox(const std::string& cursor, TimePoint since) override
  {
    auto me = m_client.author();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    const int64_t from = cursor_ms(cursor).value_or(
      std::chrono::duration_cast<std::chrono::milliseconds>(since.time_since_epoch()).count());
    int budget = k_max_requests - 1;
    auto posts =
      m_client.get_json(fmt::format("/rest/posts?author={}&q=author&count={}&sortBy=LAST_MODIFIED",
                                    encoded(*me), k_recent_posts),
                        "linkedin: GET /rest/posts?q=author");
    if (!posts) {
      return unexpected(with_scope(std::move(posts.error()), "r_member_social"));
    }
    Inbox inbox;
    int64_t newest = from;
    bool whole = true;
    for (const auto& element : json_member(*posts, "elements")) {
      auto post = linkedin::parse_post(element, *me);
      if (!post) {
        continue;
      }
      const auto urn = post->id;
      auto tree = read_tree(urn, std::move(post), *me, budget, whole);
      if (!tree) {
        return unexpected(std::move(tree.error()));
      }
      for (const auto& comment : tree->comments) {
        newest = std::max(newest, comment.created_ms);
        if (!comment.message.ours && comment.created_ms >= from) {
          inbox.messages.push_back(comment.message);
        }
      }
      remember(urn, std::move(*tree));
    }
    inbox.cursor = whole ? std::to_string(newest) : cursor;
    return inbox;
  }

  Result<Thread, PublishError> thread(const std::string& id) override
  {
    auto me = m_client.author();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    auto known = m_post_of.find(id);
    if (known == m_post_of.end()) {
      // Not among the recent posts the inbox read: the comments of what the URN names.
      const auto entity =
        linkedin::is_comment(id) ? linkedin::commented_entity(id) : std::optional<std::string>(id);
      if (!entity) {
        return unexpected(PublishError{ PublishError::Kind::permanent,
                                        fmt::format("linkedin: {} is not a comment or post URN",
                                                    server_text(id, { m_client.token() })),
                                        {} });
      }
      int budget = k_max_requests;
      bool whole = true;
      auto tree = read_tree(*entity, std::nullopt, *me, budget, whole);
      if (!tree) {
        return unexpected(std::move(tree.error()));
      }
      remember(*entity, std::move(*tree));
      known = m_post_of.find(id);
      if (known == m_post_of.end()) {
        return unexpected(PublishError{
          PublishError::Kind::permanent,
          fmt::format("linkedin: comment {} is gone", server_text(id, { m_client.token() })),
          {} });
      }
    }
    const auto& tree = m_trees.at(known->second);
    Thread thread;
    thread.root_id = known->second;
    if (tree.post) {
      thread.messages.push_back(*tree.post);
    }
    for (const auto& comment : tree.comments) {
      thread.messages.push_back(comment.message);
    }
    note_replies_to_us(thread, /*mark_replies=*/false);
    return thread;
  }

  Result<Published, PublishError> reply(const ReplyTarget& target, const std::string& text) override
  {
    constexpr std::string_view what = "linkedin: POST /rest/socialActions/:urn/comments";
    auto me = m_client.author();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    const std::string post = target.root_id;
    nlohmann::json body = { { "actor", *me },
                            { "object", post },
                            { "message", { { "text", text } } } };
    std::string on = post;
    if (linkedin::is_comment(target.parent_id)) {
      // LinkedIn nests comments two levels deep: the answer goes under the first-level one.
      on = target.parent_cid.empty() ? target.parent_id : target.parent_cid;
      body["parentComment"] = on;
    }
    auto r = m_client.request("POST", "/rest/socialActions/" + encoded(on) + "/comments");
    r.headers.push_back({ "Content-Type", "application/json" });
    r.body = dump_json(body);
    auto response = m_client.send(r);
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    if (response->status < 200 || response->status >= 300) {
      return unexpected(with_scope(m_client.answer_error(*response, what), "w_member_social"));
    }
    auto urn = response->header("x-restli-id").value_or("");
    if (urn.empty()) {
      const auto answer = nlohmann::json::parse(response->body, nullptr, false);
      urn = json_id(answer, "$URN");
    }
    if (urn.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::maybe_sent,
                      fmt::format("{}: HTTP {} without the comment's URN", what, response->status),
                      {} });
    }
    return Published{ urn, linkedin::comment_url(post, urn) };
  }

private:
  // The comments on `entity` (a post, or the activity a comment URN names), with `post` as the
  // first message when known. `budget` counts the requests left; `whole` turns false when a
  // bound stopped the reading.
  Result<Tree, PublishError> read_tree(const std::string& entity, std::optional<Message> post,
                                       const std::string& me, int& budget, bool& whole)
  {
    Tree tree;
    tree.post = std::move(post);
    auto first_level = read_list(entity, entity, me, budget, whole);
    if (!first_level) {
      return unexpected(std::move(first_level.error()));
    }
    for (auto& comment : *first_level) {
      const auto urn = comment.message.id;
      tree.comments.push_back(std::move(comment));
      auto replies = read_list(urn, entity, me, budget, whole);
      if (!replies) {
        return unexpected(std::move(replies.error()));
      }
      std::move(replies->begin(), replies->end(), std::back_inserter(tree.comments));
    }
    return tree;
  }

  // One list of comments: those on `target` (a post, or a comment for its replies).
  Result<std::vector<linkedin::Comment>, PublishError> read_list(const std::string& target,
                                                                 const std::string& post,
                                                                 const std::string& me, int& budget,
                                                                 bool& whole)
  {
    std::vector<linkedin::Comment> out;
    for (int page = 0; page < k_max_pages; ++page) {
      if (budget <= 0) {
        whole = false;
        return out;
      }
      --budget;
      const size_t start = size_t(page) * k_page_size;
      auto body = m_client.get_json(fmt::format("/rest/socialActions/{}/comments?start={}&count={}",
                                                encoded(target), start, k_page_size),
                                    "linkedin: GET /rest/socialActions/:urn/comments");
      if (!body) {
        return unexpected(with_scope(std::move(body.error()), "r_member_social"));
      }
      for (const auto& element : json_member(*body, "elements")) {
        if (auto comment = linkedin::parse_comment(element, post, me)) {
          out.push_back(std::move(*comment));
        }
      }
      if (!linkedin::has_more(*body, start, k_page_size)) {
        return out;
      }
    }
    whole = false;
    return out;
  }

  void remember(const std::string& entity, Tree tree)
  {
    if (tree.post) {
      m_post_of[tree.post->id] = entity;
    }
    for (const auto& comment : tree.comments) {
      m_post_of[comment.message.id] = entity;
    }
    m_trees[entity] = std::move(tree);
  }

  linkedin::Client m_client;
  std::map<std::string, Tree> m_trees;          // by the post (or activity) URN
  std::map<std::string, std::string> m_post_of; // message id -> its tree's key
};

} // namespace

std::unique_ptr<ConversationSource>
make_linkedin_conversations(const AccountConfig& account, const AdapterContext& context)
{
  return std::make_unique<LinkedinConversations>(account, context);
}

} // namespace herald::platforms
