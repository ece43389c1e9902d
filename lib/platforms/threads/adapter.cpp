// The `threads` platform: publishes through Meta's Threads API (platforms.md section 8), in two
// steps: a container (POST /{user}/threads: the text, an image's public URL, the part it
// replies to), then, once it is FINISHED, POST /{user}/threads_publish. Images are fetched by
// Meta from a public URL, so an account with media names where its files are published
// (`media_url:`). A thread's later parts reply to the part before (reply_to_id). Before the
// first post of a run herald reads the account's publishing quota (250 posts and 1,000 replies
// a day), so it never publishes into a refusal blindly. There is no idempotency key: within a
// run a container is published at most once (Meta refuses a second publish of one), and after a
// crash the account's own posts are searched for the text.
#include "http/ascii.hpp"
#include "http/rate_limit.hpp"
#include "text/graphemes.hpp"
#include "text/length_rules.hpp"
#include "text/links.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/media_type.hpp"
#include "platforms/metrics.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <chrono>
#include <functional>
#include <set>
#include <thread>

namespace herald::platforms {

namespace {

constexpr std::string_view k_default_url = "https://graph.threads.net";
constexpr std::string_view k_api = "/v1.0";
constexpr size_t k_max_links = 5;
constexpr size_t k_max_carousel = 20;
constexpr size_t k_max_alt_text = 1000;
// A container with an image is polled until Meta has fetched and processed it: briefly at
// first, then less often, within a minute (the job's lease is longer).
constexpr std::chrono::milliseconds k_first_poll{ 500 };
constexpr std::chrono::milliseconds k_max_poll{ 5000 };
constexpr std::chrono::seconds k_max_wait{ 60 };
constexpr size_t k_search_page_size = 100;

using Sleep = std::function<void(std::chrono::milliseconds)>;

// Graph's error answer: {"error": {"message", "type", "code", "error_subcode"}}.
struct GraphError
{
  std::string message;
  int64_t code = 0;
  int64_t subcode = 0;
};

GraphError
graph_error(std::string_view body)
{
  const auto json = nlohmann::json::parse(body, nullptr, false);
  const auto& error = json_member(json, "error");
  GraphError out;
  if (const auto& message = json_member(error, "message"); message.is_string()) {
    out.message = message.get<std::string>();
  }
  if (const auto& code = json_member(error, "code"); code.is_number_integer()) {
    out.code = code.get<int64_t>();
  }
  if (const auto& subcode = json_member(error, "error_subcode"); subcode.is_number_integer()) {
    out.subcode = subcode.get<int64_t>();
  }
  return out;
}

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
  ThreadsAdapter(const AccountConfig& account, const AdapterContext& context, Sleep sleep)
    : m_account(account)
    , m_base_url(base_url_setting(account, k_default_url))
    , m_user(setting(account, "user_id", "me"))
    , m_media_url(setting(account, "media_url"))
    , m_context(context)
    , m_sleep(std::move(sleep))
  {
    auto token = read_secret(account, "token", context);
    if (!token) {
      throw Error(token.error());
    }
    m_token = std::move(*token);
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
      auto published = publish_part(post.parts[i], previous);
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
      get_json(fmt::format("{}/{}?fields=id,username", k_api, m_user), "threads: GET /{user}");
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    std::string detail = "@" + json_id(*me, "username");
    if (!m_media_url.empty()) {
      // The media base is where Meta will fetch images from: it must answer from outside. The
      // request is the user's host's, so it carries no token.
      http::Request r;
      r.method = "HEAD";
      r.url = m_media_url;
      const auto answer = m_transport->send(r);
      detail += !answer
                  ? fmt::format("; media_url {} cannot be reached", m_media_url)
                  : fmt::format("; media_url {} answers HTTP {}", m_media_url, answer->status);
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
    auto page = get_json(
      fmt::format(
        "{}/{}/threads?fields=id,text,timestamp,permalink&limit={}"
        "&since={}",
        k_api, m_user, k_search_page_size,
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
          Published{ json_id(item, "id"), json_id(item, "permalink") });
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

  // For the metrics source, which shares the account's requests.
  Result<nlohmann::json, PublishError> read(const std::string& path, std::string_view what)
  {
    return get_json(path, what);
  }
  const std::string& user() const { return m_user; }

private:
  TimePoint now() const { return now_of(m_context); }

  // The token goes as the access_token parameter, as Meta documents every call (its examples
  // put a POST's parameters in the query string too); redaction masks it in every message.
  http::Request request(std::string method, const std::string& path) const
  {
    http::Request r;
    r.method = std::move(method);
    r.url = m_base_url + path + (path.find('?') == std::string::npos ? "?" : "&") +
            "access_token=" + http::ascii::percent_encode(m_token);
    r.headers.push_back({ "Accept", "application/json" });
    r.secrets.push_back(m_token);
    return r;
  }

  PublishError answer_error(const http::Response& response, std::string_view what) const
  {
    const auto graph = graph_error(response.body);
    auto error = from_response(response, what, graph.message, { m_token }, now());
    // Graph answers most refusals 400 with a code: 190 is the token, 4 and 17 and 613 limits.
    if (graph.code == 190) {
      error.kind = PublishError::Kind::auth;
    } else if (graph.code == 4 || graph.code == 17 || graph.code == 613) {
      error.kind = PublishError::Kind::rate_limited;
      error.retry_after = http::clamp_server_wait(now() + std::chrono::hours(1), now());
    }
    return error;
  }

  Result<nlohmann::json, PublishError> get_json(const std::string& path, std::string_view what)
  {
    auto response = m_transport->send(request("GET", path));
    if (!response) {
      auto error = from_transport(response.error(), "threads");
      error.kind = PublishError::Kind::not_sent; // a GET publishes nothing
      return unexpected(std::move(error));
    }
    if (response->status != 200) {
      return unexpected(nothing_published(answer_error(*response, what)));
    }
    auto body = nlohmann::json::parse(response->body, nullptr, false);
    if (!body.is_object()) {
      return unexpected(PublishError{
        PublishError::Kind::permanent, fmt::format("{}: the answer is not JSON", what), {} });
    }
    return body;
  }

  // A form POST: parameters in an application/x-www-form-urlencoded body.
  Result<nlohmann::json, PublishError> post_form(
    const std::string& path, std::string_view what,
    const std::vector<std::pair<std::string, std::string>>& form, bool publishes)
  {
    auto r = request("POST", path);
    r.headers.push_back({ "Content-Type", "application/x-www-form-urlencoded" });
    for (const auto& [name, value] : form) {
      r.body += (r.body.empty() ? "" : "&") + http::ascii::percent_encode(name) + "=" +
                http::ascii::percent_encode(value);
    }
    auto response = m_transport->send(r);
    if (!response) {
      auto error = from_transport(response.error(), "threads");
      if (!publishes) {
        error.kind = PublishError::Kind::not_sent;
      }
      return unexpected(std::move(error));
    }
    if (response->status != 200) {
      auto error = answer_error(*response, what);
      return unexpected(publishes ? std::move(error) : nothing_published(std::move(error)));
    }
    auto body = nlohmann::json::parse(response->body, nullptr, false);
    if (json_id(body, "id").empty()) {
      return unexpected(
        PublishError{ publishes ? PublishError::Kind::maybe_sent : PublishError::Kind::not_sent,
                      fmt::format("{}: HTTP {} without an id", what, response->status),
                      {} });
    }
    return body;
  }

  // The day's quota, read once per run: a post (and its replies) that would go over it waits
  // instead of being refused.
  Result<void, PublishError> check_quota(size_t replies)
  {
    if (!m_quota) {
      auto limits = get_json(fmt::format("{}/{}/threads_publishing_limit?fields=quota_usage,"
                                         "config,reply_quota_usage,reply_config",
                                         k_api, m_user),
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
      return unexpected(PublishError{
        PublishError::Kind::rate_limited,
        fmt::format("threads: the day's publishing quota is used up ({} of {} posts, {} of {} "
                    "replies in the last 24 hours)",
                    q.posts + m_posts_sent, q.posts_total, q.replies + m_replies_sent,
                    q.replies_total),
        http::clamp_server_wait(now() + std::chrono::hours(1), now()) });
    }
    return {};
  }

  std::string media_url_of(const OutMedia& media) const
  {
    std::string base = m_media_url;
    if (!base.ends_with('/')) {
      base += '/';
    }
    return base + http::ascii::percent_encode(media.file.filename().string());
  }

  // One part: its container (a carousel's items first), then the publish.
  Result<Published, PublishError> publish_part(const OutPart& part, const std::string& reply_to)
  {
    const std::string path = fmt::format("{}/{}/threads", k_api, m_user);
    constexpr std::string_view what = "threads: POST /{user}/threads";
    std::vector<std::pair<std::string, std::string>> form;
    if (part.media.size() > 1) {
      std::string children;
      for (const auto& media : part.media) {
        auto item = post_form(path, what,
                              { { "media_type", "IMAGE" },
                                { "image_url", media_url_of(media) },
                                { "is_carousel_item", "true" },
                                { "alt_text", media.alt } },
                              false);
        if (!item) {
          return unexpected(std::move(item.error()));
        }
        const auto id = json_id(*item, "id");
        if (auto ready = wait_until_finished(id); !ready) {
          return unexpected(std::move(ready.error()));
        }
        children += (children.empty() ? "" : ",") + id;
      }
      form = { { "media_type", "CAROUSEL" }, { "children", children } };
    } else if (part.media.size() == 1) {
      form = { { "media_type", "IMAGE" },
               { "image_url", media_url_of(part.media.front()) },
               { "alt_text", part.media.front().alt } };
    } else {
      form = { { "media_type", "TEXT" } };
    }
    if (!part.text.empty()) {
      form.emplace_back("text", part.text);
    }
    if (!reply_to.empty()) {
      form.emplace_back("reply_to_id", reply_to);
    }
    auto container = post_form(path, what, form, false);
    if (!container) {
      return unexpected(std::move(container.error()));
    }
    const auto container_id = json_id(*container, "id");
    if (!part.media.empty()) {
      if (auto ready = wait_until_finished(container_id); !ready) {
        return unexpected(std::move(ready.error()));
      }
    }
    auto published =
      post_form(fmt::format("{}/{}/threads_publish", k_api, m_user),
                "threads: POST /{user}/threads_publish", { { "creation_id", container_id } }, true);
    if (!published && published.error().kind == PublishError::Kind::maybe_sent) {
      // The container is the key: its status says whether it went out.
      auto status = container_status(container_id);
      if (status && *status != "PUBLISHED") {
        published = post_form(fmt::format("{}/{}/threads_publish", k_api, m_user),
                              "threads: POST /{user}/threads_publish",
                              { { "creation_id", container_id } }, true);
      }
    }
    if (!published) {
      return unexpected(std::move(published.error()));
    }
    const auto id = json_id(*published, "id");
    // The permalink is asked for, not made up from the id (Meta's advice).
    auto link =
      get_json(fmt::format("{}/{}?fields=permalink", k_api, http::ascii::percent_encode(id)),
               "threads: GET /{media}");
    const std::string url = link ? json_id(*link, "permalink") : "";
    return Published{ id, url.empty() ? fmt::format("https://www.threads.net/post/{}", id) : url };
  }

  Result<std::string, PublishError> container_status(const std::string& id)
  {
    auto status = get_json(
      fmt::format("{}/{}?fields=status,error_message", k_api, http::ascii::percent_encode(id)),
      "threads: GET /{container}");
    if (!status) {
      return unexpected(std::move(status.error()));
    }
    return json_id(*status, "status");
  }

  Result<void, PublishError> wait_until_finished(const std::string& id)
  {
    auto interval = k_first_poll;
    std::chrono::milliseconds waited{ 0 };
    for (;;) {
      auto status = get_json(
        fmt::format("{}/{}?fields=status,error_message", k_api, http::ascii::percent_encode(id)),
        "threads: GET /{container}");
      if (!status) {
        return unexpected(std::move(status.error()));
      }
      const auto state = json_id(*status, "status");
      if (state == "FINISHED") {
        return {};
      }
      if (state == "ERROR" || state == "EXPIRED") {
        return unexpected(PublishError{
          PublishError::Kind::not_sent,
          fmt::format("threads: the container is {} ({}): Meta could not use the media; check "
                      "that it is published at the URL media_url: gives",
                      state, server_text(json_id(*status, "error_message"), { m_token })),
          {} });
      }
      if (waited >= k_max_wait) {
        return unexpected(PublishError{
          PublishError::Kind::not_sent,
          fmt::format("threads: the container was still {} after {} s", state,
                      std::chrono::duration_cast<std::chrono::seconds>(waited).count()),
          {} });
      }
      m_sleep(interval);
      waited += interval;
      interval = std::min(interval * 2, k_max_poll);
    }
  }

  struct Quota
  {
    int64_t posts = 0;
    int64_t posts_total = 250;
    int64_t replies = 0;
    int64_t replies_total = 1000;
  };

  AccountConfig m_account;
  std::string m_base_url;
  std::string m_user;
  std::string m_media_url;
  std::string m_token;
  std::optional<Quota> m_quota;
  int64_t m_posts_sent = 0;
  int64_t m_replies_sent = 0;
  AdapterContext m_context;
  Sleep m_sleep;
  LazyTransport m_transport{ m_context };
};

// Threads insights (threads_manage_insights): GET /{media}/insights for each post's views,
// likes, replies, reposts and quotes, and GET /{user}/threads_insights for followers_count.
class ThreadsMetrics : public MetricsSource
{
public:
  ThreadsMetrics(const AccountConfig& account, const AdapterContext& context)
    : m_adapter(account, context, [](std::chrono::milliseconds) {})
  {
  }

  CountsResult post_counts(const std::vector<std::string>& remote_ids) override
  {
    static constexpr std::pair<const char*, const char*> k_metrics[] = {
      { "views", "impressions" }, { "likes", "likes" },   { "replies", "replies" },
      { "reposts", "reposts" },   { "quotes", "quotes" },
    };
    CountsResult result;
    for (const auto& id : remote_ids) {
      auto body = m_adapter.read(fmt::format("/v1.0/{}/insights?metric=views,likes,replies,"
                                             "reposts,quotes",
                                             http::ascii::percent_encode(id)),
                                 "threads: GET /{media}/insights");
      if (!body) {
        result.stopped = std::move(body.error());
        return result;
      }
      PostCounts counts{ id, {} };
      for (const auto& metric : json_member(*body, "data")) {
        const auto name = json_id(metric, "name");
        for (const auto& [theirs, ours] : k_metrics) {
          if (name == theirs) {
            if (const auto value = metric_value(metric)) {
              counts.counts[ours] = *value;
            }
          }
        }
      }
      result.posts.push_back(std::move(counts));
    }
    return result;
  }

  Result<std::optional<int64_t>, PublishError> followers() override
  {
    auto body =
      m_adapter.read("/v1.0/" + m_adapter.user() + "/threads_insights?metric=followers_count",
                     "threads: GET /{user}/threads_insights");
    if (!body) {
      return unexpected(std::move(body.error()));
    }
    for (const auto& metric : json_member(*body, "data")) {
      if (json_id(metric, "name") == "followers_count") {
        return metric_value(metric);
      }
    }
    return std::optional<int64_t>();
  }

private:
  // A metric's number: total_value.value, or the last of values[].value.
  static std::optional<int64_t> metric_value(const nlohmann::json& metric)
  {
    const auto& total = json_member(json_member(metric, "total_value"), "value");
    if (total.is_number_integer()) {
      return total.get<int64_t>();
    }
    const auto& values = json_member(metric, "values");
    if (values.is_array() && !values.empty()) {
      const auto& value = json_member(values.back(), "value");
      if (value.is_number_integer()) {
        return value.get<int64_t>();
      }
    }
    return std::nullopt;
  }

  ThreadsAdapter m_adapter;
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
    return std::make_unique<ThreadsMetrics>(account, context);
  }

  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    return std::make_unique<ThreadsAdapter>(
      account, context, [](std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); });
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
