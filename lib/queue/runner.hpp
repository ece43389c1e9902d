#pragma once

#include "adapters.hpp"

#include "schedule/clock.hpp"
#include "store/store.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace herald::queue {

// How a job that fails in a retryable way is tried again: after backoff_base, doubling up to
// backoff_cap, each wait up to jitter_percent longer (taken from the job id, so that the retries
// of many jobs spread out while a test still sees the same schedule every time).
struct RetryPolicy
{
  int max_attempts = 5;
  std::chrono::seconds backoff_base{ 60 };
  std::chrono::seconds backoff_cap{ 3600 };
  int jitter_percent = 25;
};

// `retry` with an account's `retry:` settings (as the job payload carries them) applied.
RetryPolicy retry_policy_for(const RetryPolicy& defaults, const nlohmann::json& account_retry);

struct RunnerOptions
{
  // How long a claim protects a job from other runners; a runner that dies releases its jobs
  // when it runs out.
  std::chrono::seconds lease{ 600 };
  RetryPolicy retry; // unless the account says otherwise
  // --max-attempts: for every account, whatever its `retry.attempts` says.
  std::optional<int> max_attempts;
  // --catch-up: jobs due since then are published however late they are, missed ones too (and
  // those due before herald first saw the calendar), in due order.
  std::optional<TimePoint> catch_up_since;
  // Report what is due without claiming, publishing or changing anything.
  bool dry_run = false;
  // Publishes at once: in all, and to one account (politeness towards each platform's rate
  // limits; the jobs of one account then also go out in due order).
  size_t max_parallel = 8;
  size_t per_account = 1;
  // The directory of the calendar's main file on this host: what the relative paths in a job
  // (media, an account's base_dir) are resolved against when it is sent. A job may have been
  // synced by another host whose checkout sits elsewhere.
  std::filesystem::path calendar_dir;
  // Only the jobs of this post (`herald post` publishes the post it was asked for and leaves the
  // rest of the queue to `herald run`); empty: every due job.
  std::string only_post;
  // Called once before the first claim of a run that has jobs to publish: work that can
  // overlap the claims' commits (loading the HTTP library).
  std::function<void()> before_claims;
  // Runs inside the run's first write transaction, before the due jobs are read (`herald
  // post`: the sync of its one-off post), so that it commits together with the first claims
  // and their intents: one durable commit before the request leaves instead of two.
  std::function<void()> prepare;
};

// What happened to one job in this run.
struct Outcome
{
  enum class Kind
  {
    posted,
    retry_wait, // an attempt failed; it will be retried
    failed,     // given up: a permanent error or the last attempt
    unknown,    // may or may not have been published; needs a person
    missed,     // came due too long ago (or before herald knew the calendar)
    skipped,    // left for a later run (its account failed earlier in this run)
    due,        // --dry-run: would be published now
    // A one-off job this state had never tried was found on the platform (an earlier runner
    // published it; ledger.hpp): recorded as posted with that copy, nothing was sent.
    already_posted,
  };
  Kind kind = Kind::posted;
  store::Job job; // as stored after the outcome
  std::string message;
  // Whether this outcome makes `run` exit 1. A job missed because it came due before herald
  // first saw the calendar is reported but is not a failure of this run.
  bool is_failure = false;
  // A one-off job this state had never tried: how the platform was asked whether it was there
  // already (Adapter::ledger()), or "none" when the account cannot be asked, so that a re-run
  // on a fresh state may post it again. Empty for every other job.
  std::string ledger{};
};

std::string_view to_string(Outcome::Kind kind);

// Publishes every job of `calendar_key` that is due at `now`, applying the lifecycle rules of
// herald(1): claim with a lease, record the intent (`sending`) durably, publish, record the
// result. Jobs due before `baseline` or later than their grace become missed. Publishes run
// concurrently (RunnerOptions::max_parallel, per_account); the store is used from the calling
// thread only, and state changes are committed in batches. Outcomes come in the order of the
// jobs, whatever order they completed in.
std::vector<Outcome> run_due_jobs(store::Store& store, const std::string& calendar_key,
                                  TimePoint baseline, TimePoint now, AdapterSource& adapters,
                                  const RunnerOptions& options);

// The same for jobs the caller already read with Store::actionable_jobs (one statement for a
// calendar and its one-off posts), all of `calendar_key`.
std::vector<Outcome> run_found_jobs(store::Store& store, const std::string& calendar_key,
                                    TimePoint baseline, TimePoint now, std::vector<store::Job> jobs,
                                    AdapterSource& adapters, const RunnerOptions& options);

// Stable per job and content revision, identical on every retry from any host.
std::string idempotency_key(const std::string& calendar_key, const store::Job& job);

} // namespace herald::queue
