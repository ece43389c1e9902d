// The `lemmy` platform: publishes a post to one community through Lemmy's HTTP API v3 (Lemmy
// 0.19). A post is POST /api/v3/post with the calendar's `title:` as its name, the text as its
// body and `link:` as its url; the JWT comes from POST /api/v3/user/login (lemmy.hpp Client).
// Lemmy has no idempotency key, so a job left in `sending` by a crash is looked for among the
// account's newest posts (GET /api/v3/user), by title and community, instead of being resent.
// A post's one image is uploaded to the instance's pict-rs first and becomes the post's url (with
// its alt text); a thread is refused: a Lemmy post is one title and one body.
#include "http/ascii.hpp"
#include "http/redact.hpp"
#include "text/length_rules.hpp"

#include "platforms/conversations.hpp"
#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/lemmy/lemmy.hpp"
#include "platforms/media_type.hpp"
#include "platforms/metrics.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

namespace herald::platforms {

namespace {

// Looking for an earlier copy of a post reads the account's newest posts this many at a time,
// at most this many pages.
constexpr size_t k_search_page_size = 20;
constexpr size_t k_search_pages = 3;
// How far the instance's clock may be behind ours when a lost answer is looked for.
constexpr auto k_clock_slack = std::chrono::minutes(5);

// The kinds of image a post may carry: pict-rs takes these on every instance (video only where
// the instance allows it, so herald does not send any).
constexpr std::array<std::string_view, 4> k_image_types = { "image/jpeg", "image/png", "image/gif",
                                                            "image/webp" };

std::vector<std::string>
problems_of(const OutPart& part)
{
  std::vector<std::string> problems;
  if (part.media.size() > 1) {
    problems.push_back(fmt::format("a Lemmy post takes one image, not {}", part.media.size()));
  }
  for (const auto& media : part.media) {
    const std::string type = media_type_for(media.file);
    if (std::find(k_image_types.begin(), k_image_types.end(), type) == k_image_types.end()) {
      problems.push_back(fmt::format("Lemmy takes a JPEG, PNG, GIF or WebP image, not '{}' ({})",
                                     media.file.filename().string(), type));
    }
  }
  return problems;
}

// The post's url is its image or its `link:`: it cannot be both.
std::optional<std::string>
url_problem(const OutArticle& article, const OutPart& part)
{
  if (part.media.empty() || article.link.empty()) {
    return std::nullopt;
  }
  return "a Lemmy post has one url: its image or 'link:', not both";
}

Published
published_of(const nlohmann::json& post, const std::vector<std::string>& secrets)
{
  return { http::redact(json_id(post, "id"), secrets),
           http::redact(json_id(post, "ap_id"), secrets) };
}

class LemmyAdapter : public Adapter
{
public:
  LemmyAdapter(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
  {
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    if (auto refused = refusal(post)) {
      return unexpected(std::move(*refused));
    }
    auto community = m_client.community_id();
    if (!community) {
      return unexpected(std::move(community.error()));
    }
    const auto& part = post.parts.front();
    nlohmann::json body = { { "name", post.article.title }, { "community_id", *community } };
    if (!part.text.empty()) {
      body["body"] = part.text;
    }
    if (!post.article.link.empty()) {
      body["url"] = post.article.link;
    }
    if (!part.media.empty()) {
      // A failed upload sends no post: the job is tried again, or fails when the image is refused.
      auto image = m_client.upload_image(part.media.front());
      if (!image) {
        return unexpected(std::move(image.error()));
      }
      body["url"] = *image;
      if (!part.media.front().alt.empty()) {
        body["alt_text"] = part.media.front().alt;
      }
    }
    const auto started = m_client.now();
    auto created =
      m_client.post_json(std::string(lemmy::k_api) + "/post", body, "lemmy: POST /api/v3/post");
    if (!created) {
      // A lost answer: Lemmy stores the post before it answers, so it is looked for at once
      // among the account's newest; not found, the job stays maybe sent, for a person.
      if (created.error().kind == PublishError::Kind::maybe_sent) {
        if (auto found = search(post, started - k_clock_slack, false); found && *found) {
          return **found;
        }
      }
      return unexpected(std::move(created.error()));
    }
    const auto& made = json_member(json_member(*created, "post_view"), "post");
    if (json_id(made, "id").empty()) {
      return unexpected(PublishError{ PublishError::Kind::maybe_sent,
                                      "lemmy: POST /api/v3/post: the answer has no post id",
                                      {} });
    }
    return published_of(made, m_client.secrets());
  }

  Result<std::optional<Published>, PublishError> find_published(const OutPost& post,
                                                                TimePoint since) override
  {
    return search(post, since, true);
  }

  Result<std::optional<Published>, PublishError> find_earlier(const OutPost& post,
                                                              TimePoint since) override
  {
    return search(post, since, false);
  }

  std::string ledger() override { return "the account's recent posts"; }

  // Who the JWT is (GET /site), and that the community resolves.
  Result<Verified, PublishError> verify() override
  {
    auto me = m_client.me();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    auto community = m_client.community_id();
    if (!community) {
      return unexpected(std::move(community.error()));
    }
    std::string detail = fmt::format(
      "{} in !{} (community {})", server_text(lemmy::handle_of(*me), m_client.secrets()),
      server_text(m_client.community_name(), m_client.secrets()), *community);
    if (!m_client.save_problem().empty()) {
      detail += fmt::format("; the JWT is not kept: {}", m_client.save_problem());
    }
    return Verified{ std::move(detail) };
  }

private:
  static std::optional<PublishError> refusal(const OutPost& post)
  {
    if (post.parts.size() != 1) {
      return PublishError{ PublishError::Kind::permanent,
                           post.parts.empty() ? "lemmy: nothing to post"
                                              : "lemmy: a thread cannot go to Lemmy",
                           {} };
    }
    std::vector<std::string> problems;
    for (const auto& problem : lemmy::title_problems(post.article)) {
      problems.push_back(problem.message);
    }
    if (const auto why = text::too_long(post.parts.front().text, lemmy::body_rule())) {
      problems.push_back(*why);
    }
    for (auto& problem : problems_of(post.parts.front())) {
      problems.push_back(std::move(problem));
    }
    if (auto problem = url_problem(post.article, post.parts.front())) {
      problems.push_back(std::move(*problem));
    }
    if (problems.empty()) {
      return std::nullopt;
    }
    return PublishError{ PublishError::Kind::permanent, "lemmy: " + problems.front(), {} };
  }

  // The account's posts, newest first, back to `since`: ours is the one with the same title
  // (trimmed, as Lemmy stores it) in the same community. A post deleted since is not counted: it
  // was published, and a resend would publish it twice, so it is reported as found.
  Result<std::optional<Published>, PublishError> search(const OutPost& post, TimePoint since,
                                                        bool must_reach_since)
  {
    auto community = m_client.community_id();
    if (!community) {
      return unexpected(std::move(community.error()));
    }
    for (size_t page = 1; page <= k_search_pages; ++page) {
      auto body = m_client.get_json(
        fmt::format("{}/user?username={}&sort=New&limit={}&page={}", lemmy::k_api,
                    http::ascii::percent_encode(m_client.username()), k_search_page_size, page),
        "lemmy: GET /api/v3/user");
      if (!body) {
        return unexpected(std::move(body.error()));
      }
      const auto& posts = json_member(*body, "posts");
      for (const auto& view : posts) {
        const auto& p = json_member(view, "post");
        const auto at = lemmy::parse_time(json_id(p, "published"));
        if (at && *at < since) {
          return std::optional<Published>();
        }
        const auto& in = json_member(p, "community_id");
        if (json_id(p, "name") == lemmy::trimmed(post.article.title) && in.is_number_integer() &&
            in.get<int64_t>() == *community) {
          return std::optional<Published>(published_of(p, m_client.secrets()));
        }
      }
      if (!posts.is_array() || posts.size() < k_search_page_size) {
        return std::optional<Published>(); // the account's first post
      }
    }
    if (must_reach_since) {
      return unexpected(PublishError{
        PublishError::Kind::permanent,
        fmt::format("lemmy: the account has more than {} posts since; not all were searched",
                    k_search_pages * k_search_page_size),
        {} });
    }
    return std::optional<Published>();
  }

  lemmy::Client m_client;
};

class LemmyPlatform : public Platform
{
public:
  std::string_view name() const override { return "lemmy"; }

  Capabilities capabilities() const override
  {
    return { .threads = false,
             .media = true,
             .idempotent = false,
             .max_text_length = lemmy::k_max_post_body,
             .articles = true };
  }

  std::vector<std::string_view> setting_keys() const override
  {
    return { "url", "username_env", "password_env", "community" };
  }

  std::vector<text::LengthRule> length_rules(const AccountConfig& /*account*/) const override
  {
    return { lemmy::body_rule() };
  }

  std::vector<std::string> media_problems(const AccountConfig& /*account*/,
                                          const OutPart& message) const override
  {
    return problems_of(message);
  }

  std::vector<ArticleProblem> article_problems(const AccountConfig& /*account*/,
                                               const OutArticle& article) const override
  {
    return lemmy::title_problems(article);
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    check_secret(account, "username", setting_pos, account_pos, context, diagnostics);
    check_secret(account, "password", setting_pos, account_pos, context, diagnostics);
    if (setting(account, "url").empty()) {
      diagnostics.error(
        account_pos, fmt::format("account '{}': 'url' (the instance) is required", account.name));
    } else {
      check_url_setting(account, "instance", setting_pos, account_pos, diagnostics);
    }
    if (!lemmy::is_community_name(setting(account, "community"))) {
      diagnostics.error(pos_of(setting_pos, "community", account_pos),
                        fmt::format("account '{}': 'community' must be name@instance "
                                    "(e.g. technology@lemmy.world)",
                                    account.name));
    }
  }

  // As LinkedIn's: a thread is refused where the post is written (publish() refuses it too).
  void check_messages(const AccountConfig& account, const std::vector<MessageToCheck>& messages,
                      const std::map<std::string, SourcePos>& /*setting_pos*/,
                      const SourcePos& /*account_pos*/, const AdapterContext& /*context*/,
                      Diagnostics& diagnostics) const override
  {
    for (const auto& message : messages) {
      if (message.parts.size() > 1) {
        diagnostics.error(message.pos,
                          fmt::format("post '{}': account '{}' (lemmy) cannot take a thread: a "
                                      "Lemmy post is one title and one body",
                                      message.post_id, account.name));
      } else if (message.parts.size() == 1) {
        if (const auto problem = url_problem(message.article, message.parts.front())) {
          diagnostics.error(message.pos, fmt::format("post '{}': account '{}' (lemmy): {}",
                                                     message.post_id, account.name, *problem));
        }
      }
    }
  }

  Result<std::unique_ptr<ConversationSource>> make_conversations(
    const AccountConfig& account, const AdapterContext& context) const override
  {
    return make_lemmy_conversations(account, context);
  }

  std::unique_ptr<MetricsSource> make_metrics(const AccountConfig& account,
                                              const AdapterContext& context) const override
  {
    return make_lemmy_metrics(account, context);
  }

  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    return std::make_unique<LemmyAdapter>(account, context);
  }
};

} // namespace

const Platform&
lemmy_platform()
{
  static const LemmyPlatform platform;
  return platform;
}

} // namespace herald::platforms
