#pragma once

#include "context.hpp"
#include "post.hpp"
#include "text/length_rules.hpp"

#include "schedule/clock.hpp"
#include "util/diagnostics.hpp"
#include "util/expected.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::platforms {

struct Capabilities
{
  bool threads = false;
  bool media = false;
  // The platform deduplicates a resend of the same idempotency key, so a job left in `sending`
  // by a crash may be resent safely.
  bool idempotent = false;
  size_t max_text_length = 0; // 0: no limit known
  // How long the platform remembers an idempotency key (0: for good). A job left in `sending`
  // longer than this is no longer safe to resend and becomes `unknown`.
  std::chrono::seconds idempotency_window{ 0 };
  // herald builds a link card (link_card.hpp) for a part with a link and no media; the
  // platforms that build their own previews leave this false.
  bool link_cards = false;
  // The platform publishes a post's long-form keys (`title:`, `link:`, `tags:`, ...: dev.to,
  // Lemmy); `plan` shows them for its accounts only.
  bool articles = false;
};

// An account as an adapter needs it: its settings and what relative paths are relative to.
struct AccountConfig
{
  std::string name;
  std::string platform;
  nlohmann::json settings = nlohmann::json::object();
  std::filesystem::path base_dir;
};

struct Published
{
  std::string remote_id;
  std::string url;
};

struct PublishError
{
  enum class Kind
  {
    not_sent,     // nothing reached the platform: safe to retry
    maybe_sent,   // the request may have landed: follow the recovery rules, never blindly resend
    rate_limited, // retry after `retry_after`
    permanent,    // the platform refused the post; retrying will not help
    auth,         // credentials missing or refused
  };
  Kind kind = Kind::permanent;
  std::string message; // never contains a secret
  std::optional<TimePoint> retry_after;
};

std::string_view to_string(PublishError::Kind kind);

// What Adapter::verify() found when it did not fail.
struct Verified
{
  // Who or what the credentials reach ("@herald@example.social"), or why they were not checked.
  std::string detail;
  // False when the platform offers no way to check them without publishing (a Slack incoming
  // webhook, a generic webhook): `herald accounts check` says "not checked", not "ok".
  bool checked = true;
};

// `error` of part `index` (0-based) of a post of `count` parts, saying which part failed and,
// once a first part is out, where the thread starts: "... (part 2 of 3; the thread starts at
// <url>)". A single post's error is returned unchanged.
PublishError in_thread(PublishError error, size_t index, size_t count,
                       const std::optional<Published>& first);

// One message as `herald validate` hands it to Platform::check_messages(): what one account
// would publish for one post.
struct MessageToCheck
{
  std::string post_id;
  SourcePos pos;                   // of the post
  std::vector<OutPart> parts;      // more than one: a thread; media paths are absolute
  std::vector<SourcePos> part_pos; // of each part's text
  OutArticle article;              // the post's long-form keys (`link:`, ...), as sent
};

// What Platform::article_problems() found wrong with one long-form key of a post.
struct ArticleProblem
{
  std::string key; // "title", "tags", ... as written in the calendar
  std::string message;
};

// One configured account of a platform. Built lazily, just before its first publish.
class Adapter
{
public:
  virtual ~Adapter() = default;
  virtual Result<Published, PublishError> publish(const OutPost& post) = 0;
  // Checks the credentials against the platform without publishing anything; on success, says
  // who or what they reach ("@herald@example.social"), or why nothing could be checked. The
  // default: the platform has no way to check them.
  virtual Result<Verified, PublishError> verify()
  {
    return Verified{ "the platform cannot be asked without posting", false };
  }
  // A run died while publishing `post`, and a resend is not safe: looks on the platform for the
  // post it may have published at or after `since`. A value: found; nothing: it is not there;
  // an error: cannot tell (the default).
  virtual Result<std::optional<Published>, PublishError> find_published(const OutPost& /*post*/,
                                                                        TimePoint /*since*/)
  {
    return unexpected(
      PublishError{ PublishError::Kind::permanent, "this platform cannot be searched", {} });
  }
  // How this account can be asked whether a post is already there (herald(1), SAFE RE-RUNS): a
  // few words for `herald post` to show ("recent statuses", "record key"), or empty when it
  // cannot be asked. Called on the thread that publishes, just before find_earlier().
  virtual std::string ledger() { return {}; }
  // A one-off job that this state has never tried (a CI re-run on a fresh runner) is about to be
  // sent: looks on the platform for the same post published earlier, by any runner, at or after
  // `since`. A value: it is there; nothing: it is not (within what the platform lets herald
  // search, which ledger() and herald-calendar(5) document); an error: cannot tell, so nothing
  // is sent. The default searches like find_published().
  virtual Result<std::optional<Published>, PublishError> find_earlier(const OutPost& post,
                                                                      TimePoint since)
  {
    return find_published(post, since);
  }
};

class ConversationSource;
class MetricsSource;

// A kind of platform: stateless; states its capabilities and settings, checks an account's
// settings and builds adapters. Adding a platform means one folder (platforms/<name>/) plus one
// line in registry.cpp.
class Platform
{
public:
  virtual ~Platform() = default;
  virtual std::string_view name() const = 0;
  virtual Capabilities capabilities() const = 0;
  // The capabilities of one account, where a setting changes them (a webhook that says its
  // endpoint deduplicates). The runner's recovery rules use this one.
  virtual Capabilities capabilities_for(const AccountConfig& /*account*/) const
  {
    return capabilities();
  }
  // Every setting key an account of this platform may have (besides `platform`).
  virtual std::vector<std::string_view> setting_keys() const = 0;
  // Reports missing or invalid settings, and credentials that are not set, so that `validate`
  // catches them before anything fires; `setting_pos` gives the position of a setting's value
  // (else `account_pos`) for the message. A variable that is not set is reported with
  // Diagnostics::unset_secret, so that commands not using the account can drop it.
  virtual void check(const AccountConfig& account,
                     const std::map<std::string, SourcePos>& setting_pos,
                     const SourcePos& account_pos, const AdapterContext& context,
                     Diagnostics& diagnostics) const = 0;
  // How this account's platform measures a message and its limit, for `validate` and `plan`
  // (every rule must pass). Empty: no limit known.
  virtual std::vector<text::LengthRule> length_rules(const AccountConfig& /*account*/) const
  {
    return {};
  }
  // The length rules that one message (a single post, or one part of a thread) must pass on this
  // account: length_rules() unless the limit depends on the message (Telegram: the caption of a
  // photo is shorter than a text message).
  virtual std::vector<text::LengthRule> message_length_rules(const AccountConfig& account,
                                                             const OutPart& /*message*/) const
  {
    return length_rules(account);
  }
  // Why this account cannot publish the media of `message` as written (the platform takes none,
  // too many, a kind it cannot send), or the message at all for a reason other than its length
  // (Threads' five links), one reason each; empty when it can. Asked for every message. `validate`,
  // `plan` and `herald post` report them before anything is queued; publish() refuses the same
  // message.
  virtual std::vector<std::string> media_problems(const AccountConfig& /*account*/,
                                                  const OutPart& /*message*/) const
  {
    return {};
  }
  // Why this account cannot publish a post with these long-form keys (`title:`, `tags:`, ...):
  // each problem names the key it is about ("title" for a title that is missing or too long),
  // so that `validate` points at it, or at the post when the key is not written. Asked once per
  // post and account; publish() refuses the same post. The default: the platform publishes the
  // text alone and reads none of them.
  virtual std::vector<ArticleProblem> article_problems(const AccountConfig& /*account*/,
                                                       const OutArticle& /*article*/) const
  {
    return {};
  }
  // Throws herald::Error when the settings cannot work (check() should have caught it).
  virtual std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                                const AdapterContext& context) const = 0;
  // The account's conversations for `herald engage`; an empty pointer when the platform has none
  // (the default), an error when it cannot be asked. Throws herald::Error like make_adapter().
  virtual Result<std::unique_ptr<ConversationSource>> make_conversations(
    const AccountConfig& account, const AdapterContext& context) const;
  // The account's counts for `herald report`; nullptr when the platform counts nothing herald
  // can read (the default). Throws herald::Error like make_adapter().
  virtual std::unique_ptr<MetricsSource> make_metrics(const AccountConfig& account,
                                                      const AdapterContext& context) const;
  // Checks that need the platform itself, for `herald validate` only: they may start a process
  // (an exec plugin's own rules), so they take a moment, always bounded in time. Reports
  // problems of `messages`, or of the account when the platform cannot be asked; skips what
  // check() reports. The default: nothing to ask.
  virtual void check_messages(const AccountConfig& /*account*/,
                              const std::vector<MessageToCheck>& /*messages*/,
                              const std::map<std::string, SourcePos>& /*setting_pos*/,
                              const SourcePos& /*account_pos*/, const AdapterContext& /*context*/,
                              Diagnostics& /*diagnostics*/) const
  {
  }
};

} // namespace herald::platforms
