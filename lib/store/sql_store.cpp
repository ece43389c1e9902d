// The Store on either backend: every job statement lives here once, in the SQL both dialects
// agree on (sql_connection.hpp); the few places where PostgreSQL needs more say so.
#include "sql_store.hpp"

#include "schema.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>

namespace herald::store {

namespace {

constexpr const char* k_job_columns =
  "calendar, id, post_id, account, platform, occurrence, due, state, revision, payload, grace, "
  "attempts, idempotency_key, remote_id, url, error, next_attempt, posted_at, lease_token, "
  "lease_until, updated_at, lease_holder";

// Every mutable column, in k_job_columns order (?1 and ?2 are the key).
constexpr const char* k_job_assignments =
  "post_id = ?3, account = ?4, platform = ?5, occurrence = ?6, due = ?7, state = ?8, "
  "revision = ?9, payload = ?10, grace = ?11, attempts = ?12, idempotency_key = ?13, "
  "remote_id = ?14, url = ?15, error = ?16, next_attempt = ?17, posted_at = ?18, "
  "lease_token = ?19, lease_until = ?20, updated_at = ?21, "
  // The same lease keeps its holder; a new one is this process's (update_job_if).
  "lease_holder = CASE WHEN lease_token = ?19 THEN lease_holder ELSE ?22 END";

// A calendar's record as its last sync left it (that sync's copy), in CalendarRecord's order.
constexpr const char* k_calendar_columns =
  "SELECT key, path, fingerprint, content_hash, files, baseline, horizon_until, synced_at, "
  "content_hash";

// The rule every job change follows: the row is still as the writer last saw it.
constexpr const char* k_job_unchanged =
  "calendar = ?1 AND id = ?2 AND state = ?23 AND lease_token = ?24";

// The name this host goes by in the state: HERALD_HOST, else the system's host name.
const std::string&
this_host()
{
  static const std::string host = [] {
    if (const char* set = std::getenv("HERALD_HOST"); set && *set) {
      return std::string(set);
    }
    std::array<char, 256> name{};
    if (::gethostname(name.data(), name.size() - 1) != 0) {
      return std::string("?");
    }
    return std::string(name.data());
  }();
  return host;
}

std::string
this_holder()
{
  return fmt::format("{}:{}", this_host(), ::getpid());
}

// A host's copy not read for this long is forgotten (CI runners are new hosts each time); the
// host, should it come back, compares its copy with the last sync's instead.
constexpr int64_t k_copy_kept_seconds = int64_t{ 366 } * 24 * 3600;

Job
read_job(const SqlRow& row)
{
  Job job;
  job.calendar = row.text(0);
  job.id = row.text(1);
  job.post_id = row.text(2);
  job.account = row.text(3);
  job.platform = row.text(4);
  job.occurrence = row.text(5);
  job.due = time_point(row.integer(6));
  job.state = parse_job_state(row.text(7)).value_or(JobState::unknown);
  job.revision = row.text(8);
  job.payload = row.text(9);
  job.grace = std::chrono::seconds(row.integer(10));
  job.attempts = static_cast<int>(row.integer(11));
  job.idempotency_key = row.text(12);
  job.remote_id = row.text(13);
  job.url = row.text(14);
  job.error = row.text(15);
  job.next_attempt = optional_time(row.optional_integer(16));
  job.posted_at = optional_time(row.optional_integer(17));
  job.lease_token = row.text(18);
  job.lease_until = optional_time(row.optional_integer(19));
  job.updated_at = time_point(row.integer(20));
  job.lease_holder = row.text(21);
  return job;
}

SqlParams
job_params(const Job& job, std::string_view holder)
{
  SqlParams params;
  params.add(job.calendar)
    .add(job.id)
    .add(job.post_id)
    .add(job.account)
    .add(job.platform)
    .add(job.occurrence)
    .add(seconds(job.due))
    .add(to_string(job.state))
    .add(job.revision)
    .add(job.payload)
    .add(static_cast<int64_t>(job.grace.count()))
    .add(static_cast<int64_t>(job.attempts))
    .add(job.idempotency_key)
    .add(job.remote_id)
    .add(job.url)
    .add(job.error)
    .add(optional_seconds(job.next_attempt))
    .add(optional_seconds(job.posted_at))
    .add(job.lease_token)
    .add(optional_seconds(job.lease_until))
    .add(seconds(job.updated_at))
    .add(holder);
  return params;
}

class SqlStore : public Store
{
public:
  using Store::actionable_jobs;
  explicit SqlStore(std::unique_ptr<SqlConnection> db)
    : m_db(std::move(db))
  {
    migrate(*m_db);
    const bool postgresql = m_db->dialect() == SqlDialect::postgresql;
    m_update = fmt::format("UPDATE jobs SET {} WHERE {}", k_job_assignments, k_job_unchanged);
    m_claim = m_update;
    if (postgresql) {
      // A row another runner is claiming right now is skipped, not waited for: it is theirs.
      m_claim += fmt::format(" AND (calendar, id) IN (SELECT calendar, id FROM jobs WHERE {} "
                             "FOR UPDATE SKIP LOCKED)",
                             k_job_unchanged);
    }
  }

  void begin_write() override { m_db->begin_write(); }
  void commit() override { m_db->commit(); }
  void rollback() override { m_db->rollback(); }

  std::optional<CalendarRecord> find_calendar(std::string_view key) override
  {
    m_db->lock_writers();
    return find_calendar_with(std::string(k_calendar_columns) + ", 0 FROM calendars WHERE key = ?1",
                              SqlParams().add(key));
  }

  std::optional<CalendarRecord> find_calendar_by_path(std::string_view path) override
  {
    m_db->lock_writers();
    // One statement: this is the first thing a cron tick asks.
    return find_calendar_with(
      "SELECT c.key, k.path, k.fingerprint, k.content_hash, k.files, c.baseline, "
      "c.horizon_until, c.synced_at AS synced_at, c.content_hash, 0 AS earlier "
      "FROM calendar_copies k "
      "JOIN calendars c ON c.key = k.calendar WHERE k.host = ?2 AND k.path = ?1 "
      "UNION ALL " +
        std::string(k_calendar_columns) +
        ", 1 FROM calendars WHERE path = ?1 ORDER BY earlier, synced_at DESC LIMIT 1",
      SqlParams().add(path).add(this_host()));
  }

  void put_calendar(const CalendarRecord& r) override
  {
    m_db->lock_writers();
    m_db->run("INSERT INTO calendars(key, path, fingerprint, content_hash, files, baseline, "
              "horizon_until, synced_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
              "ON CONFLICT(key) DO UPDATE SET path = excluded.path, "
              "fingerprint = excluded.fingerprint, content_hash = excluded.content_hash, "
              "files = excluded.files, baseline = excluded.baseline, "
              "horizon_until = excluded.horizon_until, synced_at = excluded.synced_at",
              SqlParams()
                .add(r.key)
                .add(r.path)
                .add(r.fingerprint)
                .add(r.content_hash)
                .add(r.files)
                .add(seconds(r.baseline))
                .add(seconds(r.horizon_until))
                .add(seconds(r.synced_at)));
    m_db->run("DELETE FROM calendar_copies WHERE read_at < ?1",
              SqlParams().add(seconds(r.synced_at) - k_copy_kept_seconds));
    put_calendar_copy(r, r.synced_at);
  }

  void put_calendar_copy(const CalendarRecord& r, TimePoint read_at) override
  {
    m_db->lock_writers(true);
    m_db->run("INSERT INTO calendar_copies(host, path, calendar, fingerprint, content_hash, files, "
              "read_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(host, path) DO UPDATE SET "
              "calendar = excluded.calendar, fingerprint = excluded.fingerprint, "
              "content_hash = excluded.content_hash, files = excluded.files, "
              "read_at = excluded.read_at",
              SqlParams()
                .add(this_host())
                .add(r.path)
                .add(r.key)
                .add(r.fingerprint)
                .add(r.content_hash)
                .add(r.files)
                .add(seconds(read_at)));
  }

  void rename_calendar(std::string_view from, std::string_view to) override
  {
    m_db->lock_writers();
    for (const char* sql : { "UPDATE calendars SET key = ?2 WHERE key = ?1",
                             "UPDATE calendar_copies SET calendar = ?2 WHERE calendar = ?1",
                             "UPDATE jobs SET calendar = ?2 WHERE calendar = ?1",
                             "UPDATE post_metrics SET calendar = ?2 WHERE calendar = ?1",
                             "UPDATE account_metrics SET calendar = ?2 WHERE calendar = ?1" }) {
      m_db->run(sql, SqlParams().add(from).add(to));
    }
  }

  std::vector<Job> list_jobs(const JobFilter& filter) override
  {
    m_db->lock_writers();
    std::string sql = fmt::format("SELECT {} FROM jobs WHERE TRUE", k_job_columns);
    SqlParams params;
    if (!filter.calendar.empty()) {
      params.add(filter.calendar);
      sql += fmt::format(" AND calendar = ?{}", params.values().size());
    }
    if (!filter.states.empty()) {
      sql += " AND state IN (";
      for (size_t i = 0; i < filter.states.size(); ++i) {
        sql += fmt::format("{}'{}'", i ? ", " : "", to_string(filter.states[i]));
      }
      sql += ")";
    }
    if (filter.due_before) {
      params.add(seconds(*filter.due_before));
      sql += fmt::format(" AND due <= ?{}", params.values().size());
    }
    const char* direction = filter.descending ? "DESC" : "ASC";
    // NULLs sort first in SQLite and last in PostgreSQL unless told.
    sql += filter.order_by == "posted"
             ? fmt::format(" ORDER BY posted_at {0} NULLS {1}, id {0}", direction,
                           filter.descending ? "LAST" : "FIRST")
             : fmt::format(" ORDER BY due {0}, id {0}", direction);
    if (filter.limit > 0) {
      sql += fmt::format(" LIMIT {}", filter.limit);
    }
    return jobs_of(sql, params);
  }

  std::optional<Job> find_job(std::string_view calendar, std::string_view id) override
  {
    m_db->lock_writers();
    auto jobs =
      jobs_of(fmt::format("SELECT {} FROM jobs WHERE calendar = ?1 AND id = ?2", k_job_columns),
              SqlParams().add(calendar).add(id));
    if (jobs.empty()) {
      return std::nullopt;
    }
    return std::move(jobs.front());
  }

  void insert_job(const Job& job) override
  {
    m_db->lock_writers();
    m_db->run(fmt::format("INSERT INTO jobs({}) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                          "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
                          k_job_columns),
              job_params(job, job.lease_token.empty() ? "" : job.lease_holder));
  }

  bool update_job_if(const Job& job, JobState expected_state,
                     std::string_view expected_token) override
  {
    auto statement = conditional_update(job, expected_state, expected_token);
    return m_db->run(statement.sql, statement.params) == 1;
  }

  std::vector<bool> update_jobs_if(const std::vector<JobChange>& changes) override
  {
    std::vector<SqlStatement> batch;
    batch.reserve(changes.size());
    for (const auto& change : changes) {
      batch.push_back(conditional_update(change.job, change.expected_state, change.expected_token));
    }
    std::vector<bool> written;
    for (const int64_t rows : m_db->run_batch(batch)) {
      written.push_back(rows == 1);
    }
    return written;
  }

  std::vector<size_t> claim_jobs(const std::vector<Job>& candidates, const Lease& lease,
                                 size_t at_most) override
  {
    std::vector<size_t> claimed;
    if (candidates.empty() || at_most == 0) {
      return claimed;
    }
    if (m_db->dialect() == SqlDialect::postgresql) {
      return claim_skipping_locked(candidates, lease, at_most);
    }
    // SQLite: this transaction holds the only write lock; nothing to skip.
    for (size_t i = 0; i < candidates.size() && claimed.size() < at_most; ++i) {
      if (update_job_if(claimed_under(candidates[i], lease), candidates[i].state,
                        candidates[i].lease_token)) {
        claimed.push_back(i);
      }
    }
    return claimed;
  }

  std::vector<Job> actionable_jobs(const std::vector<std::string>& calendars,
                                   TimePoint now) override
  {
    if (calendars.empty()) {
      return {};
    }
    // ?1 is the time, ?2... the calendars.
    SqlParams params;
    params.add(seconds(now));
    std::string in;
    for (size_t i = 0; i < calendars.size(); ++i) {
      in += fmt::format("{}?{}", i ? ", " : "", i + 2);
      params.add(calendars[i]);
    }
    // Three index range scans rather than one OR over every row of the calendar: a cron tick
    // with nothing due must not read the whole table.
    return jobs_of(fmt::format("SELECT {0} FROM jobs WHERE calendar IN ({1}) AND state = 'pending'"
                               " AND due <= ?1"
                               " UNION ALL SELECT {0} FROM jobs WHERE calendar IN ({1})"
                               " AND state = 'retry-wait' AND next_attempt <= ?1"
                               " UNION ALL SELECT {0} FROM jobs WHERE calendar IN ({1})"
                               " AND state IN ('claimed', 'sending') AND lease_until <= ?1"
                               " ORDER BY 7, 2",
                               k_job_columns, in),
                   params);
  }

  std::optional<TimePoint> next_due(std::string_view calendar) override
  {
    std::optional<int64_t> due;
    m_db->query("SELECT MIN(t) FROM ("
                " SELECT MIN(due) AS t FROM jobs WHERE calendar = ?1 AND state = 'pending'"
                " UNION ALL SELECT MIN(next_attempt) FROM jobs"
                "  WHERE calendar = ?1 AND state = 'retry-wait') AS due_times",
                SqlParams().add(calendar),
                [&](const SqlRow& row) { due = row.optional_integer(0); });
    return optional_time(due);
  }

private:
  // One statement for the lot: the candidates go as a JSON array, in order; the rows still as
  // found and not locked by another transaction are locked, the first `at_most` claimed.
  std::vector<size_t> claim_skipping_locked(const std::vector<Job>& candidates, const Lease& lease,
                                            size_t at_most)
  {
    m_db->lock_writers(true);
    std::map<std::string, size_t, std::less<>> index_of;
    nlohmann::json found = nlohmann::json::array();
    for (size_t i = 0; i < candidates.size(); ++i) {
      const Job& job = candidates[i];
      found.push_back(
        { { "id", job.id }, { "state", to_string(job.state) }, { "token", job.lease_token } });
      index_of.emplace(job.id, i);
    }
    std::vector<size_t> claimed;
    m_db->query(
      // A CTE runs once; `id IN (subquery)` may run the subquery again per row and so claim
      // more than the limit.
      "WITH picked AS MATERIALIZED ("
      " SELECT j.id FROM jsonb_array_elements(CAST(?6 AS jsonb)) WITH ORDINALITY AS c(job, n)"
      " JOIN jobs j ON j.calendar = ?1 AND j.id = c.job->>'id' AND j.state = c.job->>'state'"
      "  AND j.lease_token = c.job->>'token'"
      " ORDER BY c.n LIMIT ?7 FOR UPDATE OF j SKIP LOCKED) "
      "UPDATE jobs SET state = 'claimed', lease_token = ?2, lease_until = ?3, updated_at = ?4, "
      "lease_holder = ?5 FROM picked WHERE jobs.calendar = ?1 AND jobs.id = picked.id "
      "RETURNING jobs.id",
      SqlParams()
        .add(candidates.front().calendar)
        .add(lease.token)
        .add(seconds(lease.until))
        .add(seconds(lease.now))
        .add(this_holder())
        .add(found.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .add(static_cast<int64_t>(at_most)),
      [&](const SqlRow& row) {
        if (const auto i = index_of.find(row.text(0)); i != index_of.end()) {
          claimed.push_back(i->second);
        }
      });
    std::sort(claimed.begin(), claimed.end());
    return claimed;
  }

  SqlStatement conditional_update(const Job& job, JobState expected_state,
                                  std::string_view expected_token)
  {
    // A new lease token means the job changes hands: to this process.
    const std::string holder = job.lease_token.empty() ? std::string() : this_holder();
    auto params = job_params(job, holder);
    params.add(to_string(expected_state)).add(expected_token);
    // A claim (a new lease) in a transaction skips a row another runner holds: they are
    // claiming it. Every other change (the holder's own intent and settle, a single change
    // like `herald retry`) waits for the row: whoever holds it can only be a claimer that is
    // about to find it taken.
    const bool claiming = !job.lease_token.empty() && job.lease_token != expected_token;
    if (m_db->in_transaction()) {
      m_db->lock_writers(true);
    }
    const bool skip_locked = claiming && m_db->in_transaction();
    return { skip_locked ? m_claim : m_update, std::move(params) };
  }

  std::vector<Job> jobs_of(const std::string& sql, const SqlParams& params)
  {
    std::vector<Job> jobs;
    m_db->query(sql, params, [&](const SqlRow& row) { jobs.push_back(read_job(row)); });
    return jobs;
  }

  // `select` returns k_calendar_columns' columns; the first row is read.
  std::optional<CalendarRecord> find_calendar_with(const std::string& select,
                                                   const SqlParams& params)
  {
    std::optional<CalendarRecord> found;
    m_db->query(select, params, [&](const SqlRow& row) {
      if (found) {
        return;
      }
      CalendarRecord r;
      r.key = row.text(0);
      r.path = row.text(1);
      r.fingerprint = row.text(2);
      r.content_hash = row.text(3);
      r.files = row.text(4);
      r.baseline = time_point(row.integer(5));
      r.horizon_until = time_point(row.integer(6));
      r.synced_at = time_point(row.integer(7));
      r.synced_hash = row.text(8);
      found = std::move(r);
    });
    return found;
  }

  std::unique_ptr<SqlConnection> m_db;
  std::string m_update;
  std::string m_claim;
};

} // namespace

std::unique_ptr<Store>
open_sql_store(std::unique_ptr<SqlConnection> connection)
{
  return std::make_unique<SqlStore>(std::move(connection));
}

} // namespace herald::store
