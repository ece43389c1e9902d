// The `linkedin` platform: publishes through LinkedIn's versioned Posts API (platforms.md
// section 4). A post is POST /rest/posts, its URN in the x-restli-id header; images go first to
// POST /rest/images?action=initializeUpload, then their bytes to the upload URL it names. Every
// /rest call carries Linkedin-Version (the `version:` month) and X-Restli-Protocol-Version. The
// text is escaped for LinkedIn's "little" text format, which would otherwise cut the post at the
// first reserved character without a word. LinkedIn has no threads: a thread's later parts
// become comments on the first (`thread: comments`) or the thread is refused (`thread: refuse`,
// the default). There is no idempotency key; LinkedIn refuses a text the author already posted
// (422 DUPLICATE_POST, naming that post), which herald records as the post.
#include "text/length_rules.hpp"

#include "platforms/conversations.hpp"
#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/linkedin/client.hpp"
#include "platforms/linkedin/linkedin.hpp"
#include "platforms/media_type.hpp"
#include "platforms/metrics.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <system_error>

namespace herald::platforms {

namespace {

using linkedin::encoded;
using linkedin::k_default_version;
constexpr size_t k_max_text = 3000;
constexpr size_t k_max_images = 20;
// Looking for an earlier copy reads the author's posts this many at a time.
constexpr size_t k_search_page_size = 50;

bool
threads_as_comments(const AccountConfig& account)
{
  return setting(account, "thread", "refuse") == "comments";
}

text::LengthRule
linkedin_rule()
{
  return { "linkedin", k_max_text, text::LengthRule::Unit::code_points, 0, false };
}

// A token runs out in the world's time, whatever clock the run schedules by (--now).
TimePoint
wall_now()
{
  return SystemClock().now();
}

// Why LinkedIn cannot take the media of `part` (validate, herald post and publish() alike).
std::vector<std::string>
problems_of(const OutPart& part)
{
  std::vector<std::string> problems;
  if (part.media.size() > k_max_images) {
    problems.push_back(fmt::format("{} images, the limit is {}", part.media.size(), k_max_images));
  }
  for (const auto& media : part.media) {
    if (!media_type_for(media.file).starts_with("image/")) {
      problems.push_back(fmt::format("{} is not an image; herald sends LinkedIn images only",
                                     media.file.filename().string()));
    }
  }
  return problems;
}

// The account's token_expires: date, when set.
std::optional<std::pair<TimePoint, std::string>>
token_expiry(const AccountConfig& account)
{
  const auto date = setting(account, "token_expires");
  if (date.empty()) {
    return std::nullopt;
  }
  const auto at = linkedin::parse_expiry(date);
  if (!at) {
    return std::nullopt;
  }
  return std::make_pair(*at, date);
}

class LinkedinAdapter : public Adapter
{
public:
  LinkedinAdapter(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
    , m_comments(threads_as_comments(account))
    , m_expiry(token_expiry(account))
  {
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    if (post.parts.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent, "linkedin: nothing to post", {} });
    }
    if (auto expired = refuse_expired()) {
      return unexpected(std::move(*expired));
    }
    if (post.parts.size() > 1 && !m_comments) {
      return unexpected(PublishError{ PublishError::Kind::permanent,
                                      "linkedin: LinkedIn has no threads (set thread: comments to "
                                      "post the later parts as comments on the first)",
                                      {} });
    }
    for (size_t i = 0; i < post.parts.size(); ++i) {
      if (const auto why = text::too_long(post.parts[i].text, linkedin_rule())) {
        return unexpected(PublishError{
          PublishError::Kind::permanent, fmt::format("linkedin: part {}: {}", i + 1, *why), {} });
      }
      if (const auto problems = problems_of(post.parts[i]); !problems.empty()) {
        return unexpected(
          PublishError{ PublishError::Kind::permanent,
                        fmt::format("linkedin: part {}: {}", i + 1, problems.front()),
                        {} });
      }
      if (i > 0 && !post.parts[i].media.empty()) {
        return unexpected(
          PublishError{ PublishError::Kind::permanent,
                        fmt::format("linkedin: part {}: a comment carries no images", i + 1),
                        {} });
      }
    }
    auto author = m_client.author();
    if (!author) {
      return unexpected(std::move(author.error()));
    }
    auto first = create_post(post.parts.front(), *author);
    if (!first) {
      return unexpected(in_thread(std::move(first.error()), 0, post.parts.size(), std::nullopt));
    }
    for (size_t i = 1; i < post.parts.size(); ++i) {
      if (auto comment = create_comment(first->remote_id, post.parts[i].text, *author); !comment) {
        // The post and maybe some comments are out: a resend would comment twice, so the job
        // goes to a person (unknown), as a cut thread does on other platforms.
        auto error =
          in_thread(std::move(comment.error()), i, post.parts.size(), std::optional(*first));
        error.kind = PublishError::Kind::maybe_sent;
        return unexpected(std::move(error));
      }
    }
    return *first;
  }

  Result<Verified, PublishError> verify() override
  {
    if (auto expired = refuse_expired()) {
      return unexpected(std::move(*expired));
    }
    auto member = m_client.member();
    if (!member) {
      return unexpected(std::move(member.error()));
    }
    std::string detail = *member;
    if (auto author = m_client.author(); author && *author != *member) {
      detail = fmt::format("{} as {}", *member, *author);
    }
    if (m_expiry) {
      if (auto note = linkedin::expiry_note(m_expiry->first, wall_now(), m_expiry->second)) {
        detail += "; " + note->message;
      }
    }
    return Verified{ std::move(detail) };
  }

  // After a crash: the author's posts since the intent (GET /rest/posts?q=author, which needs
  // the r_member_social scope, or r_organization_social for a page), compared with the text.
  Result<std::optional<Published>, PublishError> find_published(const OutPost& post,
                                                                TimePoint since) override
  {
    if (post.parts.size() > 1) {
      return unexpected(PublishError{ PublishError::Kind::permanent,
                                      "linkedin: a post with comments is not looked for after a "
                                      "crash",
                                      {} });
    }
    return search(post.parts.front().text, since);
  }

  std::string ledger() override { return "the author's recent posts"; }

private:
  std::optional<PublishError> refuse_expired() const
  {
    if (!m_expiry) {
      return std::nullopt;
    }
    const auto note = linkedin::expiry_note(m_expiry->first, wall_now(), m_expiry->second);
    if (!note || !note->expired) {
      return std::nullopt;
    }
    return PublishError{ PublishError::Kind::auth, "linkedin: " + note->message, {} };
  }

  Result<Published, PublishError> create_post(const OutPart& part, const std::string& author)
  {
    constexpr std::string_view what = "linkedin: POST /rest/posts";
    nlohmann::json body = {
      { "author", author },
      { "commentary", linkedin::escape_little_text(part.text) },
      { "visibility", "PUBLIC" },
      { "distribution",
        { { "feedDistribution", "MAIN_FEED" },
          { "targetEntities", nlohmann::json::array() },
          { "thirdPartyDistributionChannels", nlohmann::json::array() } } },
      { "lifecycleState", "PUBLISHED" },
      { "isReshareDisabledByAuthor", false },
    };
    auto images = nlohmann::json::array();
    for (const auto& media : part.media) {
      auto urn = upload(media, author);
      if (!urn) {
        return unexpected(std::move(urn.error()));
      }
      nlohmann::json image = { { "id", *urn } };
      if (!media.alt.empty()) {
        image["altText"] = media.alt;
      }
      images.push_back(std::move(image));
    }
    if (images.size() == 1) {
      body["content"] = { { "media", images[0] } };
    } else if (images.size() > 1) {
      body["content"] = { { "multiImage", { { "images", images } } } };
    }
    auto r = m_client.request("POST", "/rest/posts");
    r.headers.push_back({ "Content-Type", "application/json" });
    r.body = dump_json(body);
    auto response = m_client.send(r);
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    if (response->status == 422) {
      if (const auto earlier = linkedin::duplicate_of(response->body)) {
        return published(*earlier); // the author posted this text already: that post is it
      }
    }
    if (response->status < 200 || response->status >= 300) {
      return unexpected(m_client.answer_error(*response, what));
    }
    const auto urn = response->header("x-restli-id");
    if (!urn || urn->empty()) {
      return unexpected(PublishError{
        PublishError::Kind::maybe_sent,
        fmt::format("{}: HTTP {} without the post's URN (x-restli-id)", what, response->status),
        {} });
    }
    return published(*urn);
  }

  Published published(const std::string& urn) const { return { urn, linkedin::post_url(urn) }; }

  Result<void, PublishError> create_comment(const std::string& post_urn, const std::string& text,
                                            const std::string& author)
  {
    constexpr std::string_view what = "linkedin: POST /rest/socialActions/:urn/comments";
    auto r = m_client.request("POST", "/rest/socialActions/" + encoded(post_urn) + "/comments");
    r.headers.push_back({ "Content-Type", "application/json" });
    r.body = dump_json(
      { { "actor", author }, { "object", post_urn }, { "message", { { "text", text } } } });
    auto response = m_client.send(r);
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    if (response->status < 200 || response->status >= 300) {
      return unexpected(m_client.answer_error(*response, what));
    }
    return {};
  }

  // An image: its upload is registered, then its bytes are sent to the URL LinkedIn names.
  // Neither makes a post, so a failure of either is safe to retry.
  Result<std::string, PublishError> upload(const OutMedia& media, const std::string& owner)
  {
    constexpr std::string_view what = "linkedin: POST /rest/images?action=initializeUpload";
    const auto not_sent = [](PublishError error) {
      return unexpected(nothing_published(std::move(error)));
    };
    auto r = m_client.request("POST", "/rest/images?action=initializeUpload");
    r.headers.push_back({ "Content-Type", "application/json" });
    r.body = dump_json({ { "initializeUploadRequest", { { "owner", owner } } } });
    auto response = m_client.send(r);
    if (!response) {
      return not_sent(std::move(response.error()));
    }
    if (response->status != 200) {
      return not_sent(m_client.answer_error(*response, what));
    }
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    const auto& value = json_member(body, "value");
    const auto upload_url = json_id(value, "uploadUrl");
    const auto image = json_id(value, "image");
    if (upload_url.empty() || image.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::not_sent,
                      fmt::format("{}: the answer names no upload URL or image", what),
                      {} });
    }
    std::ifstream in(media.file, std::ios::binary);
    if (!in) {
      return unexpected(
        PublishError{ PublishError::Kind::permanent,
                      fmt::format("linkedin: cannot read {}", media.file.filename().string()),
                      {} });
    }
    http::Request put;
    put.method = "PUT";
    put.url = upload_url;
    put.headers.push_back({ "Authorization", "Bearer " + m_client.token() });
    put.headers.push_back({ "Content-Type", media_type_for(media.file) });
    put.body.assign(std::istreambuf_iterator<char>(in), {});
    put.secrets.push_back(m_client.token());
    put.secrets.push_back(upload_url); // it carries its own token
    auto uploaded = m_client.send(put);
    if (!uploaded) {
      return not_sent(std::move(uploaded.error()));
    }
    if (uploaded->status < 200 || uploaded->status >= 300) {
      return not_sent(m_client.answer_error(*uploaded, "linkedin: PUT <the upload URL>"));
    }
    return image;
  }

  Result<std::optional<Published>, PublishError> search(const std::string& text, TimePoint since)
  {
    auto author = m_client.author();
    if (!author) {
      return unexpected(std::move(author.error()));
    }
    const auto commentary = linkedin::escape_little_text(text);
    auto body =
      m_client.get_json(fmt::format("/rest/posts?author={}&q=author&count={}&sortBy=LAST_MODIFIED",
                                    encoded(*author), k_search_page_size),
                        "linkedin: GET /rest/posts?q=author");
    if (!body) {
      return unexpected(std::move(body.error()));
    }
    bool reached_since = false;
    for (const auto& element : json_member(*body, "elements")) {
      const auto& created = json_member(element, "createdAt");
      if (created.is_number_integer() &&
          TimePoint(std::chrono::seconds(created.get<int64_t>() / 1000)) < since) {
        reached_since = true;
        continue;
      }
      const auto& shown = json_member(element, "commentary");
      const auto urn = json_id(element, "id");
      if (!urn.empty() && shown.is_string() && shown.get<std::string>() == commentary) {
        return std::optional<Published>(published(urn));
      }
    }
    if (!reached_since && json_member(*body, "elements").size() >= k_search_page_size) {
      return unexpected(PublishError{ PublishError::Kind::permanent,
                                      fmt::format("linkedin: the author posted more than {} posts "
                                                  "since; not all were searched",
                                                  k_search_page_size),
                                      {} });
    }
    return std::optional<Published>();
  }

  linkedin::Client m_client;
  bool m_comments;
  std::optional<std::pair<TimePoint, std::string>> m_expiry;
};

// Member post statistics (GET /rest/memberCreatorPostAnalytics, scope r_member_postAnalytics):
// one request per post and count. LinkedIn documents no follower count for a member.
class LinkedinMetrics : public MetricsSource
{
public:
  LinkedinMetrics(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
  {
  }

  CountsResult post_counts(const std::vector<std::string>& remote_ids) override
  {
    static constexpr std::pair<const char*, const char*> k_types[] = {
      { "IMPRESSION", "impressions" },
      { "REACTION", "likes" },
      { "COMMENT", "replies" },
      { "RESHARE", "reposts" },
    };
    CountsResult result;
    for (const auto& urn : remote_ids) {
      const std::string kind = urn.starts_with("urn:li:ugcPost:") ? "ugc" : "share";
      PostCounts counts{ urn, {} };
      for (const auto& [type, ours] : k_types) {
        auto body = m_client.get_json(
          fmt::format("/rest/memberCreatorPostAnalytics?q=entity&entity=({}:{})&queryType={}"
                      "&aggregation=TOTAL",
                      kind, encoded(urn), type),
          "linkedin: GET /rest/memberCreatorPostAnalytics");
        if (!body) {
          if (body.error().kind == PublishError::Kind::auth) {
            body.error().message += " (the token needs the r_member_postAnalytics scope)";
          }
          result.stopped = std::move(body.error());
          return result;
        }
        int64_t total = 0;
        for (const auto& element : json_member(*body, "elements")) {
          const auto& count = json_member(element, "count");
          if (count.is_number_integer()) {
            total += count.get<int64_t>();
          }
        }
        counts.counts[ours] = total;
      }
      result.posts.push_back(std::move(counts));
    }
    return result;
  }

  Result<std::optional<int64_t>, PublishError> followers() override
  {
    return std::optional<int64_t>();
  }

private:
  linkedin::Client m_client;
};

class LinkedinPlatform : public Platform
{
public:
  std::string_view name() const override { return "linkedin"; }

  Capabilities capabilities() const override
  {
    return { .threads = false, .media = true, .idempotent = false, .max_text_length = k_max_text };
  }

  Capabilities capabilities_for(const AccountConfig& account) const override
  {
    auto capabilities = this->capabilities();
    capabilities.threads = threads_as_comments(account);
    return capabilities;
  }

  std::vector<std::string_view> setting_keys() const override
  {
    return { "url", "token_env", "author", "version", "thread", "token_expires" };
  }

  std::vector<text::LengthRule> length_rules(const AccountConfig& /*account*/) const override
  {
    return { linkedin_rule() };
  }

  std::vector<std::string> media_problems(const AccountConfig& /*account*/,
                                          const OutPart& message) const override
  {
    return problems_of(message);
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    check_secret(account, "token", setting_pos, account_pos, context, diagnostics);
    check_url_setting(account, "API", setting_pos, account_pos, diagnostics);
    const auto author = setting(account, "author");
    if (!author.empty() && !author.starts_with("urn:li:person:") &&
        !author.starts_with("urn:li:organization:")) {
      diagnostics.error(pos_of(setting_pos, "author", account_pos),
                        fmt::format("account '{}': 'author' must be urn:li:person:<id> or "
                                    "urn:li:organization:<id> (herald accounts check shows the "
                                    "member's own)",
                                    account.name));
    }
    const auto version = setting(account, "version", k_default_version);
    if (version.size() != 6 ||
        !std::all_of(version.begin(), version.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      diagnostics.error(pos_of(setting_pos, "version", account_pos),
                        fmt::format("account '{}': 'version' must be a month as YYYYMM (e.g. "
                                    "{}), the Linkedin-Version header",
                                    account.name, k_default_version));
    }
    const auto thread = setting(account, "thread", "refuse");
    if (thread != "refuse" && thread != "comments") {
      diagnostics.error(
        pos_of(setting_pos, "thread", account_pos),
        fmt::format("account '{}': 'thread' must be refuse or comments", account.name));
    }
    if (account.settings.contains("token_expires")) {
      const auto expiry = token_expiry(account);
      if (!expiry) {
        diagnostics.error(pos_of(setting_pos, "token_expires", account_pos),
                          fmt::format("account '{}': 'token_expires' must be a date "
                                      "(YYYY-MM-DD)",
                                      account.name));
      } else if (auto note = linkedin::expiry_note(expiry->first, wall_now(), expiry->second)) {
        // A warning either way: the other accounts still publish; this one's jobs fail clearly.
        diagnostics.warning(pos_of(setting_pos, "token_expires", account_pos),
                            fmt::format("account '{}': {}", account.name, note->message));
      }
    }
  }

  void check_messages(const AccountConfig& account, const std::vector<MessageToCheck>& messages,
                      const std::map<std::string, SourcePos>& /*setting_pos*/,
                      const SourcePos& /*account_pos*/, const AdapterContext& /*context*/,
                      Diagnostics& diagnostics) const override
  {
    for (const auto& message : messages) {
      if (message.parts.size() > 1 && !threads_as_comments(account)) {
        diagnostics.error(message.pos,
                          fmt::format("post '{}': account '{}' (linkedin) cannot take a thread: "
                                      "LinkedIn has none (set thread: comments on the account to "
                                      "post the later parts as comments)",
                                      message.post_id, account.name));
      }
    }
  }

  std::unique_ptr<MetricsSource> make_metrics(const AccountConfig& account,
                                              const AdapterContext& context) const override
  {
    return std::make_unique<LinkedinMetrics>(account, context);
  }

  Result<std::unique_ptr<ConversationSource>> make_conversations(
    const AccountConfig& account, const AdapterContext& context) const override
  {
    return std::unique_ptr<ConversationSource>(make_linkedin_conversations(account, context));
  }

  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    return std::make_unique<LinkedinAdapter>(account, context);
  }
};

} // namespace

const Platform&
linkedin_platform()
{
  static const LinkedinPlatform platform;
  return platform;
}

} // namespace herald::platforms
