// The `threads` platform: publishes through Meta's Threads API (platforms.md section 8), in two
// steps: a container (POST /{user}/threads: the text, an image's public URL, the part it
// replies to), then, once it is FINISHED, POST /{user}/threads_publish. Images are fetched by
// Meta from a public URL, so an account with media names where its files are published
// (`media_url:`). A thread's later parts reply to the part before (reply_to_id). Before the
// first post of a run herald reads the account's publishing quota (250 posts and 1,000 replies
// a day), so it never publishes into a refusal blindly. There is no idempotency key: within a
// run a container is published at most once (Meta refuses a second publish of one), and after a
// crash the account's own posts are searched for the text. The requests, the token's renewal and
// the two publishing steps are the Client's (threads.hpp), shared with engage and report.
#include "http/ascii.hpp"
#include "http/rate_limit.hpp"
#include "text/graphemes.hpp"
#include "text/length_rules.hpp"
#include "text/links.hpp"

#include "platforms/conversations.hpp"
#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/media_type.hpp"
#include "platforms/metrics.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"
#include "platforms/threads/threads.hpp"
#include "schedule/zone.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <chrono>
#include <set>

namespace herald::platforms {

namespace {

constexpr size_t k_max_links = 5;
constexpr size_t k_max_carousel = 20;
constexpr size_t k_max_alt_text = 1000;
constexpr size_t k_search_page_size = 100;

// The distinct links of a text, as Threads counts them against its limit of 5.
size_t
distinct_links(std::string_view text)
{
  std::set<std::string> links;
  for (const auto& span : text::find_links(text)) {
    if (span.kind == text::TextSpan::Kind::url) {
      links.insert(span.value);
    }
  }
  return links.size();
}

std::vector<std::string>
problems_of(const AccountConfig& account, const OutPart& part)
{
  std::vector<std::string> problems;
  if (const size_t links = distinct_links(part.text); links > k_max_links) {
    problems.push_back(fmt::format("{} links, Threads takes at most {}", links, k_max_links));
  }
  if (part.media.empty()) {
    if (part.text.empty()) {
      problems.emplace_back("a post needs text or an image");
    }
    return problems;
  }
  if (setting(account, "media_url").empty()) {
    problems.emplace_back("Threads fetches images from a public URL: set media_url: on the "
                          "account to where its media files are published");
  }
  if (part.media.size() > k_max_carousel) {
    problems.push_back(
      fmt::format("{} images, the limit is {}", part.media.size(), k_max_carousel));
  }
  for (const auto& media : part.media) {
    if (!media_type_for(media.file).starts_with("image/")) {
      problems.push_back(fmt::format("{} is not an image; herald sends Threads images only",
                                     media.file.filename().string()));
    }
    if (text::count_code_points(media.alt) > k_max_alt_text) {
      problems.push_back(fmt::format("the alt text of {} is over {} characters",
                                     media.file.filename().string(), k_max_alt_text));
    }
  }
  return problems;
}

class ThreadsAdapter : public Adapter
{
public:
  ThreadsAdapter(const AccountConfig& account, const AdapterContext& context)
    : m_account(account)
    , m_client(account, context)
  {
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    if (post.parts.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent, "threads: nothing to post", {} });
    }
    for (size_t i = 0; i < post.parts.size(); ++i) {
      auto problems = problems_of(m_account, post.parts[i]);
      if (const auto why = text::too_long(post.parts[i].text, text::threads_rule())) {
        problems.insert(problems.begin(), *why);
      }
      if (!problems.empty()) {
        return unexpected(PublishError{
          PublishError::Kind::permanent,
          fmt::format("threads: part {} of {}: {}", i + 1, post.parts.size(), problems.front()),
          {} });
      }
    }
    if (auto quota = check_quota(post.parts.size() - 1); !quota) {
      return unexpected(std::move(quota.error()));
    }
    std::optional<Published> first;
    std::string previous;
    for (size_t i = 0; i < post.parts.size(); ++i) {
      auto published = m_client.publish_part(post.parts[i], previous);
      if (!published) {
        auto error = in_thread(std::move(published.error()), i, post.parts.size(), first);
        if (first) {
          // Earlier parts are out and Threads does not refuse a repeat: a resend would post
          // them twice, so the job goes to a person (unknown).
          error.kind = PublishError::Kind::maybe_sent;
        }
        return unexpected(std::move(error));
      }
      ++(i == 0 ? m_posts_sent : m_replies_sent);
      previous = published->remote_id;
      if (!first) {
        first = std::move(*published);
      }
    }
    return *first;
  }

  Result<Verified, PublishError> verify() override
  {
    auto me =
      m_client.get_json(fmt::format("{}/{}?fields=id,username", threads::k_api, m_client.user()),
                        "threads: GET /{user}");
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    std::string detail = "@" + json_id(*me, "username");
    if (const auto expires = m_client.token_expires()) {
      detail += fmt::format("; token renewed, valid until {}", format_utc(*expires));
    }
    if (const auto note = m_client.media_url_note(); !note.empty()) {
      detail += "; " + note;
    }
    return Verified{ std::move(detail) };
  }

  // After a crash: the account's own posts since the intent, compared with the text.
  Result<std::optional<Published>, PublishError> find_published(const OutPost& post,
                                                                TimePoint since) override
  {
    if (post.parts.size() > 1) {
      return unexpected(PublishError{
        PublishError::Kind::permanent, "threads: a thread is not looked for after a crash", {} });
    }
    auto page = m_client.get_json(
      fmt::format(
        "{}/{}/threads?fields=id,text,timestamp,permalink&limit={}"
        "&since={}",
        threads::k_api, m_client.user(), k_search_page_size,
        std::chrono::duration_cast<std::chrono::seconds>(since.time_since_epoch()).count()),
      "threads: GET /{user}/threads");
    if (!page) {
      return unexpected(std::move(page.error()));
    }
    const auto& posts = json_member(*page, "data");
    for (const auto& item : posts) {
      const auto& text = json_member(item, "text");
      if (text.is_string() && text.get<std::string>() == post.parts.front().text) {
        return std::optional<Published>(
          Published{ json_id(item, "id"),
                     threads::post_url(json_id(item, "id"), json_id(item, "permalink")) });
      }
    }
    if (posts.size() >= k_search_page_size) {
      return unexpected(PublishError{ PublishError::Kind::permanent,
                                      fmt::format("threads: the account posted more than {} posts "
                                                  "since; not all were searched",
                                                  k_search_page_size),
                                      {} });
    }
    return std::optional<Published>();
  }

  std::string ledger() override { return "recent posts"; }

private:
  // The day's quota, read once per run: a post (and its replies) that would go over it waits
  // instead of being refused.
  Result<void, PublishError> check_quota(size_t replies)
  {
    if (!m_quota) {
      auto limits =
        m_client.get_json(fmt::format("{}/{}/threads_publishing_limit?fields=quota_usage,"
                                      "config,reply_quota_usage,reply_config",
                                      threads::k_api, m_client.user()),
                          "threads: GET /{user}/threads_publishing_limit");
      if (!limits) {
        return unexpected(std::move(limits.error()));
      }
      const auto& data = json_member(*limits, "data");
      static const nlohmann::json k_none;
      const auto& first = data.is_array() && !data.empty() ? data[0] : k_none;
      const auto number = [](const nlohmann::json& json, int64_t fallback) {
        return json.is_number_integer() ? json.get<int64_t>() : fallback;
      };
      m_quota = Quota{
        number(json_member(first, "quota_usage"), 0),
        number(json_member(json_member(first, "config"), "quota_total"), 250),
        number(json_member(first, "reply_quota_usage"), 0),
        number(json_member(json_member(first, "reply_config"), "quota_total"), 1000),
      };
    }
    const auto& q = *m_quota;
    if (q.posts + m_posts_sent + 1 > q.posts_total ||
        q.replies + m_replies_sent + int64_t(replies) > q.replies_total) {
      const auto now = m_client.now();
      return unexpected(PublishError{
        PublishError::Kind::rate_limited,
        fmt::format("threads: the day's publishing quota is used up ({} of {} posts, {} of {} "
                    "replies in the last 24 hours)",
                    q.posts + m_posts_sent, q.posts_total, q.replies + m_replies_sent,
                    q.replies_total),
        http::clamp_server_wait(now + std::chrono::hours(1), now) });
    }
    return {};
  }

  struct Quota
  {
    int64_t posts = 0;
    int64_t posts_total = 250;
    int64_t replies = 0;
    int64_t replies_total = 1000;
  };

  AccountConfig m_account;
  threads::Client m_client;
  std::optional<Quota> m_quota;
  int64_t m_posts_sent = 0;
  int64_t m_replies_sent = 0;
};

class ThreadsPlatform : public Platform
{
public:
  std::string_view name() const override { return "threads"; }

  Capabilities capabilities() const override
  {
    return { .threads = true, .media = true, .idempotent = false, .max_text_length = 500 };
  }

  std::vector<std::string_view> setting_keys() const override
  {
    return { "url", "token_env", "user_id", "media_url" };
  }

  std::vector<text::LengthRule> length_rules(const AccountConfig& /*account*/) const override
  {
    return { text::threads_rule() };
  }

  std::vector<std::string> media_problems(const AccountConfig& account,
                                          const OutPart& message) const override
  {
    return problems_of(account, message);
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    check_secret(account, "token", setting_pos, account_pos, context, diagnostics);
    check_url_setting(account, "API", setting_pos, account_pos, diagnostics);
    const auto media_url = setting(account, "media_url");
    if (!media_url.empty() && !media_url.starts_with("https://") &&
        !media_url.starts_with("http://127.0.0.1") && !media_url.starts_with("http://localhost")) {
      diagnostics.error(pos_of(setting_pos, "media_url", account_pos),
                        fmt::format("account '{}': 'media_url' must be an https:// address that "
                                    "Meta can fetch",
                                    account.name));
    }
  }

  std::unique_ptr<MetricsSource> make_metrics(const AccountConfig& account,
                                              const AdapterContext& context) const override
  {
    return make_threads_metrics(account, context);
  }

  Result<std::unique_ptr<ConversationSource>> make_conversations(
    const AccountConfig& account, const AdapterContext& context) const override
  {
    return make_threads_conversations(account, context);
  }

  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    return std::make_unique<ThreadsAdapter>(account, context);
  }
};

} // namespace

const Platform&
threads_platform()
{
  static const ThreadsPlatform platform;
  return platform;
}

} // namespace herald::platforms
