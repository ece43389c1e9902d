// The `discord` platform posts through a channel webhook (platforms.md section 5). The webhook
// URL embeds its token, so the whole URL is the secret: it comes from the variable that
// `webhook_env:` names and is masked in every log line and message.
#include "http/redact.hpp"
#include "http/url_policy.hpp"
#include "text/length_rules.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/media_type.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <cmath>
#include <regex>

namespace herald::platforms {

namespace {

constexpr size_t k_max_attachments = 10; // per message, Discord's documented limit

// /api/webhooks/<id>/<token>, also under a versioned /api/v10/.
bool
has_webhook_shape(std::string_view url)
{
  static const std::regex shape(R"(^/api(/v[0-9]+)?/webhooks/[0-9]+/[A-Za-z0-9_.\-]+/?$)");
  return std::regex_match(http::url_path(url), shape);
}

// The token part of the URL, so it is masked even where the URL is not quoted whole.
std::string
webhook_token(std::string_view url)
{
  const std::string path = http::url_path(url);
  auto token = path;
  while (!token.empty() && token.back() == '/') {
    token.pop_back();
  }
  const auto slash = token.rfind('/');
  return slash == std::string::npos ? "" : token.substr(slash + 1);
}

// `url` with `wait=true` in its query (replacing any `wait=` there): without it Discord answers
// 204 and never says whether the message was stored (reliability.md D10).
std::string
with_wait(std::string_view url)
{
  std::string base(url.substr(0, url.find('#')));
  std::string query;
  if (const auto q = base.find('?'); q != std::string::npos) {
    query = base.substr(q + 1);
    base.resize(q);
  }
  std::string kept;
  size_t start = 0;
  while (start <= query.size()) {
    const auto end = std::min(query.find('&', start), query.size());
    const auto param = query.substr(start, end - start);
    if (!param.empty() && param != "wait" && param.rfind("wait=", 0) != 0) {
      kept += param + "&";
    }
    start = end + 1;
  }
  return base + "?" + kept + "wait=true";
}

class DiscordAdapter : public Adapter
{
public:
  DiscordAdapter(std::string webhook, std::string username, std::string avatar_url,
                 const AdapterContext& context)
    : m_webhook(std::move(webhook))
    , m_username(std::move(username))
    , m_avatar_url(std::move(avatar_url))
    , m_context(context)
    // The token is the credential; masking only it keeps host and webhook id in -v logs.
    , m_secrets{ webhook_token(m_webhook) }
  {
  }

  // GET on a webhook URL returns the webhook object without posting anything.
  Result<Verified, PublishError> verify() override
  {
    http::Request request;
    request.url = m_webhook;
    request.secrets = m_secrets;
    const auto response = m_transport->send(request);
    if (!response) {
      return unexpected(from_transport(response.error(), "discord"));
    }
    const auto now = m_context.clock ? m_context.clock->now() : SystemClock().now();
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    if (response->status != 200) {
      std::string detail;
      if (body.is_object() && body.contains("message") && body["message"].is_string()) {
        detail = body["message"].get<std::string>();
      }
      return unexpected(from_response(*response, "discord: GET webhook", detail, m_secrets, now));
    }
    if (!body.is_object() || !body.contains("name") || !body["name"].is_string()) {
      return unexpected(PublishError{
        PublishError::Kind::permanent, "discord: GET webhook: the answer is not a webhook", {} });
    }
    return Verified{ fmt::format("webhook '{}'", body["name"].get<std::string>()) };
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    if (post.parts.empty()) {
      return unexpected(PublishError{ PublishError::Kind::permanent, "discord: empty post", {} });
    }
    // Everything that can be refused locally is checked before the first message goes out, so
    // a thread is never cut short by a part we could have rejected up front.
    const auto rule = text::discord_rule();
    for (size_t i = 0; i < post.parts.size(); ++i) {
      const auto& part = post.parts[i];
      const std::string which =
        post.parts.size() > 1 ? fmt::format(" (part {} of {})", i + 1, post.parts.size()) : "";
      if (const auto problem = text::too_long(part.text, rule)) {
        return unexpected(PublishError{
          PublishError::Kind::permanent, fmt::format("discord: {}{}", *problem, which), {} });
      }
      if (part.media.size() > k_max_attachments) {
        return unexpected(PublishError{ PublishError::Kind::permanent,
                                        fmt::format("discord: {} attachments{}, the limit is {}",
                                                    part.media.size(), which, k_max_attachments),
                                        {} });
      }
      if (part.text.empty() && part.media.empty()) {
        return unexpected(PublishError{
          PublishError::Kind::permanent, fmt::format("discord: empty message{}", which), {} });
      }
    }

    std::optional<Published> first;
    for (size_t i = 0; i < post.parts.size(); ++i) {
      auto sent = send_part(post.parts[i]);
      if (!sent) {
        if (!first) {
          return unexpected(sent.error());
        }
        // Part 1 is on the channel: a resend would post it twice (webhooks do not deduplicate),
        // so the job must go to `unknown` for a human to finish the thread.
        return unexpected(PublishError{
          PublishError::Kind::maybe_sent,
          fmt::format("discord: thread cut short: part {} of {} failed after part 1 was posted "
                      "as {}: {}",
                      i + 1, post.parts.size(), first->url, sent.error().message),
          {} });
      }
      if (!first) {
        first = *sent;
      }
    }
    return *first;
  }

private:
  Result<Published, PublishError> send_part(const OutPart& part)
  {
    nlohmann::json payload = { { "content", part.text },
                               // User text must never ping @everyone or roles.
                               { "allowed_mentions", { { "parse", nlohmann::json::array() } } } };
    if (!m_username.empty()) {
      payload["username"] = m_username;
    }
    if (!m_avatar_url.empty()) {
      payload["avatar_url"] = m_avatar_url;
    }

    http::Request request;
    request.method = "POST";
    request.url = with_wait(m_webhook);
    request.secrets = m_secrets;
    if (part.media.empty()) {
      request.headers.push_back({ "Content-Type", "application/json" });
      request.body = dump_json(payload);
    } else {
      auto attachments = nlohmann::json::array();
      for (size_t n = 0; n < part.media.size(); ++n) {
        const auto& media = part.media[n];
        const std::string filename = media.file.filename().string();
        // The alt text travels as the attachment's description.
        attachments.push_back(
          { { "id", n }, { "description", media.alt }, { "filename", filename } });
        request.form.push_back(file_part(fmt::format("files[{}]", n), media.file));
      }
      payload["attachments"] = attachments;
      request.form.insert(
        request.form.begin(),
        http::FormPart{ "payload_json", "", "application/json", dump_json(payload), {} });
    }

    const auto response = m_transport->send(request);
    if (!response) {
      return unexpected(from_transport(response.error(), "discord"));
    }
    const auto now = m_context.clock ? m_context.clock->now() : SystemClock().now();
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    if (response->status < 200 || response->status >= 300) {
      std::string detail;
      std::optional<TimePoint> reset;
      if (body.is_object()) {
        if (body.contains("message") && body["message"].is_string()) {
          detail = body["message"].get<std::string>();
          if (body.contains("code") && body["code"].is_number_integer()) {
            detail += fmt::format(" (code {})", body["code"].get<long long>());
          }
        }
        // Discord's 429 body says how long to wait, in (fractional) seconds.
        if (body.contains("retry_after") && body["retry_after"].is_number()) {
          const double seconds = body["retry_after"].get<double>();
          if (std::isfinite(seconds) && seconds >= 0) {
            // Rounded up: herald's clock has whole seconds, and early is another 429.
            reset = now + std::chrono::seconds(
                            static_cast<long long>(std::ceil(std::min(seconds, 3600.0))));
          }
        }
      }
      auto error = from_response(*response, "discord: POST webhook", detail, m_secrets, now, reset);
      return unexpected(std::move(error));
    }
    const std::string id = json_id(body, "id");
    if (id.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::maybe_sent,
                      fmt::format("discord: 2xx without a message id (HTTP {})", response->status),
                      {} });
    }
    const std::string channel = json_id(body, "channel_id");
    const std::string guild = json_id(body, "guild_id");
    // Recorded and printed: never showing the webhook's token, should a server echo it (found by
    // tests/fuzz/fuzz_discord).
    return Published{ http::redact(id, m_secrets),
                      http::redact(fmt::format("https://discord.com/channels/{}/{}/{}",
                                               guild.empty() ? "@me" : guild, channel, id),
                                   m_secrets) };
  }

  std::string m_webhook;
  std::string m_username;
  std::string m_avatar_url;
  AdapterContext m_context;
  std::vector<std::string> m_secrets;
  LazyTransport m_transport{ m_context };
};

class DiscordPlatform : public Platform
{
public:
  std::string_view name() const override { return "discord"; }

  Capabilities capabilities() const override
  {
    return { .threads = true, .media = true, .idempotent = false, .max_text_length = 2000 };
  }

  std::vector<text::LengthRule> length_rules(const AccountConfig& /*account*/) const override
  {
    return { text::discord_rule() };
  }

  std::vector<std::string_view> setting_keys() const override
  {
    return { "webhook_env", "username", "avatar_url" };
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    const auto pos_of = [&](const std::string& key) {
      const auto it = setting_pos.find(key);
      return it != setting_pos.end() ? it->second : account_pos;
    };
    check_secret(account, "webhook", setting_pos, account_pos, context, diagnostics);
    if (const auto url = read_secret(account, "webhook", context)) {
      // The messages name the variable, never its value: the URL holds the token.
      const std::string variable = setting(account, "webhook_env");
      if (const auto target = http::check_url(*url); !target) {
        diagnostics.error(pos_of("webhook_env"),
                          fmt::format("account '{}': {} ({}) is not a usable URL: {}", account.name,
                                      variable, "webhook_env", target.error()));
      } else if (!has_webhook_shape(*url)) {
        diagnostics.error(pos_of("webhook_env"),
                          fmt::format("account '{}': {} (webhook_env) is not a Discord webhook "
                                      "URL (expected .../api/webhooks/<id>/<token>)",
                                      account.name, variable));
      }
    }
    for (const char* key : { "username", "avatar_url" }) {
      if (account.settings.contains(key) && !account.settings[key].is_string()) {
        diagnostics.error(pos_of(key),
                          fmt::format("account '{}': '{}' must be a string", account.name, key));
      }
    }
    if (const auto avatar = setting(account, "avatar_url"); !avatar.empty()) {
      if (const auto target = http::check_url(avatar); !target) {
        diagnostics.error(pos_of("avatar_url"), fmt::format("account '{}': 'avatar_url': {}",
                                                            account.name, target.error()));
      }
    }
  }

  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    auto url = read_secret(account, "webhook", context);
    if (!url) {
      throw Error(url.error());
    }
    if (!http::check_url(*url) || !has_webhook_shape(*url)) {
      throw Error(fmt::format("account '{}': {} (webhook_env) is not a Discord webhook URL",
                              account.name, setting(account, "webhook_env")));
    }
    return std::make_unique<DiscordAdapter>(*url, setting(account, "username"),
                                            setting(account, "avatar_url"), context);
  }
};

} // namespace

const Platform&
discord_platform()
{
  static const DiscordPlatform platform;
  return platform;
}

} // namespace herald::platforms
