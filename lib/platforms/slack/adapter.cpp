// The `slack` platform (platforms.md section 6) posts in one of two ways:
// - an incoming webhook (`webhook_env:`): the URL is the secret and the channel is fixed when
//   the webhook is made. Slack answers a plain-text "ok" and no message id, so a webhook post
//   has no remote id or URL and a thread goes out as consecutive messages;
// - chat.postMessage with a bot token (`token_env:` + `channel:`): Slack answers HTTP 200 even
//   when it refuses ({"ok": false, "error": "channel_not_found"}), so the body decides. Parts
//   2.. of a thread go under the first part (`thread_ts`).
// Neither deduplicates, so a request that may have landed leaves the job `unknown`. A bot message
// carries metadata (event_type herald_post, the job id and idempotency key) by which
// find_earlier() finds it in conversations.history when `herald post` runs again on a fresh
// state; an incoming webhook cannot be asked (ledger() is empty). Media are
// not supported (a webhook cannot upload; the files.* upload flow is not implemented): validate
// reports a post with media to a slack account.
#include "http/ascii.hpp"
#include "http/rate_limit.hpp"
#include "http/redact.hpp"
#include "http/url_policy.hpp"
#include "text/length_rules.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <regex>

namespace herald::platforms {

namespace {

constexpr std::string_view k_default_api = "https://slack.com/api";
// The event_type of the metadata each bot message carries (chat.postMessage `metadata`), and how
// much of a channel's history a look for an earlier copy reads.
constexpr std::string_view k_metadata_event = "herald_post";
constexpr size_t k_history_page_size = 200;
constexpr size_t k_history_pages = 5;
// chat.getPermalink only decorates a post that is already out: it gets a short budget.
constexpr std::chrono::milliseconds k_permalink_timeout{ 10'000 };

// Web API error codes that mean the token (or what it may do) is the problem.
constexpr std::array<std::string_view, 10> k_auth_errors{
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "missing_scope",
  "no_permission",
  "not_allowed_token_type",
  "team_access_not_granted",
  "ekm_access_denied",
};
// Web API error codes after which the message may or may not exist ("It's possible some aspect
// of the operation succeeded before the error was raised").
constexpr std::array<std::string_view, 4> k_maybe_sent_errors{ "internal_error", "fatal_error",
                                                               "service_unavailable",
                                                               "request_timeout" };
// Webhook answers (plain text, with a 4xx) that mean the webhook itself is gone or refused.
constexpr std::array<std::string_view, 5> k_webhook_auth_errors{ "invalid_token", "no_service",
                                                                 "no_team", "team_disabled",
                                                                 "action_prohibited" };

template<size_t N>
bool
is_one_of(std::string_view value, const std::array<std::string_view, N>& list)
{
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Slack reads `&`, `<` and `>` in message text as markup (links, @channel, user mentions); the
// post's text is meant literally, so they are escaped the way Slack documents.
std::string
slack_escaped(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

// /services/T.../B.../<secret>
bool
has_webhook_shape(std::string_view url)
{
  static const std::regex shape(R"(^/services/[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9_\-]+/?$)");
  return std::regex_match(http::url_path(url), shape);
}

std::string
string_of(const nlohmann::json& json, const char* key)
{
  if (json.is_object()) {
    if (const auto it = json.find(key); it != json.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  return "";
}

// The one mapping of a Web API {"ok": false, "error": ...} to a PublishError kind.
PublishError
api_error(const nlohmann::json& body, const http::Response& response, std::string_view what,
          const std::vector<std::string>& secrets, TimePoint now)
{
  const std::string code = string_of(body, "error");
  std::string detail = code.empty() ? "ok:false without an error code" : code;
  if (const auto needed = string_of(body, "needed"); !needed.empty()) {
    detail += fmt::format(" (needs scope {})", needed);
  }
  if (body.contains("response_metadata") && body["response_metadata"].is_object()) {
    const auto& messages = body["response_metadata"].value("messages", nlohmann::json::array());
    for (const auto& line : messages) {
      if (line.is_string()) {
        detail += "; " + line.get<std::string>();
      }
    }
  }
  std::string message = fmt::format("{}: {}", what, server_text(detail, secrets));
  if (is_one_of(code, k_auth_errors)) {
    return { PublishError::Kind::auth, std::move(message), {} };
  }
  if (code == "ratelimited" || code == "rate_limited") {
    return { PublishError::Kind::rate_limited, std::move(message),
             http::retry_after(response, now) };
  }
  if (is_one_of(code, k_maybe_sent_errors)) {
    return { PublishError::Kind::maybe_sent, std::move(message), {} };
  }
  // Any other code is Slack refusing the request as it is (channel_not_found, not_in_channel,
  // msg_too_long, no_text, is_archived, invalid_arguments, ...).
  return { PublishError::Kind::permanent, std::move(message), {} };
}

std::string
thread_cut_short(size_t index, size_t count, std::string_view first, std::string_view why)
{
  return fmt::format("slack: thread cut short: part {} of {} failed after part 1 was posted{}: "
                     "{}",
                     index + 1, count, first.empty() ? "" : fmt::format(" as {}", first), why);
}

// Everything that can be refused locally, checked before the first message goes out, so that
// a thread is never cut short by a part we could have rejected up front.
std::optional<PublishError>
refuse_locally(const OutPost& post)
{
  if (post.parts.empty()) {
    return PublishError{ PublishError::Kind::permanent, "slack: empty post", {} };
  }
  const auto rule = text::slack_rule();
  for (size_t i = 0; i < post.parts.size(); ++i) {
    const auto& part = post.parts[i];
    const std::string which =
      post.parts.size() > 1 ? fmt::format(" (part {} of {})", i + 1, post.parts.size()) : "";
    if (!part.media.empty()) {
      return PublishError{ PublishError::Kind::permanent,
                           fmt::format("slack: media cannot be posted to Slack by herald{}", which),
                           {} };
    }
    if (part.text.empty()) {
      return PublishError{ PublishError::Kind::permanent,
                           fmt::format("slack: empty message{}", which),
                           {} };
    }
    if (const auto problem = text::too_long(part.text, rule)) {
      return PublishError{ PublishError::Kind::permanent,
                           fmt::format("slack: {}{}", *problem, which),
                           {} };
    }
  }
  return std::nullopt;
}

class SlackAdapter : public Adapter
{
public:
  explicit SlackAdapter(const AdapterContext& context)
    : m_context(context)
  {
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    if (auto refused = refuse_locally(post)) {
      return unexpected(std::move(*refused));
    }
    std::optional<Published> first;
    std::string thread_ts;
    for (size_t i = 0; i < post.parts.size(); ++i) {
      auto sent = send_part(post, i, thread_ts);
      if (!sent) {
        if (i == 0) {
          return unexpected(std::move(sent.error()));
        }
        // Part 1 is in the channel: a resend would post it twice (Slack does not deduplicate),
        // so the job goes to `unknown` for a human to finish the thread.
        return unexpected(PublishError{
          PublishError::Kind::maybe_sent,
          thread_cut_short(
            i, post.parts.size(),
            http::redact(first->url.empty() ? first->remote_id : first->url, secrets()),
            sent.error().message),
          {} });
      }
      if (i == 0) {
        first = std::move(sent->published);
        thread_ts = sent->ts;
      }
    }
    finish(*first);
    return masked(*first);
  }

protected:
  struct Sent
  {
    Published published;
    std::string ts; // empty for a webhook, which does not say
  };

  TimePoint now() const
  {
    return m_context.clock
             ? m_context.clock->now()
             : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }

  // Part `index` of `post`.
  virtual Result<Sent, PublishError> send_part(const OutPost& post, size_t index,
                                               const std::string& thread_ts) = 0;
  // After every part is out: fill in what only a further call can tell (the permalink).
  virtual void finish(Published& /*published*/) {}
  // What no text herald records or prints may show.
  virtual const std::vector<std::string>& secrets() const = 0;

  // Recorded and printed: never showing the token, should a server echo it in a message's `ts`
  // or link (found by tests/fuzz/fuzz_slack).
  Published masked(const Published& published) const
  {
    return { http::redact(published.remote_id, secrets()), http::redact(published.url, secrets()) };
  }

  AdapterContext m_context;
  LazyTransport m_transport{ m_context };
};

class SlackWebhookAdapter : public SlackAdapter
{
public:
  SlackWebhookAdapter(std::string webhook, const AdapterContext& context)
    : SlackAdapter(context)
    , m_webhook(std::move(webhook))
  {
    // The whole URL is the credential; its path too, since the request line shows only that.
    m_secrets.push_back(m_webhook);
    if (const auto path = http::url_path(m_webhook); !path.empty()) {
      m_secrets.push_back(path);
    }
  }

  // Nothing reads an incoming webhook without posting to it.
  Result<Verified, PublishError> verify() override
  {
    return Verified{ "an incoming webhook cannot be checked without posting to it", false };
  }

private:
  Result<Sent, PublishError> send_part(const OutPost& post, size_t index,
                                       const std::string& /*thread_ts*/) override
  {
    constexpr std::string_view what = "slack: POST webhook";
    const OutPart& part = post.parts[index];
    http::Request request;
    request.method = "POST";
    request.url = m_webhook;
    request.secrets = m_secrets;
    request.headers.push_back({ "Content-Type", "application/json; charset=utf-8" });
    request.body = dump_json({ { "text", slack_escaped(part.text) } });
    const auto response = m_transport->send(request);
    if (!response) {
      return unexpected(from_transport(response.error(), "slack"));
    }
    // Errors are plain-text codes ("channel_not_found") with a 4xx status.
    std::string detail = response->body;
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) {
      detail.pop_back();
    }
    if (response->status < 200 || response->status >= 300) {
      auto error = from_response(*response, what, detail, m_secrets, now());
      if (error.kind == PublishError::Kind::permanent && is_one_of(detail, k_webhook_auth_errors)) {
        error.kind = PublishError::Kind::auth;
      }
      return unexpected(std::move(error));
    }
    if (detail != "ok") {
      // A 2xx that is not Slack's "ok" cannot be recorded as posted (reliability M5).
      return unexpected(
        PublishError{ PublishError::Kind::maybe_sent,
                      fmt::format("{}: HTTP {} without Slack's \"ok\"", what, response->status),
                      {} });
    }
    // A webhook says nothing about the message: no id, no link.
    return Sent{ {}, "" };
  }

  const std::vector<std::string>& secrets() const override { return m_secrets; }

  std::string m_webhook;
  std::vector<std::string> m_secrets;
};

class SlackApiAdapter : public SlackAdapter
{
public:
  SlackApiAdapter(std::string base_url, std::string token, std::string channel,
                  const AdapterContext& context)
    : SlackAdapter(context)
    , m_base_url(std::move(base_url))
    , m_token(std::move(token))
    , m_channel(std::move(channel))
  {
  }

  // auth.test posts nothing and says which bot and workspace the token belongs to.
  Result<Verified, PublishError> verify() override
  {
    constexpr std::string_view what = "slack: auth.test";
    auto r = request("POST", "/auth.test");
    r.headers.push_back({ "Content-Type", "application/x-www-form-urlencoded" });
    const auto response = m_transport->send(r);
    if (!response) {
      return unexpected(from_transport(response.error(), "slack"));
    }
    const auto body = parsed(*response, what);
    if (!body) {
      return unexpected(body.error());
    }
    std::string who = string_of(*body, "user");
    who = who.empty() ? "the token" : "@" + who;
    if (const auto team = string_of(*body, "team"); !team.empty()) {
      who += fmt::format(" in '{}'", team);
    }
    return Verified{ fmt::format("{}, channel {}", who, m_channel) };
  }

private:
  http::Request request(std::string method, std::string_view path) const
  {
    http::Request r;
    r.method = std::move(method);
    r.url = m_base_url + std::string(path);
    r.headers.push_back({ "Authorization", "Bearer " + m_token });
    r.secrets.push_back(m_token);
    return r;
  }

  // The answer's JSON when Slack said ok:true; otherwise the error, from the status or from
  // the body (Slack answers HTTP 200 with ok:false when it refuses).
  Result<nlohmann::json, PublishError> parsed(const http::Response& response,
                                              std::string_view what) const
  {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (response.status != 200) {
      std::string detail = string_of(body, "error");
      if (detail.empty() && !body.is_object()) {
        detail = response.body;
      }
      return unexpected(from_response(response, what, detail, { m_token }, now()));
    }
    if (!body.is_object() || !body.contains("ok") || !body["ok"].is_boolean()) {
      return unexpected(
        PublishError{ PublishError::Kind::maybe_sent,
                      fmt::format("{}: HTTP 200 without Slack's {{\"ok\": ...}} answer", what),
                      {} });
    }
    if (!body["ok"].get<bool>()) {
      return unexpected(api_error(body, response, what, { m_token }, now()));
    }
    return body;
  }

  Result<Sent, PublishError> send_part(const OutPost& post, size_t index,
                                       const std::string& thread_ts) override
  {
    constexpr std::string_view what = "slack: chat.postMessage";
    const OutPart& part = post.parts[index];
    nlohmann::json payload = { { "channel", m_channel }, { "text", slack_escaped(part.text) } };
    if (!thread_ts.empty()) {
      payload["thread_ts"] = thread_ts;
    }
    if (index == 0) {
      // The marker find_earlier() looks for: Slack keeps a message's metadata and hands it back
      // in conversations.history. Not shown to readers.
      payload["metadata"] = { { "event_type", k_metadata_event },
                              { "event_payload",
                                { { "job", post.job_id }, { "key", post.idempotency_key } } } };
    }
    auto r = request("POST", "/chat.postMessage");
    r.headers.push_back({ "Content-Type", "application/json; charset=utf-8" });
    r.body = dump_json(payload);
    const auto response = m_transport->send(r);
    if (!response) {
      return unexpected(from_transport(response.error(), "slack"));
    }
    const auto body = parsed(*response, what);
    if (!body) {
      return unexpected(body.error());
    }
    const std::string channel = string_of(*body, "channel");
    const std::string ts = string_of(*body, "ts");
    if (channel.empty() || ts.empty()) {
      return unexpected(PublishError{ PublishError::Kind::maybe_sent,
                                      fmt::format("{}: ok:true without channel and ts", what),
                                      {} });
    }
    return Sent{ { channel + "/" + ts, "" }, ts };
  }

  std::string ledger() override { return "message metadata"; }

  // Before the first send from a fresh state: the channel's messages since `since` (newest
  // first, k_history_pages pages of k_history_page_size at most), looking for the metadata the
  // first part of this job was sent with. A copy further back is not found, and the post goes
  // out again (herald-calendar(5)).
  Result<std::optional<Published>, PublishError> find_earlier(const OutPost& post,
                                                              TimePoint since) override
  {
    constexpr std::string_view what = "slack: conversations.history";
    std::string cursor;
    for (size_t page = 0; page < k_history_pages; ++page) {
      std::string query = fmt::format(
        "/conversations.history?channel={}&oldest={}&limit={}&include_all_metadata=true",
        http::ascii::percent_encode(m_channel), since.time_since_epoch().count(),
        k_history_page_size);
      if (!cursor.empty()) {
        query += "&cursor=" + http::ascii::percent_encode(cursor);
      }
      const auto response = m_transport->send(request("GET", query));
      if (!response) {
        return unexpected(from_transport(response.error(), "slack"));
      }
      const auto body = parsed(*response, what);
      if (!body) {
        return unexpected(body.error());
      }
      const auto messages = body->find("messages");
      if (messages == body->end() || !messages->is_array()) {
        return unexpected(PublishError{
          PublishError::Kind::permanent, fmt::format("{}: the answer has no messages", what), {} });
      }
      for (const auto& message : *messages) {
        if (is_marked(message, post)) {
          Published found{ m_channel + "/" + string_of(message, "ts"), "" };
          finish(found);
          return std::optional<Published>(masked(found));
        }
      }
      cursor.clear();
      if (const auto meta = body->find("response_metadata");
          meta != body->end() && meta->is_object()) {
        cursor = string_of(*meta, "next_cursor");
      }
      if (cursor.empty()) {
        return std::optional<Published>();
      }
    }
    return std::optional<Published>();
  }

  // Whether `message` carries the metadata of `post`'s first part.
  static bool is_marked(const nlohmann::json& message, const OutPost& post)
  {
    if (!message.is_object() || string_of(message, "ts").empty()) {
      return false;
    }
    const auto metadata = message.find("metadata");
    if (metadata == message.end() || !metadata->is_object() ||
        string_of(*metadata, "event_type") != k_metadata_event) {
      return false;
    }
    const auto payload = metadata->find("event_payload");
    return payload != metadata->end() && payload->is_object() &&
           string_of(*payload, "job") == post.job_id &&
           string_of(*payload, "key") == post.idempotency_key;
  }

  // chat.getPermalink gives the message's link. The message is already out, so a failure here
  // must not make it look unpublished: the link falls back to Slack's documented deep link to
  // the channel.
  void finish(Published& published) override
  {
    const auto slash = published.remote_id.find('/');
    const std::string channel = published.remote_id.substr(0, slash);
    const std::string ts = published.remote_id.substr(slash + 1);
    published.url =
      "https://slack.com/app_redirect?channel=" + http::ascii::percent_encode(channel);
    auto r = request("GET", "/chat.getPermalink?channel=" + http::ascii::percent_encode(channel) +
                              "&message_ts=" + http::ascii::percent_encode(ts));
    r.timeouts.total = k_permalink_timeout;
    const auto response = m_transport->send(r);
    if (!response) {
      return;
    }
    const auto body = parsed(*response, "slack: chat.getPermalink");
    if (!body) {
      return;
    }
    const std::string permalink = string_of(*body, "permalink");
    if (!permalink.empty() && http::check_url(permalink)) {
      published.url = permalink;
    }
  }

  const std::vector<std::string>& secrets() const override { return m_secrets; }

  std::string m_base_url;
  std::string m_token;
  std::string m_channel;
  std::vector<std::string> m_secrets{ m_token };
};

class SlackPlatform : public Platform
{
public:
  std::string_view name() const override { return "slack"; }

  Capabilities capabilities() const override
  {
    return { .threads = true, .media = false, .idempotent = false, .max_text_length = 40000 };
  }

  std::vector<std::string_view> setting_keys() const override
  {
    return { "webhook_env", "token_env", "channel", "url" };
  }

  std::vector<text::LengthRule> length_rules(const AccountConfig& /*account*/) const override
  {
    return { text::slack_rule() };
  }

  std::vector<std::string> media_problems(const AccountConfig& /*account*/,
                                          const OutPart& message) const override
  {
    if (message.media.empty()) {
      return {};
    }
    return { "herald cannot post media to Slack (an incoming webhook cannot upload files, and "
             "the files.* upload flow is not supported); remove 'media:' or send it to another "
             "account" };
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    const auto& s = account.settings;
    const bool webhook = s.contains("webhook_env");
    const bool token = s.contains("token_env");
    if (webhook == token) {
      diagnostics.error(webhook ? pos_of(setting_pos, "token_env", account_pos) : account_pos,
                        fmt::format("account '{}': the slack platform needs exactly one of "
                                    "'webhook_env:' (an incoming webhook) or 'token_env:' (a bot "
                                    "token, with 'channel:')",
                                    account.name));
      return;
    }
    if (webhook) {
      check_secret(account, "webhook", setting_pos, account_pos, context, diagnostics);
      if (const auto url = read_secret(account, "webhook", context)) {
        // The messages name the variable, never its value: the URL is the secret.
        const std::string variable = setting(account, "webhook_env");
        if (const auto target = http::check_url(*url); !target) {
          diagnostics.error(pos_of(setting_pos, "webhook_env", account_pos),
                            fmt::format("account '{}': {} (webhook_env) is not a usable URL: {}",
                                        account.name, variable, target.error()));
        } else if (!has_webhook_shape(*url)) {
          diagnostics.error(pos_of(setting_pos, "webhook_env", account_pos),
                            fmt::format("account '{}': {} (webhook_env) is not a Slack incoming "
                                        "webhook URL (expected .../services/T.../B.../...)",
                                        account.name, variable));
        }
      }
      for (const char* key : { "channel", "url" }) {
        if (s.contains(key)) {
          diagnostics.error(pos_of(setting_pos, key, account_pos),
                            fmt::format("account '{}': '{}' needs 'token_env:'; an incoming "
                                        "webhook posts to the channel it was made for",
                                        account.name, key));
        }
      }
      return;
    }
    check_secret(account, "token", setting_pos, account_pos, context, diagnostics);
    if (!s.contains("channel")) {
      diagnostics.error(account_pos, fmt::format("account '{}': 'token_env:' needs 'channel:', "
                                                 "the ID of the channel to post to (C0123456789)",
                                                 account.name));
    } else if (!valid_channel(s["channel"])) {
      diagnostics.error(pos_of(setting_pos, "channel", account_pos),
                        fmt::format("account '{}': 'channel' must be a channel ID such as "
                                    "C0123456789",
                                    account.name));
    }
    if (s.contains("url")) {
      const auto url = s["url"].is_string() ? s["url"].get<std::string>() : "";
      if (auto target = http::check_url(url); !target || url.empty()) {
        diagnostics.error(pos_of(setting_pos, "url", account_pos),
                          fmt::format("account '{}': 'url' must be the Web API's https:// base "
                                      "(default {}; http:// only to a loopback host){}",
                                      account.name, k_default_api,
                                      target ? "" : ": " + target.error()));
      }
    }
  }

  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    if (account.settings.contains("webhook_env")) {
      auto url = read_secret(account, "webhook", context);
      if (!url) {
        throw Error(url.error());
      }
      if (!http::check_url(*url) || !has_webhook_shape(*url)) {
        throw Error(fmt::format("account '{}': {} (webhook_env) is not a Slack incoming webhook "
                                "URL",
                                account.name, setting(account, "webhook_env")));
      }
      return std::make_unique<SlackWebhookAdapter>(std::move(*url), context);
    }
    auto token = read_secret(account, "token", context);
    if (!token) {
      throw Error(token.error());
    }
    if (!account.settings.contains("channel") || !valid_channel(account.settings["channel"])) {
      throw Error(fmt::format("account '{}': 'channel' must be a channel ID", account.name));
    }
    std::string url = setting(account, "url", k_default_api);
    if (!http::check_url(url)) {
      throw Error(fmt::format("account '{}': 'url' is not an https:// address", account.name));
    }
    while (!url.empty() && url.back() == '/') {
      url.pop_back();
    }
    return std::make_unique<SlackApiAdapter>(std::move(url), std::move(*token),
                                             setting(account, "channel"), context);
  }

private:
  // A channel ID (C..., G..., D...); names also work with chat.postMessage, but not with
  // chat.getPermalink, so only IDs are accepted: letters and digits.
  static bool valid_channel(const nlohmann::json& value)
  {
    if (!value.is_string()) {
      return false;
    }
    const auto channel = value.get<std::string>();
    return !channel.empty() && channel.size() <= 64 &&
           std::all_of(channel.begin(), channel.end(), [](char c) {
             return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
           });
  }
};

} // namespace

const Platform&
slack_platform()
{
  static const SlackPlatform platform;
  return platform;
}

} // namespace herald::platforms
