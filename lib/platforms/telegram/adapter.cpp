// The `telegram` platform posts through the Bot API (platforms.md section 7) to one chat:
// sendMessage for text, sendPhoto / sendVideo for one media file (the text as its caption) and
// sendMediaGroup for 2 to 10 (the caption on the first). The bot token is part of every URL
// (/bot<token>/sendMessage), so it is a secret of every request and is masked in every log
// line and message. Parts 2.. of a thread reply to the part before (`reply_parameters`).
// Telegram does not deduplicate: a request that may have landed leaves the job `unknown`.
// Telegram has no alt text; the media's alt text is not sent.
#include "http/ascii.hpp"
#include "http/rate_limit.hpp"
#include "http/url_policy.hpp"
#include "text/length_rules.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/media_type.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <regex>

namespace herald::platforms {

namespace {

constexpr std::string_view k_default_url = "https://api.telegram.org";
constexpr size_t k_max_media = 10; // sendMediaGroup takes 2-10 items
constexpr std::array<std::string_view, 3> k_parse_modes{ "HTML", "MarkdownV2", "Markdown" };

// What Telegram calls a media file herald can send: "photo" or "video", else nothing (GIFs and
// other files need methods that cannot share a media group).
std::optional<std::string>
media_kind(const std::filesystem::path& file)
{
  const auto type = media_type_for(file);
  if (type == "image/jpeg" || type == "image/png" || type == "image/webp") {
    return "photo";
  }
  if (type == "video/mp4") {
    return "video";
  }
  return std::nullopt;
}

// A numeric chat id (-1001234567890) or a public channel or supergroup (@channelname).
bool
valid_chat(const std::string& chat)
{
  static const std::regex shape(R"(^(-?[0-9]{1,18}|@[A-Za-z][A-Za-z0-9_]{2,63})$)");
  return std::regex_match(chat, shape);
}

// `silent:` as a YAML boolean or its string; nullopt when it is neither.
std::optional<bool>
flag(const nlohmann::json& settings, const char* key)
{
  const auto it = settings.find(key);
  if (it == settings.end()) {
    return false;
  }
  if (it->is_boolean()) {
    return it->get<bool>();
  }
  if (it->is_string()) {
    const auto value = it->get<std::string>();
    if (value == "true") {
      return true;
    }
    if (value == "false") {
      return false;
    }
  }
  return std::nullopt;
}

std::vector<std::string>
media_problems_of(const OutPart& message)
{
  std::vector<std::string> problems;
  if (message.media.size() > k_max_media) {
    problems.push_back(fmt::format("{} media files in one message; Telegram takes at most {} "
                                   "(split them over the parts of a thread)",
                                   message.media.size(), k_max_media));
  }
  for (const auto& media : message.media) {
    if (!media_kind(media.file)) {
      problems.push_back(fmt::format("'{}' ({}) cannot be sent; herald sends JPEG, PNG and WebP "
                                     "images as photos and MP4 files as videos",
                                     media.file.filename().string(), media_type_for(media.file)));
    }
  }
  return problems;
}

text::LengthRule
rule_for(const OutPart& message)
{
  return message.media.empty() ? text::telegram_text_rule() : text::telegram_caption_rule();
}

// One message as Telegram stored it.
struct Message
{
  std::string chat_id;
  std::string message_id;
  std::string username; // of the chat, when it is public
};

// An id as a JSON integer when it is one (up to 18 digits, so it fits), else as the string.
nlohmann::json
id_value(const std::string& id)
{
  static const std::regex integer(R"(^-?[0-9]{1,18}$)");
  if (std::regex_match(id, integer)) {
    return std::stoll(id);
  }
  return id;
}

std::optional<Message>
message_of(const nlohmann::json& result)
{
  const auto& message = result.is_array() && !result.empty() ? result.front() : result;
  if (!message.is_object() || !message.contains("chat") || !message["chat"].is_object()) {
    return std::nullopt;
  }
  Message out{ json_id(message["chat"], "id"), json_id(message, "message_id"), "" };
  if (out.chat_id.empty() || out.message_id.empty()) {
    return std::nullopt;
  }
  if (const auto it = message["chat"].find("username");
      it != message["chat"].end() && it->is_string()) {
    out.username = it->get<std::string>();
  }
  return out;
}

// https://t.me/<username>/<id> for a public chat; https://t.me/c/<id without -100>/<id> for a
// private supergroup or channel; nothing for a private chat or basic group (no link exists).
std::string
link_of(const Message& message)
{
  if (!message.username.empty()) {
    return fmt::format("https://t.me/{}/{}", message.username, message.message_id);
  }
  if (message.chat_id.size() > 4 && message.chat_id.starts_with("-100")) {
    return fmt::format("https://t.me/c/{}/{}", message.chat_id.substr(4), message.message_id);
  }
  return "";
}

class TelegramAdapter : public Adapter
{
public:
  TelegramAdapter(std::string base_url, std::string token, std::string chat, std::string parse_mode,
                  bool silent, const AdapterContext& context)
    : m_base_url(std::move(base_url))
    , m_token(std::move(token))
    , m_chat(std::move(chat))
    , m_parse_mode(std::move(parse_mode))
    , m_silent(silent)
    , m_context(context)
  {
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    if (auto refused = refuse_locally(post)) {
      return unexpected(std::move(*refused));
    }
    std::optional<Message> first;
    std::string previous;
    for (size_t i = 0; i < post.parts.size(); ++i) {
      auto sent = send_part(post.parts[i], previous);
      if (!sent) {
        if (!first) {
          return unexpected(std::move(sent.error()));
        }
        // Part 1 is in the chat: a resend would post it twice (Telegram does not deduplicate),
        // so the job goes to `unknown` for a human to finish the thread.
        const auto link = link_of(*first);
        return unexpected(PublishError{
          PublishError::Kind::maybe_sent,
          fmt::format("telegram: thread cut short: part {} of {} failed after part 1 was posted "
                      "as {}: {}",
                      i + 1, post.parts.size(),
                      link.empty() ? first->chat_id + "/" + first->message_id : link,
                      sent.error().message),
          {} });
      }
      previous = sent->message_id;
      if (!first) {
        first = *sent;
      }
    }
    return Published{ first->chat_id + "/" + first->message_id, link_of(*first) };
  }

  // getMe says which bot the token belongs to; getChat that the bot can see the chat.
  Result<Verified, PublishError> verify() override
  {
    auto me = call(get("getMe"), "telegram: getMe");
    if (!me) {
      return unexpected(me.error());
    }
    std::string who = "@" + (me->is_object() ? me->value("username", "?") : "?");
    auto chat =
      call(get("getChat?chat_id=" + http::ascii::percent_encode(m_chat)), "telegram: getChat");
    if (!chat) {
      return unexpected(chat.error());
    }
    std::string where = m_chat;
    if (chat->is_object()) {
      if (chat->contains("title") && (*chat)["title"].is_string()) {
        where = fmt::format("'{}'", (*chat)["title"].get<std::string>());
      } else if (chat->contains("username") && (*chat)["username"].is_string()) {
        where = "@" + (*chat)["username"].get<std::string>();
      }
    }
    return Verified{ fmt::format("{}, chat {}", who, where) };
  }

private:
  TimePoint now() const
  {
    return m_context.clock
             ? m_context.clock->now()
             : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }

  // Everything that can be refused locally, checked before the first message goes out, so that
  // a thread is never cut short by a part we could have rejected up front.
  static std::optional<PublishError> refuse_locally(const OutPost& post)
  {
    if (post.parts.empty()) {
      return PublishError{ PublishError::Kind::permanent, "telegram: empty post", {} };
    }
    for (size_t i = 0; i < post.parts.size(); ++i) {
      const auto& part = post.parts[i];
      const std::string which =
        post.parts.size() > 1 ? fmt::format(" (part {} of {})", i + 1, post.parts.size()) : "";
      if (const auto problems = media_problems_of(part); !problems.empty()) {
        return PublishError{ PublishError::Kind::permanent,
                             fmt::format("telegram: {}{}", problems.front(), which),
                             {} };
      }
      if (part.text.empty() && part.media.empty()) {
        return PublishError{ PublishError::Kind::permanent,
                             fmt::format("telegram: empty message{}", which),
                             {} };
      }
      if (const auto problem = text::too_long(part.text, rule_for(part))) {
        return PublishError{ PublishError::Kind::permanent,
                             fmt::format("telegram: {}{}{}",
                                         part.media.empty() ? "" : "caption too long: ", *problem,
                                         which),
                             {} };
      }
    }
    return std::nullopt;
  }

  http::Request get(std::string_view method) const
  {
    http::Request r;
    r.url = fmt::format("{}/bot{}/{}", m_base_url, m_token, method);
    r.secrets.push_back(m_token);
    return r;
  }

  http::Request post(std::string_view method) const
  {
    auto r = get(method);
    r.method = "POST";
    return r;
  }

  // chat_id as Telegram documents it: an integer, or the @channelname string.
  nlohmann::json chat_id() const { return id_value(m_chat); }

  // The `result` of a Bot API answer, or the error it stands for: the envelope says
  // {"ok": false, "error_code": 429, "description": "...", "parameters": {"retry_after": 5}}.
  Result<nlohmann::json, PublishError> call(const http::Request& request, std::string_view what)
  {
    const auto response = m_transport->send(request);
    if (!response) {
      return unexpected(from_transport(response.error(), "telegram"));
    }
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    const bool envelope = body.is_object() && body.contains("ok") && body["ok"].is_boolean();
    if (response->status == 200 && envelope && body["ok"].get<bool>() && body.contains("result")) {
      return body["result"];
    }
    if (response->status == 200 && (!envelope || body["ok"].get<bool>())) {
      return unexpected(PublishError{
        PublishError::Kind::maybe_sent,
        fmt::format("{}: HTTP 200 without Telegram's {{\"ok\": true, \"result\": ...}}", what),
        {} });
    }
    std::string detail;
    std::optional<TimePoint> reset;
    http::Response judged = *response;
    if (envelope) {
      if (body.contains("description") && body["description"].is_string()) {
        detail = body["description"].get<std::string>();
      }
      // The error code is the status Telegram means, even inside an HTTP 200.
      if (body.contains("error_code") && body["error_code"].is_number_integer()) {
        const auto code = body["error_code"].get<long long>();
        if (code >= 400 && code <= 599) {
          judged.status = static_cast<int>(code);
        }
      }
      if (body.contains("parameters") && body["parameters"].is_object()) {
        const auto& parameters = body["parameters"];
        if (parameters.contains("retry_after") && parameters["retry_after"].is_number()) {
          const double seconds = parameters["retry_after"].get<double>();
          if (std::isfinite(seconds) && seconds >= 0) {
            // Rounded up (herald's clock has whole seconds, and early is another 429), then
            // clamped like any wait a server asks for.
            const auto wait = static_cast<long long>(std::ceil(std::min(seconds, 86400.0)));
            reset = http::clamp_server_wait(now() + std::chrono::seconds(wait), now());
          }
        }
        if (const auto migrated = json_id(parameters, "migrate_to_chat_id"); !migrated.empty()) {
          detail += fmt::format(" (the group is now the supergroup {}: set 'chat: \"{}\"')",
                                migrated, migrated);
        }
      }
    }
    if (judged.status == 200) {
      return unexpected(PublishError{ PublishError::Kind::permanent,
                                      fmt::format("{}: {}", what, server_text(detail, { m_token })),
                                      {} });
    }
    auto error = from_response(judged, what, detail, { m_token }, now(), reset);
    if (judged.status == 404) {
      // The Bot API answers 404 to a malformed or unknown token (no such /bot<token>/ path).
      error.kind = PublishError::Kind::auth;
      error.message += " (is the bot token right?)";
    }
    return unexpected(std::move(error));
  }

  Result<Message, PublishError> send_part(const OutPart& part, const std::string& reply_to)
  {
    std::string method;
    http::Request request;
    if (part.media.empty()) {
      method = "sendMessage";
      nlohmann::json payload = { { "chat_id", chat_id() }, { "text", part.text } };
      if (!m_parse_mode.empty()) {
        payload["parse_mode"] = m_parse_mode;
      }
      if (m_silent) {
        payload["disable_notification"] = true;
      }
      if (!reply_to.empty()) {
        payload["reply_parameters"] = { { "message_id", id_value(reply_to) } };
      }
      request = post(method);
      request.headers.push_back({ "Content-Type", "application/json" });
      request.body = dump_json(payload);
    } else {
      request = media_request(part, reply_to, method);
    }
    auto result = call(request, "telegram: " + method);
    if (!result) {
      return unexpected(std::move(result.error()));
    }
    auto message = message_of(*result);
    if (!message) {
      return unexpected(
        PublishError{ PublishError::Kind::maybe_sent,
                      fmt::format("telegram: {}: ok:true without a message id and chat", method),
                      {} });
    }
    return *message;
  }

  // sendPhoto / sendVideo for one file, sendMediaGroup for several, as multipart/form-data with
  // the files attached. Sets `method` to the one used.
  http::Request media_request(const OutPart& part, const std::string& reply_to,
                              std::string& method) const
  {
    std::vector<http::FormPart> fields;
    fields.push_back({ "chat_id", "", "", m_chat, {} });
    if (m_silent) {
      fields.push_back({ "disable_notification", "", "", "true", {} });
    }
    if (!reply_to.empty()) {
      fields.push_back({ "reply_parameters",
                         "",
                         "application/json",
                         dump_json({ { "message_id", id_value(reply_to) } }),
                         {} });
    }
    std::vector<http::FormPart> files;
    if (part.media.size() == 1) {
      const auto& media = part.media.front();
      const auto kind = media_kind(media.file).value_or("photo");
      method = kind == "video" ? "sendVideo" : "sendPhoto";
      if (!part.text.empty()) {
        fields.push_back({ "caption", "", "", part.text, {} });
        if (!m_parse_mode.empty()) {
          fields.push_back({ "parse_mode", "", "", m_parse_mode, {} });
        }
      }
      files.push_back(file_part(kind, media.file));
    } else {
      method = "sendMediaGroup";
      auto items = nlohmann::json::array();
      for (size_t n = 0; n < part.media.size(); ++n) {
        const auto& media = part.media[n];
        const std::string name = fmt::format("file{}", n);
        nlohmann::json item = { { "type", media_kind(media.file).value_or("photo") },
                                { "media", "attach://" + name } };
        if (n == 0 && !part.text.empty()) {
          item["caption"] = part.text;
          if (!m_parse_mode.empty()) {
            item["parse_mode"] = m_parse_mode;
          }
        }
        items.push_back(std::move(item));
        files.push_back(file_part(name, media.file));
      }
      fields.push_back({ "media", "", "application/json", dump_json(items), {} });
    }
    auto request = post(method);
    request.form = std::move(fields);
    request.form.insert(request.form.end(), files.begin(), files.end());
    return request;
  }

  std::string m_base_url;
  std::string m_token;
  std::string m_chat;
  std::string m_parse_mode;
  bool m_silent = false;
  AdapterContext m_context;
  LazyTransport m_transport{ m_context };
};

class TelegramPlatform : public Platform
{
public:
  std::string_view name() const override { return "telegram"; }

  Capabilities capabilities() const override
  {
    return { .threads = true, .media = true, .idempotent = false, .max_text_length = 4096 };
  }

  std::vector<std::string_view> setting_keys() const override
  {
    return { "token_env", "chat", "url", "parse_mode", "silent" };
  }

  std::vector<text::LengthRule> length_rules(const AccountConfig& /*account*/) const override
  {
    return { text::telegram_text_rule() };
  }

  std::vector<text::LengthRule> message_length_rules(const AccountConfig& /*account*/,
                                                     const OutPart& message) const override
  {
    return { rule_for(message) };
  }

  std::vector<std::string> media_problems(const AccountConfig& /*account*/,
                                          const OutPart& message) const override
  {
    return media_problems_of(message);
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    check_secret(account, "token", setting_pos, account_pos, context, diagnostics);
    const auto& s = account.settings;
    if (!s.contains("chat")) {
      diagnostics.error(account_pos,
                        fmt::format("account '{}' needs 'chat:', the chat to post to: its numeric "
                                    "id (-1001234567890) or @channelname",
                                    account.name));
    } else if (!s["chat"].is_string() || !valid_chat(s["chat"].get<std::string>())) {
      diagnostics.error(pos_of(setting_pos, "chat", account_pos),
                        fmt::format("account '{}': 'chat' must be a numeric chat id "
                                    "(-1001234567890) or @channelname",
                                    account.name));
    }
    if (s.contains("url")) {
      const auto url = s["url"].is_string() ? s["url"].get<std::string>() : "";
      if (auto target = http::check_url(url); !target || url.empty()) {
        diagnostics.error(pos_of(setting_pos, "url", account_pos),
                          fmt::format("account '{}': 'url' must be the Bot API's https:// base "
                                      "(default {}; http:// only to a loopback host){}",
                                      account.name, k_default_url,
                                      target ? "" : ": " + target.error()));
      }
    }
    if (s.contains("parse_mode")) {
      const auto mode = setting(account, "parse_mode");
      if (std::find(k_parse_modes.begin(), k_parse_modes.end(), mode) == k_parse_modes.end()) {
        diagnostics.error(pos_of(setting_pos, "parse_mode", account_pos),
                          fmt::format("account '{}': 'parse_mode' must be HTML, MarkdownV2 or "
                                      "Markdown (leave it out for plain text)",
                                      account.name));
      }
    }
    if (!flag(s, "silent")) {
      diagnostics.error(pos_of(setting_pos, "silent", account_pos),
                        fmt::format("account '{}': 'silent' must be true or false", account.name));
    }
  }

  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    auto token = read_secret(account, "token", context);
    if (!token) {
      throw Error(token.error());
    }
    const std::string chat = setting(account, "chat");
    if (!valid_chat(chat)) {
      throw Error(fmt::format("account '{}': 'chat' must be a numeric chat id or @channelname",
                              account.name));
    }
    std::string url = setting(account, "url", k_default_url);
    if (!http::check_url(url)) {
      throw Error(fmt::format("account '{}': 'url' is not an https:// address", account.name));
    }
    while (!url.empty() && url.back() == '/') {
      url.pop_back();
    }
    const auto silent = flag(account.settings, "silent");
    if (!silent) {
      throw Error(fmt::format("account '{}': 'silent' must be true or false", account.name));
    }
    return std::make_unique<TelegramAdapter>(std::move(url), std::move(*token), chat,
                                             setting(account, "parse_mode"), *silent, context);
  }
};

} // namespace

const Platform&
telegram_platform()
{
  static const TelegramPlatform platform;
  return platform;
}

} // namespace herald::platforms
