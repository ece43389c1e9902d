#pragma once

#include "schedule/clock.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace herald::store {

// The job lifecycle (herald(1), JOB STATES):
//   pending -> claimed -> sending -> posted | retry_wait | failed | unknown
//   pending -> missed | cancelled
enum class JobState
{
  pending,
  claimed,
  sending,
  posted,
  retry_wait,
  failed,
  unknown,
  missed,
  cancelled
};

std::string_view to_string(JobState state);
std::optional<JobState> parse_job_state(std::string_view text);

// One occurrence of one post on one account.
struct Job
{
  std::string calendar; // key of the calendar that owns it
  std::string id;       // "launch/masto", "tip@2026-12-07T10:00+01:00/masto"
  std::string post_id;
  std::string account;
  std::string platform;
  std::string occurrence; // empty for `at:` posts, the local ISO time for `cron:` ones
  TimePoint due{};
  JobState state = JobState::pending;
  std::string revision; // hash of what will be published; changes when content does
  std::string payload;  // JSON: account settings and the rendered parts
  std::chrono::seconds grace{ 3600 };
  int attempts = 0;
  std::string idempotency_key;
  std::string remote_id;
  std::string url;
  std::string error;
  std::optional<TimePoint> next_attempt;
  std::optional<TimePoint> posted_at;
  std::string lease_token;
  std::optional<TimePoint> lease_until;
  TimePoint updated_at{};
  // Who holds the lease, "hostname:pid": the store writes it when a job changes hands (a new
  // lease token) and clears it with the token. Shown by `herald status`.
  std::string lease_holder;
};

// What herald knows of a calendar between runs, so an unchanged calendar is not re-parsed.
// Hosts sharing a state share the calendar's sync (baseline, horizon, synced_hash) but each
// reads its own copy of the files: path, fingerprint, content_hash and files describe the copy
// on this host (Store::find_calendar_by_path), or the one last synced from (find_calendar).
struct CalendarRecord
{
  std::string key;
  std::string path;
  std::string fingerprint;   // stat() of every file: cheap to compare on each tick
  std::string content_hash;  // of every file's bytes: decides whether a changed stat matters
  std::string files;         // JSON array of the calendar's files (main + includes)
  TimePoint baseline{};      // first sync: anything due before it is never fired on its own
  TimePoint horizon_until{}; // recurring posts are expanded up to here
  TimePoint synced_at{};
  std::string synced_hash; // content_hash of the copy the jobs were last synced from, by any host
};

} // namespace herald::store
