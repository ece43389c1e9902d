// The `bluesky` platform: publishes app.bsky.feed.post records through the account's AT Protocol
// PDS (platforms.md section 2 and its addendum).
//
// Settings: `handle` (required: the createSession identifier), `password_env` (required: the
// variable holding an app password), `url` (the PDS, default https://bsky.social), `language`
// (optional: the record's `langs`) and `link_card` (default true: a part with a link and no
// images gets an app.bsky.embed.external card from the link's page, link_card.hpp; a page that
// cannot be used leaves the plain link, never a failed job; `link_card: false` on a post too).
//
// Session: createSession is limited to 30 per 5 minutes, so the session is kept between runs in
// an owner-only file, <state dir>/bluesky/<handle>@<host>.json (bluesky_session.cpp), and reused.
// An answer ExpiredToken or InvalidToken (or a 401) leads to one refreshSession and, only when
// that is refused too, to a new createSession. Without a state dir the session lasts one process.
//
// Idempotency: each part is written with createRecord at a record key derived from the job
// (record_key()), so a resend targets the same key. The PDS answers a create on a taken key with
// 500, and a lost answer says nothing: both are reconciled with getRecord on that key, and the
// record found there is the post. So a resend cannot duplicate: capabilities().idempotent. The
// same getRecord answers find_earlier() before the first send from a fresh state; a one-off
// post's key does not depend on when the command ran, so a re-run asks for the same key.
//
// Text: facets for links, hashtags and resolvable @handles (UTF-8 byte offsets). Media: each
// image is sent to uploadBlob as raw bytes and embedded (app.bsky.embed.images) with its alt text
// and, when its header tells, its aspectRatio. Limits (300 graphemes and 3000 bytes of text, at
// most 4 images of at most 1,000,000 bytes) are checked before anything is sent.
#include "http/ascii.hpp"
#include "http/rate_limit.hpp"
#include "text/length_rules.hpp"

#include "platforms/bluesky/bluesky.hpp"
#include "platforms/bluesky/client.hpp"
#include "platforms/conversations.hpp"
#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/link_card.hpp"
#include "platforms/media_type.hpp"
#include "platforms/metrics.hpp"
#include "platforms/registry_entries.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <fstream>
#include <iterator>
#include <map>

namespace herald::platforms {

namespace {

using bluesky::nothing_posted;
using bluesky::SessionFile;
using bluesky::string_field;

constexpr std::string_view k_collection = "app.bsky.feed.post";
constexpr size_t k_max_images = 4;
constexpr uintmax_t k_max_image_bytes = 1'000'000;

// A strong reference to a record: what a reply points at.
struct Ref
{
  std::string uri;
  std::string cid;
};

nlohmann::json
parse(const http::Response& response)
{
  return nlohmann::json::parse(response.body, nullptr, false);
}

// XRPC errors are {"error": "<Name>", "message": "..."}.
std::string
error_name(const http::Response& response)
{
  return string_field(parse(response), "error");
}

class BlueskyAdapter : public Adapter
{
public:
  BlueskyAdapter(std::string base_url, std::string identifier, std::string password,
                 std::string language, bool link_cards, SessionFile file,
                 const AdapterContext& context)
    : m_identifier(identifier)
    , m_language(std::move(language))
    , m_link_cards(link_cards)
    , m_context(context)
    , m_client(std::move(base_url), std::move(identifier), std::move(password), std::move(file),
               m_context)
  {
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    // Every part is checked before anything is sent, so a bad part 3 cannot leave a
    // half-published thread behind.
    if (auto checked = check_post(post); !checked) {
      return unexpected(std::move(checked.error()));
    }
    std::optional<Ref> root;
    std::optional<Ref> parent;
    std::optional<Published> first;
    for (size_t i = 0; i < post.parts.size(); ++i) {
      auto ref = publish_part(post, i, root, parent);
      if (!ref) {
        return unexpected(in_thread(std::move(ref.error()), i, post.parts.size(), first));
      }
      if (!root) {
        root = *ref;
        first = Published{ ref->uri, web_url(ref->uri) };
      }
      parent = std::move(*ref);
    }
    return *first;
  }

  Result<Verified, PublishError> verify() override
  {
    constexpr std::string_view what = "bluesky: GET com.atproto.server.getSession";
    auto response = m_client.authed(m_client.request("GET", "com.atproto.server.getSession"));
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    if (response->status != 200) {
      return unexpected(nothing_posted(m_client.response_error(*response, what)));
    }
    const auto body = parse(*response);
    const auto did = string_field(body, "did");
    if (did.empty()) {
      return unexpected(PublishError{
        PublishError::Kind::not_sent, std::string(what) + ": the answer has no did", {} });
    }
    std::string detail = fmt::format("@{} ({})", string_field(body, "handle"), did);
    if (!m_client.save_problem().empty()) {
      detail += fmt::format("; the session could not be kept: {}", m_client.save_problem());
    }
    return Verified{ std::move(detail) };
  }

  std::string ledger() override { return "record key"; }

  // Before the first send from a fresh state: the record at the key this job writes to (the
  // first part's) holds the post when an earlier run published it. The key alone decides, so
  // there is no time window (`since` is not needed).
  Result<std::optional<Published>, PublishError> find_earlier(const OutPost& post,
                                                              TimePoint /*since*/) override
  {
    constexpr std::string_view what = "bluesky: GET com.atproto.repo.getRecord";
    if (post.parts.empty()) {
      return std::optional<Published>();
    }
    if (auto ready = m_client.ensure_session(); !ready) {
      return unexpected(nothing_posted(std::move(ready.error())));
    }
    const std::string rkey = bluesky::record_key(post, 0);
    const auto response = get_record(rkey);
    if (!response) {
      return unexpected(nothing_posted(response.error()));
    }
    if (response->status == 400 && error_name(*response) == "RecordNotFound") {
      return std::optional<Published>();
    }
    if (response->status != 200) {
      return unexpected(nothing_posted(m_client.response_error(*response, what)));
    }
    const auto body = parse(*response);
    const std::string uri = string_field(body, "uri");
    if (uri.empty() || !body.contains("value")) {
      return unexpected(PublishError{
        PublishError::Kind::not_sent, fmt::format("{}: the answer has no record", what), {} });
    }
    if (string_field(body["value"], "text") != post.parts.front().text) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent,
                      fmt::format("bluesky: record key {} already holds a different post ({})",
                                  rkey, server_text(uri, m_client.secrets())),
                      {} });
    }
    return std::optional<Published>(Published{ uri, web_url(uri) });
  }

private:
  // --- Publishing ------------------------------------------------------------------------------

  static Result<void, PublishError> check_post(const OutPost& post)
  {
    const auto refuse = [&](size_t i, const std::string& why) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent,
                      post.parts.size() > 1
                        ? fmt::format("bluesky: part {} of {}: {}", i + 1, post.parts.size(), why)
                        : fmt::format("bluesky: {}", why),
                      {} });
    };
    if (post.parts.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent, "bluesky: nothing to post", {} });
    }
    const auto rules = text::bluesky_rules();
    for (size_t i = 0; i < post.parts.size(); ++i) {
      const auto& part = post.parts[i];
      if (const auto problems = text::check_length(part.text, rules); !problems.empty()) {
        return refuse(i, problems.front());
      }
      if (part.text.empty() && part.media.empty()) {
        return refuse(i, "a post needs text or an image");
      }
      if (part.media.size() > k_max_images) {
        return refuse(i,
                      fmt::format("{} images, the limit is {}", part.media.size(), k_max_images));
      }
      for (const auto& media : part.media) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(media.file, ec);
        if (ec) {
          return refuse(i, fmt::format("cannot read {}: {}", media.file.string(), ec.message()));
        }
        if (size > k_max_image_bytes) {
          return refuse(i, fmt::format("{} is {} bytes, the limit is {} bytes per image",
                                       media.file.filename().string(), size, k_max_image_bytes));
        }
      }
    }
    return {};
  }

  // https://bsky.app/profile/<handle>/post/<rkey> for at://<did>/app.bsky.feed.post/<rkey>.
  std::string web_url(const std::string& uri) const
  {
    std::string profile = m_client.session() ? m_client.session()->handle : std::string();
    if (profile.empty() || profile == "handle.invalid") {
      profile = m_client.session() ? m_client.session()->did : m_identifier;
    }
    return fmt::format("https://bsky.app/profile/{}/post/{}", profile,
                       uri.substr(uri.rfind('/') + 1));
  }

  Result<Ref, PublishError> publish_part(const OutPost& post, size_t i,
                                         const std::optional<Ref>& root,
                                         const std::optional<Ref>& parent)
  {
    constexpr std::string_view what = "bluesky: POST com.atproto.repo.createRecord";
    const auto& part = post.parts[i];
    if (auto ready = m_client.ensure_session(); !ready) {
      return unexpected(std::move(ready.error()));
    }
    nlohmann::json record = { { "$type", k_collection },
                              { "text", part.text },
                              { "createdAt", bluesky::created_at(m_client.now()) } };
    if (!m_language.empty()) {
      record["langs"] = nlohmann::json::array({ m_language });
    }
    auto facets = bluesky::facets_for(
      part.text, [this](const std::string& handle) { return m_client.resolve(handle); });
    if (!facets) {
      return unexpected(std::move(facets.error()));
    }
    if (!facets->empty()) {
      record["facets"] = std::move(*facets);
    }
    if (root && parent) {
      record["reply"] = { { "root", { { "uri", root->uri }, { "cid", root->cid } } },
                          { "parent", { { "uri", parent->uri }, { "cid", parent->cid } } } };
    }
    if (!part.media.empty()) {
      auto images = nlohmann::json::array();
      for (const auto& media : part.media) {
        auto image = upload(media);
        if (!image) {
          return unexpected(std::move(image.error()));
        }
        images.push_back(std::move(*image));
      }
      record["embed"] = { { "$type", "app.bsky.embed.images" }, { "images", std::move(images) } };
    } else if (m_link_cards && post.link_card) {
      auto card = link_card_embed(part.text);
      if (!card) {
        return unexpected(std::move(card.error()));
      }
      if (!card->is_null()) {
        record["embed"] = std::move(*card);
      }
    }
    const std::string rkey = bluesky::record_key(post, i);
    const auto r =
      m_client.json_request("com.atproto.repo.createRecord", { { "repo", m_client.session()->did },
                                                               { "collection", k_collection },
                                                               { "rkey", rkey },
                                                               { "record", record } });
    auto response = m_client.authed(r);
    if (!response) {
      if (response.error().kind != PublishError::Kind::maybe_sent) {
        return unexpected(std::move(response.error()));
      }
      return reconcile(rkey, part.text, std::move(response.error()));
    }
    if (response->status == 200) {
      const auto body = parse(*response);
      Ref ref{ string_field(body, "uri"), string_field(body, "cid") };
      if (!ref.uri.empty() && !ref.cid.empty()) {
        return ref;
      }
      return reconcile(rkey, part.text,
                       PublishError{ PublishError::Kind::maybe_sent,
                                     fmt::format("{}: HTTP 200 without a uri and cid", what),
                                     {} });
    }
    auto error = m_client.response_error(*response, what);
    // A taken key (500 today; an explicit error is planned upstream) or a failure after the
    // write: the record may be there.
    const auto name = error_name(*response);
    if (error.kind == PublishError::Kind::maybe_sent || response->status == 409 ||
        name == "RecordAlreadyExists") {
      return reconcile(rkey, part.text, std::move(error));
    }
    return unexpected(std::move(error));
  }

  // Our post record at `rkey`, as com.atproto.repo.getRecord answers (with a session).
  Result<http::Response, PublishError> get_record(const std::string& rkey)
  {
    return m_client.authed(m_client.request(
      "GET", "com.atproto.repo.getRecord",
      fmt::format("repo={}&collection={}&rkey={}",
                  http::ascii::percent_encode(m_client.session()->did), k_collection, rkey)));
  }

  // Looks for the record at `rkey`: found, it is the post; otherwise `error` stands (a resend
  // then writes to the same key again).
  Result<Ref, PublishError> reconcile(const std::string& rkey, const std::string& text,
                                      PublishError error)
  {
    const auto response = get_record(rkey);
    if (!response || response->status != 200) {
      return unexpected(std::move(error));
    }
    const auto body = parse(*response);
    Ref ref{ string_field(body, "uri"), string_field(body, "cid") };
    if (ref.uri.empty() || ref.cid.empty()) {
      return unexpected(std::move(error));
    }
    if (!body.contains("value") || string_field(body["value"], "text") != text) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent,
                      fmt::format("bluesky: record key {} already holds a different post ({})",
                                  rkey, server_text(ref.uri, m_client.secrets())),
                      {} });
    }
    return ref;
  }

  // The app.bsky.embed.external card of the first link in `text` (null: none). A page that
  // cannot be read gives no card, only a line in -v: the post goes out with its plain link. A
  // failed upload of the card's image is a failure of the part, as for any image: nothing was
  // posted yet. A link's card (or its absence) is kept for the adapter's life, one run: the posts
  // of a release that all link its page fetch it once, and its image goes up as one blob.
  Result<nlohmann::json, PublishError> link_card_embed(const std::string& text)
  {
    const auto link = first_link(text);
    if (!link) {
      return nlohmann::json();
    }
    if (const auto known = m_cards.find(*link); known != m_cards.end()) {
      return known->second;
    }
    auto embed = fresh_link_card_embed(*link);
    if (embed) {
      m_cards.emplace(*link, *embed);
    }
    return embed;
  }

  Result<nlohmann::json, PublishError> fresh_link_card_embed(const std::string& link)
  {
    auto card = fetch_link_card(m_pages.get(), link);
    if (!card) {
      if (m_context.log) {
        m_context.log(fmt::format("* bluesky: no link card for {}: {}", link, card.error()));
      }
      return nlohmann::json();
    }
    nlohmann::json external = { { "uri", card->uri },
                                { "title", card->title },
                                { "description", card->description } };
    if (!card->thumb.empty()) {
      auto blob = upload_blob(std::move(card->thumb), card->thumb_type, "the link card's image");
      if (!blob) {
        return unexpected(std::move(blob.error()));
      }
      external["thumb"] = std::move(*blob);
    }
    return nlohmann::json{ { "$type", "app.bsky.embed.external" }, { "external", external } };
  }

  // Uploads bytes as a blob; the answer is the blob reference.
  Result<nlohmann::json, PublishError> upload_blob(std::string bytes, const std::string& type,
                                                   std::string_view name)
  {
    constexpr std::string_view what = "bluesky: POST com.atproto.repo.uploadBlob";
    auto r = m_client.request("POST", "com.atproto.repo.uploadBlob");
    r.headers.push_back({ "Content-Type", type });
    r.body = std::move(bytes);
    auto response = m_client.authed(r);
    if (!response) {
      return unexpected(nothing_posted(std::move(response.error())));
    }
    if (response->status != 200) {
      return unexpected(nothing_posted(m_client.response_error(*response, what)));
    }
    const auto body = parse(*response);
    if (!body.is_object() || !body.contains("blob") || !body["blob"].is_object()) {
      return unexpected(PublishError{ PublishError::Kind::not_sent,
                                      fmt::format("{}: the answer has no blob for {}", what, name),
                                      {} });
    }
    return body["blob"];
  }

  // Uploads one image; the answer is its entry in app.bsky.embed.images.
  Result<nlohmann::json, PublishError> upload(const OutMedia& media)
  {
    std::ifstream in(media.file, std::ios::binary);
    if (!in) {
      return unexpected(PublishError{ PublishError::Kind::permanent,
                                      fmt::format("bluesky: cannot read {}", media.file.string()),
                                      {} });
    }
    std::string bytes{ std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
    const auto size = bluesky::image_size(bytes);
    auto blob =
      upload_blob(std::move(bytes), media_type_for(media.file), media.file.filename().string());
    if (!blob) {
      return unexpected(std::move(blob.error()));
    }
    nlohmann::json image = { { "image", std::move(*blob) }, { "alt", media.alt } };
    if (size) {
      image["aspectRatio"] = { { "width", size->width }, { "height", size->height } };
    }
    return image;
  }

  std::string m_identifier;
  std::string m_language;
  bool m_link_cards = true;
  AdapterContext m_context;
  bluesky::Client m_client;                      // after m_context, which it refers to
  LazyTransport m_pages{ m_context };            // for link cards: the pages are not the PDS
  std::map<std::string, nlohmann::json> m_cards; // link -> its embed (null: no card)
};

class BlueskyPlatform : public Platform
{
public:
  std::string_view name() const override { return "bluesky"; }

  Capabilities capabilities() const override
  {
    return {
      .threads = true, .media = true, .idempotent = true, .max_text_length = 300, .link_cards = true
    };
  }

  Capabilities capabilities_for(const AccountConfig& account) const override
  {
    auto capabilities = this->capabilities();
    capabilities.link_cards = link_card_setting(account.settings).value_or(true);
    return capabilities;
  }

  std::vector<std::string_view> setting_keys() const override
  {
    return { "handle", "password_env", "url", "language", "link_card" };
  }

  std::vector<text::LengthRule> length_rules(const AccountConfig& /*account*/) const override
  {
    return text::bluesky_rules();
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    if (const auto why = handle_problem(account.settings)) {
      const auto it = setting_pos.find("handle");
      diagnostics.error(it != setting_pos.end() ? it->second : account_pos,
                        fmt::format("account '{}': {}", account.name, *why));
    }
    check_secret(account, "password", setting_pos, account_pos, context, diagnostics);
    check_url_setting(account, "PDS", setting_pos, account_pos, diagnostics);
    check_language_setting(account, setting_pos, account_pos, diagnostics);
    if (!link_card_setting(account.settings)) {
      const auto it = setting_pos.find("link_card");
      diagnostics.error(it != setting_pos.end() ? it->second : account_pos,
                        fmt::format("account '{}': 'link_card' must be true (a card for a link, "
                                    "the default) or false",
                                    account.name));
    }
  }

  Result<std::unique_ptr<ConversationSource>> make_conversations(
    const AccountConfig& account, const AdapterContext& context) const override
  {
    return make_bluesky_conversations(account, context);
  }
  std::unique_ptr<MetricsSource> make_metrics(const AccountConfig& account,
                                              const AdapterContext& context) const override
  {
    return make_bluesky_metrics(account, context);
  }
  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    if (const auto why = handle_problem(account.settings)) {
      throw Error(fmt::format("account '{}': {}", account.name, *why));
    }
    auto login = bluesky::login_of(account, context);
    return std::make_unique<BlueskyAdapter>(std::move(login.url), std::move(login.handle),
                                            std::move(login.password), setting(account, "language"),
                                            link_card_setting(account.settings).value_or(true),
                                            std::move(login.file), context);
  }

private:
  // `link_card:` (default true); nullopt when it is neither true nor false.
  static std::optional<bool> link_card_setting(const nlohmann::json& settings)
  {
    const auto it = settings.find("link_card");
    if (it == settings.end()) {
      return true;
    }
    if (it->is_boolean()) {
      return it->get<bool>();
    }
    if (it->is_string() && (*it == "true" || *it == "false")) {
      return *it == "true";
    }
    return std::nullopt;
  }

  static std::optional<std::string> handle_problem(const nlohmann::json& settings)
  {
    const auto it = settings.find("handle");
    if (it == settings.end() || !it->is_string() || it->get<std::string>().empty()) {
      return "a bluesky account needs 'handle:' (e.g. alice.bsky.social)";
    }
    const auto handle = it->get<std::string>();
    if (handle.front() == '@') {
      return "'handle' is written without '@' (e.g. alice.bsky.social)";
    }
    if (handle.find_first_of(" \t\r\n/") != std::string::npos) {
      return "'handle' must be a handle such as alice.bsky.social, a DID or an e-mail address";
    }
    return std::nullopt;
  }
};

} // namespace

const Platform&
bluesky_platform()
{
  static const BlueskyPlatform platform;
  return platform;
}

} // namespace herald::platforms
