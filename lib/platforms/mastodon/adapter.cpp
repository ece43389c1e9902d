// The `mastodon` platform: publishes through the Mastodon client API (platforms.md section 1).
// Statuses go to POST /api/v1/statuses with an Idempotency-Key per thread part, media first
// to POST /api/v2/media (polling GET /api/v1/media/:id while the server still processes it).
// The character limit is `max_chars:` (default 500), so that `validate` and `plan` work offline;
// `herald accounts check` reads the instance's own limit (GET /api/v2/instance,
// configuration.statuses.max_characters) and says when max_chars should change. Servers that
// speak the same API differ (flavor.hpp): `flavor:` names the kind for `validate` and recovery,
// and without it herald asks the server what it is before the first post of a run.
#include "http/ascii.hpp"
#include "http/rate_limit.hpp"
#include "http/redact.hpp"
#include "text/length_rules.hpp"

#include "platforms/conversations.hpp"
#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/mastodon/flavor.hpp"
#include "platforms/media_type.hpp"
#include "platforms/metrics.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"
#include "schedule/zone.hpp"
#include "util/error.hpp"
#include "util/secret_file.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <functional>
#include <thread>

namespace herald::platforms {

namespace {

constexpr std::string_view k_default_url = "https://mastodon.social";
constexpr size_t k_default_max_chars = 500;
constexpr std::array<std::string_view, 4> k_visibilities{ "public", "unlisted", "private",
                                                          "direct" };
// A media upload answered 202 is polled this often, this many times, before giving up: short,
// because a run must finish well within its job lease.
constexpr int k_media_polls = 10;
constexpr std::chrono::milliseconds k_media_poll_interval{ 500 };
// Looking for an earlier copy of a post reads the account's statuses this many at a time (the
// API's maximum), at most this many pages.
constexpr size_t k_search_page_size = 40;
constexpr size_t k_search_pages = 5;

using Sleep = std::function<void(std::chrono::milliseconds)>;

constexpr std::array<std::string_view, 3> k_content_types{ "text/plain", "text/markdown",
                                                           "text/html" };
// Mastodon's own number of media a status may carry; another is worth saying.
constexpr size_t k_mastodon_media_limit = 4;

// A positive whole number at `pointer` in `json`, if there is one.
std::optional<size_t>
positive_at(const nlohmann::json& json, const char* pointer)
{
  const auto at = nlohmann::json::json_pointer(pointer);
  if (!json.is_object() || !json.contains(at) || !json[at].is_number_unsigned() ||
      json[at].get<size_t>() == 0) {
    return std::nullopt;
  }
  return json[at].get<size_t>();
}

// What a server said it is holds for a day: a run asks at most once a day, not on every tick.
constexpr std::chrono::hours k_kind_lifetime{ 24 };
constexpr size_t k_max_kind_bytes = size_t(64) * 1024;
// A resend after a crash to a server that ignores Idempotency-Key is guarded by a look at the
// account's statuses since the job was due, less this much for clocks that disagree.
constexpr std::chrono::minutes k_guard_skew{ 10 };

using mastodon::Flavor;

constexpr std::string_view k_needs_media =
  "Pixelfed posts are photos or videos: add media to the post";

// `why` about part `index` of a post of `count` parts.
std::string
in_part(std::string_view why, size_t index, size_t count)
{
  return count == 1 ? std::string(why) : fmt::format("part {} of {}: {}", index + 1, count, why);
}

// The `flavor:` set on the account; nothing when absent or not a kind (check() reports it).
std::optional<Flavor>
flavor_of(const AccountConfig& account)
{
  return mastodon::parse_flavor(setting(account, "flavor"));
}

// `max_chars` as a positive number (YAML may hand it over as a number or a string); absent: the
// default of the account's flavor.
std::optional<size_t>
max_chars_of(const AccountConfig& account)
{
  const auto& settings = account.settings;
  const auto it = settings.find("max_chars");
  if (it == settings.end()) {
    const auto flavor = flavor_of(account);
    return flavor ? mastodon::traits_of(*flavor).default_max_chars : k_default_max_chars;
  }
  if (it->is_number_unsigned() || (it->is_number_integer() && it->get<long long>() > 0)) {
    const auto value = it->get<long long>();
    return value > 0 ? std::optional<size_t>(static_cast<size_t>(value)) : std::nullopt;
  }
  if (it->is_string()) {
    const auto text = it->get<std::string>();
    if (!text.empty() && text.size() < 10 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const size_t value = std::stoul(text);
      return value > 0 ? std::optional<size_t>(value) : std::nullopt;
    }
  }
  return std::nullopt;
}

// The platform's own explanation: {"error": "..."}, else nothing (from_response() redacts and
// cuts it).
std::string
error_detail(const http::Response& response)
{
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_string()) {
    return body["error"].get<std::string>();
  }
  return "";
}

std::optional<std::string>
string_field(const nlohmann::json& json, const char* key)
{
  std::string value = json_id(json, key);
  return value.empty() ? std::nullopt : std::optional<std::string>(std::move(value));
}

// Whether a status whose HTML `content` is `status.content` could have been written as `text`:
// the letters and digits of the content (tags and entities left out) must appear in the text in
// the same order. A remote mention (@user@host) shows as @user and a link's text may differ, so
// the content may have fewer of them than the text, never others. A cheap test that spares a
// request for the source of every status; the source decides.
bool
could_show(const nlohmann::json& status, std::string_view text)
{
  const auto content = status.find("content");
  if (content == status.end() || !content->is_string()) {
    return true; // nothing to judge by: ask for the source
  }
  const auto counts = [](unsigned char c) { return std::isalnum(c) || c >= 0x80; };
  const std::string& html = content->get_ref<const std::string&>();
  size_t at = 0; // position in `text`
  for (size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (c == '<' || c == '&') {
      const size_t end = html.find(c == '<' ? '>' : ';', i);
      if (end == std::string::npos) {
        break;
      }
      i = end;
      continue;
    }
    if (!counts(static_cast<unsigned char>(c))) {
      continue;
    }
    while (at < text.size() && text[at] != c) {
      ++at;
    }
    if (at == text.size()) {
      return false;
    }
    ++at;
  }
  return true;
}

class MastodonAdapter : public Adapter
{
public:
  MastodonAdapter(std::string base_url, std::string token, std::string visibility,
                  std::string language, size_t max_chars, std::optional<Flavor> flavor,
                  std::string content_type, std::filesystem::path kind_file,
                  const AdapterContext& context, Sleep sleep)
    : m_base_url(std::move(base_url))
    , m_token(std::move(token))
    , m_visibility(std::move(visibility))
    , m_language(std::move(language))
    , m_max_chars(max_chars)
    , m_flavor(flavor)
    , m_content_type(std::move(content_type))
    , m_kind_file(std::move(kind_file))
    , m_context(context)
    , m_sleep(std::move(sleep))
  {
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    if (post.parts.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent, "mastodon: nothing to post", {} });
    }
    // Every part is measured before anything is sent, so a too-long part 3 cannot leave a
    // half-published thread behind.
    const auto rule = text::mastodon_rule(m_max_chars);
    for (size_t i = 0; i < post.parts.size(); ++i) {
      if (const auto why = text::too_long(post.parts[i].text, rule)) {
        return unexpected(PublishError{
          PublishError::Kind::permanent,
          post.parts.size() == 1
            ? fmt::format("mastodon: {}", *why)
            : fmt::format("mastodon: part {} of {}: {}", i + 1, post.parts.size(), *why),
          {} });
      }
    }

    const auto traits = mastodon::traits_of(flavor());
    if (traits.needs_media) {
      for (size_t i = 0; i < post.parts.size(); ++i) {
        if (post.parts[i].media.empty()) {
          return unexpected(
            PublishError{ PublishError::Kind::permanent,
                          fmt::format("mastodon: {}", in_part(k_needs_media, i, post.parts.size())),
                          {} });
        }
      }
    }
    if (m_media_limit) {
      for (size_t i = 0; i < post.parts.size(); ++i) {
        if (post.parts[i].media.size() > *m_media_limit) {
          return unexpected(PublishError{
            PublishError::Kind::permanent,
            fmt::format("mastodon: {}",
                        in_part(fmt::format("{} media, the instance takes at most {} a post",
                                            post.parts[i].media.size(), *m_media_limit),
                                i, post.parts.size())),
            {} });
        }
      }
    }
    if (!m_flavor && !traits.idempotency_key) {
      // Found out only now that the server ignores Idempotency-Key, the recovery rules took it
      // as idempotent: this may be a resend after a crash, so the statuses since the job was
      // due are looked at first.
      auto earlier = search(post, post.due - k_guard_skew, /*must_reach_since=*/false);
      if (!earlier) {
        return unexpected(std::move(earlier.error()));
      }
      if (*earlier) {
        return **earlier;
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
      // Each part has its own stable key (reliability D11): one key for all parts would make
      // the server answer part 2 with part 1. So after a failed part, a retry re-sends the
      // earlier ones with their keys, and the server answers with the statuses it has.
      const std::string key =
        i == 0 ? post.idempotency_key : fmt::format("{}-{}", post.idempotency_key, i);
      auto status = post_status(part, media_ids, previous_id, key);
      if (!status) {
        auto error = in_thread(std::move(status.error()), i, post.parts.size(), first);
        if (first && !traits.idempotency_key) {
          // Earlier parts are out and the server would not know their keys: a resend would
          // post them twice, so the job goes to a person (unknown).
          error.kind = PublishError::Kind::maybe_sent;
        }
        return unexpected(std::move(error));
      }
      previous_id = status->remote_id;
      if (!first) {
        first = std::move(*status);
      }
    }
    return *first;
  }

  // Mastodon forgets an Idempotency-Key after about an hour, so an older `sending` job is
  // looked for among the account's own statuses since the intent. When more statuses than are
  // searched came since, it cannot tell.
  Result<std::optional<Published>, PublishError> find_published(const OutPost& post,
                                                                TimePoint since) override
  {
    return search(post, since, /*must_reach_since=*/true);
  }

  std::string ledger() override { return "recent statuses"; }

  // Before the first send from a fresh state: the same search over the account's statuses
  // since `since` (the job's due time less a week), at most k_search_pages pages. A copy further
  // back is not found, and the post goes out again (herald-calendar(5)).
  Result<std::optional<Published>, PublishError> find_earlier(const OutPost& post,
                                                              TimePoint since) override
  {
    return search(post, since, /*must_reach_since=*/false);
  }

private:
  // Looks through the account's own statuses (newest first, paging down with max_id) back to
  // `since` for one whose source text (the plain text as written, unlike `content`, which is
  // HTML) is exactly the post's. Only statuses whose `content` could show that text are asked
  // for their source (one request each). Before a first send (find_earlier), a thread is found
  // by its first part, a status that replies to nothing: the thread is known by it, as when it
  // was published.
  Result<std::optional<Published>, PublishError> search(const OutPost& post, TimePoint since,
                                                        bool must_reach_since)
  {
    if (post.parts.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent, "mastodon: the post has no text", {} });
    }
    const bool thread = post.parts.size() > 1;
    if (thread && must_reach_since) {
      // After a crash mid-thread the first part alone cannot say whether the rest went out:
      // a person decides (the job becomes unknown).
      return unexpected(PublishError{
        PublishError::Kind::permanent, "mastodon: a thread is not looked for after a crash", {} });
    }
    const std::string& text = post.parts.front().text;
    auto account_id = own_account_id();
    if (!account_id) {
      return unexpected(std::move(account_id.error()));
    }
    std::string max_id;
    for (size_t page = 0; page < k_search_pages; ++page) {
      std::string path = fmt::format("/api/v1/accounts/{}/statuses?limit={}&exclude_reblogs=true",
                                     http::ascii::percent_encode(*account_id), k_search_page_size);
      if (!max_id.empty()) {
        path += "&max_id=" + http::ascii::percent_encode(max_id);
      }
      auto statuses = get_json(path, "mastodon: GET /api/v1/accounts/:id/statuses");
      if (!statuses) {
        return unexpected(std::move(statuses.error()));
      }
      if (!statuses->is_array()) {
        return unexpected(PublishError{
          PublishError::Kind::permanent, "mastodon: the statuses answer is not a list", {} });
      }
      for (const auto& status : *statuses) {
        const auto id = string_field(status, "id");
        const auto url = string_field(status, "url");
        const auto created = string_field(status, "created_at");
        if (!id) {
          continue;
        }
        max_id = *id;
        if (!url || !created) {
          continue;
        }
        const auto created_at = parse_rfc3339(*created);
        if (!created_at) {
          continue;
        }
        if (*created_at < since) {
          return std::optional<Published>(); // the page goes back past `since`
        }
        if (!could_show(status, text) ||
            (thread && status.contains("in_reply_to_id") && !status["in_reply_to_id"].is_null())) {
          continue;
        }
        auto source =
          get_json(fmt::format("/api/v1/statuses/{}/source", http::ascii::percent_encode(*id)),
                   "mastodon: GET /api/v1/statuses/:id/source");
        if (!source) {
          return unexpected(std::move(source.error()));
        }
        if (string_field(*source, "text") == text) {
          return std::optional<Published>(published(*id, *url));
        }
      }
      if (statuses->size() < k_search_page_size) {
        return std::optional<Published>(); // the account has no older statuses
      }
    }
    if (must_reach_since) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent,
                      fmt::format("mastodon: the account posted more than {} statuses since; not "
                                  "all were searched",
                                  k_search_pages * k_search_page_size),
                      {} });
    }
    return std::optional<Published>();
  }

  Result<nlohmann::json, PublishError> get_json(const std::string& path, std::string_view what)
  {
    const auto response = m_transport->send(request("GET", path));
    if (!response) {
      return unexpected(from_transport(response.error(), "mastodon"));
    }
    if (response->status != 200) {
      return unexpected(
        from_response(*response, what, error_detail(*response), { m_token }, now()));
    }
    auto body = nlohmann::json::parse(response->body, nullptr, false);
    if (body.is_discarded()) {
      return unexpected(PublishError{
        PublishError::Kind::permanent, fmt::format("{}: the answer is not JSON", what), {} });
    }
    return body;
  }

  Result<std::string, PublishError> own_account_id()
  {
    constexpr std::string_view what = "mastodon: GET /api/v1/accounts/verify_credentials";
    auto account = get_json("/api/v1/accounts/verify_credentials", what);
    if (!account) {
      return unexpected(std::move(account.error()));
    }
    if (auto id = string_field(*account, "id")) {
      return *id;
    }
    return unexpected(PublishError{
      PublishError::Kind::permanent, fmt::format("{}: the answer has no account id", what), {} });
  }

  TimePoint now() const
  {
    return m_context.clock
             ? m_context.clock->now()
             : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }

  Result<Verified, PublishError> verify() override
  {
    constexpr std::string_view what = "mastodon: GET /api/v1/accounts/verify_credentials";
    const auto body = get_json("/api/v1/accounts/verify_credentials", what);
    if (!body) {
      return unexpected(body.error());
    }
    const auto acct = string_field(*body, "acct");
    if (!acct) {
      return unexpected(PublishError{
        PublishError::Kind::permanent, std::string(what) + ": the answer has no account", {} });
    }
    std::string who = "@" + *acct;
    const auto& kind = server_kind(/*fresh=*/true);
    if (kind) {
      who += fmt::format(" on {}{}", mastodon::display_name(kind->flavor),
                         kind->version.empty() ? "" : " " + kind->version);
      if (!m_flavor && kind->flavor != Flavor::mastodon) {
        who += fmt::format("; set flavor: {} so that validate and recovery know",
                           mastodon::to_string(kind->flavor));
      } else if (m_flavor && *m_flavor != kind->flavor) {
        who += fmt::format("; the server is not {}: set flavor: {}",
                           mastodon::display_name(*m_flavor), mastodon::to_string(kind->flavor));
      }
    }
    if (m_media_limit && *m_media_limit != k_mastodon_media_limit) {
      who += fmt::format("; {} media a post", *m_media_limit);
    }
    if (const auto limit = instance_limit()) {
      who += fmt::format(" (the instance allows {} characters{})", *limit,
                         *limit == m_max_chars ? ""
                                               : fmt::format("; set max_chars: {} to check posts "
                                                             "against it",
                                                             *limit));
    }
    return Verified{ std::move(who) };
  }

  // The instance's own limit, read with its kind; nothing when it cannot be read (an old server
  // without /api/v2/instance, a network error).
  std::optional<size_t> instance_limit()
  {
    server_kind();
    return m_instance_limit;
  }

  // The flavor publishing follows: the one set, else what the server says it is.
  Flavor flavor()
  {
    if (m_flavor) {
      return *m_flavor;
    }
    const auto& kind = server_kind();
    return kind ? kind->flavor : Flavor::mastodon;
  }

  // What the server says it is, once per adapter: from what an earlier run of the last day
  // kept in the state directory, else (and always when `fresh`: accounts check) asked.
  const std::optional<mastodon::ServerKind>& server_kind(bool fresh = false)
  {
    if (m_kind_asked) {
      return m_kind;
    }
    m_kind_asked = true;
    if (!fresh && load_kind()) {
      return m_kind;
    }
    ask_server_kind();
    save_kind();
    return m_kind;
  }

  // /api/v2/instance, else /api/v1/instance, else nodeinfo. These are public documents: no
  // token goes with them.
  void ask_server_kind()
  {
    // The limits are where Mastodon's documents put them (both versions), else where Pleroma's
    // and Akkoma's put the characters.
    const auto read_limits = [this](const nlohmann::json& instance) {
      if (!m_instance_limit) {
        m_instance_limit = positive_at(instance, "/configuration/statuses/max_characters");
      }
      if (!m_instance_limit) {
        m_instance_limit = positive_at(instance, "/max_toot_chars");
      }
      if (!m_media_limit) {
        m_media_limit = positive_at(instance, "/configuration/statuses/max_media_attachments");
      }
    };
    if (const auto v2 = public_json(m_base_url + "/api/v2/instance")) {
      read_limits(*v2);
      m_kind = mastodon::kind_from_instance(*v2);
    }
    if (!m_kind) {
      if (const auto v1 = public_json(m_base_url + "/api/v1/instance")) {
        read_limits(*v1);
        m_kind = mastodon::kind_from_instance(*v1);
      }
    }
    if (!m_kind) {
      if (const auto index = public_json(m_base_url + "/.well-known/nodeinfo")) {
        for (const auto& link : json_member(*index, "links")) {
          const auto href = json_id(link, "href");
          // Only the instance's own document: the index could name any host.
          if (href.starts_with(m_base_url + "/") &&
              json_id(link, "rel").find("nodeinfo.diaspora.software/ns/schema/2.") !=
                std::string::npos) {
            if (const auto nodeinfo = public_json(href)) {
              m_kind = mastodon::kind_from_nodeinfo(*nodeinfo);
            }
            break;
          }
        }
      }
    }
  }

  bool load_kind()
  {
    if (m_kind_file.empty()) {
      return false;
    }
    const auto content = read_secret_file(m_kind_file, "the server kind file", k_max_kind_bytes);
    if (!content || !*content) {
      return false;
    }
    const auto json = nlohmann::json::parse(**content, nullptr, false);
    const auto& checked = json_member(json, "checked_at");
    if (!checked.is_number_integer() ||
        SystemClock().now() - TimePoint(std::chrono::seconds(checked.get<int64_t>())) >=
          k_kind_lifetime) {
      return false;
    }
    if (const auto flavor = mastodon::parse_flavor(json_id(json, "flavor"))) {
      m_kind = mastodon::ServerKind{ *flavor, json_id(json, "version") };
    }
    m_instance_limit = positive_at(json, "/max_characters");
    m_media_limit = positive_at(json, "/max_media_attachments");
    return true;
  }

  void save_kind() const
  {
    if (m_kind_file.empty()) {
      return;
    }
    nlohmann::json json = { { "checked_at", SystemClock().now().time_since_epoch().count() } };
    if (m_kind) {
      json["flavor"] = mastodon::to_string(m_kind->flavor);
      json["version"] = m_kind->version;
    }
    if (m_instance_limit) {
      json["max_characters"] = *m_instance_limit;
    }
    if (m_media_limit) {
      json["max_media_attachments"] = *m_media_limit;
    }
    // Not kept: the next run asks again, which costs a request, nothing more.
    (void)write_secret_file(m_kind_file, json.dump(2) + "\n");
  }

  std::optional<nlohmann::json> public_json(const std::string& url)
  {
    http::Request r;
    r.method = "GET";
    r.url = url;
    r.headers.push_back({ "Accept", "application/json" });
    const auto response = m_transport->send(r);
    if (!response || response->status != 200) {
      return std::nullopt;
    }
    auto body = nlohmann::json::parse(response->body, nullptr, false);
    return body.is_object() ? std::optional<nlohmann::json>(std::move(body)) : std::nullopt;
  }

  http::Request request(std::string method, std::string_view path) const
  {
    http::Request r;
    r.method = std::move(method);
    r.url = m_base_url + std::string(path);
    r.headers.push_back({ "Authorization", "Bearer " + m_token });
    r.headers.push_back({ "Accept", "application/json" });
    r.secrets.push_back(m_token);
    return r;
  }

  Result<std::string, PublishError> upload(const OutMedia& media)
  {
    constexpr std::string_view what = "mastodon: POST /api/v2/media";
    auto r = request("POST", "/api/v2/media");
    r.form.push_back(file_part("file", media.file));
    if (!media.alt.empty()) {
      r.form.push_back({ "description", "", "", media.alt, {} });
    }
    auto response = m_transport->send(r);
    if (!response) {
      // An upload that may have landed only leaves an unattached attachment behind, which
      // the server cleans up; the status itself was not sent.
      auto error = from_transport(response.error(), "mastodon");
      error.kind = PublishError::Kind::not_sent;
      return unexpected(std::move(error));
    }
    if (response->status != 200 && response->status != 202) {
      return unexpected(media_error(*response, what));
    }
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    const auto id = string_field(body, "id");
    if (!id) {
      return unexpected(
        PublishError{ PublishError::Kind::not_sent,
                      fmt::format("{}: HTTP {} without a media id", what, response->status),
                      {} });
    }
    if (response->status == 200 && string_field(body, "url")) {
      return *id;
    }
    return wait_for_media(*id, media);
  }

  // 202 (and 206 while polling) means the server is still processing the file: poll a few
  // times, briefly, until it answers 200 with a url.
  Result<std::string, PublishError> wait_for_media(const std::string& id, const OutMedia& media)
  {
    const std::string path = "/api/v1/media/" + id;
    const std::string what = "mastodon: GET " + path;
    for (int attempt = 0; attempt < k_media_polls; ++attempt) {
      m_sleep(k_media_poll_interval);
      auto response = m_transport->send(request("GET", path));
      if (!response) {
        auto error = from_transport(response.error(), "mastodon");
        error.kind = PublishError::Kind::not_sent; // a GET posts nothing
        return unexpected(std::move(error));
      }
      if (response->status == 200) {
        const auto body = nlohmann::json::parse(response->body, nullptr, false);
        if (string_field(body, "url")) {
          return id;
        }
        continue;
      }
      if (response->status == 206 || response->status == 202) {
        continue;
      }
      return unexpected(media_error(*response, what));
    }
    return unexpected(PublishError{
      PublishError::Kind::not_sent,
      fmt::format("mastodon: media {} ({}) still processing after {} checks",
                  server_text(id, { m_token }), media.file.filename().string(), k_media_polls),
      {} });
  }

  // Media calls create no status, so a 5xx there is safe to retry: not_sent, not maybe_sent.
  PublishError media_error(const http::Response& response, std::string_view what) const
  {
    auto error = from_response(response, what, error_detail(response), { m_token }, now(),
                               http::rate_limit_reset_iso(response, now()));
    if (error.kind == PublishError::Kind::maybe_sent) {
      error.kind = PublishError::Kind::not_sent;
    }
    return error;
  }

  Result<Published, PublishError> post_status(const OutPart& part,
                                              const std::vector<std::string>& media_ids,
                                              const std::string& in_reply_to,
                                              const std::string& key)
  {
    constexpr std::string_view what = "mastodon: POST /api/v1/statuses";
    nlohmann::json body = { { "status", part.text }, { "visibility", m_visibility } };
    if (!media_ids.empty()) {
      body["media_ids"] = media_ids;
    }
    if (!in_reply_to.empty()) {
      body["in_reply_to_id"] = in_reply_to;
    }
    if (!m_language.empty()) {
      body["language"] = m_language;
    }
    if (!m_content_type.empty()) {
      body["content_type"] = m_content_type;
    }
    auto r = request("POST", "/api/v1/statuses");
    r.headers.push_back({ "Content-Type", "application/json" });
    r.headers.push_back({ "Idempotency-Key", key });
    r.body = dump_json(body);
    auto response = m_transport->send(r);
    if (!response) {
      return unexpected(from_transport(response.error(), "mastodon"));
    }
    if (response->status < 200 || response->status >= 300) {
      return unexpected(from_response(*response, what, error_detail(*response), { m_token }, now(),
                                      http::rate_limit_reset_iso(*response, now())));
    }
    // A 2xx that does not name the status cannot be recorded as posted (reliability M5).
    const auto status = nlohmann::json::parse(response->body, nullptr, false);
    const auto id = string_field(status, "id");
    const auto url = string_field(status, "url");
    if (!id || !url) {
      return unexpected(PublishError{
        PublishError::Kind::maybe_sent,
        fmt::format("{}: HTTP {} without a status id and url", what, response->status),
        {} });
    }
    return published(*id, *url);
  }

  // What the server named, as it is recorded and printed: never showing the token, should a
  // server echo it (as exec plugins' answers are masked).
  Published published(std::string_view id, std::string_view url) const
  {
    return { http::redact(id, { m_token }), http::redact(url, { m_token }) };
  }

  std::string m_base_url;
  std::string m_token;
  std::string m_visibility;
  std::string m_language;
  size_t m_max_chars;
  std::optional<Flavor> m_flavor; // set on the account
  std::string m_content_type;
  std::filesystem::path m_kind_file; // where a run keeps what the server said it is
  bool m_kind_asked = false;
  std::optional<mastodon::ServerKind> m_kind;
  std::optional<size_t> m_instance_limit;
  std::optional<size_t> m_media_limit; // media per status, as the instance says
  AdapterContext m_context;
  Sleep m_sleep;
  LazyTransport m_transport{ m_context };
};

class MastodonPlatform : public Platform
{
public:
  std::string_view name() const override { return "mastodon"; }

  Capabilities capabilities() const override
  {
    // Mastodon keeps an Idempotency-Key for about an hour (platforms.md section 1); a margin
    // keeps a resend well inside it.
    return { .threads = true,
             .media = true,
             .idempotent = true,
             .max_text_length = 500,
             .idempotency_window = std::chrono::minutes(45) };
  }

  Capabilities capabilities_for(const AccountConfig& account) const override
  {
    auto capabilities = this->capabilities();
    capabilities.max_text_length = max_chars_of(account).value_or(k_default_max_chars);
    if (const auto flavor = flavor_of(account);
        flavor && !mastodon::traits_of(*flavor).idempotency_key) {
      capabilities.idempotent = false;
      capabilities.idempotency_window = std::chrono::seconds(0);
    }
    return capabilities;
  }

  std::vector<std::string_view> setting_keys() const override
  {
    return { "url", "token_env", "visibility", "language", "max_chars", "flavor", "content_type" };
  }

  std::vector<std::string> media_problems(const AccountConfig& account,
                                          const OutPart& message) const override
  {
    const auto flavor = flavor_of(account);
    if (flavor && mastodon::traits_of(*flavor).needs_media && message.media.empty()) {
      return { std::string(k_needs_media) };
    }
    return {};
  }

  std::vector<text::LengthRule> length_rules(const AccountConfig& account) const override
  {
    return { text::mastodon_rule(max_chars_of(account).value_or(k_default_max_chars)) };
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    check_secret(account, "token", setting_pos, account_pos, context, diagnostics);
    check_url_setting(account, "instance", setting_pos, account_pos, diagnostics);
    check_language_setting(account, setting_pos, account_pos, diagnostics);
    const auto& s = account.settings;
    if (s.contains("visibility")) {
      const auto visibility = s["visibility"].is_string() ? s["visibility"].get<std::string>() : "";
      if (std::find(k_visibilities.begin(), k_visibilities.end(), visibility) ==
          k_visibilities.end()) {
        diagnostics.error(pos_of(setting_pos, "visibility", account_pos),
                          fmt::format("account '{}': 'visibility' must be public, unlisted, "
                                      "private or direct",
                                      account.name));
      }
    }
    const auto flavor = flavor_of(account);
    if (s.contains("flavor") && !flavor) {
      diagnostics.error(pos_of(setting_pos, "flavor", account_pos),
                        fmt::format("account '{}': 'flavor' must be mastodon, gotosocial, "
                                    "pixelfed, akkoma or pleroma",
                                    account.name));
    }
    if (s.contains("content_type")) {
      const auto type = setting(account, "content_type");
      if (std::find(k_content_types.begin(), k_content_types.end(), type) ==
          k_content_types.end()) {
        diagnostics.error(pos_of(setting_pos, "content_type", account_pos),
                          fmt::format("account '{}': 'content_type' must be text/plain, "
                                      "text/markdown or text/html",
                                      account.name));
      } else if (flavor && !mastodon::traits_of(*flavor).content_type) {
        diagnostics.error(pos_of(setting_pos, "content_type", account_pos),
                          fmt::format("account '{}': {} takes no 'content_type'; GoToSocial, "
                                      "Akkoma and Pleroma do",
                                      account.name, mastodon::display_name(*flavor)));
      }
    }
    if (!max_chars_of(account)) {
      diagnostics.error(pos_of(setting_pos, "max_chars", account_pos),
                        fmt::format("account '{}': 'max_chars' must be a positive whole number "
                                    "(the instance's character limit)",
                                    account.name));
    }
  }

  Result<std::unique_ptr<ConversationSource>> make_conversations(
    const AccountConfig& account, const AdapterContext& context) const override
  {
    return make_mastodon_conversations(account, context);
  }
  std::unique_ptr<MetricsSource> make_metrics(const AccountConfig& account,
                                              const AdapterContext& context) const override
  {
    return make_mastodon_metrics(account, context);
  }
  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    auto token = read_secret(account, "token", context);
    if (!token) {
      throw Error(token.error());
    }
    std::string url = base_url_setting(account, k_default_url);
    const auto max_chars = max_chars_of(account);
    if (!max_chars) {
      throw Error(
        fmt::format("account '{}': 'max_chars' must be a positive whole number", account.name));
    }
    auto kind_file = secret_file_path(context.state_dir, "mastodon", account.name, url);
    return std::make_unique<MastodonAdapter>(
      std::move(url), std::move(*token), setting(account, "visibility", "public"),
      setting(account, "language"), *max_chars, flavor_of(account),
      setting(account, "content_type"), std::move(kind_file), context,
      [](std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); });
  }
};

} // namespace

const Platform&
mastodon_platform()
{
  static const MastodonPlatform platform;
  return platform;
}

} // namespace herald::platforms
