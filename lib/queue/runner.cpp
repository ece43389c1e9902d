#include "runner.hpp"

#include "fault.hpp"
#include "ledger.hpp"
#include "publish_pool.hpp"

#include "platforms/post.hpp"
#include "schedule/zone.hpp"
#include "util/duration.hpp"
#include "util/hash.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <random>

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

// A path stored in a job, on this host: relative ones (what sync writes) against the calendar's
// directory here; absolute ones (jobs stored by an earlier herald) as they are.
std::filesystem::path
on_this_host(const std::filesystem::path& stored, const std::filesystem::path& calendar_dir)
{
  return stored.is_absolute() ? stored : (calendar_dir / stored).lexically_normal();
}

platforms::AccountConfig
account_of(const Job& job, const nlohmann::json& payload, const std::filesystem::path& calendar_dir)
{
  const auto& account = payload.at("account");
  return { account.value("name", job.account), account.value("platform", job.platform),
           account.value("settings", nlohmann::json::object()),
           on_this_host(account.value("base_dir", std::string()), calendar_dir) };
}

platforms::OutPost
out_post_of(const Job& job, const nlohmann::json& payload,
            const std::filesystem::path& calendar_dir)
{
  auto parts = platforms::parts_from_json(payload.value("parts", nlohmann::json()));
  for (auto& part : parts) {
    for (auto& media : part.media) {
      media.file = on_this_host(media.file, calendar_dir);
    }
  }
  platforms::OutPost post{ job.id,
                           job.post_id,
                           job.account,
                           job.idempotency_key,
                           std::move(parts),
                           job.due,
                           is_one_off_key(job.calendar) };
  post.link_card = payload.value("link_card", true);
  post.article = platforms::article_from_json(platforms::json_member(payload, "article"));
  return post;
}

std::chrono::seconds
backoff(const RetryPolicy& policy, const Job& job)
{
  const int exponent = std::min(job.attempts - 1, 20);
  const auto raw = std::min(policy.backoff_cap.count(),
                            policy.backoff_base.count() * (int64_t{ 1 } << std::max(exponent, 0)));
  const auto jitter =
    static_cast<int64_t>(Hasher().update(job.id).digest() % (policy.jitter_percent + 1));
  return std::chrono::seconds(std::min(policy.backoff_cap.count(), raw + raw * jitter / 100));
}

// How many jobs of one account are claimed ahead of its publishes. Claiming in batches keeps
// the number of durable commits (each an fsync) well below one per job; keeping the batch small
// keeps the last job of a batch well inside its lease even on a slow platform.
constexpr size_t k_claim_batch = 16;
// How many candidates a claim offers per job it wants: enough that runners claiming from one
// backlog at once each find unclaimed jobs in one statement.
constexpr size_t k_claim_candidates = 8;

// A write transaction around `body`, rolled back when it throws.
template<typename Body>
void
in_transaction(store::Store& store, Body&& body)
{
  store.begin_write();
  try {
    body();
    store.commit();
  } catch (...) {
    store.rollback();
    throw;
  }
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

  // `jobs`: the calendar's actionable jobs at `now`, as Store::actionable_jobs found them.
  std::vector<Outcome> go(std::vector<Job> jobs)
  {
    select(std::move(jobs));
    if (!m_waiting.empty()) {
      if (m_options.before_claims) {
        m_options.before_claims();
      }
      fire_all();
    }
    return outcomes();
  }

  // The same after RunnerOptions::prepare, in one write transaction with the jobs' reading and
  // the first claims and intents.
  std::vector<Outcome> prepare_and_go()
  {
    m_store.begin_write();
    m_held = true;
    try {
      m_options.prepare();
      auto jobs = m_store.actionable_jobs(m_calendar_key, m_now);
      // Recovering a job asks the platform: not while holding the write lock.
      if (std::any_of(jobs.begin(), jobs.end(),
                      [](const Job& job) { return job.state == JobState::sending; })) {
        commit_held();
      }
      select(std::move(jobs));
      if (!m_waiting.empty() && m_options.before_claims) {
        m_options.before_claims();
      }
      if (m_waiting.empty()) {
        commit_held();
      }
    } catch (...) {
      rollback_held();
      throw;
    }
    if (!m_waiting.empty()) {
      try {
        fire_all(); // its first claims join the held transaction and commit it
      } catch (...) {
        rollback_held();
        throw;
      }
    }
    return outcomes();
  }

private:
  // A job on its way out: as it was found, and as it is while being sent.
  struct InFlight
  {
    size_t index = 0;
    Job found;
    Job sending;
  };

  // Sorts the found jobs into those to publish now (m_waiting) and those settled at once.
  void select(std::vector<Job> jobs)
  {
    if (!m_options.only_post.empty()) {
      std::erase_if(jobs, [&](const Job& job) { return job.post_id != m_options.only_post; });
    }
    if (m_options.catch_up_since) {
      add_missed_since(*m_options.catch_up_since, jobs);
    }
    for (size_t i = 0; i < jobs.size(); ++i) {
      handle(i, jobs[i]);
    }
  }

  std::vector<Outcome> outcomes()
  {
    std::stable_sort(m_outcomes.begin(), m_outcomes.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Outcome> outcomes;
    outcomes.reserve(m_outcomes.size());
    for (auto& [index, outcome] : m_outcomes) {
      if (const auto ledger = m_ledgers.find(index); ledger != m_ledgers.end()) {
        outcome.ledger = ledger->second;
      }
      outcomes.push_back(std::move(outcome));
    }
    return outcomes;
  }

  // The transaction prepare_and_go() holds open, if it still does.
  void commit_held()
  {
    if (m_held) {
      m_held = false;
      m_store.commit();
    }
  }

  void rollback_held()
  {
    if (m_held) {
      m_held = false;
      m_store.rollback();
    }
  }

  // A write transaction around `body`; inside the held one, `body` joins it.
  template<typename Body>
  void transaction(Body&& body)
  {
    if (m_held) {
      body();
      return;
    }
    in_transaction(m_store, std::forward<Body>(body));
  }

  // Missed jobs due in [since, now], merged into `jobs` in due order.
  void add_missed_since(TimePoint since, std::vector<Job>& jobs)
  {
    store::JobFilter filter;
    filter.calendar = m_calendar_key;
    filter.states = { JobState::missed };
    filter.due_before = m_now;
    for (auto& job : m_store.list_jobs(filter)) {
      if (job.due >= since) {
        jobs.push_back(std::move(job));
      }
    }
    std::stable_sort(jobs.begin(), jobs.end(),
                     [](const Job& a, const Job& b) { return a.due < b.due; });
  }

  platforms::Capabilities capabilities_of(const Job& job)
  {
    const auto payload = nlohmann::json::parse(job.payload, nullptr, false);
    if (payload.is_discarded() || !payload.contains("account")) {
      return {}; // damaged: nothing is safe to resend
    }
    return m_adapters.capabilities_of(account_of(job, payload, m_options.calendar_dir));
  }

  RetryPolicy policy_of(const Job& job)
  {
    const auto payload = nlohmann::json::parse(job.payload, nullptr, false);
    RetryPolicy policy = m_options.retry;
    if (!payload.is_discarded() && payload.contains("account")) {
      policy = retry_policy_for(policy, payload["account"].value("retry", nlohmann::json()));
    }
    if (m_options.max_attempts) {
      policy.max_attempts = *m_options.max_attempts;
    }
    return policy;
  }

  // --catch-up: what came due since then goes out however late it is.
  bool catching_up(const Job& job) const
  {
    return m_options.catch_up_since && job.due >= *m_options.catch_up_since && job.due <= m_now;
  }

  void handle(size_t index, const Job& job)
  {
    switch (job.state) {
    case JobState::missed:
      if (catching_up(job)) {
        fire(index, job);
      }
      break;
    case JobState::pending:
      if (catching_up(job)) {
        fire(index, job);
      } else if (job.due < m_baseline) {
        missed(index, job,
               fmt::format("came due at {}, before herald first saw this calendar at {}; "
                           "not published on its own (herald retry {} publishes it anyway)",
                           format_utc(job.due), format_utc(m_baseline), job.id),
               false);
      } else if (m_now - job.due > job.grace) {
        missed(index, job,
               fmt::format("came due at {}, {} ago, longer than its grace of {} (herald retry {} "
                           "publishes it anyway, herald run --catch-up {} all missed since)",
                           format_utc(job.due), format_duration(m_now - job.due),
                           format_duration(job.grace), job.id, format_utc(job.due)),
               true);
      } else {
        fire(index, job);
      }
      break;
    case JobState::retry_wait:
    case JobState::claimed: // its runner died before it recorded the intent: nothing was sent
      fire(index, job);
      break;
    case JobState::sending:
      recover(index, job);
      break;
    default:
      break;
    }
  }

  // A runner died between recording the intent and recording the result.
  void recover(size_t index, const Job& job)
  {
    const auto capabilities = capabilities_of(job);
    // The intent was recorded at updated_at; past the platform's memory of the key, a resend
    // could publish a second copy.
    const bool key_remembered = capabilities.idempotency_window.count() == 0 ||
                                m_now - job.updated_at <= capabilities.idempotency_window;
    if (capabilities.idempotent && key_remembered) {
      fire(index, job); // same idempotency key: the platform answers with the first post
      return;
    }
    if (m_options.dry_run) {
      add(index, Kind::unknown, job, "a run died while publishing it", true);
      return;
    }
    Job after = job;
    after.lease_token.clear();
    after.lease_until.reset();
    after.updated_at = m_now;
    const auto found = find_published(job);
    if (found && *found) {
      after.state = JobState::posted;
      after.remote_id = (*found)->remote_id;
      after.url = (*found)->url;
      after.error.clear();
      after.posted_at = m_now;
      after.next_attempt.reset();
      if (m_store.update_job_if(after, JobState::sending, job.lease_token)) {
        add(index, Kind::posted, after, "", false);
      }
      return;
    }
    after.state = JobState::unknown;
    after.error = capabilities.idempotent
                    ? fmt::format("a run died while publishing it, {} ago, longer than {} "
                                  "remembers the request; it may or may not have been posted",
                                  format_duration(m_now - job.updated_at), job.platform)
                    : "a run died while publishing it; it may or may not have been posted";
    if (found) {
      after.error += " (it is not among the account's posts since then)";
    }
    if (m_store.update_job_if(after, JobState::sending, job.lease_token)) {
      add(index, Kind::unknown, after, after.error, true);
    }
  }

  // Asks the platform whether the post of a job left `sending` went out (see
  // Adapter::find_published); an error when it cannot tell.
  Result<std::optional<platforms::Published>, platforms::PublishError> find_published(
    const Job& job)
  {
    using platforms::PublishError;
    const auto payload = nlohmann::json::parse(job.payload, nullptr, false);
    if (payload.is_discarded() || !payload.contains("account")) {
      return unexpected(PublishError{ PublishError::Kind::permanent, "damaged payload", {} });
    }
    auto adapter = m_adapters.adapter_for(account_of(job, payload, m_options.calendar_dir), 0);
    if (!adapter) {
      return unexpected(PublishError{ PublishError::Kind::permanent, adapter.error(), {} });
    }
    // The intent was recorded just before the request left; allow for the platform's clock.
    return (*adapter)->find_published(out_post_of(job, payload, m_options.calendar_dir),
                                      job.updated_at - std::chrono::minutes(1));
  }

  void missed(size_t index, const Job& job, std::string reason, bool is_failure)
  {
    if (m_options.dry_run) {
      add(index, Kind::missed, job, std::move(reason), is_failure);
      return;
    }
    Job after = job;
    after.state = JobState::missed;
    after.error = std::move(reason);
    after.updated_at = m_now;
    if (m_store.update_job_if(after, JobState::pending, job.lease_token)) {
      add(index, Kind::missed, after, after.error, is_failure);
    }
  }

  void fire(size_t index, const Job& job)
  {
    if (m_options.dry_run) {
      add(index, Kind::due, job, "", false);
      return;
    }
    m_waiting[job.account].push_back({ index, job, {} });
  }

  // Claims, publishes and settles every job in m_waiting: claims go in batches per account
  // ahead of the publishes, results are committed as they come, several at a time.
  void fire_all()
  {
    PublishPool pool(m_options.max_parallel, m_options.per_account);
    for (;;) {
      claim_more(pool);
      if (pool.outstanding() == 0) {
        if (std::all_of(m_waiting.begin(), m_waiting.end(),
                        [](const auto& entry) { return entry.second.empty(); })) {
          return;
        }
        continue; // every claim of the batch was lost to another runner; claim the next ones
      }
      auto done = pool.wait();
      crash_point("after-send");
      in_transaction(m_store, [&] {
        m_batching = true;
        for (auto& result : done) {
          settle_done(pool, m_in_flight.at(result.id), result);
          m_in_flight.erase(result.id);
        }
        write_batch();
      });
    }
  }

  // Tops up each account's queue of claimed jobs when it runs low: claim, record the intent
  // with its idempotency key, commit (one durable commit for both), and only then hand the
  // jobs to the workers.
  void claim_more(PublishPool& pool)
  {
    const auto runs_low = [&](const auto& entry) {
      return !entry.second.empty() && pool.queued(entry.first) <= k_claim_batch / 2;
    };
    if (std::none_of(m_waiting.begin(), m_waiting.end(), runs_low)) {
      commit_held();
      return;
    }
    const store::Lease lease{ new_lease_token(), m_now + m_options.lease, m_now };
    std::vector<InFlight> sending;
    transaction([&] {
      std::vector<InFlight> claimed;
      for (auto& entry : m_waiting) {
        if (runs_low(entry)) {
          claim_from(entry.second, k_claim_batch - pool.queued(entry.first), lease, claimed);
        }
      }
      std::vector<store::JobChange> intents;
      for (const auto& job : claimed) {
        Job intent = job.sending;
        intent.state = JobState::sending;
        intent.attempts += 1;
        intent.idempotency_key = idempotency_key(m_calendar_key, job.found);
        intents.push_back({ std::move(intent), JobState::claimed, job.sending.lease_token });
      }
      // Dying here (before the commit) leaves the jobs as they were found: nothing was sent.
      crash_point("before-intent-commit");
      const auto written = m_store.update_jobs_if(intents);
      for (size_t i = 0; i < claimed.size(); ++i) {
        if (written[i]) {
          claimed[i].sending = std::move(intents[i].job);
          sending.push_back(std::move(claimed[i]));
        }
      }
    });
    commit_held();
    crash_point("after-intent");

    for (auto& job : sending) {
      submit(pool, std::move(job));
    }
  }

  // Claims up to `wanted` jobs from the front of one account's queue, appending them to
  // `claimed`. The store is offered more candidates than wanted: those another runner holds or
  // has taken are skipped, so runners working one backlog spread over it. What was skipped
  // before the last job claimed (or everything offered, when fewer came back) is another
  // runner's now, and leaves the queue.
  void claim_from(std::deque<InFlight>& waiting, size_t wanted, const store::Lease& lease,
                  std::vector<InFlight>& claimed)
  {
    const size_t offered = std::min(waiting.size(), wanted * k_claim_candidates);
    std::vector<Job> candidates;
    candidates.reserve(offered);
    for (size_t i = 0; i < offered; ++i) {
      candidates.push_back(waiting[i].found);
    }
    const auto taken = m_store.claim_jobs(candidates, lease, wanted);
    for (const size_t i : taken) {
      InFlight& job = waiting[i];
      job.sending = store::claimed_under(job.found, lease);
      claimed.push_back(std::move(job));
    }
    const size_t done = taken.size() < wanted ? offered : taken.back() + 1;
    waiting.erase(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(done));
  }

  // A one-off job that this state has never tried (no attempt recorded: a fresh state, or one
  // whose every look-up failed) may have gone out from another runner: ask the platform first.
  bool asks_platform_first(const Job& found) const
  {
    return is_one_off_key(m_calendar_key) && found.attempts == 0;
  }

  // Hands a claimed job to the workers, or settles it at once when it cannot be published.
  void submit(PublishPool& pool, InFlight job)
  {
    const Job& sending = job.sending;
    const auto payload = nlohmann::json::parse(sending.payload, nullptr, false);
    if (payload.is_discarded() || !payload.contains("account")) {
      settle(
        pool, job,
        unexpected(platforms::PublishError{ platforms::PublishError::Kind::permanent,
                                            "the stored job is damaged (payload is not valid JSON)",
                                            {} }));
      return;
    }
    if (!pool.has_account(sending.account)) {
      const auto account = account_of(sending, payload, m_options.calendar_dir);
      std::vector<platforms::Adapter*> slots;
      for (size_t slot = 0; slot < std::max<size_t>(m_options.per_account, 1); ++slot) {
        auto adapter = m_adapters.adapter_for(account, slot);
        if (!adapter) {
          settle_now(pool, job, adapter.error());
          return;
        }
        slots.push_back(*adapter);
      }
      pool.add_account(sending.account, std::move(slots));
    }
    PublishPool::Task task{
      m_next_task++, sending.account, out_post_of(sending, payload, m_options.calendar_dir), {}
    };
    if (asks_platform_first(job.found)) {
      task.look_since = sending.due - k_ledger_look_back;
    }
    m_in_flight.emplace(task.id, std::move(job));
    pool.submit(std::move(task));
  }

  // A job that cannot be handed to an adapter fails for good, in its own transaction.
  void settle_now(PublishPool& pool, const InFlight& job, const std::string& why)
  {
    transaction([&] {
      settle_failure(pool, job, { platforms::PublishError::Kind::permanent, why, {} });
    });
  }

  // A publish (with the look-up first, when asked for) that came back from the workers.
  void settle_done(PublishPool& pool, const InFlight& job, const PublishPool::Done& done)
  {
    std::string ledger;
    if (asks_platform_first(job.found)) {
      ledger = done.ledger.empty() ? "none" : done.ledger;
    }
    if (!ledger.empty()) {
      m_ledgers[job.index] = ledger;
    }
    if (done.look_failed) {
      settle_look_failure(pool, job, done.result.error());
    } else if (done.found_earlier) {
      settle(pool, job, done.result, Kind::already_posted);
    } else {
      settle(pool, job, done.result);
    }
  }

  // The platform could not be asked whether the job went out from another runner: it is not
  // sent blind. Nothing was sent, so the attempt is not counted, and the next try asks again.
  void settle_look_failure(PublishPool& pool, const InFlight& job,
                           const platforms::PublishError& error)
  {
    using PK = platforms::PublishError::Kind;
    const Job& sending = job.sending;
    Job after = sending;
    after.attempts = job.found.attempts;
    after.error = fmt::format("{}: {} (while looking on the platform for a copy published by an "
                              "earlier run; nothing was sent)",
                              platforms::to_string(error.kind), error.message);
    after.lease_token.clear();
    after.lease_until.reset();
    after.updated_at = m_now;
    const bool retryable = error.kind == PK::not_sent || error.kind == PK::rate_limited;
    Kind kind = Kind::failed;
    after.state = JobState::failed;
    if (retryable) {
      kind = Kind::retry_wait;
      after.state = JobState::retry_wait;
      after.next_attempt = error.retry_after && *error.retry_after > m_now
                             ? *error.retry_after
                             : m_now + backoff(policy_of(sending), sending);
    }
    std::string message = after.error;
    if (kind == Kind::retry_wait) {
      message += fmt::format(" (next at {})", format_utc(*after.next_attempt));
    }
    write_job(after, sending.lease_token, [this, index = job.index, kind, after, message] {
      add(index, kind, after, message, true);
    });
    if (halts_account(error.kind)) {
      give_up_on_account(pool, sending.account, error);
    }
  }

  void settle(PublishPool& pool, const InFlight& job,
              const Result<platforms::Published, platforms::PublishError>& result,
              Kind kind = Kind::posted)
  {
    if (!result) {
      settle_failure(pool, job, result.error());
      return;
    }
    Job posted = job.sending;
    posted.state = JobState::posted;
    posted.remote_id = result->remote_id;
    posted.url = result->url;
    posted.error.clear();
    posted.posted_at = m_now;
    posted.lease_token.clear();
    posted.lease_until.reset();
    posted.next_attempt.reset();
    posted.updated_at = m_now;
    write_job(posted, job.sending.lease_token,
              [this, index = job.index, kind, posted] { add(index, kind, posted, "", false); });
  }

  void settle_failure(PublishPool& pool, const InFlight& job, const platforms::PublishError& error)
  {
    using PK = platforms::PublishError::Kind;
    const Job& sending = job.sending;
    Job after = sending;
    after.error = fmt::format("{}: {}", platforms::to_string(error.kind), error.message);
    after.lease_token.clear();
    after.lease_until.reset();
    after.updated_at = m_now;

    const bool may_have_landed = error.kind == PK::maybe_sent;
    const bool safe_to_resend = !may_have_landed || capabilities_of(sending).idempotent;
    const bool retryable =
      error.kind == PK::not_sent || error.kind == PK::rate_limited || error.kind == PK::maybe_sent;

    Kind kind;
    if (!safe_to_resend) {
      kind = Kind::unknown;
      after.state = JobState::unknown;
    } else if (const RetryPolicy policy = policy_of(sending);
               retryable && sending.attempts < policy.max_attempts) {
      kind = Kind::retry_wait;
      after.state = JobState::retry_wait;
      after.next_attempt = error.retry_after && *error.retry_after > m_now
                             ? *error.retry_after
                             : m_now + backoff(policy, sending);
    } else {
      kind = Kind::failed;
      after.state = JobState::failed;
    }
    std::string message = after.error;
    if (kind == Kind::retry_wait) {
      message += fmt::format(" (attempt {} of {}; next at {})", after.attempts,
                             policy_of(sending).max_attempts, format_utc(*after.next_attempt));
    }
    write_job(after, sending.lease_token, [this, index = job.index, kind, after, message] {
      add(index, kind, after, message, true);
    });
    if (halts_account(error.kind)) {
      give_up_on_account(pool, sending.account, error);
    }
  }

  // See halts_account(): the account's other jobs are left for the next run (ccache's
  // mark_backend_as_failed).
  void give_up_on_account(PublishPool& pool, const std::string& account,
                          const platforms::PublishError& error)
  {
    const std::string reason =
      error.kind == platforms::PublishError::Kind::rate_limited
        ? fmt::format("account '{}' is rate-limited{}; left for the next run", account,
                      error.retry_after ? " until " + format_utc(*error.retry_after) : "")
        : fmt::format("account '{}' failed earlier in this run; left for the next run", account);
    for (auto& task : pool.withdraw(account)) {
      // Claimed and marked sending, but never sent: put it back as it was found.
      const InFlight job = std::move(m_in_flight.at(task.id));
      m_in_flight.erase(task.id);
      Job back = job.found;
      back.updated_at = m_now;
      write_job(back, job.sending.lease_token,
                [this, index = job.index, found = job.found, reason] {
                  add(index, Kind::skipped, found, reason, false);
                });
    }
    for (auto& job : m_waiting[account]) {
      add(job.index, Kind::skipped, job.found, reason, false);
    }
    m_waiting[account].clear();
  }

  // Writes a settled job (held by this run: `sending` with `token`), then runs `then` if it was
  // written, i.e. the lease was still this run's. Inside a batch of settles the write waits
  // for write_batch(), so that the batch is one round trip on PostgreSQL.
  void write_job(const Job& after, const std::string& token, std::function<void()> then)
  {
    m_batch.push_back({ after, JobState::sending, token });
    m_then.push_back(std::move(then));
    if (!m_batching) {
      write_batch();
    }
  }

  void write_batch()
  {
    m_batching = false;
    auto batch = std::move(m_batch);
    auto then = std::move(m_then);
    m_batch.clear();
    m_then.clear();
    const auto written = m_store.update_jobs_if(batch);
    for (size_t i = 0; i < written.size(); ++i) {
      if (written[i]) {
        then[i]();
      }
    }
  }

  void add(size_t index, Kind kind, const Job& job, std::string message, bool is_failure)
  {
    m_outcomes.push_back({ index, { kind, job, std::move(message), is_failure, {} } });
  }

  store::Store& m_store;
  const std::string& m_calendar_key;
  TimePoint m_baseline;
  TimePoint m_now;
  AdapterSource& m_adapters;
  const RunnerOptions& m_options;
  std::map<std::string, std::deque<InFlight>> m_waiting; // due, not claimed yet, per account
  std::map<size_t, InFlight> m_in_flight;                // handed to the pool, by task id
  size_t m_next_task = 0;
  std::vector<std::pair<size_t, Outcome>> m_outcomes; // with the index of their job
  std::map<size_t, std::string> m_ledgers;            // what the platform's ledger said, by index
  bool m_held = false;                                // prepare_and_go()'s transaction is open
  bool m_batching = false;                            // settles wait for write_batch()
  std::vector<store::JobChange> m_batch;              // their writes
  std::vector<std::function<void()>> m_then;          // and what follows each write
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
  case Kind::already_posted:
    return "already-posted";
  }
  return "?";
}

RetryPolicy
retry_policy_for(const RetryPolicy& defaults, const nlohmann::json& account_retry)
{
  RetryPolicy policy = defaults;
  if (!account_retry.is_object()) {
    return policy;
  }
  const auto seconds_of = [&](const char* key, std::chrono::seconds fallback) {
    return std::chrono::seconds(account_retry.value(key, fallback.count()));
  };
  policy.max_attempts = account_retry.value("attempts", policy.max_attempts);
  policy.backoff_base = seconds_of("backoff", policy.backoff_base);
  // A first wait longer than the default cap raises the cap with it.
  policy.backoff_cap = seconds_of("max_backoff", std::max(policy.backoff_cap, policy.backoff_base));
  policy.jitter_percent = account_retry.value("jitter", policy.jitter_percent);
  return policy;
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
  Run run(store, calendar_key, baseline, now, adapters, options);
  if (options.prepare) {
    return run.prepare_and_go();
  }
  return run.go(store.actionable_jobs(calendar_key, now));
}

std::vector<Outcome>
run_found_jobs(store::Store& store, const std::string& calendar_key, TimePoint baseline,
               TimePoint now, std::vector<Job> jobs, AdapterSource& adapters,
               const RunnerOptions& options)
{
  return Run(store, calendar_key, baseline, now, adapters, options).go(std::move(jobs));
}

} // namespace herald::queue
