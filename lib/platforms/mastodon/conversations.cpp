// What `herald engage` reads from Mastodon (platforms.md section 1, "Engage inbox"):
// - the inbox: GET /api/v1/notifications?types[]=mention (mentions cover replies and direct
//   messages), newest first, following the Link header's rel="next" pages; after the first
//   fetch with since_id=<the newest notification id seen>, else back to the lookback window;
//   a next page is followed only on the instance's own origin (scheme, host and port), since
//   the request carries the token;
// - a thread: GET /api/v1/statuses/:id and /api/v1/statuses/:id/context (ancestors and
//   descendants), which shows whether one of our accounts already answered;
// - a reply: POST /api/v1/statuses with in_reply_to_id and the visibility of the message it
//   answers (a direct message stays direct), starting with @author as Mastodon's clients do.
#include "platforms/conversations.hpp"

#include "http/ascii.hpp"
#include "http/redact.hpp"
#include "http/url_policy.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "schedule/zone.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>

namespace herald::platforms {

namespace {

constexpr std::string_view k_default_url = "https://mastodon.social";
// A safety stop: a lookback window of this many pages of 40 is far more than a person answers.
constexpr int k_max_pages = 25;

// Mastodon ids are decimal numbers as strings (snowflakes): compare them as numbers.
bool
id_less(const std::string& a, const std::string& b)
{
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

// The URL of the Link header's rel="next", if any.
std::string
next_link(const http::Response& response)
{
  const auto link = response.header("Link");
  if (!link) {
    return "";
  }
  std::string_view rest = *link;
  while (!rest.empty()) {
    const auto open = rest.find('<');
    const auto close = rest.find('>', open);
    if (open == std::string_view::npos || close == std::string_view::npos) {
      break;
    }
    const auto url = rest.substr(open + 1, close - open - 1);
    auto params = rest.substr(close + 1);
    const auto comma = params.find(',');
    params = params.substr(0, comma);
    if (http::ascii::ifind(params, "rel=\"next\"") != std::string_view::npos ||
        http::ascii::ifind(params, "rel=next") != std::string_view::npos) {
      return std::string(url);
    }
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(close + 1 + comma);
  }
  return "";
}

// Whether `url` is on the instance at `base_url` (same scheme, host and port) and is a URL as
// written on the wire (printable ASCII): only then may it get the account's token.
bool
on_instance(std::string_view url, std::string_view base_url)
{
  const auto scheme = base_url.find("://");
  const auto path =
    scheme == std::string_view::npos ? base_url.size() : base_url.find('/', scheme + 3);
  const auto origin = base_url.substr(0, path);
  if (url.size() < origin.size() || !http::ascii::iequals(url.substr(0, origin.size()), origin) ||
      (url.size() > origin.size() && url[origin.size()] != '/' && url[origin.size()] != '?')) {
    return false;
  }
  return std::all_of(url.begin(), url.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string
host_of(std::string_view url)
{
  const auto scheme = url.find("://");
  auto rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    rest = rest.substr(at + 1);
  }
  return std::string(rest.substr(0, rest.find(':')));
}

class MastodonConversations : public ConversationSource
{
public:
  MastodonConversations(std::string base_url, std::string token, const AdapterContext& context)
    : m_base_url(std::move(base_url))
    , m_token(std::move(token))
    , m_host(host_of(m_base_url))
    , m_context(context)
  {
  }

  Result<std::string, PublishError> whoami() override
  {
    if (auto me = ensure_me(); !me) {
      return unexpected(std::move(me.error()));
    }
    return m_me_acct;
  }

  Result<Inbox, PublishError> inbox(const std::string& cursor, TimePoint since) override
  {
    if (auto me = ensure_me(); !me) {
      return unexpected(std::move(me.error()));
    }
    Inbox inbox;
    inbox.cursor = cursor;
    std::string url = m_base_url + "/api/v1/notifications?types[]=mention&limit=40";
    if (!cursor.empty()) {
      url += "&since_id=" + http::ascii::percent_encode(cursor);
    }
    for (int page = 0; page < k_max_pages && !url.empty(); ++page) {
      auto body = get_url(url, "GET /api/v1/notifications");
      if (!body) {
        return unexpected(std::move(body.error()));
      }
      if (!body->first.is_array() || body->first.empty()) {
        break;
      }
      bool older_than_window = false;
      for (const auto& notification : body->first) {
        const auto id = json_id(notification, "id");
        if (!cursor.empty() && !id_less(cursor, id)) {
          older_than_window = true; // a server that ignored since_id
          continue;
        }
        if (!id.empty() && id_less(inbox.cursor, id)) {
          inbox.cursor = id;
        }
        const auto created = parse_rfc3339(json_id(notification, "created_at"));
        if (cursor.empty() && created && *created < since) {
          older_than_window = true;
          continue;
        }
        if (json_id(notification, "type") != "mention" || !notification.contains("status") ||
            !notification["status"].is_object()) {
          continue;
        }
        const auto& status = notification["status"];
        m_statuses[json_id(status, "id")] = status;
        auto message = message_of(status);
        // A mention notification says so even when the status's own mentions do not show us.
        message.addressed.mention = !message.ours;
        inbox.messages.push_back(std::move(message));
      }
      url = older_than_window ? "" : next_link(body->second);
      if (auto refused = foreign_link(url); !refused.empty()) {
        return unexpected(PublishError{ PublishError::Kind::not_sent, std::move(refused), {} });
      }
      // Keep asking only for what is newer than the cursor on every page.
      if (!url.empty() && !cursor.empty() && url.find("since_id=") == std::string::npos) {
        url += (url.find('?') == std::string::npos ? "?" : "&") + std::string("since_id=") +
               http::ascii::percent_encode(cursor);
      }
    }
    return inbox;
  }

  Result<Thread, PublishError> thread(const std::string& id) override
  {
    if (auto me = ensure_me(); !me) {
      return unexpected(std::move(me.error()));
    }
    nlohmann::json status;
    if (const auto it = m_statuses.find(id); it != m_statuses.end()) {
      status = it->second;
    } else {
      auto got = get("/api/v1/statuses/" + http::ascii::percent_encode(id));
      if (!got) {
        return unexpected(std::move(got.error()));
      }
      status = std::move(*got);
    }
    auto context = get("/api/v1/statuses/" + http::ascii::percent_encode(id) + "/context");
    if (!context) {
      return unexpected(std::move(context.error()));
    }
    // The shapes are checked, not assumed: a list where an object belongs is this account's
    // error (not_sent: nothing is known to be gone), never an exception that stops the fetch.
    if (!status.is_object() || json_id(status, "id").empty()) {
      return unexpected(malformed(fmt::format("GET /api/v1/statuses/{}", id), "a status"));
    }
    if (!context->is_object()) {
      return unexpected(
        malformed(fmt::format("GET /api/v1/statuses/{}/context", id), "a thread context"));
    }
    Thread thread;
    const auto add = [&](const nlohmann::json& list) {
      if (list.is_array()) {
        for (const auto& s : list) {
          if (s.is_object()) {
            thread.messages.push_back(message_of(s));
          }
        }
      }
    };
    add(json_member(*context, "ancestors"));
    thread.messages.push_back(message_of(status));
    add(json_member(*context, "descendants"));
    // The root: the first ancestor, else the status itself.
    thread.root_id = thread.messages.front().id;
    // Replies to our posts say so by the parent's author, which the thread shows.
    note_replies_to_us(thread, /*mark_replies=*/true);
    return thread;
  }

  Result<Published, PublishError> reply(const ReplyTarget& target, const std::string& text) override
  {
    constexpr std::string_view what = "mastodon: POST /api/v1/statuses";
    std::string status = text;
    // Mastodon delivers a reply (and a direct message at all) to the people it mentions.
    if (!target.mention.empty() &&
        http::ascii::ifind(text, "@" + target.mention) == std::string_view::npos) {
      status = "@" + target.mention + " " + text;
    }
    nlohmann::json body = { { "status", status },
                            { "in_reply_to_id", target.parent_id },
                            { "visibility",
                              target.visibility.empty() ? "public" : target.visibility } };
    auto r = request("POST", m_base_url + "/api/v1/statuses");
    r.headers.push_back({ "Content-Type", "application/json" });
    // The same reply to the same message is one status, even when sent twice.
    r.headers.push_back(
      { "Idempotency-Key",
        "herald-engage-" + Hasher().field(target.parent_id).field(status).hex() });
    r.body = dump_json(body);
    auto response = transport()->send(r);
    if (!response) {
      return unexpected(from_transport(response.error(), "mastodon"));
    }
    if (response->status < 200 || response->status >= 300) {
      return unexpected(from_response(*response, what, error_text(*response), { m_token }, now()));
    }
    const auto json = nlohmann::json::parse(response->body, nullptr, false);
    if (json_id(json, "id").empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::maybe_sent,
                      fmt::format("{}: HTTP {} without a status id", what, response->status),
                      {} });
    }
    return Published{ json_id(json, "id"), json_id(json, "url") };
  }

private:
  // Why the next page's `url` is not asked for ("" when it may be): the request would carry the
  // token, which goes to the configured instance's origin only. A server (or whoever can set a
  // header on its way) that names another origin gets nothing.
  std::string foreign_link(const std::string& url) const
  {
    if (url.empty()) {
      return "";
    }
    const auto ours = http::check_url(m_base_url);
    const auto theirs = http::check_url(url);
    // Both rules: the parsed origins match, and the text itself starts with the instance's
    // origin and is plain printable ASCII (no user-info or raw bytes a parser may read otherwise).
    if (ours && theirs && http::same_origin(*ours, *theirs) && on_instance(url, m_base_url)) {
      return "";
    }
    return fmt::format("mastodon: GET /api/v1/notifications: the next page's link {} is not on "
                       "{}; not followed (the token goes to the instance only)",
                       server_text(http::redacted_url(url, { m_token }), { m_token }),
                       http::redacted_url(m_base_url, { m_token }));
  }

  TimePoint now() const
  {
    return m_context.clock
             ? m_context.clock->now()
             : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }

  http::HttpTransport* transport() { return m_transport.operator->(); }

  http::Request request(std::string method, std::string url) const
  {
    http::Request r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.headers.push_back({ "Authorization", "Bearer " + m_token });
    r.headers.push_back({ "Accept", "application/json" });
    r.secrets.push_back(m_token);
    return r;
  }

  // `call` may name an id that came from a server or the state: redacted.
  PublishError malformed(std::string_view call, std::string_view expected) const
  {
    return { PublishError::Kind::not_sent,
             fmt::format("mastodon: {}: the answer is not {}", server_text(call, { m_token }),
                         expected),
             {} };
  }

  static std::string error_text(const http::Response& response)
  {
    return json_id(nlohmann::json::parse(response.body, nullptr, false), "error");
  }

  // The body (JSON) and the response of a GET of `url`.
  Result<std::pair<nlohmann::json, http::Response>, PublishError> get_url(const std::string& url,
                                                                          std::string_view call)
  {
    // `call` may name an id that came from a server or the state: redacted.
    const std::string what = fmt::format("mastodon: {}", server_text(call, { m_token }));
    auto response = transport()->send(request("GET", url));
    if (!response) {
      return unexpected(from_transport(response.error(), "mastodon"));
    }
    if (response->status != 200) {
      return unexpected(from_response(*response, what, error_text(*response), { m_token }, now()));
    }
    auto json = nlohmann::json::parse(response->body, nullptr, false);
    if (json.is_discarded()) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent, what + ": the answer is not JSON", {} });
    }
    return std::make_pair(std::move(json), std::move(*response));
  }

  Result<nlohmann::json, PublishError> get(const std::string& path)
  {
    auto got = get_url(m_base_url + path, "GET " + path);
    if (!got) {
      return unexpected(std::move(got.error()));
    }
    return std::move(got->first);
  }

  Result<void, PublishError> ensure_me()
  {
    if (!m_me_id.empty()) {
      return {};
    }
    auto me = get("/api/v1/accounts/verify_credentials");
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    m_me_id = json_id(*me, "id");
    m_me_acct = canonical(json_id(*me, "acct"));
    if (m_me_id.empty()) {
      return unexpected(PublishError{ PublishError::Kind::permanent,
                                      "mastodon: GET /api/v1/accounts/verify_credentials: the "
                                      "answer has no account id",
                                      {} });
    }
    return {};
  }

  // "ada" on this instance is "ada@<host>": one name for one person whichever account sees it.
  std::string canonical(const std::string& acct) const
  {
    return acct.find('@') == std::string::npos ? acct + "@" + m_host : acct;
  }

  Message message_of(const nlohmann::json& status) const
  {
    Message m;
    const auto& account = json_member(status, "account");
    m.id = json_id(status, "id");
    m.url = json_id(status, "url");
    if (m.url.empty()) {
      m.url = json_id(status, "uri");
    }
    m.author = canonical(json_id(account, "acct"));
    m.author_name = json_id(account, "display_name");
    m.ours = json_id(account, "id") == m_me_id;
    m.bot = json_member(account, "bot").is_boolean() && json_member(account, "bot").get<bool>();
    m.text = text_of_html(json_id(status, "content"));
    m.created_at = parse_rfc3339(json_id(status, "created_at")).value_or(TimePoint{});
    m.in_reply_to = json_id(status, "in_reply_to_id");
    m.visibility = json_id(status, "visibility");
    if (!m.ours) {
      m.addressed.reply = json_id(status, "in_reply_to_account_id") == m_me_id;
      m.addressed.direct = m.visibility == "direct";
      const auto& mentions = json_member(status, "mentions");
      for (const auto& mention : mentions.is_array() ? mentions : nlohmann::json::array()) {
        if (json_id(mention, "id") == m_me_id) {
          m.addressed.mention = true;
        }
      }
      // Mastodon 4.5 quotes: {"quote": {"state": "accepted", "quoted_status": {...}}}.
      if (const auto& quote = json_member(status, "quote"); quote.is_object()) {
        const auto& quoted = json_member(quote, "quoted_status");
        if (json_id(json_member(quoted, "account"), "id") == m_me_id) {
          m.addressed.quote = true;
          m.quoted_text = text_of_html(json_id(quoted, "content"));
        }
      }
    }
    return m;
  }

  std::string m_base_url;
  std::string m_token;
  std::string m_host;
  AdapterContext m_context;
  LazyTransport m_transport{ m_context };
  std::string m_me_id;
  std::string m_me_acct;
  std::map<std::string, nlohmann::json> m_statuses; // from notifications, by id
};

} // namespace

std::unique_ptr<ConversationSource>
make_mastodon_conversations(const AccountConfig& account, const AdapterContext& context)
{
  auto token = read_secret(account, "token", context);
  if (!token) {
    throw Error(token.error());
  }
  return std::make_unique<MastodonConversations>(base_url_setting(account, k_default_url),
                                                 std::move(*token), context);
}

} // namespace herald::platforms
