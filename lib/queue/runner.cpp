#include "runner.hpp"

#include "fault.hpp"

#include "platforms/post.hpp"
#include "schedule/zone.hpp"
#include "util/duration.hpp"
#include "util/hash.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <random>
#include <set>

namespace herald::queue {

namespace {

using store::Job;
using store::JobState;
using Kind = Outcome::Kind;

std::string
new_lease_token()
{
  std::random_device random;
  return fmt::format("{:08x}{:08x}{:08x}{:08x}", random(), random(), random(), random());
}

platforms::AccountConfig
account_of(const Job& job, const nlohmann::json& payload)
{
  const auto& account = payload.at("account");
  return { account.value("name", job.account), account.value("platform", job.platform),
           account.value("settings", nlohmann::json::object()),
           account.value("base_dir", std::string()) };
}

// Exponential backoff with a deterministic jitter of up to +25% taken from the job id, so that
// retries of many jobs spread out while a test still sees the same schedule every time.
std::chrono::seconds
backoff(const RetryPolicy& policy, const Job& job)
{
  const int exponent = std::min(job.attempts - 1, 20);
  const auto raw = std::min(policy.backoff_cap.count(),
                            policy.backoff_base.count() * (int64_t{ 1 } << std::max(exponent, 0)));
  const auto jitter = static_cast<int64_t>(Hasher().update(job.id).digest() % 26);
  return std::chrono::seconds(std::min(policy.backoff_cap.count(), raw + raw * jitter / 100));
}

class Run
{
public:
  Run(store::Store& store, const std::string& calendar_key, TimePoint baseline, TimePoint now,
      AdapterSource& adapters, const RunnerOptions& options)
    : m_store(store)
    , m_calendar_key(calendar_key)
    , m_baseline(baseline)
    , m_now(now)
    , m_adapters(adapters)
    , m_options(options)
  {
  }

  std::vector<Outcome> go()
  {
    for (const Job& job : m_store.actionable_jobs(m_calendar_key, m_now)) {
      handle(job);
    }
    return std::move(m_outcomes);
  }

private:
  void handle(const Job& job)
  {
    switch (job.state) {
    case JobState::pending:
      if (job.due < m_baseline) {
        missed(job,
               fmt::format("came due at {}, before herald first saw this calendar at {}; "
                           "not published on its own",
                           format_utc(job.due), format_utc(m_baseline)),
               false);
      } else if (m_now - job.due > job.grace) {
        missed(job,
               fmt::format("came due at {}, {} ago, longer than its grace of {}",
                           format_utc(job.due), format_duration(m_now - job.due),
                           format_duration(job.grace)),
               true);
      } else {
        fire(job);
      }
      break;
    case JobState::retry_wait:
    case JobState::claimed: // its runner died before it recorded the intent: nothing was sent
      fire(job);
      break;
    case JobState::sending:
      recover(job);
      break;
    default:
      break;
    }
  }

  // A runner died between recording the intent and recording the result.
  void recover(const Job& job)
  {
    if (m_adapters.capabilities_of(job.platform).idempotent) {
      fire(job); // same idempotency key: the platform answers with the first post
      return;
    }
    if (m_options.dry_run) {
      add(Kind::unknown, job, "a run died while publishing it", true);
      return;
    }
    Job after = job;
    after.state = JobState::unknown;
    after.error = "a run died while publishing it; it may or may not have been posted";
    after.lease_token.clear();
    after.lease_until.reset();
    after.updated_at = m_now;
    if (m_store.update_job_if(after, JobState::sending, job.lease_token)) {
      add(Kind::unknown, after, after.error, true);
    }
  }

  void missed(const Job& job, std::string reason, bool is_failure)
  {
    if (m_options.dry_run) {
      add(Kind::missed, job, std::move(reason), is_failure);
      return;
    }
    Job after = job;
    after.state = JobState::missed;
    after.error = std::move(reason);
    after.updated_at = m_now;
    if (m_store.update_job_if(after, JobState::pending, job.lease_token)) {
      add(Kind::missed, after, after.error, is_failure);
    }
  }

  void fire(const Job& job)
  {
    if (m_failed_accounts.contains(job.account)) {
      add(
        Kind::skipped, job,
        fmt::format("account '{}' failed earlier in this run; left for the next run", job.account),
        false);
      return;
    }
    if (m_options.dry_run) {
      add(Kind::due, job, "", false);
      return;
    }
    // Claim: only one runner gets past this conditional update.
    Job claimed = job;
    claimed.state = JobState::claimed;
    claimed.lease_token = new_lease_token();
    claimed.lease_until = m_now + m_options.lease;
    claimed.updated_at = m_now;
    if (!m_store.update_job_if(claimed, job.state, job.lease_token)) {
      return; // another runner took it
    }
    crash_point("after-claim");
    // Intent: recorded durably, with the key, before anything leaves this process.
    Job sending = claimed;
    sending.state = JobState::sending;
    sending.attempts += 1;
    sending.idempotency_key = idempotency_key(m_calendar_key, job);
    if (!m_store.update_job_if(sending, JobState::claimed, claimed.lease_token)) {
      return;
    }
    crash_point("after-intent");

    const auto payload = nlohmann::json::parse(sending.payload, nullptr, false);
    if (payload.is_discarded() || !payload.contains("account")) {
      settle_failure(sending, { platforms::PublishError::Kind::permanent,
                                "the stored job is damaged (payload is not valid JSON)",
                                {} });
      return;
    }
    const auto adapter = m_adapters.adapter_for(account_of(sending, payload));
    if (!adapter) {
      settle_failure(sending, { platforms::PublishError::Kind::permanent, adapter.error(), {} });
      return;
    }
    platforms::OutPost post{ sending.id,
                             sending.post_id,
                             sending.account,
                             sending.idempotency_key,
                             platforms::parts_from_json(payload.value("parts", nlohmann::json())),
                             sending.due };
    const auto published = (*adapter)->publish(post);
    crash_point("after-send");
    if (!published) {
      settle_failure(sending, published.error());
      return;
    }
    Job posted = sending;
    posted.state = JobState::posted;
    posted.remote_id = published->remote_id;
    posted.url = published->url;
    posted.error.clear();
    posted.posted_at = m_now;
    posted.lease_token.clear();
    posted.lease_until.reset();
    posted.next_attempt.reset();
    posted.updated_at = m_now;
    if (m_store.update_job_if(posted, JobState::sending, sending.lease_token)) {
      add(Kind::posted, posted, "", false);
    }
  }

  void settle_failure(const Job& sending, const platforms::PublishError& error)
  {
    using PK = platforms::PublishError::Kind;
    Job after = sending;
    after.error = fmt::format("{}: {}", platforms::to_string(error.kind), error.message);
    after.lease_token.clear();
    after.lease_until.reset();
    after.updated_at = m_now;

    const bool may_have_landed = error.kind == PK::maybe_sent;
    const bool safe_to_resend =
      !may_have_landed || m_adapters.capabilities_of(sending.platform).idempotent;
    const bool retryable =
      error.kind == PK::not_sent || error.kind == PK::rate_limited || error.kind == PK::maybe_sent;

    Kind kind;
    if (!safe_to_resend) {
      kind = Kind::unknown;
      after.state = JobState::unknown;
    } else if (retryable && sending.attempts < m_options.retry.max_attempts) {
      kind = Kind::retry_wait;
      after.state = JobState::retry_wait;
      after.next_attempt = error.retry_after && *error.retry_after > m_now
                             ? *error.retry_after
                             : m_now + backoff(m_options.retry, sending);
    } else {
      kind = Kind::failed;
      after.state = JobState::failed;
    }
    if (error.kind == PK::not_sent || error.kind == PK::auth) {
      m_failed_accounts.insert(sending.account);
    }
    if (m_store.update_job_if(after, JobState::sending, sending.lease_token)) {
      std::string message = after.error;
      if (kind == Kind::retry_wait) {
        message += fmt::format(" (attempt {} of {}; next at {})", after.attempts,
                               m_options.retry.max_attempts, format_utc(*after.next_attempt));
      }
      add(kind, after, message, true);
    }
  }

  void add(Kind kind, const Job& job, std::string message, bool is_failure)
  {
    m_outcomes.push_back({ kind, job, std::move(message), is_failure });
  }

  store::Store& m_store;
  const std::string& m_calendar_key;
  TimePoint m_baseline;
  TimePoint m_now;
  AdapterSource& m_adapters;
  const RunnerOptions& m_options;
  std::set<std::string> m_failed_accounts;
  std::vector<Outcome> m_outcomes;
};

} // namespace

std::string_view
to_string(Outcome::Kind kind)
{
  switch (kind) {
  case Kind::posted:
    return "posted";
  case Kind::retry_wait:
    return "retry-wait";
  case Kind::failed:
    return "failed";
  case Kind::unknown:
    return "unknown";
  case Kind::missed:
    return "missed";
  case Kind::skipped:
    return "skipped";
  case Kind::due:
    return "due";
  }
  return "?";
}

std::string
idempotency_key(const std::string& calendar_key, const Job& job)
{
  return fmt::format("herald-{}-{}", Hasher().field(calendar_key).field(job.id).hex(),
                     job.revision);
}

std::vector<Outcome>
run_due_jobs(store::Store& store, const std::string& calendar_key, TimePoint baseline,
             TimePoint now, AdapterSource& adapters, const RunnerOptions& options)
{
  return Run(store, calendar_key, baseline, now, adapters, options).go();
}

} // namespace herald::queue
