#pragma once

#include "release/changelog.hpp"

#include "calendar/loader.hpp"
#include "queue/adapters.hpp"
#include "queue/runner.hpp"
#include "schedule/clock.hpp"
#include "store/job.hpp"
#include "util/diagnostics.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace herald::app {

struct OneOffMedia
{
  std::filesystem::path file;
  std::string alt;
};

struct PostOptions
{
  std::filesystem::path calendar; // for its accounts
  std::filesystem::path state;
  TimePoint now{};
  std::vector<std::string> to;
  std::string text;
  std::vector<OneOffMedia> media;
  // Media must lie inside the current directory, or inside this one when it is set.
  std::filesystem::path media_dir;
  std::optional<TimePoint> at; // later: queue it for `herald run`
  // The post's identity. By default derived from the text, media and accounts, so that a CI job
  // that runs twice with the same release notes publishes them once.
  std::string id;
  // --split / --numbering: cut a text too long for an account into a thread there; nullopt:
  // as the calendar's `defaults: split:` says.
  std::optional<calendar::SplitSettings> split;
  // --title, --link, --tag, --canonical-url, --series, --draft: the post's long-form keys.
  calendar::Article article;
  // --dry-run: check and show what each account would get; send nothing, change no state.
  bool dry_run = false;
  // --release-notes/--version or --release-event: the text is made from these notes, per
  // account (release::default_announcement), instead of `text`.
  std::optional<release::ReleaseNotes> release;
  calendar::LoadOptions load;
  queue::RunnerOptions runner;
};

// Where one requested account stands with the post after the command.
struct AccountResult
{
  store::Job job;                        // as stored now
  std::optional<queue::Outcome> outcome; // what this call did; none: an earlier call settled it
};

// One length rule's count of a message, as the platform counts it.
struct LengthCount
{
  std::string rule; // the platform ("mastodon")
  std::string unit; // graphemes, bytes, utf16 or code_points
  size_t count = 0;
  size_t limit = 0;
};

// What one account would get from a --dry-run: its messages (a thread: several), each with its
// counts against the account's limits.
struct AccountPreview
{
  std::string account;
  std::string platform;
  std::vector<calendar::Content> parts;
  std::vector<std::vector<LengthCount>> lengths; // per part
};

struct PostReport
{
  Diagnostics diagnostics; // with errors, nothing was changed or published
  std::string post_id;
  TimePoint due{};
  bool queued = false;                  // due later: `herald run` will publish it
  std::vector<AccountResult> accounts;  // one per account of --to, in that order
  std::vector<AccountPreview> previews; // --dry-run: one per account of --to, in that order
  // The `release: skip:` rule ("patch", "prerelease") that the release fell under: nothing was
  // built, stored or sent.
  std::optional<std::string> skipped_by;

  // 2 for a usage error or an invalid calendar; 0 when queued, skipped or when every account holds
  // the post as published (by this call or an earlier one); else 1 (failed, retry-wait, unknown,
  // missed, cancelled...), on the first run and on every re-run alike.
  ExitStatus exit_status() const;
};

// `herald post`: one post, built from the command line, published now through the calendar's
// accounts (or queued for --at, which must not be in the past), with the same guarantees as a
// calendar post: a durable job, an idempotency key, retries, and never twice. Publishes only
// this post's jobs; other due one-off posts are left to `herald run`.
PostReport post_one_off(const PostOptions& options, queue::AdapterSource& adapters);

} // namespace herald::app
