// The `x` platform: publishes through X's API v2 (platforms.md section 3). Posts go to
// POST /2/tweets, a thread's later parts as replies (reply.in_reply_to_tweet_id) to the part
// before; images to POST /2/media/upload, videos and GIFs through the chunked upload
// (x/upload.hpp), the alt text of each to POST /2/media/metadata. Requests
// are signed with OAuth 1.0a (the four *_env settings) or carry an OAuth 2.0 user token
// (`token_env`). X has no idempotency key: a resend after a crash is decided by looking for the
// post among the account's own recent posts, and a "duplicate content" refusal is looked up the
// same way instead of being retried. X bills per request, so each run asks for the account
// (GET /2/users/me) at most once.
#include "http/ascii.hpp"
#include "http/redact.hpp"
#include "text/length_rules.hpp"

#include "platforms/conversations.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/media_type.hpp"
#include "platforms/metrics.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"
#include "platforms/x/client.hpp"
#include "platforms/x/upload.hpp"
#include "platforms/x/x.hpp"
#include "schedule/zone.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <chrono>
#include <system_error>

namespace herald::platforms {

namespace {

// Looking for an earlier copy reads the account's posts this many at a time (the API's
// maximum), at most this many pages.
constexpr size_t k_search_page_size = 100;
constexpr size_t k_search_pages = 3;

class XAdapter : public Adapter
{
public:
  XAdapter(const AccountConfig& account, const AdapterContext& context)
    : m_client(x::make_client(account, context))
  {
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    if (post.parts.empty()) {
      return unexpected(PublishError{ PublishError::Kind::permanent, "x: nothing to post", {} });
    }
    // Every part is checked before anything is sent, so a bad part 3 cannot leave a
    // half-published thread behind.
    const auto rule = text::x_rule();
    for (size_t i = 0; i < post.parts.size(); ++i) {
      auto problems = x::media_problems(post.parts[i]);
      if (const auto why = text::too_long(post.parts[i].text, rule)) {
        problems.insert(problems.begin(), *why);
      }
      if (!problems.empty()) {
        return unexpected(PublishError{
          PublishError::Kind::permanent,
          post.parts.size() == 1
            ? fmt::format("x: {}", problems.front())
            : fmt::format("x: part {} of {}: {}", i + 1, post.parts.size(), problems.front()),
          {} });
      }
    }
    std::optional<Published> first;
    std::string previous_id;
    for (size_t i = 0; i < post.parts.size(); ++i) {
      const auto& part = post.parts[i];
      std::vector<std::string> media_ids;
      for (const auto& media : part.media) {
        auto id = upload(media);
        if (!id) {
          return unexpected(in_thread(std::move(id.error()), i, post.parts.size(), first));
        }
        media_ids.push_back(std::move(*id));
      }
      auto tweet = post_tweet(part, media_ids, previous_id, post.due);
      if (!tweet) {
        return unexpected(in_thread(std::move(tweet.error()), i, post.parts.size(), first));
      }
      previous_id = tweet->remote_id;
      if (!first) {
        first = std::move(*tweet);
      }
    }
    return *first;
  }

  Result<Verified, PublishError> verify() override
  {
    auto me = m_client.account();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    return Verified{ "@" + me->username };
  }

  // X forgets nothing and dedupes nothing: after a crash the account's posts since the intent
  // are searched for the text. A thread is not looked for: its first part alone cannot say
  // whether the rest went out.
  Result<std::optional<Published>, PublishError> find_published(const OutPost& post,
                                                                TimePoint since) override
  {
    if (post.parts.size() > 1) {
      return unexpected(PublishError{
        PublishError::Kind::permanent, "x: a thread is not looked for after a crash", {} });
    }
    return search(post.parts.front().text, since, /*must_reach_since=*/true);
  }

  std::string ledger() override { return "recent posts"; }

  Result<std::optional<Published>, PublishError> find_earlier(const OutPost& post,
                                                              TimePoint since) override
  {
    if (post.parts.empty()) {
      return std::optional<Published>();
    }
    return search(post.parts.front().text, since, /*must_reach_since=*/false);
  }

private:
  Published published(std::string_view id) const
  {
    return { http::redact(id, m_client.secrets()), m_client.post_url(id) };
  }

  // The media's id once X can post it, with its alt text set.
  Result<std::string, PublishError> upload(const OutMedia& media)
  {
    const auto category = x::media_category(media_type_for(media.file));
    auto id = category.chunked ? x::upload_chunked(m_client, media, category.name)
                               : upload_image(media, category.name);
    if (!id) {
      return id;
    }
    // X's v2 metadata reference does not limit alt text to images (v1.1's did): a video's is
    // sent too, after processing, and a refusal fails the job rather than being dropped.
    if (!media.alt.empty()) {
      if (auto alt = set_alt_text(*id, media.alt); !alt) {
        return unexpected(std::move(alt.error()));
      }
    }
    return id;
  }

  // One request: X's docs keep the simple upload for images.
  Result<std::string, PublishError> upload_image(const OutMedia& media, std::string_view category)
  {
    constexpr std::string_view what = "x: POST /2/media/upload";
    auto r = m_client.request("POST", "/2/media/upload");
    r.form.push_back(file_part("media", media.file));
    r.form.push_back({ "media_category", "", "", std::string(category), {} });
    // An upload makes no post: whatever happened to it, sending it again is safe.
    auto response = m_client.send(std::move(r));
    if (!response) {
      return unexpected(nothing_published(std::move(response.error())));
    }
    if (response->status < 200 || response->status >= 300) {
      return unexpected(media_error(*response, what));
    }
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    std::string id = json_id(json_member(body, "data"), "id");
    if (id.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::not_sent,
                      fmt::format("{}: HTTP {} without a media id", what, response->status),
                      {} });
    }
    return id;
  }

  Result<void, PublishError> set_alt_text(const std::string& media_id, const std::string& alt)
  {
    constexpr std::string_view what = "x: POST /2/media/metadata";
    auto r = m_client.request("POST", "/2/media/metadata");
    r.headers.push_back({ "Content-Type", "application/json" });
    r.body =
      dump_json({ { "id", media_id }, { "metadata", { { "alt_text", { { "text", alt } } } } } });
    auto response = m_client.send(std::move(r));
    if (!response) {
      return unexpected(nothing_published(std::move(response.error())));
    }
    if (response->status < 200 || response->status >= 300) {
      return unexpected(media_error(*response, what));
    }
    return {};
  }

  // Media calls make no post, so a 5xx there is safe to retry: not_sent, not maybe_sent.
  PublishError media_error(const http::Response& response, std::string_view what) const
  {
    return nothing_published(m_client.answer_error(response, what));
  }

  Result<Published, PublishError> post_tweet(const OutPart& part,
                                             const std::vector<std::string>& media_ids,
                                             const std::string& in_reply_to, TimePoint due)
  {
    constexpr std::string_view what = "x: POST /2/tweets";
    nlohmann::json body = nlohmann::json::object();
    if (!part.text.empty()) {
      body["text"] = part.text;
    }
    if (!media_ids.empty()) {
      body["media"] = { { "media_ids", media_ids } };
    }
    if (!in_reply_to.empty()) {
      body["reply"] = { { "in_reply_to_tweet_id", in_reply_to } };
    }
    // The URL names the account: asked before sending, so that a failure to ask cannot come
    // after the post went out.
    if (auto me = m_client.account(); !me) {
      return unexpected(std::move(me.error()));
    }
    auto r = m_client.request("POST", "/2/tweets");
    r.headers.push_back({ "Content-Type", "application/json" });
    r.body = dump_json(body);
    auto response = m_client.send(std::move(r));
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    if (response->status == 403 && x::is_duplicate_refusal(response->body)) {
      return duplicate(part.text, due, *response);
    }
    if (response->status < 200 || response->status >= 300) {
      return unexpected(m_client.answer_error(*response, what));
    }
    // A 2xx that does not name the post cannot be recorded as posted (reliability M5).
    const auto answer = nlohmann::json::parse(response->body, nullptr, false);
    const std::string id = json_id(json_member(answer, "data"), "id");
    if (id.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::maybe_sent,
                      fmt::format("{}: HTTP {} without a post id", what, response->status),
                      {} });
    }
    return published(id);
  }

  // X refused the text as a duplicate of one of the account's posts: a run that died after
  // sending it, or the same text posted by hand. The post is looked for since a day before the
  // job was due; found, it is the one published; not found, nobody can tell, so the job is
  // "maybe sent" and never blindly resent.
  Result<Published, PublishError> duplicate(const std::string& text, TimePoint due,
                                            const http::Response& response)
  {
    auto found = search(text, due - std::chrono::hours(24), /*must_reach_since=*/false);
    if (found && *found) {
      return **found;
    }
    auto error = m_client.answer_error(response, "x: POST /2/tweets");
    error.kind = PublishError::Kind::maybe_sent;
    error.message += "; the same text is on the account already, but it was not found among its "
                     "recent posts";
    return unexpected(std::move(error));
  }

  // Looks through the account's own posts (newest first) back to `since` for one whose text is
  // the post's (as X shows it: links shortened, & < > escaped; x::same_text()).
  Result<std::optional<Published>, PublishError> search(const std::string& text, TimePoint since,
                                                        bool must_reach_since)
  {
    auto me = m_client.account();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    std::string token;
    for (size_t page = 0; page < k_search_pages; ++page) {
      std::string path =
        fmt::format("/2/users/{}/tweets?max_results={}&exclude=retweets&tweet.fields=created_at"
                    "&start_time={}",
                    http::ascii::percent_encode(me->id), k_search_page_size,
                    http::ascii::percent_encode(format_utc(since)));
      if (!token.empty()) {
        path += "&pagination_token=" + http::ascii::percent_encode(token);
      }
      auto body = m_client.get_json(path, "x: GET /2/users/:id/tweets");
      if (!body) {
        return unexpected(std::move(body.error()));
      }
      for (const auto& tweet : json_member(*body, "data")) {
        const auto id = json_id(tweet, "id");
        const auto& shown = json_member(tweet, "text");
        if (!id.empty() && shown.is_string() && x::same_text(shown.get<std::string>(), text)) {
          return std::optional<Published>(published(id));
        }
      }
      token = json_id(json_member(*body, "meta"), "next_token");
      if (token.empty()) {
        return std::optional<Published>(); // every post since `since` was read
      }
    }
    if (must_reach_since) {
      return unexpected(PublishError{
        PublishError::Kind::permanent,
        fmt::format("x: the account posted more than {} posts since; not all were searched",
                    k_search_pages * k_search_page_size),
        {} });
    }
    return std::optional<Published>();
  }

  x::Client m_client;
};

class XPlatform : public Platform
{
public:
  std::string_view name() const override { return "x"; }

  Capabilities capabilities() const override
  {
    return { .threads = true, .media = true, .idempotent = false, .max_text_length = 280 };
  }

  std::vector<std::string_view> setting_keys() const override
  {
    return { "url",
             "consumer_key_env",
             "consumer_secret_env",
             "access_token_env",
             "access_token_secret_env",
             "token_env",
             "refresh_token_env",
             "client_id_env" };
  }

  std::vector<text::LengthRule> length_rules(const AccountConfig& /*account*/) const override
  {
    return { text::x_rule() };
  }

  std::vector<std::string> media_problems(const AccountConfig& /*account*/,
                                          const OutPart& message) const override
  {
    return x::media_problems(message);
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    x::check_credentials(account, setting_pos, account_pos, context, diagnostics);
  }

  Result<std::unique_ptr<ConversationSource>> make_conversations(
    const AccountConfig& account, const AdapterContext& context) const override
  {
    return std::unique_ptr<ConversationSource>(make_x_conversations(account, context));
  }

  std::unique_ptr<MetricsSource> make_metrics(const AccountConfig& account,
                                              const AdapterContext& context) const override
  {
    return make_x_metrics(account, context);
  }

  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    return std::make_unique<XAdapter>(account, context);
  }
};

} // namespace

const Platform&
x_platform()
{
  static const XPlatform platform;
  return platform;
}

} // namespace herald::platforms
