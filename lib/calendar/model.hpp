#pragma once

#include "release/release_template.hpp"
#include "text/utm.hpp"

#include "schedule/clock.hpp"
#include "schedule/cron.hpp"
#include "schedule/zone.hpp"
#include "util/diagnostics.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace herald::calendar {

struct Media
{
  std::string file;           // as written in the calendar
  std::filesystem::path path; // resolved against the directory of the file that names it
  std::string alt;
  SourcePos pos;
};

// One publishable message: a whole post, or one part of a thread.
struct Content
{
  std::string text;
  std::vector<Media> media;
  SourcePos pos;
};

// A per-account override; unset fields fall back to the post's own.
struct Variant
{
  std::optional<std::string> text;
  std::optional<std::vector<Media>> media;
  std::optional<std::vector<Content>> thread;
  std::optional<std::string> title; // the account's own `title:` (dev.to's is shorter, say)
  SourcePos title_pos;
  SourcePos pos;
};

struct Schedule
{
  enum class Kind
  {
    at,
    cron,
    queue // `queue: true`: the next free posting slot of each account (see Calendar::slots)
  };
  Kind kind = Kind::at;
  TimePoint at{};                 // Kind::at
  std::optional<CronExpr> cron;   // Kind::cron
  std::optional<TimePoint> start; // cron: first instant considered (inclusive)
  std::optional<TimePoint> until; // cron: last instant allowed (inclusive)
  std::optional<int> count;       // cron: at most this many occurrences from `start`
  SourcePos pos;                  // of the `at:` / `cron:` / `queue:` value
};

// `utm:` in `defaults:` or on a post: templates for the UTM parameters added to every link.
// Placeholders: {platform}, {account}, {post}, {campaign} (the post's `campaign:`, else its id).
struct UtmSettings
{
  std::string source = "{platform}";
  std::string medium = "social";
  std::string campaign = "{campaign}";
  std::string content = "{post}";
  std::vector<std::string> exclude; // domains, lower case
};

// `split:` in `defaults:` or on a post: a text too long for an account becomes a thread there.
struct SplitSettings
{
  std::string numbering; // e.g. "{i}/{n}", appended to each part; empty: none
};

// The keys of a post that long-form platforms read (dev.to's articles, Lemmy's posts); the
// other platforms publish the text alone. Each platform says which it needs
// (Platform::article_problems), so `validate` reports a missing title where the post is written.
struct Article
{
  std::string title;
  std::string link; // Lemmy: the post's URL
  std::vector<std::string> tags;
  std::string canonical_url;            // dev.to: where the article was first published
  std::string series;                   // dev.to
  bool published = true;                // false: a draft, where the platform keeps drafts
  std::map<std::string, SourcePos> pos; // where each key set was written

  bool empty() const;
};

struct Post
{
  std::string id;
  SourcePos pos;               // of the post's mapping
  std::vector<std::string> to; // account names, defaults applied
  Schedule schedule;
  // A plain post has one part; a thread has one per `thread:` entry.
  std::vector<Content> parts;
  bool is_thread = false;
  std::map<std::string, Variant> variants;
  bool enabled = true;
  bool link_card = true; // `link_card: false`: no card for its link where a platform adds one
  std::optional<std::chrono::seconds> grace;
  std::string campaign; // `campaign:`, else empty (the post id stands in)
  // The UTM tags of each account's links, templates expanded; no entry: links stay as written.
  std::map<std::string, text::UtmTags> utm;
  // `split:` (else `defaults: split:`): cut into a thread where too long; nullopt: never.
  std::optional<SplitSettings> split;
  Article article{};
};

// `retry:` of an account; unset fields keep herald's defaults (herald-calendar(5)).
struct RetrySettings
{
  std::optional<int> attempts;
  std::optional<std::chrono::seconds> backoff;     // the first wait
  std::optional<std::chrono::seconds> max_backoff; // no wait is longer
  std::optional<int> jitter_percent;               // a wait is up to this much longer
  SourcePos pos;
};

struct Account
{
  std::string name;
  std::string platform;
  // Every key of the account except `platform`, as JSON (scalars as strings, lists as arrays).
  // Relative paths are left as written; `base_dir` says what they are relative to.
  nlohmann::json settings = nlohmann::json::object();
  std::filesystem::path base_dir;
  SourcePos pos;
  std::map<std::string, SourcePos> setting_pos; // where each setting's value was written
  std::optional<RetrySettings> retry;           // herald's own, not the platform's
};

// One entry of `slots:`: the local weekdays and times at which queued posts go out.
struct SlotRule
{
  std::vector<std::string> to; // the accounts it applies to; empty: every account
  // One expression per time of day ("30 9 * * MON,WED,FRI"), so slots follow cron's DST rules.
  std::vector<CronExpr> times;
  SourcePos pos;

  bool applies_to(const std::string& account) const;
};

// `engage:`: how `herald engage` reads the accounts' conversations.
struct EngageSettings
{
  std::vector<std::string> ignore;                // authors left out, as written
  std::chrono::seconds lookback{ 7 * 24 * 3600 }; // how far back the first fetch goes
  bool ignore_bots = true;                        // `bots: true` lists them too
};

// `release:`: how `herald post --release-notes`/`--release-event` announces a release.
struct ReleaseSettings
{
  std::string text; // the template for every account; empty: herald's default per platform
  std::map<std::string, std::string> variants; // an account's own template
  std::vector<release::SkipRule> skip;         // releases not announced
  size_t summary_items = 3;                    // the items {summary} takes without a paragraph
};

struct Calendar
{
  std::filesystem::path file;               // the main file, absolute
  std::vector<std::filesystem::path> files; // main file plus every include, absolute
  std::string name;                         // `name:` or empty
  Zone zone = Zone::utc();
  std::map<std::string, Account> accounts;
  std::vector<std::string> default_to;
  std::chrono::seconds grace{ 3600 };
  std::vector<SlotRule> slots;
  std::optional<UtmSettings> utm;     // `defaults: utm:`; nullopt: links are not tagged
  std::optional<SplitSettings> split; // `defaults: split:`; nullopt: posts are not cut
  std::vector<Post> posts;
  EngageSettings engage;
  ReleaseSettings release;

  const Post* find_post(std::string_view id) const;
  bool has_slots_for(const std::string& account) const;
};

// Sets post.utm, the UTM tags of each account's links, from `settings` (templates expanded), for
// the accounts of post.to that `calendar` defines. Needs post.id, post.to and post.campaign to be
// final. The loader calls it for calendar posts; `herald post` for its one-off post.
void apply_utm(const Calendar& calendar, const UtmSettings& settings, Post& post);

// What one account publishes for a post: the post's parts with that account's variant applied
// and, when the post has UTM tags for the account, its links tagged.
std::vector<Content> render_for(const Post& post, const std::string& account);

// The post's long-form keys as one account gets them: the post's, with the title of that
// account's variant when it has one.
Article article_for(const Post& post, const std::string& account);

} // namespace herald::calendar
